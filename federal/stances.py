"""Stances that follow the agreements: an agency ICE lists cooperates, through the stance services.

An agency that ICE's latest participating list shows has a published stance "cooperates" with
"has a 287(g) agreement: yes", effective from its earliest signing date (or, lacking one, the
first list that showed it), citing ICE's lists (the first and last that showed it, and the one
that no longer did) and the agreement documents. When no list shows it any more, the stance
ends on the date of the first list without it. Stances the importer wrote are recorded in
`ImportedStance`; any other stance is an editor's and is never touched: where an editor's
published stance covers the same days and says otherwise, a review item says so.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from cities.models import Agency, StanceLevel
from statements import services as stance_services
from statements.models import Practice, Source, Stance, Status

from .models import Agreement, ImportedStance, Listing, ListKind, ListSnapshot, ReviewKind
from .review import review_item_raise

ICE = "U.S. Immigration and Customs Enforcement"


@dataclass
class StanceReport:
    created: list[Stance] = field(default_factory=list)
    ended: list[Stance] = field(default_factory=list)
    updated: list[Stance] = field(default_factory=list)
    left_to_editors: list[Agency] = field(default_factory=list)


@dataclass
class _Wanted:
    agency: Agency
    effective_from: datetime.date
    ended_on: datetime.date | None
    summary: str
    sources: list[Source]

    def overlaps(self, stance: Stance) -> bool:
        starts_before_we_end = self.ended_on is None or stance.effective_from < self.ended_on
        ends_after_we_start = stance.ended_on is None or stance.ended_on > self.effective_from
        return starts_before_we_end and ends_after_we_start


def agreement_document_sources(*, agreements: list[Agreement]) -> dict[int, Source]:
    """{agreement id: the Source of its agreement document (MOA)}, created for documents not
    cited before: one query, plus one per new document."""
    urls = {a.moa_url for a in agreements if a.moa_url}
    by_url = {source.url: source for source in Source.objects.filter(url__in=urls)}
    found = {}
    for agreement in sorted(agreements, key=lambda a: a.pk):
        if not agreement.moa_url:
            continue
        if agreement.moa_url not in by_url:
            by_url[agreement.moa_url] = Source.objects.create(
                url=agreement.moa_url,
                publisher=ICE,
                title=f"287(g) agreement: {agreement.agency.name}, "
                f"{agreement.get_support_type_display()}",
                published_on=agreement.signed_on,
            )
        found[agreement.pk] = by_url[agreement.moa_url]
    return found


def _summary(agency: Agency, agreements: list[Agreement], first, last, ended_on) -> str:
    kinds = "; ".join(
        f"{a.get_support_type_display()}"
        + (f", signed {a.signed_on:%Y-%m-%d}" if a.signed_on else ", signing date not given")
        for a in agreements
    )
    if ended_on is None:
        return f"ICE lists {agency.name} as a 287(g) participating agency ({kinds})."
    return (
        f"ICE listed {agency.name} as a 287(g) participating agency from {first:%Y-%m-%d} to "
        f"{last:%Y-%m-%d} ({kinds}); its list of {ended_on:%Y-%m-%d} no longer does."
    )


def _wanted_stances() -> list[_Wanted]:
    """What each agency on a participating list should have: about five queries plus one or
    two per agreement document not yet a source."""
    snapshots = {
        s.pk: s
        for s in ListSnapshot.objects.filter(kind=ListKind.PARTICIPATING).select_related("source")
    }
    dates = sorted(s.listed_on for s in snapshots.values())
    by_date = {s.listed_on: s for s in snapshots.values()}
    shown: dict[int, set[datetime.date]] = defaultdict(set)
    agreement_ids: dict[int, set[int]] = defaultdict(set)
    listings = Listing.objects.filter(snapshot__in=snapshots, agency__isnull=False)
    for agency_id, snapshot_id, agreement_id in listings.values_list(
        "agency_id", "snapshot_id", "agreement_id"
    ):
        shown[agency_id].add(snapshots[snapshot_id].listed_on)
        if agreement_id:
            agreement_ids[agency_id].add(agreement_id)
    agencies = Agency.objects.select_related("jurisdiction").in_bulk(shown)
    agreements = Agreement.objects.select_related("agency").in_bulk(
        {pk for ids in agreement_ids.values() for pk in ids}
    )
    documents = agreement_document_sources(agreements=list(agreements.values()))
    wanted = []
    for agency_id in sorted(shown):
        days = sorted(shown[agency_id])
        mine = sorted(
            (agreements[pk] for pk in agreement_ids[agency_id]),
            key=lambda a: (a.support_type, a.pk),
        )
        signed = [a.signed_on for a in mine if a.signed_on]
        later = [d for d in dates if d > days[-1]]
        ended_on = later[0] if later else None
        cited = [by_date[days[0]].source, by_date[days[-1]].source]
        if ended_on:
            cited.append(by_date[ended_on].source)
        cited += [documents[a.pk] for a in mine if a.pk in documents]
        wanted.append(
            _Wanted(
                agency=agencies[agency_id],
                effective_from=min([*signed, days[0]]),
                ended_on=ended_on,
                summary=_summary(agencies[agency_id], mine, days[0], days[-1], ended_on),
                sources=list(dict.fromkeys(cited)),
            )
        )
    return wanted


def _disagrees(stance: Stance) -> bool:
    return stance.level != StanceLevel.COOPERATES or stance.has_287g_agreement == Practice.NO


def agency_stances_sync() -> StanceReport:
    """Create, update or end the importer's stance of every agency on a participating list.

    Writes go through statements.services (stance_publish, stance_save), so each jurisdiction's
    headline follows. Nothing is written where nothing changed.
    """
    report = StanceReport()
    wanted = _wanted_stances()
    imported = {
        i.agency_id: i.stance
        for i in ImportedStance.objects.select_related("stance")
        .prefetch_related("stance__sources")
        .filter(agency__in=[w.agency for w in wanted])
    }
    editors = defaultdict(list)
    for stance in (
        Stance.objects.published()
        .filter(agency__in=[w.agency for w in wanted])
        .exclude(pk__in=[s.pk for s in imported.values()])
    ):
        editors[stance.agency_id].append(stance)
    for want in wanted:
        theirs = [s for s in editors[want.agency.pk] if want.overlaps(s)]
        if theirs:
            report.left_to_editors.append(want.agency)
            for stance in theirs:
                if _disagrees(stance):
                    _raise_disagreement(want, stance)
            continue
        ours = imported.get(want.agency.pk)
        if ours is None:
            report.created.append(_create(want))
        elif ours.status == Status.PUBLISHED:
            _update(want, ours, report)
    return report


def _raise_disagreement(want: _Wanted, stance: Stance) -> None:
    review_item_raise(
        kind=ReviewKind.STANCE_DISAGREES,
        key=f"stance:{stance.pk}",
        agency=want.agency,
        stance=stance,
        message=f"{want.summary} An editor's stance from {stance.effective_from:%Y-%m-%d} says "
        f"“{stance.get_level_display()}” (287(g) agreement: "
        f"{stance.get_has_287g_agreement_display().lower()}); the importer left it as it is.",
    )


def _create(want: _Wanted) -> Stance:
    stance = Stance(
        jurisdiction=want.agency.jurisdiction,
        agency=want.agency,
        level=StanceLevel.COOPERATES,
        effective_from=want.effective_from,
        ended_on=want.ended_on,
        has_287g_agreement=Practice.YES,
        summary=want.summary,
        status=Status.DRAFT,
    )
    stance._change_reason = "From ICE's 287(g) list"
    stance.save()
    stance.sources.set(want.sources)
    stance_services.stance_publish(stance=stance)
    ImportedStance.objects.create(agency=want.agency, stance=stance)
    return stance


def _update(want: _Wanted, stance: Stance, report: StanceReport) -> None:
    fields = {
        "effective_from": want.effective_from,
        "ended_on": want.ended_on,
        "summary": want.summary,
        "level": StanceLevel.COOPERATES,
        "has_287g_agreement": Practice.YES,
    }
    changed = any(getattr(stance, name) != value for name, value in fields.items())
    if changed:
        was_current = stance.ended_on is None
        for name, value in fields.items():
            setattr(stance, name, value)
        stance._change_reason = (
            f"No longer listed by ICE on {want.ended_on:%Y-%m-%d}"
            if want.ended_on
            else "Listed by ICE"
        )
        stance_services.stance_save(stance=stance)
        (report.ended if was_current and want.ended_on else report.updated).append(stance)
    if set(stance.sources.all()) != set(want.sources):
        stance.sources.set(want.sources)

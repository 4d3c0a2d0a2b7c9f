"""Agreements from listings: which rows of ICE's lists are one agency and one agreement.

`agreements_reconcile` recomputes agencies, names and agreements from every matched listing of
every imported list, and writes only what differs, so the result depends on the lists imported,
not on their order, and a second run writes nothing.

- An agency is its jurisdiction and its name reduced by `matching.agency_key`: "City of Miami
  Springs Police Department" and "Miami Springs Police Department" are one agency.
- Between two consecutive participating lists, an agreement that disappears and one that appears
  in the same jurisdiction with the same support type and the same agreement document (or the
  same signing date, where neither link contradicts it), with no other candidate on either
  side, is one agreement continuing. If the names are the same words give or take some
  ("New Hampshire State Police" → "… Police Department") the agency was renamed; otherwise the
  agreement moved to another agency, which an editor is asked to review.
- An agreement's dates and status follow from the lists: listed if the latest participating list
  shows it; pending if only the latest pending list does; otherwise no longer listed, ended on
  the date of the first list after the last one that showed it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from cities.models import Agency

from .matching import agency_key, agency_kind, similar_names
from .models import (
    AgencyListingName,
    Agreement,
    AgreementStatus,
    Listing,
    ListKind,
    ListSnapshot,
    ReviewKind,
    SupportType,
)
from .review import agreement_reviews_raise, review_item_raise

RENAME_REASON = "Renamed on ICE's 287(g) list"


@dataclass
class Row:
    """A matched listing, as the reconciliation reads it."""

    pk: int
    kind: str
    listed_on: datetime.date
    snapshot_id: int
    row_number: int
    jurisdiction_id: int
    name: str
    support_type: str
    signed_on: datetime.date | None
    moa_url: str
    addendum_url: str
    agency_id: int | None
    agreement_id: int | None

    @property
    def key(self) -> tuple[int, str]:
        return (self.jurisdiction_id, agency_key(self.name))

    @property
    def order(self) -> tuple:
        """Later lists last; on one date the participating list after the pending one; within a
        list the first row last, so that max() picks it."""
        return (self.listed_on, self.kind == ListKind.PARTICIPATING, -self.row_number)


@dataclass
class ReconcileReport:
    renamed: list[tuple[str, str, str]] = field(default_factory=list)  # (old, new, where)
    agencies_created: list[Agency] = field(default_factory=list)
    agreements_created: int = 0
    agreements_updated: int = 0
    agreements_deleted: int = 0


class _Groups:
    """Union-find: which keys are one thing."""

    def __init__(self):
        self.parent: dict = {}

    def find(self, item):
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a, b) -> None:
        self.parent[self.find(a)] = self.find(b)

    def groups(self, items) -> list[list]:
        found = defaultdict(list)
        for item in items:
            found[self.find(item)].append(item)
        return list(found.values())


def _rows() -> list[Row]:
    listings = Listing.objects.filter(jurisdiction__isnull=False).exclude(support_type="")
    return [
        Row(*values)
        for values in listings.values_list(
            "pk",
            "snapshot__kind",
            "snapshot__listed_on",
            "snapshot_id",
            "row_number",
            "jurisdiction_id",
            "agency_name",
            "support_type",
            "signed_on",
            "moa_url",
            "addendum_url",
            "agency_id",
            "agreement_id",
        )
    ]


def _compatible(gone: Row, new: Row) -> bool:
    if gone.moa_url and new.moa_url:
        return gone.moa_url == new.moa_url
    return gone.signed_on is not None and gone.signed_on == new.signed_on


def _continuations(rows: list[Row]) -> tuple[list[tuple[Row, Row]], list[tuple[Row, list[Row]]]]:
    """(pairs of one agreement continuing under another key, ended rows with several possible
    successors) between each two consecutive participating lists."""
    by_date: dict[datetime.date, dict[tuple, Row]] = defaultdict(dict)
    for row in sorted(rows, key=lambda r: r.order):
        if row.kind == ListKind.PARTICIPATING:
            by_date[row.listed_on][(row.key, row.support_type)] = row
    dates = sorted(by_date)
    pairs, unclear = [], []
    for before, after in zip(dates, dates[1:], strict=False):
        old, new = by_date[before], by_date[after]
        gone = [old[k] for k in old.keys() - new.keys()]
        came = [new[k] for k in new.keys() - old.keys()]
        options = {
            g.pk: [
                c
                for c in came
                if c.jurisdiction_id == g.jurisdiction_id
                and c.support_type == g.support_type
                and _compatible(g, c)
            ]
            for g in gone
        }
        claims = defaultdict(int)
        for candidates in options.values():
            for candidate in candidates:
                claims[candidate.pk] += 1
        for g in sorted(gone, key=lambda r: r.row_number):
            candidates = options[g.pk]
            if len(candidates) == 1 and claims[candidates[0].pk] == 1:
                pairs.append((g, candidates[0]))
            elif candidates:
                unclear.append((g, sorted(candidates, key=lambda r: r.row_number)))
    return pairs, unclear


@dataclass
class _Agencies:
    """The agency of each key, found among the agencies stored or created now."""

    by_key: dict[tuple[int, str], int]
    agencies: dict[int, Agency]


def _stored_agencies(rows: list[Row]) -> _Agencies:
    jurisdictions = {row.jurisdiction_id for row in rows}
    agencies = Agency.objects.filter(jurisdiction_id__in=jurisdictions).in_bulk()
    by_key: dict[tuple[int, str], int] = {}
    for agency in sorted(agencies.values(), key=lambda a: a.pk):
        by_key.setdefault((agency.jurisdiction_id, agency_key(agency.name)), agency.pk)
    names = AgencyListingName.objects.filter(agency_id__in=agencies).values_list(
        "agency_id", "name"
    )
    for agency_id, name in names:
        by_key[(agencies[agency_id].jurisdiction_id, agency_key(name))] = agency_id
    return _Agencies(by_key=by_key, agencies=agencies)


def agreements_reconcile() -> ReconcileReport:
    """Bring agencies, their ICE names and the agreements in line with every listing stored.

    About a dozen queries plus one write per agency or agreement that changes; call it inside
    a transaction.
    """
    report = ReconcileReport()
    rows = _rows()
    pairs, unclear = _continuations(rows)
    keys = _Groups()
    moves = []
    for gone, new in pairs:
        if similar_names(gone.name, new.name):
            keys.union(gone.key, new.key)
        else:
            moves.append((gone, new))
    stored = _stored_agencies(rows)
    agency_of = _assign_agencies(rows, keys, stored, report)
    _record_names(rows, agency_of, stored, report)
    nodes = _Groups()
    for gone, new in moves:
        nodes.union(
            (agency_of[gone.key], gone.support_type), (agency_of[new.key], new.support_type)
        )
    chains = nodes.groups(sorted({(agency_of[row.key], row.support_type) for row in rows}, key=str))
    rows_by_node = defaultdict(list)
    for row in rows:
        rows_by_node[(agency_of[row.key], row.support_type)].append(row)
    chain_rows = [[row for node in chain for row in rows_by_node[node]] for chain in chains]
    _save_agreements(chain_rows, report)
    agreement_reviews_raise(chain_rows=chain_rows, unclear=unclear, agencies=stored.agencies)
    return report


def _assign_agencies(rows, keys: _Groups, stored: _Agencies, report) -> dict[tuple, int]:
    """{key: agency id}; creates the agencies no stored one answers to."""
    agency_of: dict[tuple, int] = {}
    all_keys = sorted({row.key for row in rows})
    latest_row = {}
    for row in rows:
        if row.key not in latest_row or row.order > latest_row[row.key].order:
            latest_row[row.key] = row
    for group in keys.groups(all_keys):
        found = sorted({stored.by_key[k] for k in group if k in stored.by_key})
        if len(found) > 1:
            # Two stored agencies answer to names ICE used for one: an editor merges them.
            names = ", ".join(stored.agencies[pk].name for pk in found)
            review_item_raise(
                kind=ReviewKind.AGENCIES_TO_MERGE,
                key=f"merge:{'-'.join(map(str, found))}",
                agency=stored.agencies[found[0]],
                message=f"ICE's lists show one agency under names held by {names}; "
                "merge them if they are one agency.",
            )
        if found:
            for k in group:
                agency_of[k] = stored.by_key.get(k, found[0])
            continue
        latest = max((latest_row[k] for k in group), key=lambda r: r.order)
        agency = Agency(
            jurisdiction_id=latest.jurisdiction_id,
            name=latest.name,
            kind=agency_kind(latest.name),
        )
        agency._change_reason = "Listed on ICE's 287(g) list"
        agency.save()
        stored.agencies[agency.pk] = agency
        report.agencies_created.append(agency)
        for k in group:
            agency_of[k] = agency.pk
            stored.by_key[k] = agency.pk
    return agency_of


def _record_names(rows, agency_of, stored: _Agencies, report) -> None:
    """Each name ICE used for an agency, with its dates; the agency takes ICE's latest name
    unless an editor has named it otherwise."""
    spans: dict[tuple[int, str], list[datetime.date]] = {}
    latest: dict[int, Row] = {}
    relinked = []
    for row in rows:
        agency_id = agency_of[row.key]
        span = spans.setdefault((agency_id, row.name), [row.listed_on, row.listed_on])
        span[0], span[1] = min(span[0], row.listed_on), max(span[1], row.listed_on)
        if agency_id not in latest or row.order > latest[agency_id].order:
            latest[agency_id] = row
        if row.agency_id != agency_id:
            relinked.append(Listing(pk=row.pk, agency_id=agency_id))
            row.agency_id = agency_id
    Listing.objects.bulk_update(relinked, ["agency"], batch_size=500)
    known = {
        (n.agency_id, n.name): n
        for n in AgencyListingName.objects.filter(agency_id__in={a for a, _ in spans})
    }
    new, changed = [], []
    for (agency_id, name), (first, last) in sorted(spans.items()):
        stored_name = known.get((agency_id, name))
        if stored_name is None:
            new.append(
                AgencyListingName(
                    agency_id=agency_id, name=name, first_listed_on=first, last_listed_on=last
                )
            )
        elif (stored_name.first_listed_on, stored_name.last_listed_on) != (first, last):
            stored_name.first_listed_on, stored_name.last_listed_on = first, last
            changed.append(stored_name)
    AgencyListingName.objects.bulk_create(new, batch_size=500)
    AgencyListingName.objects.bulk_update(changed, ["first_listed_on", "last_listed_on"])
    ice_names = defaultdict(set)
    for agency_id, name in spans:
        ice_names[agency_id].add(name)
    for agency_id, row in sorted(latest.items()):
        agency = stored.agencies[agency_id]
        if agency.name == row.name or agency.name not in ice_names[agency_id]:
            continue
        taken = Agency.objects.filter(jurisdiction_id=agency.jurisdiction_id, name=row.name)
        if taken.exclude(pk=agency.pk).exists():
            continue
        report.renamed.append((agency.name, row.name, str(agency.jurisdiction)))
        agency.name = row.name
        agency._change_reason = f"{RENAME_REASON} of {row.listed_on:%Y-%m-%d}"
        agency.save(update_fields=["name", "updated_at"])


def _desired(rows: list[Row], latest_dates: dict[str, datetime.date | None], dates) -> dict:
    """An agreement's fields, computed from its listings and the lists imported."""
    participating = [r for r in rows if r.kind == ListKind.PARTICIPATING]
    basis = participating or rows
    latest = max(basis, key=lambda r: r.order)
    shown = sorted({r.listed_on for r in basis})
    status, ended_on = AgreementStatus.NO_LONGER_LISTED, None
    if latest_dates[ListKind.PARTICIPATING] in {r.listed_on for r in participating}:
        status = AgreementStatus.LISTED
    elif latest_dates[ListKind.PENDING] in {
        r.listed_on for r in rows if r.kind == ListKind.PENDING
    }:
        status = AgreementStatus.PENDING
    else:
        later = [d for d in dates[latest.kind] if d > shown[-1]]
        ended_on = later[0]

    def newest(attribute):
        for row in sorted(participating, key=lambda r: r.order, reverse=True):
            if getattr(row, attribute):
                return getattr(row, attribute)
        return None

    return {
        "agency_id": latest.agency_id,
        "support_type": SupportType(latest.support_type),
        "signed_on": newest("signed_on"),
        "moa_url": newest("moa_url") or "",
        "addendum_url": newest("addendum_url") or "",
        "first_listed_on": shown[0],
        "last_listed_on": shown[-1],
        "ended_on": ended_on,
        "status": status,
    }


def _save_agreements(chain_rows: list[list[Row]], report: ReconcileReport) -> None:
    """Give each chain of listings one agreement record, reusing the one its listings point
    to, and write the fields that differ; agreements left without listings are deleted."""
    dates = {
        kind: sorted(ListSnapshot.objects.filter(kind=kind).values_list("listed_on", flat=True))
        for kind in ListKind.values
    }
    latest_dates = {kind: (found[-1] if found else None) for kind, found in dates.items()}
    existing = Agreement.objects.in_bulk()
    claimed: set[int] = set()
    plans = []
    # Earliest chain first, so that an agreement record stays with the chain that began it.
    for rows in sorted(chain_rows, key=lambda rs: min((r.listed_on, r.kind, r.key) for r in rs)):
        desired = _desired(rows, latest_dates, dates)
        candidates = sorted({r.agreement_id for r in rows if r.agreement_id} - claimed)
        agreement = existing[candidates[0]] if candidates else None
        if agreement is not None:
            claimed.add(agreement.pk)
        plans.append((agreement, desired, rows))
    # Agreements that leave the listed or pending state go first: the constraints allow one
    # listed (and one pending) agreement per agency and type at any moment.
    plans.sort(key=lambda plan: plan[1]["status"] != AgreementStatus.NO_LONGER_LISTED)
    relinked = []
    for agreement, desired, rows in plans:
        if agreement is None:
            agreement = Agreement(**desired)
            agreement._change_reason = "Listed on ICE's 287(g) list"
            agreement.save()
            report.agreements_created += 1
        elif any(getattr(agreement, name) != value for name, value in desired.items()):
            for name, value in desired.items():
                setattr(agreement, name, value)
            agreement._change_reason = f"ICE's 287(g) list: {agreement.status_note}"
            agreement.save()
            report.agreements_updated += 1
        relinked += [
            Listing(pk=r.pk, agreement_id=agreement.pk)
            for r in rows
            if r.agreement_id != agreement.pk
        ]
        for row in rows:
            row.agreement_id = agreement.pk
    Listing.objects.bulk_update(relinked, ["agreement"], batch_size=500)
    orphans = Agreement.objects.exclude(pk__in=claimed).filter(listings__isnull=True)
    report.agreements_deleted = len(orphans)
    for orphan in orphans:
        orphan.delete()

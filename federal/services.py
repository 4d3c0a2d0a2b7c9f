"""Imports of the federal lists: ICE's 287(g) sheets and the Justice Department's designations.

Both are all or nothing (one transaction) and safe to run again. The management commands
import_287g and import_designations call these; a dry run is the same call rolled back.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from cities.models import JurisdictionLevel
from statements.models import Source
from tracker.page_tags import bump_generation

from .agreements import ReconcileReport, agreements_reconcile
from .doj_list import LABEL, DojRow, DojRowError, read_doj_list
from .ice_sheets import IceRow, RowError, open_sheet, read_file_name, read_rows
from .matching import Match, PlaceMatcher
from .models import Agreement, AgreementStatus, Designation, Listing, ListSnapshot, ReviewItem
from .stances import ICE, StanceReport, agency_stances_sync

# Where ICE publishes its sheets; the file name is ICE's own.
ICE_SHEET_URL = "https://www.ice.gov/doclib/about/offices/ero/287g/{name}"

Progress = Callable[[int, int], None]


class ImportRefused(Exception):
    """The list cannot be imported as asked; the message says why and what to do."""


@dataclass
class IceImportReport:
    file_name: str
    kind: str
    listed_on: datetime.date
    sha256: str
    already_imported: ListSnapshot | None = None
    rows_read: int = 0
    blank_rows: int = 0
    rows_matched: int = 0
    added: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    ended: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    unmatched: list[tuple[int, str, str]] = field(default_factory=list)  # (row, agency, why)
    notes: list[tuple[int, str, str]] = field(default_factory=list)
    review: list[str] = field(default_factory=list)
    cities_created: list[str] = field(default_factory=list)
    reconcile: ReconcileReport | None = None
    stances: StanceReport | None = None


def ice_list_source(*, kind: str, listed_on: datetime.date, url: str) -> Source:
    """The Source citing one of ICE's lists (one or two queries)."""
    source, _ = Source.objects.get_or_create(
        url=url,
        defaults={
            "publisher": ICE,
            "title": f"287(g) {kind} agencies, list of {listed_on:%Y-%m-%d}",
            "published_on": listed_on,
        },
    )
    return source


@transaction.atomic
def ice_list_import(
    *,
    path: Path,
    listed_on: datetime.date | None = None,
    source_url: str = "",
    progress: Progress | None = None,
    load_counties: bool = True,
) -> IceImportReport:
    """Import one of ICE's sheets: its rows as listings, then agreements and stances recomputed
    from every list imported. A file already imported (same SHA-256) changes nothing.

    Raises SheetError for a file that is not an ICE sheet and ImportRefused for a second,
    different list of the same kind and date.
    """
    sheet = open_sheet(Path(path), listed_on=listed_on)
    report = IceImportReport(
        file_name=sheet.path.name, kind=sheet.kind, listed_on=sheet.listed_on, sha256=sheet.sha256
    )
    report.already_imported = ListSnapshot.objects.filter(sha256=sheet.sha256).first()
    if report.already_imported is not None:
        return report
    clash = ListSnapshot.objects.filter(kind=sheet.kind, listed_on=sheet.listed_on).first()
    if clash is not None:
        raise ImportRefused(
            f"ICE's {sheet.kind} list of {sheet.listed_on:%Y-%m-%d} is already imported from "
            f"{clash.file_name} (SHA-256 {clash.sha256[:12]}…), which differs from this file."
        )
    url = source_url or (
        ICE_SHEET_URL.format(name=sheet.path.name) if read_file_name(sheet.path.name).kind else ""
    )
    if not url:
        raise ImportRefused(
            f"{sheet.path.name} is not named as ICE names its sheets; give its address with "
            "--source-url."
        )
    before = _agreements_state()
    reviews_before = set(ReviewItem.objects.values_list("key", flat=True))
    snapshot = ListSnapshot.objects.create(
        kind=sheet.kind,
        listed_on=sheet.listed_on,
        file_name=sheet.path.name,
        sha256=sheet.sha256,
        source=ice_list_source(kind=sheet.kind, listed_on=sheet.listed_on, url=url),
    )
    matcher = PlaceMatcher(load_counties=load_counties)
    listings = []
    done = 0
    for item in read_rows(sheet):
        listings.append(_listing(snapshot, item, matcher, report))
        done = item.row_number - sheet.header_row
        if progress:
            progress(done, sheet.total_rows)
    if progress and done < sheet.total_rows:
        progress(sheet.total_rows, sheet.total_rows)  # the blank rows at the end
    Listing.objects.bulk_create(listings, batch_size=500)
    # Bulk writes send no save signals: every page and list kept at versions is stale.
    transaction.on_commit(bump_generation)
    report.rows_read = len(listings)
    report.blank_rows = len(sheet.blank_rows)
    report.rows_matched = sum(1 for listing in listings if listing.jurisdiction_id)
    snapshot.rows_read = report.rows_read
    snapshot.rows_matched = report.rows_matched
    snapshot.rows_unmatched = report.rows_read - report.rows_matched
    snapshot.save(update_fields=["rows_read", "rows_matched", "rows_unmatched", "updated_at"])
    report.cities_created = [f"{j} ({j.slug})" for j in matcher.created]
    report.reconcile = agreements_reconcile()
    report.stances = agency_stances_sync()
    _describe_changes(snapshot, before, report)
    report.review = [
        f"{item.get_kind_display()}: {item.message}"
        for item in ReviewItem.objects.exclude(key__in=reviews_before).order_by("kind", "pk")
    ]
    return report


def _listing(snapshot, item: IceRow | RowError, matcher: PlaceMatcher, report) -> Listing:
    if isinstance(item, RowError):
        report.unmatched.append((item.row_number, item.agency_name, item.reason))
        return Listing(
            snapshot=snapshot,
            row_number=item.row_number,
            state=item.state,
            agency_name=item.agency_name[:300],
            problem=item.reason,
        )
    match: Match = matcher.ice_row(
        state=item.state,
        listed_type=item.listed_type,
        agency_name=item.agency_name,
        county_name=item.county_name,
    )
    if match.problem:
        report.unmatched.append((item.row_number, item.agency_name, match.problem))
    for note in (*item.notes, match.note):
        if note:
            report.notes.append((item.row_number, item.agency_name, note))
    return Listing(
        snapshot=snapshot,
        row_number=item.row_number,
        state=item.state,
        agency_name=item.agency_name[:300],
        listed_type=item.listed_type,
        county_name=item.county_name[:200],
        support_type=item.support_type,
        signed_on=item.signed_on,
        signed_text=item.signed_text[:100],
        moa_url=item.moa_url[:1000],
        addendum_url=item.addendum_url[:1000],
        jurisdiction=match.jurisdiction,
        problem=match.problem,
    )


def _agreements_state() -> dict[int, tuple]:
    return {
        pk: rest
        for pk, *rest in Agreement.objects.values_list("pk", "agency_id", "agency__name", "status")
    }


def _describe_changes(snapshot: ListSnapshot, before: dict[int, tuple], report) -> None:
    """Fill the report's lists of agreements added, pending, ended and moved (three queries)."""
    rows = defaultdict(list)
    for agreement_id, row_number in snapshot.listings.filter(agreement__isnull=False).values_list(
        "agreement_id", "row_number"
    ):
        rows[agreement_id].append(row_number)
    agreements = Agreement.objects.select_related("agency__jurisdiction").order_by(
        "agency__jurisdiction__state", "agency__name", "support_type"
    )
    for agreement in agreements:
        old_agency, old_name, old_status = before.get(agreement.pk, (None, "", None))
        where = ", ".join(f"row {n}" for n in sorted(rows.get(agreement.pk, [])))
        line = (
            f"{agreement.agency.name} ({agreement.agency.jurisdiction}): "
            f"{agreement.get_support_type_display()}"
            + (f", signed {agreement.signed_on:%Y-%m-%d}" if agreement.signed_on else "")
            + (f" [{where}]" if where else "")
        )
        if agreement.status != old_status:
            if agreement.status == AgreementStatus.LISTED:
                report.added.append(line)
            elif agreement.status == AgreementStatus.PENDING:
                report.pending.append(line)
            else:
                report.ended.append(f"{line}: {agreement.status_note}")
        if old_agency is not None and old_agency != agreement.agency_id:
            report.moved.append(f"{line}: listed under {old_name} before")
    report.renamed = [f"{old} → {new} ({where})" for old, new, where in report.reconcile.renamed]


# Designations -----------------------------------------------------------------------------


@dataclass
class DesignationReport:
    read: int = 0
    created: list[str] = field(default_factory=list)
    unchanged: int = 0
    # Lines naming a jurisdiction an earlier line of the same file named ("San Francisco
    # County" and "San Francisco" are one city-county): one designation.
    same_place: list[str] = field(default_factory=list)
    matched: list[tuple[str, str]] = field(default_factory=list)  # (name as written, slug)
    unmatched: list[tuple[int, str, str]] = field(default_factory=list)  # (line, name, why)


def _designated_place(row: DojRow, matcher: PlaceMatcher) -> Match:
    if row.level == JurisdictionLevel.STATE:
        return matcher.state(row.state)
    if row.level == JurisdictionLevel.FEDERAL_DISTRICT:
        return matcher.federal_district(row.state)
    if row.level == JurisdictionLevel.COUNTY:
        return matcher.county(row.name, row.state)
    return matcher.city(row.name, row.state)


@transaction.atomic
def designations_import(*, path: Path, load_counties: bool = True) -> DesignationReport:
    """Record each line of the DOJ list as a Designation of the jurisdiction it names; a line
    already recorded is left as it is, and a line that matches no jurisdiction is reported."""
    report = DesignationReport()
    matcher = PlaceMatcher(load_counties=load_counties)
    lines_of: dict[int, DojRow] = {}
    for row in read_doj_list(Path(path)):
        report.read += 1
        if isinstance(row, DojRowError):
            report.unmatched.append((row.line, row.name, row.reason))
            continue
        match = _designated_place(row, matcher)
        if match.jurisdiction is None:
            report.unmatched.append((row.line, row.name, match.problem))
            continue
        report.matched.append((row.name, match.jurisdiction.slug))
        source, _ = Source.objects.get_or_create(
            url=row.source_url,
            defaults={
                "publisher": row.designated_by,
                "title": row.source_title,
                "published_on": row.designated_on,
            },
        )
        designation, created = Designation.objects.get_or_create(
            jurisdiction=match.jurisdiction,
            designated_by=row.designated_by,
            label=LABEL,
            designated_on=row.designated_on,
            defaults={"source": source},
        )
        if created:
            report.created.append(f"{row.name} → {match.jurisdiction.slug}")
            lines_of[designation.pk] = row
        elif designation.pk in lines_of:
            first = lines_of[designation.pk]
            report.same_place.append(
                f"line {row.line}: {row.name} → {match.jurisdiction.slug}, as line "
                f"{first.line} ({first.name})"
            )
        else:
            report.unchanged += 1
    return report

"""Writing the Census states and county equivalents into Jurisdiction, once.

A row is matched to a jurisdiction already stored by GEOID, else by slug, else by name, state
and level, so that a seeded city (San Francisco, Baltimore, Washington DC) gains its GEOID
instead of a twin. A matched jurisdiction is only ever filled in, never overwritten: an
empty GEOID, empty coordinates and an empty parent take the atlas's values; names, slugs,
levels and everything an editor set stay as they are. A second run therefore writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from tracker.page_tags import bump_generation

from ..models import Jurisdiction, JurisdictionLevel
from .census import AreaRow

CHANGE_REASON = "Census states and counties (import_counties)"
BATCH_SIZE = 500


@dataclass
class CountyImportReport:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Rows left out because their slug or name belongs to a jurisdiction with another GEOID.
    conflicts: list[str] = field(default_factory=list)

    @property
    def written(self) -> int:
        return self.created + self.updated


class _Stored:
    """The jurisdictions already stored, looked up the three ways a row may match one."""

    def __init__(self, jurisdictions: Sequence[Jurisdiction]):
        self.by_geoid = {j.geoid: j for j in jurisdictions if j.geoid}
        self.by_slug = {j.slug: j for j in jurisdictions}
        self.by_name = {(j.name, j.state, j.level): j for j in jurisdictions}
        self.claimed: set[int] = set()

    def match(self, row: AreaRow) -> Jurisdiction | None:
        return (
            self.by_geoid.get(row.geoid)
            or self.by_slug.get(row.slug)
            or self.by_name.get((row.name, row.state, row.level))
        )


@transaction.atomic
def jurisdictions_import_counties(*, rows: Sequence[AreaRow]) -> CountyImportReport:
    """Create a jurisdiction for each row that matches none stored, fill in the ones that do.

    States go first so that each new county can point at its state as parent. Every new or
    changed jurisdiction gets a history row, as an editor's save would give it. All or
    nothing; one locking read, then a few bulk writes (each of BATCH_SIZE rows) for the
    states, the county equivalents, the updates and their history rows.
    """
    report = CountyImportReport(read=len(rows))
    stored = _Stored(list(Jurisdiction.objects.select_for_update().order_by("pk")))
    by_geoid: dict[str, Jurisdiction] = {}
    changed: dict[int, Jurisdiction] = {}
    changed_fields: set[str] = set()
    states = [row for row in rows if row.level == JurisdictionLevel.STATE]
    others = [row for row in rows if row.level != JurisdictionLevel.STATE]
    for group in (states, others):
        new = []
        for row in group:
            parent = by_geoid.get(row.parent_geoid)
            jurisdiction = stored.match(row)
            if jurisdiction is None:
                new.append(_new_jurisdiction(row, parent))
                continue
            if jurisdiction.pk in stored.claimed or jurisdiction.geoid not in ("", row.geoid):
                report.conflicts.append(f"{row.geoid} {row.name} ({row.slug})")
                continue
            stored.claimed.add(jurisdiction.pk)
            by_geoid[row.geoid] = jurisdiction
            filled = _fill_in(jurisdiction, row, parent)
            if filled:
                changed[jurisdiction.pk] = jurisdiction
                changed_fields.update(filled)
            else:
                report.unchanged += 1
        if new:
            created = bulk_create_with_history(
                new, Jurisdiction, batch_size=BATCH_SIZE, default_change_reason=CHANGE_REASON
            )
            by_geoid.update((j.geoid, j) for j in created)
            report.created += len(created)
    if changed:
        _save_filled_in(list(changed.values()), changed_fields)
    report.updated = len(changed)
    if report.created or report.updated:
        # Bulk writes send no save signals: every page and list kept at versions is stale.
        transaction.on_commit(bump_generation)
    return report


def _new_jurisdiction(row: AreaRow, parent: Jurisdiction | None) -> Jurisdiction:
    return Jurisdiction(
        name=row.name,
        slug=row.slug,
        state=row.state,
        level=row.level,
        geoid=row.geoid,
        latitude=row.latitude,
        longitude=row.longitude,
        parent=parent,
    )


def _fill_in(jurisdiction: Jurisdiction, row: AreaRow, parent: Jurisdiction | None) -> set[str]:
    """Set the jurisdiction's empty fields from the row; the names of the fields set."""
    filled = set()
    if not jurisdiction.geoid:
        jurisdiction.geoid = row.geoid
        filled.add("geoid")
    if jurisdiction.latitude is None and jurisdiction.longitude is None:
        jurisdiction.latitude, jurisdiction.longitude = row.latitude, row.longitude
        filled.update({"latitude", "longitude"})
    if jurisdiction.parent_id is None and parent is not None and parent.pk != jurisdiction.pk:
        jurisdiction.parent = parent
        filled.add("parent")
    return filled


def _save_filled_in(jurisdictions: list[Jurisdiction], fields: set[str]) -> None:
    # A bulk update skips save(): claim the next version here, as the version lock would, so
    # that an editor's form opened before the import is refused rather than undoing it.
    now = timezone.now()
    for jurisdiction in jurisdictions:
        jurisdiction.version += 1
        jurisdiction.updated_at = now
    bulk_update_with_history(
        jurisdictions,
        Jurisdiction,
        [*sorted(fields), "updated_at", "version"],
        batch_size=BATCH_SIZE,
        default_change_reason=CHANGE_REASON,
    )

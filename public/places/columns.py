"""The columns of the jurisdiction downloads (/cities/?format=csv|json and the complete files),
documented in docs/downloads.md. Columns are only ever added at the end: their names and order
are a public interface.

Read as plain values, a chunk of places at a time (`JurisdictionTable.read`): one query for the
places with what `PublicJurisdictionQuerySet.for_list()` annotates (statement stats, agreement
counts, the stance shown), one for their designations with their sources, one for their current
published stances and one for those stances' sources. None per row.
"""

from collections import defaultdict
from collections.abc import Callable

from django.db.models import F

from cities.models import Jurisdiction
from federal.models import Designation
from public import download_tables as tables
from public.download_tables import safe_text
from statements.models import Stance

from .querysets import AGREEMENT_COUNTS, SHOWN_STANCE_LABELS, STANCE_SHOWN

JOIN = " | "

SCALAR_NAMES = (
    "slug",
    "name",
    "state",
    "state_name",
    "level",
    "population",
    "latitude",
    "longitude",
    "stance",
    "stance_label",
    "stance_effective_from",
    "statement_count",
    "latest_statement_on",
    "url",
)
# The counts of the place's 287(g) agreements and of its designations in force.
FEDERAL_NAMES = (*(name for name, _ in AGREEMENT_COUNTS), "designations_in_force")
JSON_NAMES = (*SCALAR_NAMES, *FEDERAL_NAMES)
CSV_NAMES = (
    *SCALAR_NAMES,
    "stance_source_publishers",
    "stance_source_titles",
    "stance_source_urls",
    "stance_source_dates",
    "stance_source_archived_urls",
    "stance_source_cited_in",
    # Added with the national data, at the end.
    *FEDERAL_NAMES,
    "designated_by",
    "designation_labels",
    "designation_dates",
    "designation_withdrawn_on",
    "designation_source_urls",
)

# The CSV's cells that hold text (the rest are numbers, dates or empty): neutralised.
TEXT_CELLS = tuple(
    index
    for index, name in enumerate(CSV_NAMES)
    if name
    not in {
        "population",
        "latitude",
        "longitude",
        "stance_effective_from",
        "statement_count",
        "latest_statement_on",
        *FEDERAL_NAMES,
    }
)

FIELDS = (
    "pk",
    "slug",
    "name",
    "state",
    "level",
    "population",
    "latitude",
    "longitude",
    STANCE_SHOWN,
    "statement_count",
    "latest_statement_on",
    *(name for name, _ in AGREEMENT_COUNTS),
)
DESIGNATION_FIELDS = (
    "jurisdiction_id",
    "designated_by",
    "label",
    "designated_on",
    "withdrawn_on",
    "reply",
    "reply_source_id",
    *tables.source_fields("source__"),  # 7-14
    *tables.source_fields("reply_source__"),  # 15-22
)
STANCE_SOURCE_FIELDS = ("stance_id", "source_id", *tables.source_fields("source__"))
SOURCE_ORDER = (F("source__published_on").desc(nulls_last=True), "source__publisher", "source_id")


def _iso(day) -> str:
    return day.isoformat() if day else ""


class JurisdictionTable(tables.Table):
    """Each row: (values in FIELDS order, current stances' effective dates, their sources each
    once (source_fields values), designations (DESIGNATION_FIELDS values))."""

    csv_names = CSV_NAMES

    def __init__(self, absolute: Callable[[str], str]):
        self.absolute = absolute
        self.url = None  # made on the first read, in the file's language, with the labels
        self.state_names: dict = {}
        self.stance_labels: dict = {}

    def read(self, queryset, *, full: bool) -> list:
        """Four queries: the places, their designations, current stances and stance sources."""
        if self.url is None:
            self.url = tables.url_maker(self.absolute, "cities:detail", "slug")
            choices = Jurisdiction._meta.get_field("state").flatchoices
            self.state_names = {value: str(label) for value, label in choices}
            self.stance_labels = {code: str(label) for code, label in SHOWN_STANCE_LABELS.items()}
        rows = list(queryset.prefetch_related(None).values_list(*FIELDS))
        if not rows:
            return []
        ids = [row[0] for row in rows]
        designations = defaultdict(list)
        for designation in (
            tables.ids_in(Designation.objects.all(), "jurisdiction", ids)
            .order_by("designated_on", "designated_by", "pk")
            .values_list(*DESIGNATION_FIELDS)
        ):
            designations[designation[0]].append(designation)
        # Stance's own order (place's name, newest first), as the files always listed them.
        stances = list(
            tables.ids_in(Stance.objects.published().current(), "jurisdiction", ids).values_list(
                "pk", "jurisdiction_id", "effective_from"
            )
        )
        stance_sources = defaultdict(list)
        if stances:
            through = tables.ids_in(
                Stance.sources.through.objects.all(), "stance", [s[0] for s in stances]
            )
            for source in through.order_by(*SOURCE_ORDER).values_list(*STANCE_SOURCE_FIELDS):
                stance_sources[source[0]].append(source)
        effective = defaultdict(list)
        sources = defaultdict(dict)  # place: {source id: values}, each source once, first kept
        for stance_id, jurisdiction_id, effective_from in stances:
            effective[jurisdiction_id].append(effective_from)
            seen = sources[jurisdiction_id]
            for source in stance_sources[stance_id]:
                seen.setdefault(source[1], source[2:])
        return [
            (row, effective[row[0]], list(sources[row[0]].values()), designations[row[0]])
            for row in rows
        ]

    def pk_of(self, row):
        return row[0][0]

    def scalar_values(self, row) -> list:
        values, effective, _, _ = row
        (_, slug, name, state, level, population, latitude, longitude, stance, statement_count,
         latest_statement_on, *_) = values  # fmt: skip
        return [
            slug,
            name,
            state,
            self.state_names.get(state, state),
            level,
            population,
            latitude,
            longitude,
            stance,
            self.stance_labels[stance],
            max(effective, default=None),
            statement_count,
            latest_statement_on,
            self.url(slug),
        ]

    @staticmethod
    def federal_values(row) -> list:
        values, _, _, designations = row
        in_force = sum(1 for d in designations if d[4] is None)
        return [*values[-len(AGREEMENT_COUNTS) :], in_force]

    def csv_values(self, row) -> list:
        _, _, sources, designations = row

        def joined(index: int, read=lambda value: value or "") -> str:
            return JOIN.join(read(source[index]) for source in sources)

        cells = [
            *self.scalar_values(row),
            joined(0),
            joined(1),
            joined(2),
            joined(3, _iso),
            joined(4),
            JOIN.join(s[6] if s[5] is not None else "" for s in sources),
            *self.federal_values(row),
            JOIN.join(d[1] for d in designations),
            JOIN.join(d[2] for d in designations),
            JOIN.join(_iso(d[3]) for d in designations),
            JOIN.join(_iso(d[4]) for d in designations),
            JOIN.join(d[9] for d in designations),
        ]
        for index in TEXT_CELLS:
            cells[index] = safe_text(cells[index])
        return cells

    def json_item(self, row) -> dict:
        _, _, sources, designations = row
        values = [*self.scalar_values(row), *self.federal_values(row)]
        values[10] = tables.iso(values[10])  # stance_effective_from
        values[12] = tables.iso(values[12])  # latest_statement_on
        item = dict(zip(JSON_NAMES, values, strict=True))
        item["stance_sources"] = [tables.source_values_json(s) for s in sources]
        item["designations"] = [
            {
                "designated_by": d[1],
                "label": d[2],
                "designated_on": tables.iso(d[3]),
                "withdrawn_on": tables.iso(d[4]),
                "source": tables.source_values_json(d[7:15]),
                "reply": d[5],
                "reply_source": (tables.source_values_json(d[15:23]) if d[6] is not None else None),
            }
            for d in designations
        ]
        return item

"""The columns of the statement downloads (/statements/?format=csv|json|sources_csv and the
complete files), documented in docs/downloads.md. Columns are only ever added at the end: their
names and order are a public interface.

Read as plain values, a chunk of statements at a time (`StatementTable.read`): one query for
the statements with their speaker, agency, place and event joined, one for the speakers' roles,
one for the sources (or their counts, for the CSV alone). None per row.
"""

import csv
import io
from collections import defaultdict
from collections.abc import Callable
from itertools import repeat

from django.db.models import Count, F

from cities.models import Role
from public import download_tables as tables
from public import downloads
from public.download_tables import safe_text
from statements.models import Statement
from tracker.spreadsheet import FORMULA_TRIGGERS

# The statement's own values, in the order of the CSV's first columns and of the JSON's keys.
SCALAR_NAMES = (
    "id",
    "url",
    "said_on",
    "said_on_basis",
    "speaker",
    "official",
    "official_slug",
    "speaker_role",
    "agency",
    "jurisdiction",
    "jurisdiction_slug",
    "state",
    "jurisdiction_stance",
    "medium",
    "event",
    "event_slug",
    "quote",
    "summary",
)
# The sources themselves: nested in the JSON, one row each in the long CSV (?format=sources_csv).
CSV_NAMES = (*SCALAR_NAMES, "source_count")
SOURCE_RECORD_NAMES = ("statement_id", "statement_url")

# What one query reads per statement (the speaker, agency, place and event joined).
FIELDS = (
    "pk",
    "said_on",
    "said_on_basis",
    "official_id",
    "official__name",
    "official__slug",
    "agency_id",
    "agency__name",
    "jurisdiction_id",
    "jurisdiction__name",
    "jurisdiction__slug",
    "jurisdiction__state",
    "jurisdiction__stance_level",
    "medium",
    "event_id",
    "event__name",
    "event__slug",
    "quote",
    "summary",
)
EACH_TRIGGER = repeat(FORMULA_TRIGGERS)  # str.startswith's second argument, for every cell

ROLE_FIELDS = (
    "official_id",
    "title",
    "jurisdiction_id",
    "agency_id",
    "agency__name",
    "jurisdiction__name",
    "started_on",
    "ended_on",
)
SOURCE_FIELDS = ("statement_id", *tables.source_fields("source__"))
# Sources.for_citation()'s order: dated ones newest first, then by publisher.
SOURCE_ORDER = (F("source__published_on").desc(nulls_last=True), "source__publisher", "source_id")


def role_label(official_roles: list, said_on, jurisdiction_id) -> str:
    """The speaker's role on the day (as `views.role_held_on`): among the roles held that day,
    the first in the statement's place, else the first; "Title, Agency" or "Title, Place"."""
    held = [
        r
        for r in official_roles
        if (r[6] is None or r[6] <= said_on) and (r[7] is None or r[7] >= said_on)
    ]
    if not held:
        return ""
    role = next((r for r in held if r[2] == jurisdiction_id), held[0])
    return f"{role[1]}, {role[4] if role[3] is not None else role[5]}"


class StatementTable(tables.Table):
    """Each row: (scalar values in SCALAR_NAMES order, source count, sources or None)."""

    csv_names = CSV_NAMES

    def __init__(self, absolute: Callable[[str], str]):
        self.absolute = absolute
        self.url = None  # made on the first read, in the file's language

    def read(self, queryset, *, full: bool) -> list:
        """Three queries: the statements, their speakers' roles, their sources (or counts)."""
        if self.url is None:
            self.url = tables.url_maker(self.absolute, "statements:detail", "pk")
        rows = list(queryset.values_list(*FIELDS))
        if not rows:
            return []
        ids = [row[0] for row in rows]
        roles = defaultdict(list)
        officials = {row[3] for row in rows if row[3] is not None}
        if officials:
            # Role's own order (official's name, newest first), as the role shown always was.
            officials_roles = tables.ids_in(Role.objects.all(), "official", sorted(officials))
            for role in officials_roles.values_list(*ROLE_FIELDS):
                roles[role[0]].append(role)
        through = tables.ids_in(Statement.sources.through.objects.all(), "statement", ids)
        sources = defaultdict(list)
        counts = {}
        if full:
            for source in through.order_by(*SOURCE_ORDER).values_list(*SOURCE_FIELDS):
                sources[source[0]].append(source)
        else:
            counts = dict(
                tables.plain_rows(
                    through.order_by()
                    .values("statement_id")
                    .annotate(n=Count("pk"))
                    .values_list("statement_id", "n")
                )
            )
        url = self.url
        table = []
        for (pk, said_on, basis, official_id, official, official_slug, agency_id, agency,
             jurisdiction_id, jurisdiction, jurisdiction_slug, state, stance, medium, event_id,
             event, event_slug, quote, summary) in rows:  # fmt: skip
            has_official = official_id is not None
            values = [
                pk,
                url(pk),
                said_on,
                basis,
                official if has_official else (agency if agency_id is not None else ""),
                official if has_official else "",
                official_slug if has_official else "",
                role_label(roles[official_id], said_on, jurisdiction_id) if has_official else "",
                agency if agency_id is not None else "",
                jurisdiction,
                jurisdiction_slug,
                state,
                stance,
                medium,
                event if event_id is not None else "",
                event_slug if event_id is not None else "",
                quote,
                summary,
            ]
            if full:
                cited = sources[pk]
                table.append((values, len(cited), cited))
            else:
                table.append((values, counts.get(pk, 0), None))
        return table

    def pk_of(self, row):
        return row[0][0]

    def csv_values(self, row) -> list:
        values = row[0]
        # The id, the URL (the site's own address) and the date are no formula; the rest is
        # text, never None. One test of them all in C first: a formula-like cell is rare.
        texts = values[3:]
        if any(map(str.startswith, texts, EACH_TRIGGER)):
            texts = [safe_text(text) for text in texts]
        return [*values[:3], *texts, row[1]]

    def json_item(self, row) -> dict:
        values = row[0].copy()
        values[2] = values[2].isoformat()  # said_on, as the JSON encoder writes a date
        item = dict(zip(SCALAR_NAMES, values, strict=True))
        item["sources"] = [tables.source_values_json(s[1:]) for s in row[2]]
        return item

    # -- the long CSV of sources -------------------------------------------------------------------
    def sources_header(self) -> str:
        return downloads.source_csv_header(SOURCE_RECORD_NAMES)

    def sources_text(self, rows) -> tuple[str, int]:
        """The long CSV's lines of a chunk of rows (read `full`), and how many there are."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        lines = 0
        for row in rows:
            record = row[0][:2]  # the statement's id and URL
            for position, source in enumerate(row[2], start=1):
                writer.writerow([*record, *tables.source_values_cells(position, source[1:])])
                lines += 1
        return buffer.getvalue(), lines

    def sources_lines(self, chunks):
        yield self.sources_header()
        for rows in chunks:
            yield self.sources_text(rows)[0]

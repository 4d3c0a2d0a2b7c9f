"""The columns of the jurisdiction downloads (/cities/?format=csv|json), documented in
docs/downloads.md. Columns are only ever added at the end: their names and order are a public
interface. Each reads what `PublicJurisdictionQuerySet.for_download()` loaded: no query."""

from collections.abc import Callable
from operator import attrgetter

from public.downloads import source_field, source_json
from public.listing import Column

from .querysets import AGREEMENT_COUNTS

JOIN = " | "


def _stance_sources(jurisdiction) -> list:
    """The sources of the jurisdiction's current published stances, each once."""
    seen = {}
    for stance in jurisdiction.current_stances:
        for source in stance.sources.all():
            seen.setdefault(source.pk, source)
    return list(seen.values())


def _iso(day) -> str:
    return day.isoformat() if day else ""


def _designations_joined(read: Callable) -> Callable:
    """A CSV cell of one field of every designation, oldest first, joined by " | "."""

    def get(jurisdiction) -> str:
        return JOIN.join(read(d) for d in jurisdiction.designation_list)

    return get


def designations_in_force(jurisdiction) -> int:
    return sum(1 for d in jurisdiction.designation_list if d.withdrawn_on is None)


def scalar_columns(absolute: Callable[[str], str]) -> list[Column]:
    """The columns of one value each, shared by the CSV and the JSON, in their order."""
    return [
        Column("slug", lambda j: j.slug),
        Column("name", lambda j: j.name),
        Column("state", lambda j: j.state),
        Column("state_name", lambda j: j.get_state_display()),
        Column("level", lambda j: j.level),
        Column("population", lambda j: j.population),
        Column("latitude", lambda j: j.latitude),
        Column("longitude", lambda j: j.longitude),
        Column("stance", lambda j: j.stance_level),
        Column("stance_label", lambda j: j.get_stance_level_display()),
        Column(
            "stance_effective_from",
            lambda j: max((s.effective_from for s in j.current_stances), default=None),
        ),
        Column("statement_count", lambda j: j.statement_count),
        Column("latest_statement_on", lambda j: j.latest_statement_on),
        Column("url", lambda j: absolute(j.get_absolute_url())),
    ]


def federal_columns() -> list[Column]:
    """The counts of the place's 287(g) agreements and of its designations in force."""
    counts = [Column(name, attrgetter(name)) for name, _ in AGREEMENT_COUNTS]
    return [*counts, Column("designations_in_force", designations_in_force)]


def csv_columns(absolute: Callable[[str], str]) -> list[Column]:
    def joined(attr):
        def get(jurisdiction):
            return JOIN.join(source_field(s, attr) for s in _stance_sources(jurisdiction))

        return get

    return [
        *scalar_columns(absolute),
        Column("stance_source_publishers", joined("publisher")),
        Column("stance_source_titles", joined("title")),
        Column("stance_source_urls", joined("url")),
        Column("stance_source_dates", joined("published_on")),
        Column("stance_source_archived_urls", joined("archived_url")),
        Column("stance_source_cited_in", joined("cited_in")),
        # Added with the national data, at the end.
        *federal_columns(),
        Column("designated_by", _designations_joined(lambda d: d.designated_by)),
        Column("designation_labels", _designations_joined(lambda d: d.label)),
        Column("designation_dates", _designations_joined(lambda d: _iso(d.designated_on))),
        Column("designation_withdrawn_on", _designations_joined(lambda d: _iso(d.withdrawn_on))),
        Column("designation_source_urls", _designations_joined(lambda d: d.source.url)),
    ]


def json_columns(absolute: Callable[[str], str]) -> list[Column]:
    return [*scalar_columns(absolute), *federal_columns()]


def json_extra(jurisdiction) -> dict:
    """The JSON's arrays: the current stances' sources and every designation with its reply."""
    return {
        "stance_sources": [source_json(s) for s in _stance_sources(jurisdiction)],
        "designations": [
            {
                "designated_by": d.designated_by,
                "label": d.label,
                "designated_on": d.designated_on,
                "withdrawn_on": d.withdrawn_on,
                "source": source_json(d.source),
                "reply": d.reply,
                "reply_source": source_json(d.reply_source) if d.reply_source_id else None,
            }
            for d in jurisdiction.designation_list
        ],
    }

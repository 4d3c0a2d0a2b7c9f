"""The pages the benchmark loads, chosen from the data in the database (needs Django set up)."""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

SEARCH_TEXT = "sanctuary"
CSV_ROWS = 10_000


@dataclass(frozen=True)
class Target:
    key: str  # short name, also the static copy's file name
    label: str
    path: str
    reference: str = ""  # the Datasette view it compares with: "filtered", "search" or ""
    note: str = ""


def choose(*, search_text: str = SEARCH_TEXT, csv_rows: int = CSV_ROWS) -> list[Target]:
    """The six benchmark pages over this database's busiest state and jurisdiction."""
    from django.db.models import Count

    from cities.models import Jurisdiction, StanceLevel
    from statements.models import Statement

    published = Statement.objects.published()
    by_state = (
        published.order_by()
        .values("jurisdiction__state")
        .annotate(n=Count("pk"))
        .order_by("-n", "jurisdiction__state")
    )
    state = by_state[0]["jurisdiction__state"]
    stance = StanceLevel.REFUSES
    busiest = (
        Jurisdiction.objects.annotate(n=Count("statements")).order_by("-n", "slug").values("slug")
    )[0]["slug"]
    in_state = published.filter(jurisdiction__state=state).order_by("-said_on")
    rows = in_state.count()
    csv_query = {"state": state, "format": "csv"}
    if rows > csv_rows:
        since = in_state.values_list("said_on", flat=True)[csv_rows - 1]
        if in_state.filter(said_on__gte=since).count() > csv_rows:
            # Statements said that day too would pass the on-request download's row limit.
            since += datetime.timedelta(days=1)
        csv_query["said_after"] = since.isoformat()
        rows = in_state.filter(said_on__gte=since).count()
    filtered = {"state": state, "stance": stance}
    matches = published.search(search_text).count()
    return [
        Target(
            "statements-filtered",
            "Statements, state + stance, with facets",
            f"/statements/?{urlencode(filtered)}",
            reference="filtered",
            note=f"{published.filter(jurisdiction__state=state, jurisdiction__stance_level=stance).count():,} rows",
        ),
        Target(
            "statements-search",
            "Statements, full-text search",
            f"/statements/?{urlencode({'q': search_text})}",
            reference="search",
            note=f"{matches:,} matches",
        ),
        Target(
            "cities-by-stance",
            "Jurisdictions, filtered by stance",
            f"/cities/?{urlencode({'stance': stance})}",
            note=f"{Jurisdiction.objects.filter(stance_level=stance).count():,} rows",
        ),
        Target("jurisdiction", "Jurisdiction page (busiest)", f"/cities/{busiest}/"),
        Target("map", "Map", "/map/", note=f"{Jurisdiction.objects.count():,} places"),
        Target(
            "csv",
            "CSV download",
            f"/statements/?{urlencode(csv_query)}",
            note=f"{rows:,} statements",
        ),
    ]


def datasette_paths(targets: list[Target], *, database: str, table: str) -> dict[str, str]:
    """{reference: path} of the Datasette views equivalent to our filtered list and search."""
    from urllib.parse import parse_qs, urlsplit

    paths = {}
    for target in targets:
        query = parse_qs(urlsplit(target.path).query)
        if target.reference == "filtered":
            params = [("state", query["state"][0]), ("stance", query["stance"][0])]
            params += [("_facet", "state"), ("_facet", "stance")]
            paths["filtered"] = f"/{database}/{table}?{urlencode(params)}"
        elif target.reference == "search":
            paths["search"] = f"/{database}/{table}?{urlencode({'_search': query['q'][0]})}"
    return paths

"""A data journalist downloads every statement and every place, and the file is made fast: a few
queries per chunk of rows, never one per row, in memory that does not grow with the file; and
the rows say exactly what the records say (speaker, role on the day, sources, designations,
formula-like text neutralised).

The speed itself is measured by bench/downloads.py, not here (no clock in a test).
"""

import csv
import datetime
import gzip
import io
import json
import tracemalloc

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities.models import Role
from federal.models import Designation
from public import listing
from statements.models import Medium, Statement, Status
from tests import factories

STATEMENTS, CITIES = "/statements/", "/cities/"
CHUNK = 2


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_of(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


@pytest.fixture
def streamed_in_chunks(monkeypatch):
    """Every download streamed (not the cached small file), CHUNK rows at a time."""
    monkeypatch.setattr(listing, "CACHED_DOWNLOAD_ROWS", 0)
    monkeypatch.setattr(listing.FacetedListView, "download_chunk_size", CHUNK)


@pytest.fixture
def chicago(db):
    """Chicago's mayor quoted twice (a mayor then, a former mayor later), its police speaking
    alone at an event, a formula-like quote, sources one citing another; a current stance
    with a source, a designation with the city's reply; and a draft nobody may download."""
    chicago = factories.JurisdictionFactory(
        name="Chicago", state="IL", slug="chicago-il", population=2_700_000
    )
    police = factories.AgencyFactory(jurisdiction=chicago, name="Chicago Police Department")
    mayor = factories.OfficialFactory(name="Lori Lightfoot", slug="lori-lightfoot")
    Role.objects.create(
        official=mayor,
        title="Mayor",
        jurisdiction=chicago,
        started_on=datetime.date(2019, 5, 20),
        ended_on=datetime.date(2023, 5, 15),
    )
    Role.objects.create(
        official=mayor, title="Professor", jurisdiction=factories.JurisdictionFactory()
    )
    tribune = factories.SourceFactory(
        publisher="Chicago Tribune",
        title="Mayor speaks",
        url="https://tribune.example/mayor",
        published_on=datetime.date(2019, 6, 21),
    )
    wire = factories.SourceFactory(
        publisher="Wire", title="", url="", published_on=None, cited_in=tribune
    )
    raids = factories.EventFactory(name="June 2019 raids", slug="june-2019-raids")
    said = factories.StatementFactory(
        official=mayor,
        jurisdiction=chicago,
        said_on=datetime.date(2019, 6, 21),
        quote='=HYPERLINK("x")\nWe will not help.',
        sources=[tribune, wire],
    )
    later = factories.StatementFactory(
        official=mayor,
        jurisdiction=chicago,
        said_on=datetime.date(2024, 1, 2),
        medium=Medium.INTERVIEW,
        quote="",
        summary="She said it again.",
    )
    alone = factories.StatementFactory(
        official=None, agency=police, jurisdiction=chicago, event=raids, quote="No comment."
    )
    factories.StatementFactory(jurisdiction=chicago, status=Status.DRAFT, quote="Secret.")
    factories.PublishedStanceFactory(
        jurisdiction=chicago, level="refuses", effective_from=datetime.date(2019, 6, 1),
        sources=[tribune],
    )  # fmt: skip
    Designation.objects.create(
        jurisdiction=chicago,
        designated_by="US Department of Justice",
        label="sanctuary jurisdiction",
        designated_on=datetime.date(2025, 8, 5),
        source=factories.SourceFactory(publisher="DOJ", url="https://doj.example/list"),
        reply="We are proud of it.",
        reply_source=wire,
    )
    return {"said": said, "later": later, "alone": alone, "chicago": chicago}


def test_the_statements_csv_says_what_the_records_say(client, chicago):
    rows = {int(r["id"]): r for r in csv_of(body(client.get(STATEMENTS, {"format": "csv"})))}

    assert set(rows) == {chicago["said"].pk, chicago["later"].pk, chicago["alone"].pk}
    said = rows[chicago["said"].pk]
    assert said == {
        "id": str(chicago["said"].pk),
        "url": f"http://testserver/statements/{chicago['said'].pk}/",
        "said_on": "2019-06-21",
        "said_on_basis": "said",
        "speaker": "Lori Lightfoot",
        "official": "Lori Lightfoot",
        "official_slug": "lori-lightfoot",
        "speaker_role": "Mayor, Chicago",  # the role held that day, in the statement's place
        "agency": "",
        "jurisdiction": "Chicago",
        "jurisdiction_slug": "chicago-il",
        "state": "IL",
        "jurisdiction_stance": "refuses",
        "medium": Medium.PRESS_STATEMENT.value,
        "event": "",
        "event_slug": "",
        "quote": '\'=HYPERLINK("x")\nWe will not help.',  # no formula for a spreadsheet
        "summary": "",
        "source_count": "2",
    }
    # Mayor no more: the role held that day is the one elsewhere.
    assert rows[chicago["later"].pk]["speaker_role"].startswith("Professor, ")
    alone = rows[chicago["alone"].pk]
    assert (alone["speaker"], alone["official"], alone["agency"], alone["event_slug"]) == (
        "Chicago Police Department",
        "",
        "Chicago Police Department",
        "june-2019-raids",
    )


def test_the_statements_json_nests_each_source_with_the_one_citing_it(client, chicago):
    items = json.loads(body(client.get(STATEMENTS, {"format": "json"})))

    said = next(i for i in items if i["id"] == chicago["said"].pk)
    assert said["quote"] == '=HYPERLINK("x")\nWe will not help.'  # JSON is data, not a sheet
    assert said["said_on"] == "2019-06-21"
    assert "source_count" not in said
    assert said["sources"] == [
        {
            "publisher": "Chicago Tribune",
            "title": "Mayor speaks",
            "url": "https://tribune.example/mayor",
            "published_on": "2019-06-21",
            "archived_url": "",
            "cited_in": None,
        },
        {
            "publisher": "Wire",
            "title": "",
            "url": "",
            "published_on": None,
            "archived_url": "",
            "cited_in": {"publisher": "Chicago Tribune", "url": "https://tribune.example/mayor"},
        },
    ]


def test_the_places_files_carry_stance_sources_and_designations(client, chicago):
    [row] = [
        r for r in csv_of(body(client.get(CITIES, {"format": "csv"}))) if r["slug"] == "chicago-il"
    ]
    [item] = [
        i
        for i in json.loads(body(client.get(CITIES, {"format": "json"})))
        if i["slug"] == "chicago-il"
    ]

    assert (row["stance"], row["stance_label"], row["stance_effective_from"]) == (
        "refuses",
        "Refuses cooperation",
        "2019-06-01",
    )
    assert (row["state_name"], row["statement_count"], row["latest_statement_on"]) == (
        "Illinois",
        "3",
        "2024-01-02",
    )
    assert row["url"] == "http://testserver/cities/chicago-il/"
    assert row["stance_source_publishers"] == "Chicago Tribune"
    assert (row["designated_by"], row["designation_dates"], row["designations_in_force"]) == (
        "US Department of Justice",
        "2025-08-05",
        "1",
    )
    assert row["designation_source_urls"] == "https://doj.example/list"
    assert item["stance_effective_from"] == "2019-06-01"
    [designation] = item["designations"]
    assert designation["reply"] == "We are proud of it."
    assert designation["reply_source"]["cited_in"] == {
        "publisher": "Chicago Tribune",
        "url": "https://tribune.example/mayor",
    }
    assert [s["publisher"] for s in item["stance_sources"]] == ["Chicago Tribune"]


# -- A few queries per chunk, none per row -----------------------------------------------------------
def published_statements(n: int, place) -> None:
    """n published statements in `place`, each by its own mayor with a source."""
    for i in range(n):
        mayor = factories.OfficialFactory()
        Role.objects.create(official=mayor, title="Mayor", jurisdiction=place)
        factories.StatementFactory(official=mayor, jurisdiction=place, quote=f"Words {i}.")


def queries_to_download(client, path: str, fmt: str) -> tuple[int, int]:
    """(queries, rows) of one download read to its end."""
    with CaptureQueriesContext(connection) as queries:
        data = body(client.get(path, {"format": fmt}))
    rows = len(json.loads(data)) if fmt == "json" else len(csv_of(data))
    return len(queries), rows


@pytest.mark.parametrize(
    ("fmt", "per_chunk"),
    # The statements, their speakers' roles, their sources (counted for the CSV).
    [("csv", 3), ("json", 3), ("sources_csv", 3)],
)
def test_a_statements_download_costs_queries_per_chunk_not_per_row(
    client, db, streamed_in_chunks, fmt, per_chunk
):
    place = factories.JurisdictionFactory(name="Denver", state="CO")
    published_statements(4, place)
    small, small_rows = queries_to_download(client, STATEMENTS, fmt)
    published_statements(6, place)  # three chunks more

    large, large_rows = queries_to_download(client, STATEMENTS, fmt)

    assert (small_rows, large_rows) == ((4, 10) if fmt != "sources_csv" else (4, 10))
    assert large - small == 3 * per_chunk


def test_a_places_download_costs_four_queries_per_chunk(client, db, streamed_in_chunks):
    def places(n):
        for _ in range(n):
            place = factories.JurisdictionFactory()
            factories.PublishedStanceFactory(jurisdiction=place)

    places(4)
    small, _ = queries_to_download(client, CITIES, "csv")
    places(6)

    large, rows = queries_to_download(client, CITIES, "csv")

    assert rows == 10
    # The places, their designations, their current stances, those stances' sources.
    assert large - small == 3 * 4


def build_queries(tmp_path) -> int:
    with CaptureQueriesContext(connection) as queries:
        call_command(
            "build_bulk_downloads",
            base_url="https://tracker.example",
            output=str(tmp_path),
            chunk_size=CHUNK,
            verbosity=0,
        )
    return len(queries)


def test_the_complete_files_cost_queries_per_chunk_not_per_row(db, tmp_path):
    place = factories.JurisdictionFactory(name="Denver", state="CO")
    published_statements(4, place)
    small = build_queries(tmp_path)
    published_statements(6, place)

    large = build_queries(tmp_path)

    files = {
        name: gzip.decompress((tmp_path / f"sanctuary-tracker-statements.{name}.gz").read_bytes())
        for name in ("csv", "json", "sources.csv")
    }
    assert len(csv_of(files["csv"])) == 10
    assert len(json.loads(files["json"])) == 10
    assert len(csv_of(files["sources.csv"])) == 10
    # Three chunks more of statements, each: statements, roles, sources.
    assert large - small == 3 * 3


# -- Constant memory ---------------------------------------------------------------------------------
def bulk_statements(n: int, place, official) -> None:
    Statement.objects.bulk_create(
        Statement(
            official=official,
            jurisdiction=place,
            said_on=datetime.date(2019, 6, 21),
            medium=Medium.PRESS_STATEMENT,
            quote=f"A quote of some length, {i}: " + "we will not help with these raids. " * 16,
            status=Status.PUBLISHED,
        )
        for i in range(n)
    )


def peak_while_streaming(client) -> tuple[int, int]:
    """(peak bytes allocated, bytes sent) while the whole CSV is made and read."""
    response = client.get(STATEMENTS, {"format": "csv"})
    sent = 0
    tracemalloc.start()
    try:
        for chunk in response.streaming_content:
            sent += len(chunk)
        return tracemalloc.get_traced_memory()[1], sent
    finally:
        tracemalloc.stop()


@pytest.fixture
def denver_speaks(db):
    """`denver_speaks(n)`: n more published statements (bulk-made: no sources)."""
    place = factories.JurisdictionFactory(name="Denver", state="CO")
    official = factories.OfficialFactory()
    return lambda n: bulk_statements(n, place, official)


def test_streaming_a_larger_file_keeps_only_the_ordered_ids(client, monkeypatch, denver_speaks):
    """Four times the rows: the peak grows by the list of the rows' ids in order (a download on
    request holds at most DOWNLOAD_MAX_ROWS), not by the file, made a chunk at a time."""
    monkeypatch.setattr(listing, "CACHED_DOWNLOAD_ROWS", 0)
    monkeypatch.setattr(listing.FacetedListView, "download_chunk_size", 100)
    denver_speaks(300)
    small_peak, small_sent = peak_while_streaming(client)
    denver_speaks(900)

    large_peak, large_sent = peak_while_streaming(client)

    assert large_sent > 3.5 * small_sent
    assert large_peak - small_peak < (large_sent - small_sent) / 4, (small_peak, large_peak)


def peak_while_building(tmp_path) -> int:
    tracemalloc.start()
    try:
        call_command(
            "build_bulk_downloads",
            base_url="https://tracker.example",
            output=str(tmp_path),
            chunk_size=100,
            verbosity=0,
        )
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_complete_files_of_eight_times_the_rows_take_no_more_memory(denver_speaks, tmp_path):
    denver_speaks(300)
    peak_while_building(tmp_path)  # the first build also loads what every later one reuses
    small_peak = peak_while_building(tmp_path)
    denver_speaks(2100)

    large_peak = peak_while_building(tmp_path)

    written = {
        name: gzip.decompress((tmp_path / f"sanctuary-tracker-statements.{name}.gz").read_bytes())
        for name in ("csv", "json")
    }
    assert len(json.loads(written["json"])) == 2400
    # Keyset chunks, nothing kept from one to the next: the peak moves by allocator noise
    # (about 100 KB), not by the 2,100 more rows' text (a tenth of it: over 400 KB here).
    grown = large_peak - small_peak
    assert grown < (len(written["csv"]) + len(written["json"])) * 7 / 8 / 10, (
        small_peak,
        large_peak,
    )

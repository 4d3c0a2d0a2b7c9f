"""A data journalist downloads statements with their sources: nested objects in JSON, one row per
statement and source in the long sources CSV (no more parallel pipe-joined cells), on request
and in the complete files."""

import csv
import datetime
import gzip
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from statements.models import Status
from tests import factories

from .conftest import csv_rows, json_rows

STATEMENTS = reverse("statements:list")
LONG_HEADER = [
    "statement_id", "statement_url", "position", "publisher", "title", "url", "published_on",
    "archived_url", "cited_in_publisher", "cited_in_url",
]  # fmt: skip


def body(response) -> str:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return data.decode("utf-8")


@pytest.fixture
def cited(db):
    """Denver's mayor cited by two outlets (one known only through the other), Chicago by one,
    and a draft with a source of its own."""
    huffpost = factories.SourceFactory(
        publisher="HuffPost",
        title="Cities brace for raids",
        url="https://huffpost.example/raids",
        published_on=datetime.date(2019, 6, 21),
        archived_url="https://web.archive.org/huffpost-raids",
    )
    post = factories.SourceFactory(
        publisher="The Denver Post", title="", url="", published_on=None, cited_in=huffpost
    )
    denver = factories.JurisdictionFactory(name="Denver", state="CO", slug="denver-co")
    chicago = factories.JurisdictionFactory(name="Chicago", state="IL", slug="chicago-il")
    return {
        "denver": factories.StatementFactory(
            jurisdiction=denver, quote="Denver says no.", sources=[huffpost, post]
        ),
        "chicago": factories.StatementFactory(
            jurisdiction=chicago,
            quote="Chicago says no.",
            said_on=datetime.date(2019, 6, 20),
            sources=[factories.SourceFactory(publisher="Chicago Tribune")],
        ),
        "draft": factories.StatementFactory(
            jurisdiction=denver,
            status=Status.DRAFT,
            sources=[factories.SourceFactory(publisher="Secret Gazette")],
        ),
        "huffpost": huffpost,
    }


def test_json_statements_carry_their_sources_as_nested_objects(client, cited):
    rows = json_rows(client.get(STATEMENTS, {"city": "denver-co", "format": "json"}))

    [denver] = rows
    # Newest first; where an undated source falls differs by database, so compare unordered.
    assert sorted(denver["sources"], key=lambda s: s["publisher"]) == [
        {
            "publisher": "HuffPost",
            "title": "Cities brace for raids",
            "url": "https://huffpost.example/raids",
            "published_on": "2019-06-21",
            "archived_url": "https://web.archive.org/huffpost-raids",
            "cited_in": None,
        },
        {
            "publisher": "The Denver Post",
            "title": "",
            "url": "",
            "published_on": None,
            "archived_url": "",
            "cited_in": {"publisher": "HuffPost", "url": "https://huffpost.example/raids"},
        },
    ]


def test_the_csv_row_counts_sources_instead_of_joining_them(client, cited):
    rows = csv_rows(client.get(STATEMENTS, {"format": "csv"}))

    assert not any(name.startswith("source_") and name != "source_count" for name in rows[0])
    assert {r["quote"]: r["source_count"] for r in rows} == {
        "Denver says no.": "2",
        "Chicago says no.": "1",
    }
    assert not any(" | " in value for row in rows for value in row.values())


def test_the_sources_csv_has_one_row_per_statement_and_source(client, cited):
    response = client.get(STATEMENTS, {"format": "sources_csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="sanctuary-tracker-statements-{today}.sources.csv"'
    )
    text = body(response)
    assert text.splitlines()[0].split(",") == LONG_HEADER
    rows = list(csv.DictReader(io.StringIO(text)))
    denver, chicago = cited["denver"], cited["chicago"]
    # In the list's order (newest statement first), each statement's sources numbered from 1
    # (newest first; where an undated source falls differs by database).
    assert [(r["statement_id"], r["position"]) for r in rows] == [
        (str(denver.pk), "1"),
        (str(denver.pk), "2"),
        (str(chicago.pk), "1"),
    ]
    by = {r["publisher"]: r for r in rows}
    assert set(by) == {"HuffPost", "The Denver Post", "Chicago Tribune"}
    assert by["Chicago Tribune"]["statement_id"] == str(chicago.pk)
    assert by["HuffPost"]["statement_url"] == f"http://testserver{denver.get_absolute_url()}"
    assert by["HuffPost"]["published_on"] == "2019-06-21"
    assert by["HuffPost"]["archived_url"] == "https://web.archive.org/huffpost-raids"
    assert (by["The Denver Post"]["url"], by["The Denver Post"]["published_on"]) == ("", "")
    assert (by["The Denver Post"]["cited_in_publisher"], by["The Denver Post"]["cited_in_url"]) == (
        "HuffPost",
        "https://huffpost.example/raids",
    )
    assert "Secret Gazette" not in text


def test_the_sources_csv_follows_the_lists_filters_and_refuses_bad_ones(client, cited):
    filtered = client.get(STATEMENTS, {"city": "chicago-il", "format": "sources_csv"})
    refused = client.get(STATEMENTS, {"said_after": "2019-13-45", "format": "sources_csv"})

    rows = list(csv.DictReader(io.StringIO(body(filtered))))
    assert [r["publisher"] for r in rows] == ["Chicago Tribune"]
    assert "city-chicago-il" in filtered["Content-Disposition"]
    assert refused.status_code == 400
    assert "The download was refused because of these filter errors:" in body(refused)
    assert "Said on or after: Enter a real date" in body(refused)


def test_the_sources_csv_keeps_the_row_limit(client, cited, settings):
    settings.DOWNLOAD_MAX_ROWS = 1

    response = client.get(STATEMENTS, {"format": "sources_csv"})

    assert response.status_code == 422
    assert "This download would hold 2 rows" in body(response)


def test_the_list_page_links_the_sources_csv_of_its_filters(client, cited):
    page = client.get(STATEMENTS, {"city": "denver-co", "page": "1"}).content.decode()

    assert 'href="?city=denver-co&amp;format=sources_csv" download>their sources' in page


def test_the_complete_files_include_the_sources_csv(cited, settings, tmp_path):
    settings.BULK_DOWNLOADS_ROOT = tmp_path

    call_command("build_bulk_downloads", output=str(tmp_path), verbosity=0)

    path = tmp_path / "sanctuary-tracker-statements.sources.csv.gz"
    rows = list(csv.DictReader(io.StringIO(gzip.decompress(path.read_bytes()).decode())))
    assert list(rows[0]) == LONG_HEADER
    assert sorted((r["statement_id"], r["publisher"]) for r in rows) == sorted(
        [
            (str(cited["denver"].pk), "HuffPost"),
            (str(cited["denver"].pk), "The Denver Post"),
            (str(cited["chicago"].pk), "Chicago Tribune"),
        ]
    )
    assert sorted(r["position"] for r in rows) == ["1", "1", "2"]
    manifest = json.loads((tmp_path / "manifest.json").read_text())["files"]
    entry = next(f for f in manifest if f["name"] == path.name)
    assert (entry["kind"], entry["format"], entry["rows"]) == ("statements", "sources_csv", 3)
    assert "sanctuary-tracker-statements.sources.csv.gz" in (tmp_path / "SHA256SUMS").read_text()

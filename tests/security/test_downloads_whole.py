"""A download is whole or refused: never a cut file that says 200.

The finding: with 500,000 statements, `/statements/?format=csv` ran 30 s, gunicorn killed the
worker, and the client got HTTP 200 with 74,001 of 500,001 lines and no sign of an error. Now a
download made on request holds at most DOWNLOAD_MAX_ROWS rows, counted before the first byte; a
larger one gets 422 pointing to the complete files that `build_bulk_downloads` writes; and a
stream that fails part-way ends with a marker no reader takes for a whole file.
"""

import csv
import gzip
import hashlib
import io
import json

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from public import download_tables, downloads, listing
from public.claims.columns import StatementTable
from statements.models import Statement
from tests import factories

STATEMENTS = "/statements/"
CITIES = "/cities/"


@pytest.fixture
def bulk_root(settings, tmp_path):
    settings.BULK_DOWNLOADS_ROOT = tmp_path / "downloads"
    return settings.BULK_DOWNLOADS_ROOT


@pytest.fixture
def six_statements(db):
    """Six published statements in two places, and one draft that no file may hold."""
    chicago = factories.JurisdictionFactory(name="Chicago", state="IL")
    denver = factories.JurisdictionFactory(name="Denver", state="CO")
    for n in range(4):
        factories.StatementFactory(jurisdiction=chicago, quote=f"Chicago words {n}")
    for n in range(2):
        factories.StatementFactory(jurisdiction=denver, quote=f"Denver words {n}")
    factories.StatementFactory(jurisdiction=chicago, status="draft", quote="Unpublished words")
    return Statement.objects.published()


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_of(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def build(**options):
    call_command("build_bulk_downloads", base_url="https://tracker.example", verbosity=0, **options)


# -- The reproduction: a download larger than the limit --------------------------------------------
def test_a_download_over_the_limit_is_refused_before_its_first_byte(
    client, settings, six_statements, bulk_root
):
    settings.DOWNLOAD_MAX_ROWS = 5
    build()

    response = client.get(STATEMENTS, {"format": "csv"})

    assert response.status_code == 422
    assert not response.streaming
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "This download would hold 6 rows, more than the 5" in text
    assert "none was started" in text
    assert "Narrow the list with filters" in text
    csv_url = "http://testserver/downloads/sanctuary-tracker-statements.csv.gz"
    assert f"CSV: {csv_url} (6 rows, gzip-compressed" in text
    assert "JSON: http://testserver/downloads/sanctuary-tracker-statements.json.gz" in text
    assert "http://testserver/downloads/manifest.json" in text
    assert f'<{csv_url}>; rel="alternate"' in response["Link"]


def test_before_any_complete_file_is_built_the_refusal_says_so(client, settings, six_statements):
    settings.DOWNLOAD_MAX_ROWS = 5
    settings.BULK_DOWNLOADS_ROOT = "/nonexistent/st-downloads"

    response = client.get(STATEMENTS, {"format": "json"})

    assert response.status_code == 422
    assert "published daily at http://testserver/downloads/" in response.content.decode()
    assert "none has been built on this server yet" in response.content.decode()


def test_a_filtered_download_within_the_limit_is_whole(client, settings, six_statements):
    settings.DOWNLOAD_MAX_ROWS = 5

    rows = csv_of(body_of(client.get(STATEMENTS, {"state": "IL", "format": "csv"})))
    items = json.loads(body_of(client.get(STATEMENTS, {"state": "IL", "format": "json"})))

    assert sorted(r["quote"] for r in rows) == [f"Chicago words {n}" for n in range(4)]
    assert sorted(i["quote"] for i in items) == [f"Chicago words {n}" for n in range(4)]


def test_a_streamed_download_in_many_chunks_keeps_the_list_order(
    client, monkeypatch, six_statements
):
    # Streamed (not the cached small file) and fetched two rows at a time by primary key.
    monkeypatch.setattr(listing, "CACHED_DOWNLOAD_ROWS", 0)
    monkeypatch.setattr(listing.FacetedListView, "download_chunk_size", 2)
    page = client.get(STATEMENTS)
    shown = [s.pk for s in page.context["object_list"]]

    response = client.get(STATEMENTS, {"format": "csv"})

    assert response.streaming
    assert [int(r["id"]) for r in csv_of(body_of(response))] == shown


def test_a_stream_that_fails_part_way_ends_with_a_marker_and_an_error(
    client, monkeypatch, six_statements
):
    monkeypatch.setattr(listing, "CACHED_DOWNLOAD_ROWS", 0)
    monkeypatch.setattr(listing.FacetedListView, "download_chunk_size", 2)
    rows = {"n": 0}

    def failing_after_three_rows(make):
        def make_or_fail(*args, **kwargs):
            rows["n"] += 1
            if rows["n"] > 3:
                raise RuntimeError("database went away")
            return make(*args, **kwargs)

        return make_or_fail

    # Each row's cells are made one row at a time, but written a chunk (two rows) at a time.
    table = StatementTable
    monkeypatch.setattr(table, "csv_values", failing_after_three_rows(table.csv_values))
    monkeypatch.setattr(table, "json_item", failing_after_three_rows(table.json_item))
    for fmt in ("csv", "json"):
        rows["n"] = 0
        response = client.get(STATEMENTS, {"format": fmt})
        assert response.status_code == 200  # sent before the first row was read
        received = []
        # The error reaches the server, which aborts the response rather than ending it whole.
        with pytest.raises(RuntimeError, match="database went away"):
            for chunk in response.streaming_content:
                received.append(chunk)
        body = b"".join(received).decode()
        last_line = body.rstrip().splitlines()[-1]
        assert last_line == "#DOWNLOAD FAILED: this file is incomplete; download it again.", fmt
        if fmt == "csv":
            *whole_rows, marker = csv_of(body.encode())  # a CSV reader skips the blank line
            assert len(whole_rows) == 2  # the first chunk; the second failed at its second row
            assert marker["id"].startswith("#DOWNLOAD FAILED")
        else:
            with pytest.raises(json.JSONDecodeError):
                json.loads(body)


def test_a_reader_who_refuses_gzip_gets_plain_csv(client, six_statements):
    response = client.get(STATEMENTS, {"format": "csv"}, HTTP_ACCEPT_ENCODING="nogzip")

    assert not response.has_header("Content-Encoding")
    assert len(csv_of(body_of(response))) == 6


# -- The complete files -----------------------------------------------------------------------------
def test_the_complete_files_hold_every_published_record_with_checksums(
    client, six_statements, bulk_root
):
    build(chunk_size=2)  # four chunks of statements: the keyset pages through them all

    manifest = json.loads((bulk_root / "manifest.json").read_text())
    files = {f["name"]: f for f in manifest["files"]}
    assert set(files) == {
        "sanctuary-tracker-statements.csv.gz",
        "sanctuary-tracker-statements.json.gz",
        "sanctuary-tracker-statements.sources.csv.gz",
        "sanctuary-tracker-cities.csv.gz",
        "sanctuary-tracker-cities.json.gz",
    }
    for name, entry in files.items():
        data = (bulk_root / name).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert f"{entry['sha256']}  {name}\n" in (bulk_root / "SHA256SUMS").read_text()
    assert files["sanctuary-tracker-statements.csv.gz"]["rows"] == 6
    assert files["sanctuary-tracker-cities.json.gz"]["rows"] == 2

    bulk_csv = csv_of(
        gzip.decompress((bulk_root / "sanctuary-tracker-statements.csv.gz").read_bytes())
    )
    bulk_json = json.loads(
        gzip.decompress((bulk_root / "sanctuary-tracker-statements.json.gz").read_bytes())
    )
    site_csv = csv_of(body_of(client.get(STATEMENTS, {"format": "csv"})))
    # The same columns and rows as the site's download, in primary-key order, links absolute.
    assert list(bulk_csv[0]) == list(site_csv[0])
    assert [r["id"] for r in bulk_csv] == sorted((r["id"] for r in site_csv), key=int)
    assert [i["id"] for i in bulk_json] == [int(r["id"]) for r in bulk_csv]
    assert bulk_csv[0]["url"] == f"https://tracker.example/statements/{bulk_csv[0]['id']}/"
    assert not any("Unpublished" in r["quote"] for r in bulk_csv)


def test_a_rebuild_with_unchanged_data_gives_the_same_checksums(six_statements, bulk_root):
    build()
    first = (bulk_root / "SHA256SUMS").read_text()
    build()
    assert (bulk_root / "SHA256SUMS").read_text() == first


def test_a_build_that_fails_leaves_the_previous_files_whole(monkeypatch, six_statements, bulk_root):
    build()
    before = (bulk_root / "sanctuary-tracker-statements.csv.gz").read_bytes()

    def broken(table, rows):
        raise RuntimeError("disk full")

    monkeypatch.setattr(download_tables.Table, "csv_text", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        build()

    assert (bulk_root / "sanctuary-tracker-statements.csv.gz").read_bytes() == before
    assert sorted(p.name for p in bulk_root.iterdir() if p.name.startswith(".")) == []


def test_the_list_page_links_the_complete_files_and_says_when_a_result_is_too_large(
    client, settings, six_statements, bulk_root
):
    build()
    settings.DOWNLOAD_MAX_ROWS = 5

    page = " ".join(client.get(STATEMENTS).content.decode().split())
    filtered = " ".join(client.get(STATEMENTS, {"state": "CO"}).content.decode().split())

    assert "These 6 results are more than the 5 a download made on request can hold" in page
    assert "format=csv" not in page
    assert 'href="/downloads/sanctuary-tracker-statements.csv.gz" download' in page
    assert 'href="/downloads/manifest.json">row counts and SHA-256 checksums' in page
    assert "Download all 2 as" in filtered


def test_the_complete_files_are_served_and_nothing_else_in_their_folder(six_statements, bulk_root):
    build()
    (bulk_root / "secret.txt").write_text("not for the public")
    request = RequestFactory().get("/downloads/")

    served = downloads.bulk_file(request, name="sanctuary-tracker-statements.json.gz")
    data = b"".join(served.streaming_content)

    assert served["Content-Type"] == "application/gzip"
    assert "sanctuary-tracker-statements.json.gz" in served["Content-Disposition"]
    assert len(json.loads(gzip.decompress(data))) == 6
    assert b"sha256" in b"".join(downloads.bulk_file(request, name="manifest.json"))
    for name in ("secret.txt", "../settings.py", ".sanctuary-tracker-statements.csv.gz.partial"):
        with pytest.raises(downloads.Http404):
            downloads.bulk_file(request, name=name)


# -- Deep pages ------------------------------------------------------------------------------------
def test_a_page_deeper_than_any_reader_goes_is_refused_with_a_way_forward(client, db):
    response = client.get(STATEMENTS, {"page": "9000"})

    assert response.status_code == 400
    assert "Pages go up to 200 (10,000 results)" in response.content.decode()
    assert "download the complete files" in response.content.decode()
    assert client.get(CITIES, {"page": "201"}).status_code == 400
    assert client.get(reverse("cities:list"), {"page": "1"}).status_code == 200

"""A long download reads its next chunk of rows while the last one is written: the file is the
same as when the chunks are read in turn, an error while reading still fails the download, and a
reader who stops early leaves no thread or connection behind."""

import gzip
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from public import listing
from public.download_tables import read_ahead
from statements.models import Statement, Status
from tests import factories
from tests.public.test_download_speed_shape import body, csv_of


def reader_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "download-read-ahead"]


def test_the_chunks_come_in_order_read_by_another_thread():
    readers = []

    def chunks():
        for n in range(5):
            readers.append(threading.current_thread())
            yield [n, n]

    assert list(read_ahead(chunks())) == [[n, n] for n in range(5)]
    assert threading.current_thread() not in readers
    assert reader_threads() == []


def test_an_error_while_reading_fails_the_download():
    def chunks():
        yield [1]
        raise RuntimeError("the database went away")

    written = read_ahead(chunks())
    assert next(written) == [1]
    with pytest.raises(RuntimeError, match="the database went away"):
        next(written)
    assert reader_threads() == []


def test_a_download_stopped_early_stops_its_reading_thread():
    def endless():
        n = 0
        while True:
            n += 1
            yield [n]

    written = read_ahead(endless())
    assert next(written) == [1]
    written.close()  # the reader's connection closed mid-file
    assert reader_threads() == []


@pytest.mark.django_db
def test_inside_a_transaction_the_chunks_are_read_in_turn():
    """Another connection would not see the transaction's rows (as in these tests)."""
    readers = []

    def chunks():
        readers.append(threading.current_thread())
        yield [1]

    with transaction.atomic():
        assert list(read_ahead(chunks())) == [[1]]
    assert readers == [threading.current_thread()]


@pytest.mark.django_db(transaction=True)
def test_a_long_download_read_ahead_holds_every_row_once_in_order(client, monkeypatch):
    monkeypatch.setattr(listing, "CACHED_DOWNLOAD_ROWS", 0)
    monkeypatch.setattr(listing.FacetedListView, "download_chunk_size", 3)
    place = factories.JurisdictionFactory(name="Tacoma", state="WA")
    for n in range(11):
        factories.StatementFactory(jurisdiction=place, quote=f"Statement number {n}.")
    assert not connection.in_atomic_block  # so the download reads ahead in a thread

    response = client.get("/statements/?format=csv&sort=oldest")

    rows = csv_of(body(response))
    expected = Statement.objects.filter(status=Status.PUBLISHED).order_by("said_on", "id")
    assert [row["id"] for row in rows] == [str(s.pk) for s in expected]
    assert sorted(row["quote"] for row in rows) == sorted(
        f"Statement number {n}." for n in range(11)
    )
    assert reader_threads() == []


@pytest.mark.django_db(transaction=True)
def test_the_complete_files_read_ahead_in_the_snapshot_they_were_started_in(tmp_path):
    """On PostgreSQL the reading thread joins the command's snapshot (pg_export_snapshot), so
    every chunk is of the same moment; on SQLite the chunks are read in turn."""
    place = factories.JurisdictionFactory(name="Denver", state="CO")
    for n in range(7):
        factories.StatementFactory(jurisdiction=place, quote=f"Denver statement {n}.")

    call_command("build_bulk_downloads", output=str(tmp_path), chunk_size=2, verbosity=0)

    written = gzip.decompress((tmp_path / "sanctuary-tracker-statements.csv.gz").read_bytes())
    assert sorted(row["quote"] for row in csv_of(written)) == [
        f"Denver statement {n}." for n in range(7)
    ]
    assert reader_threads() == []

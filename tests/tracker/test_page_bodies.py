"""A large cached page (a download, the map) is sent from a file on the app server, not copied
out of the cache on every hit: the same bytes and headers, on every server, and rebuilt when
the stored body is gone."""

import gzip
import hashlib
import os
import time

import pytest
from django.core.cache import cache
from django.http import FileResponse
from django.urls import reverse

from cities.models import Jurisdiction
from tests.tracker.test_page_cache import cache_key_of
from tracker import page_bodies

pytestmark = pytest.mark.django_db

DOWNLOAD = reverse("statements:list") + "?format=csv"
# The page cache keeps a download as it is sent to a client that accepts gzip.
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip"}


@pytest.fixture(autouse=True)
def _every_page_is_large(settings):
    settings.PAGE_BODY_FILE_BYTES = 100


@pytest.fixture
def body_dir(settings, tmp_path):
    settings.PAGE_BODY_DIR = tmp_path
    return tmp_path


def test_a_cached_download_is_sent_from_a_file_with_its_headers(client, seeded, body_dir):
    first = client.get(DOWNLOAD, **GZIP)
    assert first["X-Page-Cache"] == "miss"

    hit = client.get(DOWNLOAD, **GZIP)

    assert hit["X-Page-Cache"] == "hit"
    assert isinstance(hit, FileResponse)
    assert hit.getvalue() == first.content
    for header in ("Content-Type", "Content-Disposition", "ETag", "Last-Modified", "Vary"):
        assert hit[header] == first[header], header
    assert hit["Content-Disposition"].startswith("attachment; filename=")
    assert int(hit["Content-Length"]) == len(first.content)
    assert [path.name for path in body_dir.iterdir()] == [first_digest(first)]


def first_digest(response) -> str:
    return hashlib.sha256(response.content).hexdigest()


def test_a_page_without_a_disposition_gets_none_from_its_file(client, seeded, body_dir):
    home = reverse("cities:home")
    client.get(home)
    hit = client.get(home)
    assert isinstance(hit, FileResponse)
    assert "Content-Disposition" not in hit
    assert hit["Content-Type"].startswith("text/html")


def test_another_app_server_writes_its_own_file_from_the_shared_cache(client, seeded, body_dir):
    first = client.get(DOWNLOAD, **GZIP)
    for path in body_dir.iterdir():
        path.unlink()  # a server that never built the page has no file

    hit = client.get(DOWNLOAD, **GZIP)

    assert hit["X-Page-Cache"] == "hit"
    assert hit.getvalue() == first.content
    assert len(list(body_dir.iterdir())) == 1


def test_a_page_whose_body_is_gone_everywhere_is_built_again(client, seeded, body_dir):
    first = client.get(DOWNLOAD, **GZIP)
    for path in body_dir.iterdir():
        path.unlink()
    cache.delete(page_bodies.body_key(first_digest(first)))

    again = client.get(DOWNLOAD, **GZIP)

    assert again["X-Page-Cache"] == "miss"
    assert again.content == first.content
    assert client.get(DOWNLOAD, **GZIP)["X-Page-Cache"] == "hit"


def test_a_change_is_sent_from_a_new_file(client, seeded, body_dir):
    places = reverse("cities:list") + "?format=csv"
    before = client.get(places, **GZIP)
    chicago = Jurisdiction.objects.get(slug="chicago-il")
    chicago.name = "Chicago, renamed"
    chicago.save()

    after = client.get(places, **GZIP)
    hit = client.get(places, **GZIP)

    assert "Chicago, renamed" in gzip.decompress(after.content).decode()
    assert hit["X-Page-Cache"] == "hit"
    assert hit.getvalue() == after.content != before.content
    assert len(list(body_dir.iterdir())) == 2


def test_a_stale_large_page_is_sent_then_rebuilt(client, seeded, body_dir, settings):
    settings.PAGE_CACHE_STALE_SECONDS = 60
    page = reverse("cities:detail", kwargs={"slug": "chicago-il"})
    before = client.get(page)
    client.get(page)
    chicago = Jurisdiction.objects.get(slug="chicago-il")
    chicago.name = "Chicago during a rush"
    chicago.save()
    key = cache_key_of(page)
    cache.set(key, {**cache.get(key), "built_at": 0})  # built before the grace began

    stale = client.get(page)
    assert stale["X-Page-Cache"] == "stale"
    assert stale.getvalue() == before.content
    stale.close()  # the server has sent it: the worker builds the page again

    fresh = client.get(page)
    assert fresh["X-Page-Cache"] == "hit"
    assert "Chicago during a rush" in fresh.getvalue().decode()


def test_files_not_stored_again_within_the_cache_time_are_pruned(settings, body_dir):
    settings.PAGE_CACHE_SECONDS = 300
    old = page_bodies.store(b"an old download " * 20, 300)
    new = page_bodies.store(b"a new download " * 20, 300)
    an_hour_ago = time.time() - 3600
    os.utime(body_dir / old, (an_hour_ago, an_hour_ago))

    assert page_bodies.prune() == 1
    assert [path.name for path in body_dir.iterdir()] == [new]
    # The shared cache still has it: a server asked for it writes its file again.
    assert page_bodies.open_body(old).read() == b"an old download " * 20


def test_a_server_whose_disk_refuses_the_file_still_serves_the_page(client, seeded, settings):
    settings.PAGE_BODY_DIR = "/proc/no-page-bodies-here"  # cannot be created
    first = client.get(DOWNLOAD, **GZIP)
    hit = client.get(DOWNLOAD, **GZIP)

    assert first.status_code == hit.status_code == 200
    assert hit["X-Page-Cache"] == "hit"
    assert hit.getvalue() == first.content

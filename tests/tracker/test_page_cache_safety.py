"""The page cache serves only what a valid request built: the reproductions from the attack on
the cache (Host poisoning, a disallowed host on a hit, a mangled Accept-Encoding, a made-up
session cookie, an entry too large), and draft activity that no reader sees invalidating nothing."""

import gzip

import pytest
from django.urls import reverse

from statements import services
from statements.models import Source, Statement, Status
from tracker.cache import accepts_gzip
from tracker.page_tags import current_generation

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed():
    return reverse("statements:feed")


def test_a_forged_host_cannot_poison_the_feed_for_later_readers(client, seeded, feed):
    poisoned = client.get(feed, HTTP_HOST="127.0.0.1:6666")
    assert poisoned.status_code == 200
    assert "http://127.0.0.1:6666/" in poisoned.content.decode()

    reader = client.get(feed, HTTP_HOST="localhost")
    assert reader["X-Page-Cache"] == "miss"
    assert "127.0.0.1:6666" not in reader.content.decode()
    assert "http://localhost/" in reader.content.decode()


def test_a_host_outside_allowed_hosts_gets_400_on_a_cache_hit_as_on_a_miss(client, seeded):
    home = reverse("cities:home")
    assert client.get(home, HTTP_HOST="localhost").status_code == 200
    assert client.get(home, HTTP_HOST="localhost")["X-Page-Cache"] == "hit"
    assert client.get(home, HTTP_HOST="evil.example").status_code == 400


def test_a_page_built_for_https_is_not_served_to_http(client, seeded, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    home = reverse("cities:home")
    client.get(home, HTTP_X_FORWARDED_PROTO="https")
    plain = client.get(home)
    assert plain["X-Page-Cache"] == "miss"


@pytest.mark.parametrize(
    ("header", "gzipped"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("*", True),
        ("nogzip", False),
        ("gzip;q=0", False),
        ("identity", False),
        ("", False),
    ],
)
def test_accept_encoding_is_parsed_not_searched(header, gzipped):
    assert accepts_gzip(header) is gzipped


def test_a_reader_asking_for_nogzip_gets_plain_text_even_after_a_gzip_reader(client, seeded):
    home = reverse("cities:home")
    compressed = client.get(home, HTTP_ACCEPT_ENCODING="gzip")
    assert compressed["Content-Encoding"] == "gzip"
    assert b"Sanctuary Tracker" in gzip.decompress(compressed.content)
    plain = client.get(home, HTTP_ACCEPT_ENCODING="nogzip")
    assert not plain.has_header("Content-Encoding")
    assert b"Sanctuary Tracker" in plain.content


def test_a_made_up_session_cookie_is_still_served_from_the_cache(client, seeded):
    home = reverse("cities:home")
    client.get(home)
    client.cookies["sessionid"] = "made-up-by-a-scraper"
    response = client.get(home)
    assert response["X-Page-Cache"] == "hit"


def test_a_signed_in_editor_is_never_served_a_cached_page(editor_client, seeded):
    home = reverse("cities:home")
    editor_client.get(home)
    response = editor_client.get(home)
    assert not response.has_header("X-Page-Cache")


def test_a_page_larger_than_the_limit_is_served_but_not_stored(client, seeded, settings):
    settings.PAGE_CACHE_MAX_BYTES = 100
    # The middleware reads its settings when built; a fresh client builds a fresh handler.
    from django.test import Client

    reader = Client()
    first = reader.get(reverse("cities:home"))
    assert first.status_code == 200
    assert first["X-Page-Cache"] == "too-large"
    assert reader.get(reverse("cities:home"))["X-Page-Cache"] == "too-large"


def _chicago_statement(status):
    chicago = seeded_jurisdiction()
    statement = Statement.objects.create(
        jurisdiction=chicago,
        official=None,
        agency=chicago.agencies.first(),
        said_on="2019-07-01",
        medium="press_statement",
        quote="A draft nobody has read yet.",
        status=status,
    )
    statement.sources.add(Source.objects.first())
    return statement


def seeded_jurisdiction():
    from cities.models import Jurisdiction

    return Jurisdiction.objects.get(slug="chicago-il")


def test_a_draft_save_changes_nothing_public_and_invalidates_nothing(seeded):
    before = current_generation()
    draft = _chicago_statement(Status.DRAFT)
    draft.summary = "Edited again, still a draft."
    draft.save()
    assert current_generation() == before


def test_publishing_and_unpublishing_invalidate_the_cached_pages(seeded):
    draft = _chicago_statement(Status.DRAFT)
    before = current_generation()
    services.statements_publish(statements=Statement.objects.filter(pk=draft.pk))
    published = current_generation()
    assert published[0] > before[0]
    services.statements_unpublish(statements=Statement.objects.filter(pk=draft.pk))
    assert current_generation()[0] > published[0]

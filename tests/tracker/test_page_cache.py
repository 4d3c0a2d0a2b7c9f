"""Anonymous readers get cached pages; an editor's change shows at once."""

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from cities.models import Jurisdiction
from statements import services
from tracker.cache import AnonymousPageCacheMiddleware
from tracker.models import Status


@pytest.fixture
def home():
    return reverse("cities:home")


def text(response) -> str:
    return response.content.decode()


def a_cached_page(client, url):
    """GET `url` twice as an anonymous reader; return the page once the cache serves it."""
    first = client.get(url)
    assert (first.status_code, first["X-Page-Cache"]) == (200, "miss")
    cached = client.get(url)
    # From here, the next GET is this stored copy unless a change invalidated it.
    assert cached["X-Page-Cache"] == "hit"
    assert cached.content == first.content
    return cached


def test_a_repeat_visit_is_served_from_the_cache_without_queries(
    client, seeded, home, django_assert_num_queries
):
    first = client.get(home)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(home)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content


def test_publishing_a_statement_shows_on_the_cached_page_at_once(
    client, jurisdiction_factory, statement_factory
):
    tacoma = jurisdiction_factory(name="Tacoma", state="WA", slug="tacoma-wa")
    draft = statement_factory(
        jurisdiction=tacoma, quote="Tacoma police will not join.", status=Status.DRAFT
    )
    page = reverse("cities:detail", kwargs={"slug": "tacoma-wa"})
    before = a_cached_page(client, page)
    assert "No published statements from Tacoma yet." in text(before)
    assert "Tacoma police will not join." not in text(before)

    services.statements_publish(statements=[draft])

    after = client.get(page)
    assert "Tacoma police will not join." in text(after)
    assert "No published statements from Tacoma yet." not in text(after)
    assert after["X-Page-Cache"] == "miss"


def test_an_edit_shows_on_the_next_request(client, seeded):
    page = reverse("cities:detail", kwargs={"slug": "chicago-il"})
    before = a_cached_page(client, page)
    assert "Chicago (renamed in a test)" not in text(before)

    chicago = Jurisdiction.objects.get(slug="chicago-il")
    chicago.name = "Chicago (renamed in a test)"
    chicago.save()

    after = client.get(page)
    assert "Chicago (renamed in a test)" in text(after)
    assert after["X-Page-Cache"] == "miss"


def test_a_conditional_get_with_the_etag_gets_304(client, seeded, home):
    etag = client.get(home)["ETag"]
    response = client.get(home, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""


def test_pages_are_compressed_for_clients_that_accept_gzip(client, seeded, home):
    response = client.get(home, headers={"accept-encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"


def test_logged_in_editors_bypass_the_cache(editor_client, seeded, home):
    editor_client.get(home)
    assert "X-Page-Cache" not in editor_client.get(home)


def test_while_one_reader_rebuilds_a_stale_page_the_others_get_the_last_copy(client, seeded):
    """A publish during a rush: the first reader to find the page stale rebuilds it, readers
    arriving during that render are served the copy they would have had a moment earlier rather
    than each rendering the page again."""
    page = reverse("cities:detail", kwargs={"slug": "chicago-il"})
    before = a_cached_page(client, page)
    chicago = Jurisdiction.objects.get(slug="chicago-il")
    chicago.name = "Chicago (renamed during a rush)"
    chicago.save()
    rebuild_lock = f"rebuild:{cache_key_of(page)}"
    assert cache.add(rebuild_lock, 1, 30)  # another app server is rendering the page right now

    during = client.get(page)
    assert during["X-Page-Cache"] == "stale"
    assert during.content == before.content

    cache.delete(rebuild_lock)  # that render is done or its server died: the next reader rebuilds
    after = client.get(page)
    assert after["X-Page-Cache"] == "miss"
    assert "Chicago (renamed during a rush)" in text(after)
    assert client.get(page)["X-Page-Cache"] == "hit"


def test_a_rebuild_releases_its_lock_so_the_next_change_shows_too(client, seeded):
    page = reverse("cities:detail", kwargs={"slug": "chicago-il"})
    a_cached_page(client, page)
    for name in ("Chicago once", "Chicago twice"):
        chicago = Jurisdiction.objects.get(slug="chicago-il")
        chicago.name = name
        chicago.save()
        assert name in text(client.get(page))
    assert cache.get(f"rebuild:{cache_key_of(page)}") is None


def cache_key_of(path: str) -> str:
    request = RequestFactory().get(path)
    return AnonymousPageCacheMiddleware(lambda request: None).cache_key(request)


def test_after_a_change_a_page_built_within_the_grace_is_served_then_rebuilt_once(
    client, seeded, settings
):
    """With edits coming every second, each page is rendered at most once per grace period;
    a reader sees the change once the grace has passed (editors, signed in, see it at once)."""
    settings.PAGE_CACHE_STALE_SECONDS = 60
    page = reverse("cities:detail", kwargs={"slug": "chicago-il"})
    before = a_cached_page(client, page)
    chicago = Jurisdiction.objects.get(slug="chicago-il")
    chicago.name = "Chicago (renamed within the grace)"
    chicago.save()

    during = client.get(page)
    assert during["X-Page-Cache"] == "stale"
    assert during.content == before.content

    settings.PAGE_CACHE_STALE_SECONDS = 0  # the grace has passed
    after = Client().get(page)
    assert after["X-Page-Cache"] == "miss"
    assert "Chicago (renamed within the grace)" in text(after)

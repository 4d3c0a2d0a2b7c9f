"""A change rebuilds the pages that show it and leaves the rest cached: a statement in Tacoma
rebuilds Tacoma's page, its speaker's, its own, the lists and the map, not Spokane's page."""

import datetime
import threading
import time

import pytest
from django.core.cache import cache
from django.http import QueryDict
from django.test import RequestFactory
from django.urls import reverse

from cities.models import StanceLevel
from public import facets
from public.claims.filters import StatementFilter
from statements import services
from statements.models import Correction, Statement
from tracker.cache import ENTRY_FORMAT, AnonymousPageCacheMiddleware
from tracker.models import Status
from tracker.page_tags import ANY, SITE, bump_tags, tag_versions

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(jurisdiction_factory):
    return {
        "tacoma": jurisdiction_factory(name="Tacoma", state="WA"),
        "spokane": jurisdiction_factory(name="Spokane", state="WA"),
    }


@pytest.fixture
def said(places, statement_factory, official_factory, source_factory):
    """A published statement in each place, by two different officials."""
    return {
        name: statement_factory(
            jurisdiction=place,
            official=official_factory(name=f"Mayor of {place.name}"),
            quote=f"{place.name} police will not join.",
            sources=[source_factory()],
            status=Status.PUBLISHED,
        )
        for name, place in places.items()
    }


def say_again(statement_factory, earlier, quote: str):
    """A new statement, published with a source, by the same speaker in the same place."""
    return statement_factory(
        jurisdiction=earlier.jurisdiction, official=earlier.official, quote=quote
    )


def pages_of(places, said) -> dict[str, str]:
    return {
        "tacoma page": places["tacoma"].get_absolute_url(),
        "spokane page": places["spokane"].get_absolute_url(),
        "tacoma statement": said["tacoma"].get_absolute_url(),
        "spokane statement": said["spokane"].get_absolute_url(),
        "tacoma mayor": said["tacoma"].official.get_absolute_url(),
        "spokane mayor": said["spokane"].official.get_absolute_url(),
        "spokane feed": reverse("statements:jurisdiction_feed", args=[places["spokane"].slug]),
        "statements": reverse("statements:list"),
        "places": reverse("cities:list"),
        "map": reverse("maps:map"),
        "home": reverse("cities:home"),
        "changes": reverse("statements:changes"),
    }


def cache_all(client, pages: dict[str, str]) -> None:
    for url in pages.values():
        assert client.get(url).status_code == 200
        assert client.get(url)["X-Page-Cache"] == "hit", url


def rebuilt(client, pages: dict[str, str]) -> set[str]:
    """The pages a reader's next GET renders again instead of taking from the cache."""
    return {name for name, url in pages.items() if client.get(url).get("X-Page-Cache") != "hit"}


LISTS = {"statements", "places", "map", "home"}


def test_a_new_statement_rebuilds_its_place_its_speaker_and_the_lists_only(
    client, places, said, statement_factory
):
    pages = pages_of(places, said)
    cache_all(client, pages)

    say_again(statement_factory, said["tacoma"], "Tacoma will say it again.")

    assert rebuilt(client, pages) == {"tacoma page", "tacoma mayor", "changes", *LISTS}
    assert "Tacoma will say it again." in client.get(pages["tacoma page"]).content.decode()


def test_an_edit_of_a_statements_words_rebuilds_its_pages_and_the_lists_of_statements(
    client, places, said
):
    """Not the list of places or the map, which show no statement's words."""
    pages = pages_of(places, said)
    cache_all(client, pages)

    statement = said["spokane"]
    statement.summary = "The mayor repeated it."
    statement.save()

    assert rebuilt(client, pages) == {
        "spokane page",
        "spokane statement",
        "spokane mayor",
        "spokane feed",
        "changes",
        "statements",
        "home",
    }
    assert "The mayor repeated it." in client.get(pages["spokane statement"]).content.decode()


def test_a_statement_moved_to_another_place_rebuilds_both_places(client, places, said):
    pages = pages_of(places, said)
    cache_all(client, pages)

    statement = said["spokane"]
    statement.jurisdiction = places["tacoma"]
    statement.save()

    assert {"tacoma page", "spokane page", "spokane feed"} <= rebuilt(client, pages)
    assert "Spokane police will not join." in client.get(pages["tacoma page"]).content.decode()
    assert "Spokane police will not join." not in client.get(pages["spokane page"]).content.decode()


def test_a_published_stance_rebuilds_its_place_and_the_statements_that_show_it(
    client, places, said, stance_factory, source_factory
):
    pages = pages_of(places, said)
    cache_all(client, pages)

    stance_factory(
        jurisdiction=places["tacoma"],
        level=StanceLevel.REFUSES,
        effective_from=datetime.date(2025, 1, 20),
        sources=[source_factory()],
        status=Status.PUBLISHED,
    )

    assert rebuilt(client, pages) == {"tacoma page", "tacoma statement", "changes", *LISTS}
    # The statement's page shows its place's current stance.
    assert "Refuses" in client.get(pages["tacoma statement"]).content.decode()


def test_a_correction_rebuilds_the_corrected_statements_pages(client, places, said):
    pages = pages_of(places, said)
    cache_all(client, pages)

    services.statement_correct(
        statement=said["tacoma"],
        changes={"summary": "The mayor said the police would stay out."},
        note="The summary misread the quote.",
    )

    assert {"tacoma page", "tacoma statement", "tacoma mayor"} <= rebuilt(client, pages)
    assert Correction.objects.filter(statement=said["tacoma"]).exists()
    assert "The summary misread the quote." in (
        client.get(pages["tacoma statement"]).content.decode()
    )


def test_a_renamed_place_rebuilds_every_page(client, places, said):
    """A place's name shows on lists, statements and officials' pages: its change names no
    narrower tags than the whole site."""
    pages = pages_of(places, said)
    cache_all(client, pages)

    spokane = places["spokane"]
    spokane.name = "Spokane Falls"
    spokane.save()

    assert rebuilt(client, pages) == set(pages)


def test_a_draft_rebuilds_nothing_and_a_new_source_only_what_names_nothing(
    client, places, said, statement_factory, source_factory
):
    pages = pages_of(places, said)
    cache_all(client, pages)

    draft = statement_factory(
        jurisdiction=places["tacoma"],
        official=said["tacoma"].official,
        sources=[],
        status=Status.DRAFT,
    )
    draft.summary = "Still a draft."
    draft.save()
    assert rebuilt(client, pages) == set()

    draft.sources.add(source_factory())
    # No page shows a source until a published record cites it; the change log names no tags.
    assert rebuilt(client, pages) == {"changes"}


def test_an_edit_of_a_cited_source_rebuilds_every_page(client, places, said):
    pages = pages_of(places, said)
    cache_all(client, pages)

    source = said["tacoma"].sources.get()
    source.publisher = "The Tacoma Ledger"
    source.save()

    assert rebuilt(client, pages) == set(pages)
    assert "The Tacoma Ledger" in client.get(pages["tacoma statement"]).content.decode()


def test_unpublishing_rebuilds_as_publishing_does(client, places, said):
    pages = pages_of(places, said)
    cache_all(client, pages)

    services.statements_unpublish(statements=[said["tacoma"]])

    assert {"tacoma page", "tacoma statement", "tacoma mayor", *LISTS} <= rebuilt(client, pages)
    assert client.get(pages["tacoma statement"]).status_code == 404
    assert "Tacoma police will not join." not in client.get(pages["home"]).content.decode()


# -- a change during a render -------------------------------------------------------------------
def test_a_page_whose_tags_are_new_is_stored_stale_when_anything_changed_while_it_rendered():
    before = tag_versions({ANY})
    bump_tags({"place:1"})  # a commit lands while the page renders
    stored = AnonymousPageCacheMiddleware._versions_to_store(frozenset({SITE, "place:1"}), before)
    now = tag_versions({SITE, "place:1"})
    assert stored["place:1"] != now["place:1"]  # so the next reader's request rebuilds it


def test_a_page_whose_tags_are_known_keeps_the_versions_read_before_it_rendered():
    before = tag_versions({ANY, SITE, "place:1"})
    bump_tags({"place:1"})
    stored = AnonymousPageCacheMiddleware._versions_to_store(frozenset({SITE, "place:1"}), before)
    assert stored == {SITE: before[SITE], "place:1": before["place:1"]}


def test_a_page_whose_tags_are_new_keeps_them_when_nothing_changed_while_it_rendered():
    before = tag_versions({ANY})
    stored = AnonymousPageCacheMiddleware._versions_to_store(frozenset({SITE, "place:2"}), before)
    assert stored == tag_versions({SITE, "place:2"})


def test_a_page_that_names_nothing_is_rebuilt_by_any_change(
    client, places, said, statement_factory
):
    """The API's pages name no tags."""
    statements = reverse("api:statement-list")
    assert client.get(statements).status_code == 200
    assert client.get(statements)["X-Page-Cache"] == "hit"

    say_again(statement_factory, said["spokane"], "Spokane will say it again.")

    fresh = client.get(statements)
    assert fresh["X-Page-Cache"] == "miss"
    assert "Spokane will say it again." in fresh.content.decode()


def test_a_page_stored_by_the_release_before_tags_is_rebuilt(client, places, said):
    """That release stored one site-wide generation per page, and no versions: a deploy must not
    serve its copies for ever."""
    page = places["tacoma"].get_absolute_url()
    key = AnonymousPageCacheMiddleware(lambda request: None).cache_key(RequestFactory().get(page))
    old_copy = {"generation": 1, "built_at": 0, "content": b"an old copy", "status": 200}
    cache.set(key, old_copy | {"headers": {"Content-Type": "text/html"}})

    fresh = client.get(page)

    assert fresh["X-Page-Cache"] == "miss"
    assert "Tacoma police will not join." in fresh.content.decode()


def test_a_page_stored_by_another_release_format_is_never_read(client, places, said):
    """During a rolling deploy two releases share one Redis: each reads only its own format."""
    page = places["tacoma"].get_absolute_url()
    key = AnonymousPageCacheMiddleware(lambda request: None).cache_key(RequestFactory().get(page))
    previous_format_key = key.replace(f"page{ENTRY_FORMAT}:", f"page{ENTRY_FORMAT - 1}:", 1)
    assert previous_format_key != key
    cache.set(
        previous_format_key,
        {"versions": {ANY: 0}, "built_at": 0, "content": b"an old copy", "status": 200}
        | {"headers": {"Content-Type": "text/html"}},
    )

    fresh = client.get(page)

    assert fresh["X-Page-Cache"] == "miss"
    assert "Tacoma police will not join." in fresh.content.decode()
    assert cache.get(previous_format_key)["content"] == b"an old copy"


# -- rebuilt after the response -----------------------------------------------------------------
def test_the_reader_who_finds_a_page_stale_gets_it_at_once_and_the_next_gets_the_new_one(
    client, places, said, settings
):
    settings.PAGE_CACHE_STALE_SECONDS = 0.05
    page = places["spokane"].get_absolute_url()
    before = a_cached_copy(client, page)

    statement = said["spokane"]
    statement.quote = "Spokane police will never join."
    statement.save()
    time.sleep(0.06)

    first = client.get(page)
    assert first["X-Page-Cache"] == "stale"
    assert first.content == before.content  # sent without waiting; then the page is rebuilt
    then = client.get(page)
    assert then["X-Page-Cache"] == "hit"
    assert "Spokane police will never join." in then.content.decode()


def test_a_page_that_is_gone_is_not_served_stale_after_its_rebuild(client, places, said, settings):
    settings.PAGE_CACHE_STALE_SECONDS = 0.05
    page = said["tacoma"].get_absolute_url()
    a_cached_copy(client, page)

    services.statements_unpublish(statements=[said["tacoma"]])
    time.sleep(0.06)

    assert client.get(page)["X-Page-Cache"] == "stale"  # the rebuild finds a 404 and drops it
    assert client.get(page).status_code == 404


def a_cached_copy(client, url):
    client.get(url)
    cached = client.get(url)
    assert cached["X-Page-Cache"] == "hit"
    return cached


# -- one count per list and version ------------------------------------------------------------
def test_a_list_being_counted_by_another_request_is_not_counted_again(db):
    filterset = StatementFilter(QueryDict(), queryset=Statement.objects.for_list())
    key = filterset.cache_key("facets")
    cache.add(f"computing:{key}", 1, 2)  # page 1 of the list is counting its facets
    threading.Timer(0.05, lambda: cache.set(key, {"counted": "by page 1"})).start()

    counted = filterset.cached("facets", lambda: pytest.fail("counted a second time"))

    assert counted == {"counted": "by page 1"}


def test_a_request_counts_for_itself_when_the_other_never_finishes(db, monkeypatch):
    monkeypatch.setattr(facets, "COMPUTING_WAIT_SECONDS", 0.05)
    filterset = StatementFilter(QueryDict(), queryset=Statement.objects.for_list())
    cache.add(f"computing:{filterset.cache_key('count')}", 1, 2)

    assert filterset.cached("count", lambda: 7) == 7


def test_a_hit_reads_the_page_and_its_versions_in_one_round_trip(client, places, said, monkeypatch):
    from tracker import cache as page_cache
    from tracker import page_tags

    page = places["tacoma"].get_absolute_url()
    a_cached_copy(client, page)
    calls = []

    class CountingCache:
        def __getattr__(self, name):
            calls.append(name)
            return getattr(cache, name)

    monkeypatch.setattr(page_tags, "cache", CountingCache())
    monkeypatch.setattr(page_cache, "cache", CountingCache())

    assert client.get(page)["X-Page-Cache"] == "hit"
    assert calls == ["get_many"]

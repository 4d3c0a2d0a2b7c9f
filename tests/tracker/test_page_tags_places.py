"""What the lists of places and the map show of statements (that a place has published ones, how
many, the latest day) changes with a publish, an unpublish, a move to another place or day, a
delete: those rebuild them; an edit of a statement's words does not, yet a search finds the
new words at once."""

import datetime

import pytest

from statements.models import Statement
from tracker.page_tags import STATEMENTS

from .test_page_tags import cache_all, pages_of, places, rebuilt, said  # noqa: F401

pytestmark = pytest.mark.django_db

PLACE_PAGES = {"places", "map"}


def test_a_statement_moved_to_another_day_rebuilds_the_lists_of_places_and_the_map(
    client,
    places,  # noqa: F811
    said,  # noqa: F811
):
    pages = pages_of(places, said)
    cache_all(client, pages)

    statement = said["tacoma"]
    statement.said_on = datetime.date(2025, 3, 4)
    statement.save()

    assert rebuilt(client, pages) >= PLACE_PAGES
    assert "2025-03-04" in client.get(pages["places"]).content.decode()


def test_a_statement_deleted_or_created_names_the_lists_of_places(said):  # noqa: F811
    """A published statement is never deleted (it is retracted); were one deleted, the places'
    counts would change all the same."""
    statement = Statement.objects.get(pk=said["tacoma"].pk)
    assert STATEMENTS not in statement.page_cache_tags()
    assert STATEMENTS in statement.page_cache_tags(deleted=True)
    assert STATEMENTS in statement.page_cache_tags(created=True)


def test_a_new_speaker_leaves_the_lists_of_places_and_the_map_cached(
    client,
    places,  # noqa: F811
    said,  # noqa: F811
    official_factory,
):
    deputy = official_factory(name="Deputy Mayor of Tacoma")
    pages = pages_of(places, said)
    cache_all(client, pages)

    statement = said["tacoma"]
    statement.official = deputy
    statement.save()

    assert rebuilt(client, pages).isdisjoint(PLACE_PAGES)
    assert "Deputy Mayor of Tacoma" in client.get(pages["statements"]).content.decode()


def test_a_search_finds_a_statements_new_words_at_once(client, places, said):  # noqa: F811
    search = "/statements/?q=repeated"
    assert "0 statements match" in client.get(search).content.decode()

    statement = said["spokane"]
    statement.summary = "The mayor repeated it."
    statement.save()

    page = client.get(search).content.decode()
    assert "1 statement" in page
    assert "Spokane police will not join." in page

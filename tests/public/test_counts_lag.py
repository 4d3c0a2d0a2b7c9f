"""While editors publish, a list's counts (its number of rows on a full page, and the counts
beside each filter choice) are counted again at most once in COUNTS_LAG_SECONDS; its rows never
wait. A reader sees a new statement in the list, or a search, at once, beside the counts from a
moment before; once that time has passed they are right again, on every page the cache kept. The
last page and a download count exactly, always."""

import json
import time
from unittest import mock

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from public.claims.filters import StatementFilter
from public.claims.views import StatementListView
from statements import services
from statements.models import Statement
from tracker.page_tags import LATEST_KEPT_LAGS, earlier, has_earlier, keep_as_latest

from .test_list_repeat import facet_count

pytestmark = pytest.mark.django_db

LAG = 60
QUOTES = ["Quote number 1.", "Quote number 2.", "Quote number 3.", "A fourth word from Tacoma."]
WASHINGTON = reverse("statements:list") + "?state=WA"


@pytest.fixture
def counts_lag(settings):
    settings.COUNTS_LAG_SECONDS = LAG


def later(seconds: float):
    """The clock `seconds` ahead, for the caches' timeouts."""
    now = time.time()
    return mock.patch("time.time", return_value=now + seconds)


def a_fourth_statement(three_said, statement_factory) -> Statement:
    return statement_factory(
        jurisdiction=three_said[0].jurisdiction, quote="A fourth word from Tacoma."
    )


@pytest.mark.usefixtures("counts_lag", "page_cache_off")
def test_a_publish_shows_in_the_rows_at_once_and_in_the_counts_once_they_are_due(
    client, three_said, statement_factory
):
    before = client.get(WASHINGTON).content.decode()
    assert facet_count(before, "state", "WA") == 3

    a_fourth_statement(three_said, statement_factory)
    with CaptureQueriesContext(connection) as queries:
        during = client.get(WASHINGTON).content.decode()

    assert all(quote in during for quote in QUOTES)
    assert "4 statements" in during, "the last page is counted exactly, beside its rows"
    assert facet_count(during, "state", "WA") == 3, "the facets from a moment ago"
    assert not [q for q in queries if "GROUP BY" in q["sql"].upper()], "no facet was counted"

    with later(LAG + 1):
        after = client.get(WASHINGTON).content.decode()
    assert "A fourth word from Tacoma." in after
    assert "4 statements" in after
    assert facet_count(after, "state", "WA") == 4


@pytest.mark.usefixtures("counts_lag", "page_cache_off")
def test_a_full_page_may_show_the_earlier_number_the_last_page_never_does(
    client, three_said, statement_factory, monkeypatch
):
    monkeypatch.setattr(StatementListView, "paginate_by", 1)
    client.get(WASHINGTON)
    a_fourth_statement(three_said, statement_factory)

    first_page = client.get(WASHINGTON).content.decode()
    assert "3 statements" in first_page, "the number counted a moment ago, on a full page"
    assert len([quote for quote in QUOTES if quote in first_page]) == 1

    # Page 4 is past the earlier number: counted again, it is there, and so is the right total.
    last_page = client.get(WASHINGTON + "&page=4")
    assert last_page.status_code == 200
    assert "4 statements" in last_page.content.decode()
    assert len([quote for quote in QUOTES if quote in last_page.content.decode()]) == 1


@pytest.mark.usefixtures("counts_lag")
def test_a_cached_page_with_earlier_counts_is_drawn_again_when_they_are_due(
    client, three_said, statement_factory
):
    assert client.get(WASHINGTON)["X-Page-Cache"] == "miss"
    assert client.get(WASHINGTON)["X-Page-Cache"] == "hit"

    a_fourth_statement(three_said, statement_factory)
    during = client.get(WASHINGTON)
    assert during["X-Page-Cache"] == "miss"
    assert facet_count(during.content.decode(), "state", "WA") == 3
    # Kept as stale, not as the page at these versions: the next reader gets it drawn again.
    assert client.get(WASHINGTON)["X-Page-Cache"] == "miss"

    with later(LAG + 1):
        after = client.get(WASHINGTON)
        assert facet_count(after.content.decode(), "state", "WA") == 4
        again = client.get(WASHINGTON)
    assert again["X-Page-Cache"] == "hit"
    assert again.content == after.content


@pytest.mark.usefixtures("counts_lag", "page_cache_off")
def test_a_download_counts_exactly_while_the_list_shows_earlier_counts(
    client, three_said, statement_factory
):
    client.get(WASHINGTON)
    a_fourth_statement(three_said, statement_factory)
    assert facet_count(client.get(WASHINGTON).content.decode(), "state", "WA") == 3

    download = client.get(WASHINGTON + "&format=json")
    assert len(json.loads(b"".join(download.streaming_content or [download.content]))) == 4
    filterset = StatementFilter(
        QueryDict("state=WA"), queryset=Statement.objects.for_list(), request=None
    )
    assert filterset.count() == 4
    assert not filterset.from_before


@pytest.mark.usefixtures("page_cache_off")
def test_without_a_lag_every_change_is_counted_at_once(client, three_said, statement_factory):
    client.get(WASHINGTON)
    a_fourth_statement(three_said, statement_factory)

    assert facet_count(client.get(WASHINGTON).content.decode(), "state", "WA") == 4


@pytest.mark.usefixtures("counts_lag", "page_cache_off")
def test_a_search_shows_a_publish_at_once_and_never_what_was_unpublished(
    client, three_said, statement_factory
):
    search = reverse("statements:list") + "?q=quote"
    assert all(quote in client.get(search).content.decode() for quote in QUOTES[:3])

    statement_factory(jurisdiction=three_said[0].jurisdiction, quote="Another quote, just in.")
    services.statements_unpublish(statements=Statement.objects.filter(pk=three_said[0].pk))
    three_said[1].quote = "Quote number 2, corrected."
    three_said[1].save()
    during = client.get(search).content.decode()

    assert "Another quote, just in." in during, "a search's rows are never held back"
    assert "Quote number 1." not in during
    assert "Quote number 2, corrected." in during


def test_while_one_request_counts_again_the_others_show_the_last_counts(settings):
    settings.COUNTS_LAG_SECONDS = LAG
    keep_as_latest("list:facets:tacoma", {"WA": 3})
    assert earlier("list:facets:tacoma", None) == {"WA": 3}

    with later(LAG + 1):
        assert has_earlier("list:facets:tacoma") is False  # due: the next to ask counts again
        assert earlier("list:facets:tacoma", None) is None  # ... this one
        assert earlier("list:facets:tacoma", None) == {"WA": 3}, "the others do not wait"
        assert has_earlier("list:facets:tacoma")
        keep_as_latest("list:facets:tacoma", {"WA": 4})
        assert earlier("list:facets:tacoma", None) == {"WA": 4}

    with later(LAG * LATEST_KEPT_LAGS + 1):
        assert earlier("list:facets:tacoma", None) is None, "after a quiet spell, counted at once"

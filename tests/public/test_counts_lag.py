"""While editors publish, a list's facets (the counts beside each filter choice) are counted
again at most once in COUNTS_LAG_SECONDS; its rows and their number never wait. A reader sees a
new statement in the list at once, beside the facets from a moment before; once that time has
passed they are right again, on every page the cache kept. A download counts exactly, always."""

import json
import time
from unittest import mock

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from public.claims.filters import StatementFilter
from statements.models import Statement

from .test_list_repeat import facet_count

pytestmark = pytest.mark.django_db

LAG = 60
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

    assert "A fourth word from Tacoma." in during
    assert "4 statements" in during
    assert facet_count(during, "state", "WA") == 3, "the facets from a moment ago"
    assert not [q for q in queries if "GROUP BY" in q["sql"].upper()], "no facet was counted"

    with later(LAG + 1):
        after = client.get(WASHINGTON).content.decode()
    assert "A fourth word from Tacoma." in after
    assert facet_count(after, "state", "WA") == 4


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

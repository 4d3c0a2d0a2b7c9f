"""With the page cache off, /map/ still computes its markers and the slider's days once per
filters and versions of the records: a second reader costs fewer queries and sees the same map,
and a stance published since shows at once."""

import datetime
import gzip
import re
import time
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities.models import Jurisdiction
from tracker import kept_parts

from .helpers import legend_counts, markers
from .test_map_page import JAN_2017, MAP, place, places, said, stance  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_off(settings):
    settings.PAGE_CACHE_SECONDS = 0


def queries_and_page(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_a_second_reader_of_the_map_costs_fewer_queries_and_sees_the_same_map(
    client,
    places,  # noqa: F811
):
    first, first_page = queries_and_page(client, MAP)
    second, second_page = queries_and_page(client, MAP)

    # The markers (two queries at the national view) and the slider's days (one) are reused.
    assert second <= first - 3
    assert markers(second_page) == markers(first_page)
    assert second_page.content == first_page.content


def test_a_stance_published_since_shows_on_the_next_map(client, places):  # noqa: F811
    queries_and_page(client, MAP)
    assert markers(client.get(MAP))["springfield-il"].stance != "refuses"

    stance(places["springfield-il"], "refuses", datetime.date(2024, 3, 1))

    _, page = queries_and_page(client, MAP)
    assert markers(page)["springfield-il"].stance == "refuses"
    assert "2024-03-01" in page.content.decode()


def test_a_filtered_map_is_kept_apart_from_the_national_one(client, places):  # noqa: F811
    queries_and_page(client, MAP)
    _, page = queries_and_page(client, MAP + "?state=CO")
    assert set(markers(page)) == {"denver-co"}


FIGURE, BELOW = "maps/_figure.html", "maps/_below.html"


def parts_drawn(client, drawn, url=MAP) -> set[str]:
    del drawn[:]
    response = client.get(url)
    assert response.status_code == 200
    return {FIGURE, BELOW} & set(drawn)


def test_a_change_the_map_does_not_show_leaves_it_as_drawn(client, places, drawn):  # noqa: F811
    assert parts_drawn(client, drawn) == {FIGURE, BELOW}
    before = client.get(MAP).content

    # Springfield's latest statement stays the one of June 2019: no marker changes.
    said(places["springfield-il"], on=JAN_2017)

    assert parts_drawn(client, drawn) == set()
    assert client.get(MAP).content == before


def test_a_change_the_map_shows_draws_it_again(client, places, drawn):  # noqa: F811
    parts_drawn(client, drawn)

    stance(places["springfield-il"], "refuses", datetime.date(2024, 3, 1))

    assert parts_drawn(client, drawn) == {FIGURE, BELOW}
    assert parts_drawn(client, drawn, "/es" + MAP) == {FIGURE, BELOW}  # in each language
    assert parts_drawn(client, drawn, MAP + "?as_of=2020-01-01") == {FIGURE, BELOW}


HOME = "/"


def test_a_change_the_home_pages_map_does_not_show_leaves_it_as_drawn(
    client,
    places,  # noqa: F811
    drawn,
):
    small = "maps/_small_figure.html"
    client.get(HOME)
    said(places["springfield-il"], on=JAN_2017)

    del drawn[:]
    client.get(HOME)
    assert small not in drawn

    stance(places["springfield-il"], "refuses", datetime.date(2024, 3, 1))
    del drawn[:]
    assert markers(client.get(HOME))["springfield-il"].stance == "refuses"
    assert small in drawn


def test_the_home_pages_map_is_reused_until_a_stance_changes(client, places):  # noqa: F811
    first, first_page = queries_and_page(client, HOME)
    second, second_page = queries_and_page(client, HOME)
    assert second <= first - 2  # the markers and the count of those not drawn
    assert markers(second_page) == markers(first_page)

    stance(places["springfield-il"], "refuses", datetime.date(2024, 3, 1))

    _, page = queries_and_page(client, HOME)
    assert markers(page)["springfield-il"].stance == "refuses"


FILTERS = "includes/filter_details.html"


def stance_count(page, level: str) -> int:
    found = re.search(
        rf'name="stance" value="{level}"[^>]*>[^<]*<span class="count">\((\d+)\)',
        page.content.decode(),
    )
    assert found, f"no stance={level} option in the map's filters"
    return int(found.group(1))


def test_the_maps_filters_are_drawn_once_per_day_and_address_until_a_stance_changes(
    client,
    places,  # noqa: F811
    drawn,
):
    def filters_drawn(url, status=200) -> bool:
        del drawn[:]
        response = client.get(url)
        assert response.status_code == status
        return FILTERS in drawn

    assert filters_drawn(MAP)
    assert not filters_drawn(MAP)
    assert filters_drawn(MAP + "?as_of=2018-01-01")
    assert filters_drawn("/map/fragment/")
    assert stance_count(client.get(MAP), "refuses") == 1

    stance(places["springfield-il"], "refuses", datetime.date(2024, 3, 1))

    assert filters_drawn(MAP)
    assert stance_count(client.get(MAP), "refuses") == 2
    assert filters_drawn(MAP + "?as_of=not-a-day", status=400)
    assert filters_drawn(MAP + "?as_of=not-a-day", status=400)


def test_while_editors_publish_the_map_colours_at_once_and_counts_when_due(
    client,
    places,  # noqa: F811
    settings,
):
    settings.COUNTS_LAG_SECONDS = 60
    assert stance_count(client.get(MAP), "refuses") == 1

    stance(places["springfield-il"], "refuses", datetime.date(2024, 3, 1))
    during = client.get(MAP)
    assert markers(during)["springfield-il"].stance == "refuses"
    assert stance_count(during, "refuses") == 1, "the filters' counts from a moment ago"

    now = time.time()
    with mock.patch("time.time", return_value=now + 61):
        after = client.get(MAP)
    assert stance_count(after, "refuses") == 2
    assert stance_count(client.get(MAP), "refuses") == 2  # no copy with the old counts was kept


@pytest.mark.parametrize(
    ("url", "limit"),
    [
        (MAP, "public.maps.views.NATIONAL_MARKERS"),
        (HOME, "public.templatetags.maps.SMALL_MAP_MARKERS"),
    ],
)
def test_while_editors_publish_the_national_census_may_lag_but_the_colours_do_not(
    client,
    places,  # noqa: F811
    settings,
    monkeypatch,
    url,
    limit,
):
    settings.COUNTS_LAG_SECONDS = 60
    monkeypatch.setattr(limit, 1)  # the national view: the largest place drawn, all counted
    Jurisdiction.objects.filter(slug="springfield-il").update(population=10_000_000)
    first = client.get(url)
    assert set(markers(first)) == {"springfield-il"}
    refusing = legend_counts(first)["refuses"]

    stance(places["springfield-il"], "refuses", datetime.date(2024, 3, 1))
    during = client.get(url)
    assert markers(during)["springfield-il"].stance == "refuses"
    assert legend_counts(during)["refuses"] == refusing, "counted a moment before"

    now = time.time()
    with mock.patch("time.time", return_value=now + 61):
        after = client.get(url)
    assert legend_counts(after)["refuses"] == refusing + 1


def test_the_maps_figure_is_sent_compressed_as_kept_and_reads_as_the_page(client, places):  # noqa: F811
    plain = client.get(MAP).content
    spliced = []

    def splices_seen(request, body):
        spliced.append(kept_parts.splices(request, body))
        return spliced[-1]

    with mock.patch("tracker.compression.splices", splices_seen):
        first = client.get(MAP, HTTP_ACCEPT_ENCODING="gzip")
        second = client.get(MAP, HTTP_ACCEPT_ENCODING="gzip")

    assert gzip.decompress(first.content) == plain
    assert gzip.decompress(second.content) == plain
    assert [len(parts) for parts in spliced] == [1, 1]  # the figure; the tables are small
    assert spliced[1][0].deflated in second.content

"""The date slider steps through the days on which something on the map changed, and fetches
only the parts of the page a day changes (/map/fragment/)."""

import datetime
import json
import re
from unittest import mock

import pytest
from django.urls import reverse

from federal.models import Designation
from public.maps.stances import stance_change_dates
from statements.models import Statement
from tests.factories import AgencyFactory, SourceFactory

from .helpers import FORM_QUERIES, NATIONAL_MAP_QUERIES, markers
from .test_map_page import MAP, place, places, said, stance  # noqa: F401

pytestmark = pytest.mark.django_db


def stops_of(response) -> list[str]:
    found = re.search(
        r'<script id="map-slider-stops" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return [day for day, _label in json.loads(found.group(1))]


def test_the_slider_stops_on_each_day_a_stance_changed_then_today(client, places):  # noqa: F811
    assert stops_of(client.get(MAP)) == ["2017-01-01", "2019-06-21", ""]


def test_a_designation_made_or_withdrawn_is_a_stop_too(client, places):  # noqa: F811
    Designation.objects.create(
        jurisdiction=places["denver-co"],
        designated_by="US Department of Justice",
        label="sanctuary jurisdiction",
        designated_on=datetime.date(2025, 8, 5),
        withdrawn_on=datetime.date(2025, 9, 1),
        source=SourceFactory(),
    )

    assert stops_of(client.get(MAP)) == ["2017-01-01", "2019-06-21", "2025-08-05", "2025-09-01", ""]


def test_a_filter_keeps_the_stops_of_the_places_it_keeps(client, places):  # noqa: F811
    assert stops_of(client.get(MAP, {"state": "CO"})) == ["2019-06-21", ""]


def test_the_fragment_holds_the_parts_a_day_changes_and_no_page_around_them(
    client,
    places,  # noqa: F811
    django_assert_max_num_queries,
):
    with django_assert_max_num_queries(NATIONAL_MAP_QUERIES + FORM_QUERIES):
        response = client.get(reverse("maps:fragment"), {"as_of": "2018-03-01"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<h1" not in html
    parts = re.findall(r'data-map-part="(\w+)"', html)
    assert parts == ["filters", "head", "figure", "below"]
    assert markers(response)["chicago-il"].stance == "limited"
    assert markers(response)["denver-co"].stance == "not_recorded"
    # The filters it brings post to /map/, not to the fragment's own address.
    assert f'action="{MAP}"' in html


def test_the_fragment_refuses_a_bad_day(client, places):  # noqa: F811
    response = client.get(reverse("maps:fragment"), {"as_of": "1900-01-01"})

    assert response.status_code == 400
    assert "Fix the errors above to see the map." in response.content.decode()


def test_an_agreement_start_is_a_stop(client, places):  # noqa: F811
    from federal.models import Agreement

    fields = {f.name for f in Agreement._meta.get_fields()}
    if not {"signed_on", "first_listed_on", "status", "agency"} <= fields:
        pytest.skip("the agreement model changed")
    agency = AgencyFactory(jurisdiction=places["houston-tx"])
    Agreement.objects.create(
        agency=agency,
        support_type="jail_enforcement",
        signed_on=datetime.date(2020, 2, 3),
        first_listed_on=datetime.date(2025, 5, 16),
        last_listed_on=datetime.date(2025, 7, 18),
        status="listed",
    )
    assert "2020-02-03" in stops_of(client.get(MAP))


def test_the_nations_stops_are_read_once_while_statements_are_published(
    client,
    places,  # noqa: F811
    settings,
):
    settings.PAGE_CACHE_SECONDS = 0
    with mock.patch(
        "public.maps.views.stance_change_dates", wraps=stance_change_dates
    ) as reading_stops:
        client.get(MAP)
        speaker = Statement.objects.filter(jurisdiction=places["denver-co"]).get().official
        said(places["denver-co"], on=datetime.date(2025, 2, 3), official=speaker)
        assert stops_of(client.get(MAP)) == ["2017-01-01", "2019-06-21", ""]
        assert reading_stops.call_count == 1

        stance(places["denver-co"], "refuses", datetime.date(2025, 2, 3))
        assert stops_of(client.get(MAP)) == ["2017-01-01", "2019-06-21", "2025-02-03", ""]
        assert reading_stops.call_count == 2

"""Before a place's first recorded stance, the site says "Not recorded", never "No public
position": a stance an editor records as `unknown` is a position on record, no stance at all is
not. The map, the list, its downloads and the API keep the two apart."""

import datetime

import pytest
from django.urls import reverse

from statements import services
from tests.factories import JurisdictionFactory, StanceFactory, StatementFactory
from tests.maps.helpers import legend_counts, markers

from .conftest import csv_rows, json_rows, text

pytestmark = pytest.mark.django_db

FIRST_STANCE = datetime.date(2017, 1, 25)


@pytest.fixture
def san_francisco():
    """San Francisco: a statement in 2008, its first recorded stance (refuses) in 2017."""
    city = JurisdictionFactory(name="San Francisco", state="CA", latitude=37.77, longitude=-122.42)
    StatementFactory(jurisdiction=city, said_on=datetime.date(2008, 5, 1))
    services.stance_publish(
        stance=StanceFactory(jurisdiction=city, level="refuses", effective_from=FIRST_STANCE)
    )
    return city


@pytest.fixture
def silent_town():
    """A place whose editors recorded "no public position" (`unknown`) in 2010."""
    town = JurisdictionFactory(name="Silent Town", state="CA", latitude=36.7, longitude=-119.7)
    services.stance_publish(
        stance=StanceFactory(
            jurisdiction=town, level="unknown", effective_from=datetime.date(2010, 1, 1)
        )
    )
    return town


@pytest.fixture
def quiet_city():
    """A place with a statement and no stance ever recorded."""
    city = JurisdictionFactory(name="Quiet City", state="CA", latitude=38.5, longitude=-121.5)
    StatementFactory(jurisdiction=city, said_on=datetime.date(2019, 6, 21))
    return city


def test_the_map_of_2008_says_san_francisco_is_not_recorded(client, san_francisco, silent_town):
    response = client.get(reverse("maps:map"), {"as_of": "2012-01-01"})

    drawn = markers(response)
    assert drawn["san-francisco-ca"].stance == "not_recorded"
    assert drawn["silent-town-ca"].stance == "unknown"
    assert "San Francisco, CA: Not recorded" in drawn["san-francisco-ca"].title
    assert "Silent Town, CA: No public position" in drawn["silent-town-ca"].title
    counts = legend_counts(response)
    assert counts["not_recorded"] == 1 and counts["unknown"] == 1
    html = text(response)
    assert 'data-stance="not_recorded"' in html and "Not recorded" in html
    # The place table beside the map: then and today.
    assert '<span class="stance stance--not_recorded"' in html


def test_the_map_today_shows_the_recorded_stance(client, san_francisco):
    assert markers(client.get(reverse("maps:map")))["san-francisco-ca"].stance == "refuses"


def test_a_journalist_filters_the_list_by_not_recorded(
    client, san_francisco, silent_town, quiet_city
):
    response = client.get(reverse("cities:list"), {"stance": "not_recorded"})

    assert response.status_code == 200
    assert [j.slug for j in response.context["object_list"]] == ["quiet-city-ca"]
    html = text(response)
    assert '<span class="stance stance--not_recorded"' in html
    # The facet offers both, counted apart.
    stance_facet = response.context["facets"]["stance"]
    counts = {option.value: option.count for option in stance_facet.options}
    assert counts["not_recorded"] == 1 and counts["unknown"] == 1 and counts["refuses"] == 1


def test_the_map_filters_not_recorded_on_a_past_day(client, san_francisco, silent_town):
    response = client.get(reverse("maps:map"), {"as_of": "2012-01-01", "stance": "not_recorded"})

    assert set(markers(response)) == {"san-francisco-ca"}


def test_downloads_carry_a_stable_not_recorded_code(client, silent_town, quiet_city):
    rows = {
        row["slug"]: row for row in csv_rows(client.get(reverse("cities:list"), {"format": "csv"}))
    }
    assert rows["quiet-city-ca"]["stance"] == "not_recorded"
    assert rows["quiet-city-ca"]["stance_label"] == "Not recorded"
    assert rows["silent-town-ca"]["stance"] == "unknown"
    assert rows["silent-town-ca"]["stance_label"] == "No public position"
    as_json = {
        row["slug"]: row
        for row in json_rows(client.get(reverse("cities:list"), {"format": "json"}))
    }
    assert as_json["quiet-city-ca"]["stance"] == "not_recorded"


def test_the_api_says_not_recorded_before_the_first_stance(client, san_francisco, silent_town):
    body = client.get("/api/v1/jurisdictions/", {"as_of": "2012-01-01"}).json()
    stances = {row["slug"]: row["stance"] for row in body["results"]}
    assert stances == {"san-francisco-ca": "not_recorded", "silent-town-ca": "unknown"}
    today = client.get("/api/v1/jurisdictions/").json()
    assert {row["slug"]: row["stance"] for row in today["results"]}["san-francisco-ca"] == (
        "refuses"
    )


def test_the_api_schema_lists_not_recorded(client):
    schema = client.get(reverse("api:schema")).json()
    stance = schema["components"]["schemas"]["Jurisdiction"]["properties"]["stance"]
    choices = schema["components"]["schemas"][stance["allOf"][0]["$ref"].rsplit("/", 1)[1]]
    assert "not_recorded" in choices["enum"] and "unknown" in choices["enum"]

"""Someone who maps in their own tools downloads /map/data.geojson with the map's filters."""

import datetime
import json

import pytest
from django.urls import reverse

from statements import services
from tests.factories import JurisdictionFactory, StanceFactory, StatementFactory

from .helpers import markers

pytestmark = pytest.mark.django_db

GEOJSON = reverse("maps:geojson")


@pytest.fixture
def places():
    chicago = JurisdictionFactory(name="Chicago", state="IL", latitude=41.85, longitude=-87.65)
    denver = JurisdictionFactory(
        name="Denver", state="CO", level="city_county", latitude=39.74, longitude=-104.99
    )
    lost = JurisdictionFactory(name="Lost", state="IL", latitude=None, longitude=None)
    JurisdictionFactory(name="Silent", state="IL")  # no published record
    for jurisdiction in (chicago, denver, lost):
        StatementFactory(jurisdiction=jurisdiction, said_on=datetime.date(2019, 6, 21))
    for level, day in (
        ("limited", datetime.date(2017, 1, 1)),
        ("refuses", datetime.date(2019, 6, 21)),
    ):
        services.stance_publish(
            stance=StanceFactory(jurisdiction=chicago, level=level, effective_from=day)
        )
    return chicago, denver


def test_geojson_is_a_feature_collection_of_points_in_lon_lat_order(client, places):
    response = client.get(GEOJSON)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    assert data["without_coordinates"] == 1
    by_slug = {feature["properties"]["slug"]: feature for feature in data["features"]}
    assert set(by_slug) == {"chicago-il", "denver-co"}
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
    assert by_slug["chicago-il"]["geometry"]["coordinates"] == [-87.65, 41.85]
    assert by_slug["chicago-il"]["properties"] == {
        "name": "Chicago",
        "slug": "chicago-il",
        "state": "IL",
        "level": "city",
        "level_label": "City",
        "stance": "refuses",
        "stance_label": "Refuses cooperation",
        "url": "http://testserver/cities/chicago-il/",
        "latest_statement": "2019-06-21",
        "designations": [],
    }
    assert by_slug["denver-co"]["properties"]["level"] == "city_county"


@pytest.mark.parametrize(
    "query",
    [{}, {"state": "IL"}, {"stance": "unknown"}, {"as_of": "2018-01-01", "stance": "limited"}],
)
def test_geojson_holds_the_places_the_map_draws(client, places, query):
    drawn = set(markers(client.get(reverse("maps:map"), query)))

    data = client.get(GEOJSON, query).json()

    assert {feature["id"] for feature in data["features"]} == drawn


def test_geojson_as_of_gives_that_days_stances_and_says_so(client, places):
    data = client.get(GEOJSON, {"as_of": "2018-01-01"}).json()

    chicago = next(f for f in data["features"] if f["id"] == "chicago-il")
    assert chicago["properties"]["stance"] == "limited"
    assert data["as_of"] == "2018-01-01" and data["stances"] == "in force on as_of"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"as_of": "2019-02-30"}, "as_of", "“2019-02-30” is not a date."),
        ({"as_of": "0001-01-01"}, "as_of", "The map starts on 1990-01-01"),
        ({"stance": "nice"}, "stance", "“nice” is not a stance."),
    ],
)
def test_bad_filters_give_a_json_400_naming_the_field(client, places, query, field, message):
    response = client.get(GEOJSON, query)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    (error,) = response.json()["errors"]
    assert error["field"] == field and message in error["message"]


def test_geojson_carries_the_designations_in_force_that_day_apart_from_our_stance(client, places):
    from federal.models import Designation
    from tests.factories import SourceFactory

    chicago, _ = places
    doj = SourceFactory(publisher="US Department of Justice", url="https://www.justice.gov/list")
    Designation.objects.create(
        jurisdiction=chicago,
        designated_by="US Department of Justice",
        label="sanctuary jurisdiction",
        designated_on=datetime.date(2025, 8, 5),
        source=doj,
    )

    today = json.loads(client.get(GEOJSON).content)
    before = json.loads(client.get(GEOJSON, {"as_of": "2025-01-01"}).content)

    chicago_today = next(f for f in today["features"] if f["id"] == "chicago-il")
    assert chicago_today["properties"]["stance"] == "refuses"
    assert chicago_today["properties"]["designations"] == [
        {
            "designated_by": "US Department of Justice",
            "label": "sanctuary jurisdiction",
            "designated_on": "2025-08-05",
        }
    ]
    chicago_before = next(f for f in before["features"] if f["id"] == "chicago-il")
    assert chicago_before["properties"]["designations"] == []

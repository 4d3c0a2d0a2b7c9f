"""An editor adding a jurisdiction picks its place; the coordinates, state and population follow."""

import pytest
from django import forms
from django.urls import reverse

from cities.models import Jurisdiction, Place
from cities.place_forms import PlaceAutofillMixin, fill_from_place

pytestmark = pytest.mark.django_db

AUTOCOMPLETE = reverse("admin:autocomplete")
PLACE_FIELD = {"app_label": "cities", "model_name": "jurisdiction", "field_name": "place"}


@pytest.fixture
def gazetteer(db):
    def make(geonameid, name, state, lat, lon, population):
        return Place.objects.create(
            geonameid=geonameid,
            name=name,
            state=state,
            latitude=lat,
            longitude=lon,
            population=population,
            timezone="America/Chicago",
        )

    return {
        "chicago": make(4887398, "Chicago", "IL", 41.85003, -87.65005, 2_720_546),
        "chicago heights": make(4887463, "Chicago Heights", "IL", 41.50615, -87.6356, 30_276),
        "springfield il": make(4250542, "Springfield", "IL", 39.80172, -89.64371, 116_565),
        "springfield mo": make(4409896, "Springfield", "MO", 37.21533, -93.29824, 166_810),
    }


class PlaceForm(PlaceAutofillMixin, forms.ModelForm):
    """The way JurisdictionForm takes the mixin: first among its bases."""

    class Meta:
        model = Jurisdiction
        fields = ["name", "state", "level", "place", "latitude", "longitude", "population"]


def test_editor_finds_a_place_by_part_of_its_name_biggest_first(editor_client, gazetteer):
    response = editor_client.get(AUTOCOMPLETE, {**PLACE_FIELD, "term": "chic"})

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["text"] for r in results] == [
        "Chicago, IL, pop. 2,720,546",
        "Chicago Heights, IL, pop. 30,276",
    ]
    assert results[0]["id"] == str(gazetteer["chicago"].pk)


def test_editor_tells_places_of_the_same_name_apart_by_state(editor_client, gazetteer):
    response = editor_client.get(AUTOCOMPLETE, {**PLACE_FIELD, "term": "springfield"})

    assert [r["text"] for r in response.json()["results"]] == [
        "Springfield, MO, pop. 166,810",
        "Springfield, IL, pop. 116,565",
    ]


def test_editor_finds_a_place_by_its_geonames_id(editor_client, gazetteer):
    response = editor_client.get(AUTOCOMPLETE, {**PLACE_FIELD, "term": "4409896"})

    assert [r["text"] for r in response.json()["results"]] == ["Springfield, MO, pop. 166,810"]


def test_place_data_endpoint_gives_the_fields_the_form_fills(editor_client, gazetteer):
    chicago = gazetteer["chicago"]
    url = reverse("admin:cities_place_data", args=[chicago.pk])

    response = editor_client.get(url)

    assert response.status_code == 200
    assert response.json() == {
        "id": chicago.pk,
        "geonameid": 4887398,
        "name": "Chicago",
        "state": "IL",
        "latitude": 41.85003,
        "longitude": -87.65005,
        "population": 2_720_546,
        "timezone": "America/Chicago",
    }
    assert editor_client.get(reverse("admin:cities_place_data", args=[999_999])).status_code == 404


def test_place_data_endpoint_is_for_staff_only(client, gazetteer):
    url = reverse("admin:cities_place_data", args=[gazetteer["chicago"].pk])

    response = client.get(url)

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_place_list_in_the_admin_filters_by_state(editor_client, gazetteer):
    response = editor_client.get(reverse("admin:cities_place_changelist"), {"state": "MO"})

    assert response.status_code == 200
    assert [str(p) for p in response.context["cl"].result_list] == ["Springfield, MO, pop. 166,810"]


def test_choosing_a_place_fills_state_coordinates_and_population(gazetteer):
    chicago = gazetteer["chicago"]
    form = PlaceForm(data={"name": "Chicago", "level": "city", "place": chicago.pk})

    assert form.is_valid(), form.errors
    jurisdiction = form.save()

    assert (jurisdiction.state, jurisdiction.population) == ("IL", 2_720_546)
    assert (jurisdiction.latitude, jurisdiction.longitude) == (41.85003, -87.65005)
    assert jurisdiction.place == chicago
    assert jurisdiction.slug == "chicago-il"
    assert form.filled_from_place == ["latitude", "longitude", "state", "population"]


def test_values_the_editor_typed_are_kept(gazetteer):
    form = PlaceForm(
        data={
            "name": "Chicago",
            "state": "IL",
            "level": "city",
            "place": gazetteer["chicago"].pk,
            "latitude": "41.88",
            "longitude": "-87.63",
            "population": "2746388",
        }
    )

    assert form.is_valid(), form.errors
    jurisdiction = form.save()
    assert (jurisdiction.latitude, jurisdiction.longitude) == (41.88, -87.63)
    assert jurisdiction.population == 2_746_388


def test_without_a_place_the_state_is_still_required(gazetteer):
    form = PlaceForm(data={"name": "Gotham", "level": "city"})

    assert not form.is_valid()
    assert form.errors["state"] == ["Give the state, or pick the place from the gazetteer."]


def test_one_typed_coordinate_is_not_completed_from_the_place(gazetteer):
    cleaned = {"place": gazetteer["chicago"], "latitude": 41.9, "longitude": None}

    filled = fill_from_place(cleaned)

    assert "latitude" not in filled and cleaned["longitude"] is None


def add_jurisdiction_data(**fields) -> dict:
    management = {}
    for prefix in ("agencies", "stances"):
        management |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    blank = dict.fromkeys(
        ["state", "slug", "parent", "place", "latitude", "longitude", "population", "geoid"], ""
    )
    return {"name": "Chicago", "level": "city", **blank, **management, **fields}


def test_editor_adds_a_jurisdiction_by_picking_its_place_and_types_no_coordinates(
    editor_client, gazetteer
):
    chicago = gazetteer["chicago"]

    response = editor_client.post(
        reverse("admin:cities_jurisdiction_add"), add_jurisdiction_data(place=chicago.pk)
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    jurisdiction = Jurisdiction.objects.get()
    assert jurisdiction.slug == "chicago-il"
    assert (jurisdiction.state, jurisdiction.population) == ("IL", 2_720_546)
    assert (jurisdiction.latitude, jurisdiction.longitude) == (41.85003, -87.65005)
    assert jurisdiction.place == chicago


def test_jurisdiction_admin_page_offers_the_place_autocomplete_and_its_script(editor_client):
    html = editor_client.get(reverse("admin:cities_jurisdiction_add")).content.decode()

    assert 'name="place"' in html and 'data-field-name="place"' in html
    assert 'class="admin-autocomplete"' in html.split('name="place"')[1].split(">")[0]
    assert "js/place-autofill.js" in html
    assert html.index("admin/js/jquery.init.js") < html.index("js/place-autofill.js")


def test_editor_without_a_place_or_state_is_told_to_give_one(editor_client, gazetteer):
    response = editor_client.post(
        reverse("admin:cities_jurisdiction_add"), add_jurisdiction_data(name="Gotham")
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["state"] == [
        "Give the state, or pick the place from the gazetteer."
    ]
    assert not Jurisdiction.objects.exists()

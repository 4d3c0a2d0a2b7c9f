"""An editor types bad places, people and roles into the admin; the form says what is wrong."""

import datetime

from django.urls import reverse

from cities.models import Agency, Jurisdiction, Official, Role
from statements import services
from statements.models import Stance
from tests.factories import (
    AgencyFactory,
    JurisdictionFactory,
    OfficialFactory,
    RoleFactory,
    SourceFactory,
    StanceFactory,
)

ADD_JURISDICTION = "/admin/cities/jurisdiction/add/"


def inline_management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def jurisdiction_form(**fields) -> dict:
    data = {
        "name": "Gotham",
        "state": "NJ",
        "level": "city",
        "slug": "",
        "parent": "",
        "latitude": "40.7",
        "longitude": "-74.0",
        "population": "1000000",
        "geoid": "",
        **inline_management("agencies"),
        **inline_management("stances"),
    }
    return {**data, **fields}


def errors_on(response, field: str) -> list[str]:
    assert response.status_code == 200, response.status_code
    return response.context["adminform"].form.errors.get(field, [])


def test_editor_adds_a_jurisdiction_and_its_slug_is_derived(editor_client):
    response = editor_client.post(ADD_JURISDICTION, jurisdiction_form(name="Jersey City"))
    assert response.status_code == 302
    jersey = Jurisdiction.objects.get()
    assert jersey.slug == "jersey-city-nj"
    assert jersey.stance_level == "unknown"


def test_a_latitude_of_200_is_refused_on_the_field(editor_client):
    response = editor_client.post(ADD_JURISDICTION, jurisdiction_form(latitude="200"))
    assert errors_on(response, "latitude") == ["Ensure this value is less than or equal to 90."]
    assert "Please correct the error below." in response.content.decode()
    assert not Jurisdiction.objects.exists()


def test_a_longitude_of_minus_200_is_refused_on_the_field(editor_client):
    response = editor_client.post(ADD_JURISDICTION, jurisdiction_form(longitude="-200"))
    assert errors_on(response, "longitude") == [
        "Ensure this value is greater than or equal to -180."
    ]
    assert not Jurisdiction.objects.exists()


def test_half_a_coordinate_pair_is_refused_with_a_message(editor_client):
    response = editor_client.post(ADD_JURISDICTION, jurisdiction_form(longitude=""))
    assert errors_on(response, "longitude") == [
        "Give both latitude and longitude, or leave both empty."
    ]
    assert not Jurisdiction.objects.exists()


def test_a_county_named_like_an_existing_city_is_asked_for_its_own_slug(editor_client):
    JurisdictionFactory(name="Baltimore", state="MD", slug="baltimore-md")
    response = editor_client.post(
        ADD_JURISDICTION, jurisdiction_form(name="Baltimore", state="MD", level="county")
    )
    assert errors_on(response, "slug") == [
        "The permalink “baltimore-md” is taken. Give this jurisdiction another slug, "
        "e.g. baltimore-county-md."
    ]
    assert Jurisdiction.objects.count() == 1

    response = editor_client.post(
        ADD_JURISDICTION,
        jurisdiction_form(name="Baltimore", state="MD", level="county", slug="baltimore-county-md"),
    )
    assert response.status_code == 302
    assert Jurisdiction.objects.filter(name="Baltimore").count() == 2


def test_an_explicit_slug_that_is_taken_is_refused_on_the_field(editor_client):
    JurisdictionFactory(name="Baltimore", state="MD", slug="baltimore-md")
    response = editor_client.post(
        ADD_JURISDICTION, jurisdiction_form(name="Towson", state="MD", slug="baltimore-md")
    )
    assert errors_on(response, "slug") == ["Jurisdiction with this Slug already exists."]
    assert Jurisdiction.objects.count() == 1


def test_the_same_place_twice_is_refused(editor_client):
    JurisdictionFactory(name="Gotham", state="NJ", slug="gotham-nj")
    response = editor_client.post(ADD_JURISDICTION, jurisdiction_form(slug="gotham-city-nj"))
    assert errors_on(response, "__all__") == [
        "Jurisdiction with this Name, State and Level already exists."
    ]
    assert Jurisdiction.objects.count() == 1


def test_a_jurisdiction_cannot_be_made_its_own_parent(editor_client):
    gotham = JurisdictionFactory(name="Gotham", state="NJ", slug="gotham-nj")
    response = editor_client.post(
        reverse("admin:cities_jurisdiction_change", args=[gotham.pk]),
        jurisdiction_form(slug="gotham-nj", parent=str(gotham.pk)),
    )
    assert errors_on(response, "parent") == ["A jurisdiction cannot lie within itself."]
    gotham.refresh_from_db()
    assert gotham.parent is None


def test_editor_adds_agencies_and_a_draft_stance_on_the_jurisdictions_page(editor_client, editor):
    source = SourceFactory()
    data = jurisdiction_form(
        **inline_management("agencies", total=1),
        **{"agencies-0-name": "Gotham Police Department", "agencies-0-kind": "police"},
        **inline_management("stances", total=1),
        **{
            "stances-0-agency": "",
            "stances-0-level": "refuses",
            "stances-0-effective_from": "2019-06-21",
            "stances-0-ended_on": "",
            "stances-0-summary": "The mayor said the police will not help ICE.",
            "stances-0-sources": [str(source.pk)],
            **{f"stances-0-{practice}": "unknown" for practice in Stance.PRACTICE_FIELDS},
        },
    )
    response = editor_client.post(ADD_JURISDICTION, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][1].formset.errors
    gotham = Jurisdiction.objects.get()
    assert list(gotham.agencies.values_list("name", "kind")) == [
        ("Gotham Police Department", "police")
    ]
    stance = gotham.stances.get()
    assert (stance.level, stance.status, stance.created_by) == ("refuses", "draft", editor)
    assert list(stance.sources.all()) == [source]
    assert gotham.stance_level == "unknown"  # a draft says nothing in public


def test_a_stance_inline_that_ends_before_it_starts_saves_nothing(editor_client):
    data = jurisdiction_form(
        **inline_management("stances", total=1),
        **{
            "stances-0-level": "refuses",
            "stances-0-effective_from": "2019-06-21",
            "stances-0-ended_on": "2019-06-01",
            **{f"stances-0-{practice}": "unknown" for practice in Stance.PRACTICE_FIELDS},
        },
    )
    response = editor_client.post(ADD_JURISDICTION, data)
    assert response.status_code == 200
    stance_forms = response.context["inline_admin_formsets"][1].formset
    assert stance_forms.errors[0]["ended_on"] == ["A stance cannot end before it takes effect."]
    assert not Jurisdiction.objects.exists()
    assert not Stance.objects.exists()


# Officials and their roles


def official_form(official=None, **fields) -> dict:
    return {"name": "Jane Doe", "slug": "", **inline_management("roles"), **fields}


def test_editor_adds_a_role_through_the_officials_inline(editor_client):
    official = OfficialFactory(name="Lori Lightfoot", slug="lori-lightfoot")
    chicago = JurisdictionFactory(name="Chicago", state="IL", slug="chicago-il")
    data = official_form(
        name="Lori Lightfoot",
        slug="lori-lightfoot",
        opened_version=str(official.version),  # as the change page sends it
        **inline_management("roles", total=1),
        **{
            "roles-0-title": "Mayor",
            "roles-0-jurisdiction": str(chicago.pk),
            "roles-0-agency": "",
            "roles-0-started_on": "2019-05-20",
            "roles-0-ended_on": "",
        },
    )
    response = editor_client.post(reverse("admin:cities_official_change", args=[official.pk]), data)
    assert response.status_code == 302
    role = Role.objects.get(official=official)
    assert (role.title, role.jurisdiction, role.started_on) == (
        "Mayor",
        chicago,
        datetime.date(2019, 5, 20),
    )
    assert role.label == "Mayor, Chicago"


def test_a_role_that_ends_before_it_starts_is_refused_in_the_inline(editor_client):
    chicago = JurisdictionFactory()
    data = official_form(
        **inline_management("roles", total=1),
        **{
            "roles-0-title": "Mayor",
            "roles-0-jurisdiction": str(chicago.pk),
            "roles-0-started_on": "2019-05-20",
            "roles-0-ended_on": "2019-05-01",
        },
    )
    response = editor_client.post(reverse("admin:cities_official_add"), data)
    assert response.status_code == 200
    roles = response.context["inline_admin_formsets"][0].formset
    assert roles.errors[0]["ended_on"] == ["A role cannot end before it starts."]
    assert not Official.objects.exists() and not Role.objects.exists()


def test_a_role_in_another_jurisdictions_agency_is_refused(editor_client):
    chicago = JurisdictionFactory(name="Chicago", state="IL", slug="chicago-il")
    lapd = AgencyFactory(name="Los Angeles Police Department")
    data = official_form(
        **inline_management("roles", total=1),
        **{
            "roles-0-title": "Chief",
            "roles-0-jurisdiction": str(chicago.pk),
            "roles-0-agency": str(lapd.pk),
        },
    )
    response = editor_client.post(reverse("admin:cities_official_add"), data)
    roles = response.context["inline_admin_formsets"][0].formset
    assert roles.errors[0]["agency"] == [
        f"Los Angeles Police Department belongs to {lapd.jurisdiction}, not to Chicago, IL."
    ]
    assert not Role.objects.exists()


def test_a_second_official_of_the_same_name_is_asked_for_a_slug_not_a_crash(editor_client):
    OfficialFactory(name="John Smith", slug="john-smith")
    response = editor_client.post(
        reverse("admin:cities_official_add"), official_form(name="John Smith")
    )
    assert errors_on(response, "slug") == [
        "The permalink “john-smith” is taken. Give this official another slug, "
        "e.g. john-smith-chicago."
    ]
    assert Official.objects.count() == 1


def test_an_official_whose_name_makes_no_slug_is_asked_for_one(editor_client):
    response = editor_client.post(reverse("admin:cities_official_add"), official_form(name="…"))
    assert errors_on(response, "slug") == [
        "This name makes no permalink. Give the official a slug, e.g. jane-doe."
    ]
    assert not Official.objects.exists()


def test_an_agency_of_the_same_name_twice_in_a_jurisdiction_is_refused(editor_client):
    police = AgencyFactory(name="Police Department")
    response = editor_client.post(
        reverse("admin:cities_agency_add"),
        {
            "jurisdiction": str(police.jurisdiction_id),
            "name": "Police Department",
            "kind": "police",
        },
    )
    assert errors_on(response, "__all__") == [
        "Agency with this Jurisdiction and Name already exists."
    ]
    assert Agency.objects.count() == 1


def test_editor_adds_a_role_on_its_own_page(editor_client):
    official, gotham = OfficialFactory(), JurisdictionFactory()
    response = editor_client.post(
        reverse("admin:cities_role_add"),
        {
            "official": str(official.pk),
            "title": "Sheriff",
            "jurisdiction": str(gotham.pk),
            "agency": "",
            "started_on": "2018-01-01",
            "ended_on": "2017-01-01",
        },
    )
    assert errors_on(response, "ended_on") == ["A role cannot end before it starts."]
    assert not Role.objects.exists()
    RoleFactory(official=official, jurisdiction=gotham)
    assert Role.objects.count() == 1


def post_data_from(response) -> dict:
    """The POST an unchanged change page would send: the main form, every inline, their management forms."""

    def values(form) -> dict:
        data = {}
        for bound in form:
            value = bound.value()
            if value is None:
                continue
            if isinstance(value, list | tuple):
                data[bound.html_name] = [str(item) for item in value]
            elif isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            else:
                data[bound.html_name] = str(value)
        return data

    data = values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(values(formset.management_form))
        for form in formset.initial_forms:
            data.update(values(form))
    return data


def test_a_published_stance_ticked_for_deletion_on_the_jurisdictions_page_is_kept(
    editor_client,
):
    """Published claims are retracted, never erased: the inline's delete box cannot erase one."""
    gotham = JurisdictionFactory(name="Gotham", state="NJ", slug="gotham-nj")
    first = services.stance_publish(stance=StanceFactory(jurisdiction=gotham, level="limited"))
    second = services.stance_publish(
        stance=StanceFactory(jurisdiction=gotham, effective_from=datetime.date(2019, 7, 1))
    )
    change = reverse("admin:cities_jurisdiction_change", args=[gotham.pk])
    data = post_data_from(editor_client.get(change))
    index = next(i for i in range(2) if data[f"stances-{i}-id"] == str(second.pk))
    data[f"stances-{index}-DELETE"] = "on"

    response = editor_client.post(change, data, follow=True)

    assert response.status_code < 500
    assert Stance.objects.filter(pk=second.pk, status="published").exists()
    first.refresh_from_db()
    assert first.ended_on == datetime.date(2019, 7, 1)
    assert Jurisdiction.objects.get(pk=gotham.pk).stance_level == "refuses"


def test_changing_a_published_stance_on_the_jurisdictions_page_moves_the_headline(
    editor_client, editor
):
    gotham = JurisdictionFactory(name="Gotham", state="NJ", slug="gotham-nj")
    stance = services.stance_publish(stance=StanceFactory(jurisdiction=gotham))
    change = reverse("admin:cities_jurisdiction_change", args=[gotham.pk])
    data = post_data_from(editor_client.get(change))
    data["stances-0-level"] = "cooperates"
    data["stances-0-correction_note"] = "The police cooperate with ICE."

    response = editor_client.post(change, data)

    assert response.status_code == 302
    stance.refresh_from_db()
    assert (stance.level, stance.updated_by) == ("cooperates", editor)
    assert Jurisdiction.objects.get(pk=gotham.pk).stance_level == "cooperates"


def test_editor_adds_a_role_on_the_officials_page_beside_an_existing_one(editor_client):
    official = OfficialFactory(name="Bill de Blasio", slug="bill-de-blasio")
    new_york = JurisdictionFactory(name="New York", state="NY", slug="new-york-ny")
    RoleFactory(official=official, jurisdiction=new_york, title="Public Advocate")
    change = reverse("admin:cities_official_change", args=[official.pk])
    data = post_data_from(editor_client.get(change))
    data.update(
        {
            "roles-TOTAL_FORMS": "2",
            "roles-1-title": "Mayor",
            "roles-1-jurisdiction": str(new_york.pk),
            "roles-1-started_on": "2014-01-01",
        }
    )

    response = editor_client.post(change, data)

    assert response.status_code == 302
    assert sorted(official.roles.values_list("title", flat=True)) == ["Mayor", "Public Advocate"]

"""The database itself refuses bad jurisdictions, agencies, officials and roles, whatever the form says.

Each test writes around the forms (`objects.create` / `update`) and expects an IntegrityError
naming nothing in particular; the row count shows that nothing was kept. The last tests check
the same constraints through model validation, which gives each its message on its field.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cities.models import Agency, Jurisdiction, Official, Role
from tests.factories import AgencyFactory, JurisdictionFactory, OfficialFactory

pytestmark = pytest.mark.django_db


def refused(write) -> bool:
    """Run `write` in its own savepoint; True when the database refused it."""
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


def place(**fields):
    values = {
        "name": "Gotham",
        "state": "NJ",
        "slug": "gotham-nj",
        "latitude": 40.7,
        "longitude": -74.0,
    }
    return Jurisdiction.objects.create(**{**values, **fields})


@pytest.mark.parametrize(
    "coordinates",
    [
        {"latitude": 200, "longitude": -74.0},
        {"latitude": -90.5, "longitude": -74.0},
        {"latitude": 40.7, "longitude": 181},
        {"latitude": 40.7, "longitude": -180.01},
    ],
    ids=["latitude-200", "latitude-below-south-pole", "longitude-181", "longitude-below-180"],
)
def test_database_refuses_a_jurisdiction_off_the_globe(coordinates):
    assert refused(lambda: place(**coordinates))
    assert not Jurisdiction.objects.exists()


def test_database_refuses_moving_a_jurisdiction_off_the_globe():
    gotham = place()
    assert refused(lambda: Jurisdiction.objects.filter(pk=gotham.pk).update(latitude=200))
    gotham.refresh_from_db()
    assert gotham.latitude == 40.7


@pytest.mark.parametrize(
    "coordinates",
    [{"latitude": 40.7, "longitude": None}, {"latitude": None, "longitude": -74.0}],
    ids=["latitude-only", "longitude-only"],
)
def test_database_refuses_half_a_coordinate_pair(coordinates):
    assert refused(lambda: place(**coordinates))
    assert not Jurisdiction.objects.exists()


def test_database_accepts_a_jurisdiction_with_no_coordinates_yet():
    place(latitude=None, longitude=None)
    assert Jurisdiction.objects.get().has_coordinates is False


def test_two_jurisdictions_cannot_share_a_slug():
    place()
    assert refused(lambda: place(name="Gotham City", level="county"))
    assert list(Jurisdiction.objects.values_list("name", flat=True)) == ["Gotham"]


def test_database_refuses_an_empty_jurisdiction_slug():
    gotham = place()
    assert refused(lambda: Jurisdiction.objects.filter(pk=gotham.pk).update(slug=""))


def test_baltimore_city_and_baltimore_county_are_different_jurisdictions_but_not_twice():
    place(name="Baltimore", state="MD", slug="baltimore-md", level="city")
    place(name="Baltimore", state="MD", slug="baltimore-county-md", level="county")
    assert refused(
        lambda: place(name="Baltimore", state="MD", slug="baltimore-city-md", level="city")
    )
    assert Jurisdiction.objects.count() == 2


@pytest.mark.parametrize(
    "bad",
    [{"state": "XX"}, {"level": "planet"}, {"stance_level": "maybe"}],
    ids=["state", "level", "stance-level"],
)
def test_database_refuses_a_jurisdiction_choice_outside_the_list(bad):
    assert refused(lambda: place(**bad))
    assert not Jurisdiction.objects.exists()


def test_database_accepts_dc_and_territories_as_states():
    place(name="Washington", state="DC", slug="washington-dc", level="federal_district")
    place(name="San Juan", state="PR", slug="san-juan-pr")
    assert Jurisdiction.objects.count() == 2


def test_a_jurisdiction_cannot_be_its_own_parent():
    gotham = place()
    assert refused(lambda: Jurisdiction.objects.filter(pk=gotham.pk).update(parent=gotham))
    gotham.refresh_from_db()
    assert gotham.parent is None


def test_database_refuses_an_agency_kind_outside_the_list():
    gotham = JurisdictionFactory()
    assert refused(
        lambda: Agency.objects.create(jurisdiction=gotham, name="Bat Squad", kind="vigilante")
    )
    assert not Agency.objects.exists()


def test_an_agency_name_is_unique_within_its_jurisdiction_only():
    police = AgencyFactory(name="Police Department")
    AgencyFactory(name="Police Department")  # another jurisdiction's
    assert refused(
        lambda: Agency.objects.create(
            jurisdiction=police.jurisdiction, name="Police Department", kind="police"
        )
    )
    assert Agency.objects.count() == 2


def test_two_officials_cannot_share_a_slug():
    OfficialFactory(name="Jane Doe", slug="jane-doe")
    assert refused(lambda: Official.objects.create(name="Jane Q. Doe", slug="jane-doe"))
    assert Official.objects.count() == 1


def test_database_refuses_an_empty_official_slug():
    official = OfficialFactory()
    assert refused(lambda: Official.objects.filter(pk=official.pk).update(slug=""))


def test_database_refuses_a_role_that_ends_before_it_starts():
    official, gotham = OfficialFactory(), JurisdictionFactory()
    assert refused(
        lambda: Role.objects.create(
            official=official,
            title="Mayor",
            jurisdiction=gotham,
            started_on=datetime.date(2019, 5, 20),
            ended_on=datetime.date(2019, 5, 19),
        )
    )
    assert not Role.objects.exists()


def test_a_role_may_start_and_end_on_one_day_or_have_open_dates():
    official, gotham = OfficialFactory(), JurisdictionFactory()
    day = datetime.date(2019, 5, 20)
    Role.objects.create(
        official=official, title="Acting Mayor", jurisdiction=gotham, started_on=day, ended_on=day
    )
    Role.objects.create(official=official, title="Mayor", jurisdiction=gotham, ended_on=day)
    assert Role.objects.count() == 2


# The same rules, as an editor meets them: model validation gives each its message on its field,
# the one the admin's forms and the import's rows both show.


def messages_of(record) -> dict:
    with pytest.raises(ValidationError) as refused_by:
        record.full_clean()
    return refused_by.value.message_dict


def test_model_validation_says_a_role_cannot_end_before_it_starts():
    role = Role(
        official=OfficialFactory(),
        title="Mayor",
        jurisdiction=JurisdictionFactory(),
        started_on=datetime.date(2019, 5, 20),
        ended_on=datetime.date(2019, 5, 19),
    )
    assert messages_of(role) == {"ended_on": ["A role cannot end before it starts."]}


def test_model_validation_asks_for_both_coordinates_or_neither():
    gotham = Jurisdiction(name="Gotham", state="NJ", slug="gotham-nj", latitude=40.7)
    assert messages_of(gotham) == {
        "longitude": ["Give both latitude and longitude, or leave both empty."]
    }


def test_model_validation_says_a_jurisdiction_cannot_lie_within_itself():
    gotham = place()
    gotham.parent = gotham
    assert messages_of(gotham) == {"parent": ["A jurisdiction cannot lie within itself."]}


def test_model_validation_asks_for_a_slug_when_the_name_makes_none():
    assert messages_of(Official(name="…", slug="")) == {
        "slug": ["This name makes no permalink. Give the official a slug, e.g. jane-doe."]
    }

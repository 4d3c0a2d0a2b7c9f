"""An operator loads the gazetteer with import_places; jurisdictions get linked to their place."""

import io

import pytest
from django.core.management import CommandError, call_command

from cities.models import Jurisdiction, Place, State
from cities.places import distance_km, gazetteer_rows, jurisdictions_link_places
from tests.factories import JurisdictionFactory

pytestmark = pytest.mark.django_db

# Big cities only, to keep the tests fast: about 40 places from the smallest file.
FAST = ["--min-population", "500000"]


def import_places(*args):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_places", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def stored_places():
    return list(Place.objects.order_by("geonameid").values_list())


def test_import_places_loads_us_places_with_a_progress_bar():
    out, err = import_places(*FAST)

    chicago = Place.objects.get(geonameid=4887398)
    assert (chicago.name, chicago.state, chicago.timezone) == ("Chicago", "IL", "America/Chicago")
    assert chicago.latitude == pytest.approx(41.85, abs=0.01)
    assert chicago.population > 2_000_000
    count = Place.objects.count()
    assert 30 < count < 100
    assert f"{count} read, {count} created, 0 updated, 0 unchanged" in out
    assert "Importing places [" in err and f"{count}/{count}" in err
    assert set(Place.objects.values_list("state", flat=True)) <= set(State.values)
    assert not Place.objects.filter(population__lt=500_000).exists()


def test_import_places_twice_changes_nothing():
    import_places(*FAST)
    first = stored_places()

    out, _ = import_places(*FAST)

    assert stored_places() == first
    assert f"{len(first)} read, 0 created, 0 updated, {len(first)} unchanged" in out


def test_import_places_updates_a_changed_place_and_only_that():
    import_places(*FAST)
    Place.objects.filter(geonameid=4887398).update(population=1, name="Chicagoo")

    out, _ = import_places(*FAST)

    assert "0 created, 1 updated" in out
    assert Place.objects.get(geonameid=4887398).name == "Chicago"


def test_gazetteer_skips_foreign_places_and_keeps_territories():
    rows = list(gazetteer_rows(min_population=15000))
    states = {row.state for row in rows}

    assert "PR" in states  # Puerto Rico has its own GeoNames country code
    assert states <= set(State.values)
    assert not any(row.name == "Toronto" for row in rows)
    assert 3_000 < len(rows) < 4_000
    assert len({row.geonameid for row in rows}) == len(rows)


def test_import_places_refuses_a_threshold_below_the_packaged_data():
    with pytest.raises(CommandError, match="at least 500"):
        import_places("--min-population", "100")


def test_import_places_links_the_seed_places_by_their_geonames_id(seeded):
    assert not Jurisdiction.objects.filter(place__isnull=False).exists()

    out, _ = import_places("--min-population", "300000")

    assert "Jurisdictions linked to their place: 11." in out
    linked = dict(Jurisdiction.objects.values_list("slug", "place__geonameid"))
    assert linked["new-york-ny"] == 5128581  # GeoNames' "New York City"
    assert Place.objects.get(geonameid=5128581).name == "New York City"
    assert linked["washington-dc"] == 4140963
    assert linked["chicago-il"] == 4887398
    assert None not in linked.values()
    # A second run has nothing left to link.
    out, _ = import_places("--min-population", "300000")
    assert "Jurisdictions linked to their place: 0." in out


def test_linking_by_name_and_state_needs_the_place_within_ten_km():
    import_places(*FAST)
    near = JurisdictionFactory(name="Phoenix", state="AZ", latitude=33.50, longitude=-112.05)
    far = JurisdictionFactory(name="San Diego", state="CA", latitude=33.2, longitude=-117.16)
    wrong_state = JurisdictionFactory(name="Dallas", state="OK", latitude=32.78, longitude=-96.8)
    no_coordinates = JurisdictionFactory(
        name="Houston", state="TX", latitude=None, longitude=None, population=None
    )

    report = jurisdictions_link_places(known={})

    for record in (near, far, wrong_state, no_coordinates):
        record.refresh_from_db()
    assert near.place.name == "Phoenix"
    assert (
        distance_km(near.latitude, near.longitude, near.place.latitude, near.place.longitude) < 10
    )
    assert far.place is None and wrong_state.place is None
    assert {"san-diego-ca", "dallas-ok"} <= set(report.unmatched)
    # With no coordinates to compare, a single place of that name and state is taken, and
    # fills the coordinates and population.
    assert no_coordinates.place.name == "Houston"
    assert no_coordinates.latitude == no_coordinates.place.latitude
    assert no_coordinates.population == no_coordinates.place.population
    assert no_coordinates.history.first().place_id == no_coordinates.place_id


def test_distance_km_is_a_great_circle_distance():
    chicago, new_york = (41.85, -87.65), (40.71, -74.01)

    assert distance_km(*chicago, *new_york) == pytest.approx(1_145, rel=0.01)
    assert distance_km(*chicago, *chicago) == 0

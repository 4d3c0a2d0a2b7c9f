"""A reader opens /map/: one marker per place with published records, by stance, as of any day."""

import datetime

import pytest
from django.template import Context, Template
from django.urls import reverse

from public.maps.outlines import state_containing
from statements import services
from statements.models import Stance, Statement, Status
from tests.factories import (
    AgencyFactory,
    EventFactory,
    JurisdictionFactory,
    StanceFactory,
    StatementFactory,
)

from .helpers import FORM_QUERIES, NARROWED_MAP_QUERIES, legend_counts, markers

pytestmark = pytest.mark.django_db

MAP = reverse("maps:map")
JAN_2017 = datetime.date(2017, 1, 1)
JUNE_2019 = datetime.date(2019, 6, 21)


def place(name, state, lat=None, lon=None, **kwargs):
    return JurisdictionFactory(name=name, state=state, latitude=lat, longitude=lon, **kwargs)


def said(jurisdiction, on=JUNE_2019, **kwargs):
    return StatementFactory(jurisdiction=jurisdiction, said_on=on, **kwargs)


def stance(jurisdiction, level, effective_from, **kwargs):
    return services.stance_publish(
        stance=StanceFactory(
            jurisdiction=jurisdiction, level=level, effective_from=effective_from, **kwargs
        )
    )


@pytest.fixture
def places():
    chicago = place("Chicago", "IL", 41.85, -87.65)
    springfield = place("Springfield", "IL", 39.80, -89.64)
    denver = place("Denver", "CO", 39.74, -104.99)
    houston = place("Houston", "TX", 29.76, -95.37)
    quiet = place("Quiet Town", "IL", 40.1, -88.2)
    nowhere = place("Nowhere", "IL")
    for jurisdiction in (chicago, springfield, denver, nowhere):
        said(jurisdiction)
    said(quiet, status=Status.DRAFT)  # a draft is not a published record
    stance(houston, "cooperates", JAN_2017)  # a published stance alone is enough
    stance(chicago, "limited", JAN_2017)
    stance(chicago, "refuses", JUNE_2019)
    stance(denver, "limited", JUNE_2019)
    return {j.slug: j for j in (chicago, springfield, denver, houston, quiet, nowhere)}


def published_slugs():
    return set(Statement.objects.published().values_list("jurisdiction__slug", flat=True)) | set(
        Stance.objects.published().values_list("jurisdiction__slug", flat=True)
    )


def test_map_draws_one_marker_per_place_with_published_records_and_coordinates(client, places):
    response = client.get(MAP)

    assert response.status_code == 200
    assert set(markers(response)) == {"chicago-il", "springfield-il", "denver-co", "houston-tx"}
    html = response.content.decode()
    assert "Stances as of" in html
    # Published but without coordinates: named beside the map instead of silently dropped.
    assert "Not on the map (1," in html and 'href="/cities/nowhere-il/"' in html


@pytest.mark.parametrize(
    "query",
    [{"state": "IL"}, {"stance": "limited"}, {"q": "spring"}, {"level": "city"}, {}],
    ids=["state", "stance", "q", "level", "none"],
)
def test_markers_equal_the_cities_list_under_the_same_filters(client, places, query):
    listed = client.get(reverse("cities:list"), query).context["object_list"]
    expected = {j.slug for j in listed if j.has_coordinates and j.slug in published_slugs()}

    response = client.get(MAP, query)

    assert set(markers(response)) == expected


def test_event_filter_keeps_the_places_it_targeted(client, places):
    event = EventFactory()
    event.targeted_jurisdictions.set([places["denver-co"], places["houston-tx"]])

    response = client.get(MAP, {"event": event.slug})

    assert set(markers(response)) == {"denver-co", "houston-tx"}


def test_each_stance_has_its_own_shape_and_colour_and_the_legend_counts_them(client, places):
    response = client.get(MAP)
    drawn = markers(response)
    html = response.content.decode()

    assert drawn["chicago-il"].stance == "refuses"
    assert drawn["denver-co"].stance == "limited"
    assert drawn["houston-tx"].stance == "cooperates"
    # Springfield has statements but no stance on record: not recorded, not "no public position".
    assert drawn["springfield-il"].stance == "not_recorded"
    # The symbols the markers use: a distinct path (shape) and class (colour) for each stance.
    symbols = {code: html.split(f'id="m-{code}" ', 1)[1].split("/>", 1)[0] for code in "rlcun"}
    assert (
        'class="mk mk--refuses mk-symbol"' in symbols["r"] and "a" in symbols["r"]
    )  # arcs: a circle
    assert 'class="mk mk--limited mk-symbol"' in symbols["l"] and "h" in symbols["l"]  # square
    assert 'class="mk mk--cooperates mk-symbol"' in symbols["c"]
    assert 'class="mk mk--unknown mk-symbol"' in symbols["u"]
    assert 'class="mk mk--not_recorded mk-symbol"' in symbols["n"]  # a hollow ring
    assert len({s.split('d="')[1] for s in symbols.values()}) == 5
    assert legend_counts(response) == {
        "refuses": 1,
        "limited": 1,
        "cooperates": 1,
        "unknown": 0,
        "not_recorded": 1,
    }
    assert (
        'Refuses cooperation <span class="map-legend__shape-name">(diagonal lines, circle)' in html
    )


def test_a_marker_names_the_place_its_state_stance_and_latest_statement(client, places):
    said(places["chicago-il"], on=datetime.date(2019, 7, 2))

    chicago = markers(client.get(MAP))["chicago-il"]

    assert chicago.title == "Chicago, IL: Refuses cooperation; latest statement July 2, 2019"
    houston = markers(client.get(MAP))["houston-tx"]
    assert houston.title == "Houston, TX: Cooperates; no published statement"


def test_markers_are_focusable_links_to_the_place_page(client, places):
    html = client.get(MAP).content.decode()

    assert '<a href="/cities/chicago-il/"><title>' in html
    assert client.get("/cities/chicago-il/").status_code == 200
    assert "Skip the map’s 4 links" in html


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2016-12-31", "not_recorded"),  # before any stance
        ("2017-01-01", "limited"),  # the day the first took effect
        ("2019-06-20", "limited"),  # the last day of the older stance
        ("2019-06-21", "refuses"),  # the day the newer took over (the older's exclusive end)
        ("2020-01-01", "refuses"),
    ],
)
def test_as_of_shows_the_stance_in_force_that_day(client, places, as_of, expected):
    response = client.get(MAP, {"as_of": as_of})

    assert response.status_code == 200
    assert markers(response)["chicago-il"].stance == expected
    day = datetime.date.fromisoformat(as_of)
    assert f'Stances as of <time datetime="{as_of}">{day:%B %-d, %Y}</time>' in (
        response.content.decode()
    )


def test_as_of_a_past_day_shows_the_older_level_and_counts_it(client, places):
    response = client.get(MAP, {"as_of": "2018-03-01"})

    assert markers(response)["chicago-il"].stance == "limited"
    assert markers(response)["denver-co"].stance == "not_recorded"  # its stance began in 2019
    assert legend_counts(response) == {
        "refuses": 0,
        "limited": 1,
        "cooperates": 1,
        "unknown": 0,
        "not_recorded": 2,
    }
    html = response.content.decode()
    assert "2 of these places have a different stance today." in html


def test_stance_filter_with_as_of_reads_that_days_stances(client, places):
    response = client.get(MAP, {"as_of": "2018-03-01", "stance": "limited"})

    assert set(markers(response)) == {"chicago-il"}
    assert "Stance on March 1, 2018" in response.content.decode()


def test_as_of_headline_prefers_the_latest_then_the_jurisdiction_wide_stance(client, places):
    chicago = places["chicago-il"]
    police = AgencyFactory(jurisdiction=chicago)
    # The police's own stance took effect on the same day as the city's: the city's wins.
    stance(chicago, "cooperates", datetime.date(2018, 5, 1), agency=police)
    assert markers(client.get(MAP, {"as_of": "2018-06-01"}))["chicago-il"].stance == "cooperates"
    stance(chicago, "limited", datetime.date(2018, 5, 1))
    # (The city-wide 2018 stance back-fills between its 2017 and 2019 ones.)
    assert markers(client.get(MAP, {"as_of": "2018-06-01"}))["chicago-il"].stance == "limited"


def test_previous_and_next_change_links_step_through_the_timeline(client, places):
    html = client.get(MAP, {"as_of": "2018-03-01"}).content.decode()

    assert "as_of=2019-06-21" in html and "Next change: June 21, 2019" in html
    assert "as_of=2016-12-31" in html  # the day before the first stance


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("2019-02-30", "“2019-02-30” is not a date. Give a real date as YYYY-MM-DD"),
        ("0001-01-01", "The map starts on 1990-01-01; choose that day or a later one."),
        ("1989-12-31", "The map starts on 1990-01-01"),
        ("text", "“text” is not a date."),
        ("2019-6-1x", "is not a date."),
        ("9999-12-31", "is in the future; choose today"),
    ],
)
def test_bad_as_of_gives_the_page_with_a_message_by_the_field_and_400(
    client, places, as_of, message
):
    response = client.get(MAP, {"as_of": as_of})

    assert response.status_code == 400
    html = response.content.decode()
    field_error = html.split('id="as_of-error">', 1)[1].split("</p>", 1)[0]
    assert message in field_error
    assert 'aria-invalid="true"' in html
    assert "This search could not run" in html
    assert not markers(response)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"stance": "friendly"}, "“friendly” is not a stance."),
        ({"state": "ZZ"}, "“ZZ” is not a state."),
        ({"event": "no-such-event"}, "No event has the address name “no-such-event”."),
        ({"q": "x" * 201}, "Search text is limited to 200 characters"),
    ],
)
def test_any_bad_filter_gives_the_form_error_and_400(client, places, query, message):
    response = client.get(MAP, query)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_map_links_to_the_same_places_as_a_list_and_as_geojson(client, places):
    html = client.get(MAP, {"state": "IL", "as_of": "2018-01-01"}).content.decode()

    assert 'href="/cities/?state=IL"' in html
    assert 'href="/map/data.geojson?state=IL&amp;as_of=2018-01-01"' in html
    # The text alternative: a table of what the map shows, with that day's and today's stance.
    table = html.split('<table class="map-table map-table--places">', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") == 1 + 2  # header + Chicago and Springfield
    assert "Stance today" in table and "changed" in table


def test_selected_states_are_highlighted(client, places):
    html = client.get(MAP, {"state": ["IL", "CO"]}).content.decode()

    assert '<use href="#st-CO"/><use href="#st-IL"/>' in html


@pytest.mark.parametrize("count", [3, 40])
def test_the_map_takes_a_bounded_number_of_queries(client, django_assert_max_num_queries, count):
    for index in range(count):
        jurisdiction = place(f"Town {index}", "IL", 40 + index / 100, -89)
        said(jurisdiction)
        stance(jurisdiction, "refuses", JAN_2017)
    event = EventFactory()

    # The selected event is one more query.
    with django_assert_max_num_queries(NARROWED_MAP_QUERIES + FORM_QUERIES + 1):
        response = client.get(MAP, {"as_of": "2018-01-01", "event": event.slug})
    assert response.status_code == 200
    with django_assert_max_num_queries(NARROWED_MAP_QUERIES + FORM_QUERIES):
        response = client.get(MAP, {"state": "IL"})
    assert len(markers(response)) == count


def test_seed_cities_land_inside_their_state_outline(client, seeded):
    drawn = markers(client.get(MAP))

    assert len(drawn) == 11
    for marker in drawn.values():
        state = marker.slug.rsplit("-", 1)[1].upper()
        if state == "DC":
            # The district is a few pixels wide; its marker sits on it or on its border.
            assert state_containing(marker.x, marker.y) in {"DC", "MD", "VA"}
        else:
            assert state_containing(marker.x, marker.y) == state, marker


def test_small_map_for_the_home_page_draws_every_place_with_records(seeded):
    html = Template("{% load maps %}{% us_map %}").render(Context({}))

    assert html.count('<use href="#h-') == 11
    assert 'href="/map/"' in html
    assert "map-canvas--small" in html

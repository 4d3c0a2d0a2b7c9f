"""A reader opens /map/ with every county loaded: counties shaded by their stance on the day
shown, states with a statewide stance lightly shaded beneath them, places marked on top."""

import datetime
import re

import pytest
from django.urls import reverse

from cities.counties import atlas_rows, jurisdictions_import_counties
from cities.models import Jurisdiction
from public.maps.outlines import counties
from statements import services
from tests.factories import AgencyFactory, JurisdictionFactory, StanceFactory, StatementFactory

from .helpers import (
    FORM_QUERIES,
    NATIONAL_MAP_QUERIES,
    areas,
    legend_counts,
    markers,
    page,
    view_box,
)

pytestmark = pytest.mark.django_db

MAP = reverse("maps:map")
COUNTY_LAYER = re.compile(r'<g class="map-counties" aria-hidden="true">.*?</g>', re.DOTALL)


@pytest.fixture
def loaded(db):
    """Every state and county equivalent, as `import_counties` stores them."""
    jurisdictions_import_counties(rows=atlas_rows())
    return {j.slug: j for j in Jurisdiction.objects.filter(slug__in=SLUGS)}


SLUGS = ["cook-county-il", "dupage-county-il", "harris-county-tx", "illinois", "texas"]


def stance(jurisdiction, level, effective_from, **kwargs):
    return services.stance_publish(
        stance=StanceFactory(
            jurisdiction=jurisdiction, level=level, effective_from=effective_from, **kwargs
        )
    )


def test_every_county_is_drawn_and_the_layer_is_the_same_for_every_request(client, loaded):
    stance(loaded["cook-county-il"], "refuses", datetime.date(2019, 1, 1))

    today = page(client.get(MAP))
    other_day = page(client.get(MAP, {"as_of": "2018-01-01", "state": "TX"}))

    layer = COUNTY_LAYER.search(today)[0]
    assert layer == COUNTY_LAYER.search(other_day)[0]
    drawn = re.findall(r'<path id="c(\d{5})" d="M', layer)
    assert len(drawn) == len(counties()) > 3200
    assert "17031" in drawn and "48201" in drawn  # Cook County, IL; Harris County, TX
    # Nothing in the layer says anything about a stance: colours are added above it.
    assert "class=" not in layer.removeprefix('<g class="map-counties"')


def test_a_county_with_a_stance_is_shaded_links_to_its_page_and_is_counted(client, loaded):
    stance(loaded["cook-county-il"], "refuses", datetime.date(2019, 1, 1))
    stance(loaded["harris-county-tx"], "cooperates", datetime.date(2019, 1, 1))

    response = client.get(MAP)

    shaded = areas(response)
    assert set(shaded) == {"cook-county-il", "harris-county-tx"}
    assert shaded["cook-county-il"].stance == "refuses"
    assert shaded["cook-county-il"].shape == "c17031"
    assert shaded["cook-county-il"].title == "Cook County, IL: Refuses cooperation"
    assert shaded["harris-county-tx"].title == "Harris County, TX: Cooperates"
    counted = legend_counts(response, "counties")
    assert counted["refuses"] == 1 and counted["cooperates"] == 1 and counted["limited"] == 0
    assert counted["unknown"] == 0  # no county has "no public position" on record
    assert counted["not_recorded"] == len(counties()) - 2
    # Counties are areas, not markers as well.
    assert not set(markers(response)) & set(shaded)
    assert "2 counties and 0 states shaded" in page(response)


def test_a_county_takes_the_stance_of_its_sheriff(client, loaded):
    cook = loaded["cook-county-il"]
    sheriff = AgencyFactory(jurisdiction=cook, name="Cook County Sheriff's Office")

    stance(cook, "cooperates", datetime.date(2020, 3, 1), agency=sheriff)

    assert areas(client.get(MAP))["cook-county-il"].stance == "cooperates"


def test_as_of_shades_the_counties_with_the_stance_in_force_that_day(client, loaded):
    harris = loaded["harris-county-tx"]
    stance(harris, "cooperates", datetime.date(2019, 1, 1))
    stance(harris, "limited", datetime.date(2021, 1, 1))

    def shaded_on(day):
        return {slug: area.stance for slug, area in areas(client.get(MAP, {"as_of": day})).items()}

    assert shaded_on("2018-12-31") == {}
    assert shaded_on("2019-01-01") == {"harris-county-tx": "cooperates"}
    assert shaded_on("2020-12-31") == {"harris-county-tx": "cooperates"}
    assert shaded_on("2021-01-01") == {"harris-county-tx": "limited"}
    past = client.get(MAP, {"as_of": "2020-06-01"})
    assert legend_counts(past, "counties")["cooperates"] == 1
    # The table says what it was then and what it is now.
    table = page(past).split('class="map-table map-table--areas"', 1)[1].split("</table>")[0]
    assert "Harris County" in table and "Stance today" in table and "changed" in table


def test_a_draft_or_unpublished_stance_never_shades_a_county(client, loaded):
    StanceFactory(jurisdiction=loaded["cook-county-il"], level="refuses")  # a draft

    response = client.get(MAP)

    assert areas(response) == {}
    assert legend_counts(response, "counties")["refuses"] == 0


def test_a_statewide_stance_shades_its_state_under_the_counties(client, loaded):
    stance(loaded["texas"], "cooperates", datetime.date(2017, 9, 1))
    stance(loaded["harris-county-tx"], "refuses", datetime.date(2019, 1, 1))

    response = client.get(MAP)
    html = page(response)

    shaded = areas(response)
    assert shaded["texas"].shape == "st-TX"
    assert shaded["texas"].title == "Texas: Cooperates (statewide)"
    assert shaded["harris-county-tx"].stance == "refuses"
    # Drawn below the county outlines and the counties' own shading.
    assert (
        html.index("map-areas--states")
        < html.index("map-counties")
        < html.index("map-areas--counties")
    )
    assert legend_counts(response, "states")["cooperates"] == 1
    table = html.split('class="map-table map-table--states"', 1)[1].split("</table>")[0]
    assert re.search(r"Texas</a></th>\s*<td><span class=\"stance stance--cooperates\">", table)


def test_filters_narrow_the_shaded_areas_too(client, loaded):
    stance(loaded["cook-county-il"], "refuses", datetime.date(2019, 1, 1))
    stance(loaded["dupage-county-il"], "limited", datetime.date(2019, 1, 1))
    stance(loaded["harris-county-tx"], "cooperates", datetime.date(2019, 1, 1))

    assert set(areas(client.get(MAP, {"state": "IL"}))) == {"cook-county-il", "dupage-county-il"}
    assert set(areas(client.get(MAP, {"stance": "limited"}))) == {"dupage-county-il"}
    assert set(areas(client.get(MAP, {"level": "city"}))) == set()


def test_choosing_a_state_zooms_into_it(client, loaded):
    chicago = JurisdictionFactory(name="Chicago", state="IL", latitude=41.85, longitude=-87.65)
    StatementFactory(jurisdiction=chicago)

    whole = client.get(MAP)
    illinois = client.get(MAP, {"state": "IL"})

    assert view_box(whole) == (0, 0, 975, 610)
    x, y, width, height = view_box(illinois)
    assert width < 975 / 4 and width / height == pytest.approx(975 / 610, rel=0.01)
    chicago_marker = markers(illinois)["chicago-il"]
    assert x < chicago_marker.x < x + width and y < chicago_marker.y < y + height
    # Markers keep their size on screen: smaller on the canvas, by the zoom.
    symbol = re.search(r'id="m-u" class="mk mk--unknown mk-symbol" d="M0,(-[\d.]+)', page(illinois))
    assert float(symbol[1]) == pytest.approx(-6 * width / 975, abs=0.01)
    assert "map-svg--zoomed" in page(illinois) and "map-svg--zoomed" not in page(whole)


def test_the_map_of_the_country_takes_a_bounded_number_of_queries(
    client, loaded, django_assert_max_num_queries
):
    for slug in SLUGS:
        stance(loaded[slug], "cooperates", datetime.date(2019, 1, 1))

    with django_assert_max_num_queries(NATIONAL_MAP_QUERIES + FORM_QUERIES):
        response = client.get(MAP, {"as_of": "2020-01-01"})
    assert len(areas(response)) == len(SLUGS)

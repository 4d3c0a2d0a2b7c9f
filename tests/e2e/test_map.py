"""In a real browser: the map draws every county, shades those with a stance and the states with
a statewide one, marks the places on top; its links lead to their pages, and the date and its
slider move all of it."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from cities.models import Jurisdiction
from public.maps.outlines import counties
from statements import services
from tests.factories import AgencyFactory, StanceFactory

from .conftest import axe_violations, describe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

CHICAGO = '.map-markers a[href="/cities/chicago-il/"]'
TARRANT = '.map-areas a[href="/cities/tarrant-county-tx/"]'
COOK = '.map-areas a[href="/cities/cook-county-il/"]'
TEXAS = '.map-areas a[href="/cities/texas/"]'


@pytest.fixture(scope="module")
def national(seeded_live_server, django_db_blocker):
    """The seeded live server with every state and county loaded, and three of them with a
    stance: Texas statewide (cooperates, from 1 September 2017), Cook County (limited, from
    1 January 2018) and Tarrant County's sheriff (cooperates, from 21 June 2019, the day the
    seed's stances change too)."""

    def publish(slug, level, effective_from, agency_name=None):
        jurisdiction = Jurisdiction.objects.get(slug=slug)
        agency = AgencyFactory(jurisdiction=jurisdiction, name=agency_name) if agency_name else None
        services.stance_publish(
            stance=StanceFactory(
                jurisdiction=jurisdiction, level=level, effective_from=effective_from, agency=agency
            )
        )

    with django_db_blocker.unblock():
        call_command("import_counties", stdout=io.StringIO())
        publish("texas", "cooperates", datetime.date(2017, 9, 1))
        publish("cook-county-il", "limited", datetime.date(2018, 1, 1))
        publish(
            "tarrant-county-tx", "cooperates", datetime.date(2019, 6, 21), "Tarrant County Sheriff"
        )
    return seeded_live_server


def legend_count(page, level: str, layer: str = "places") -> str:
    return page.locator(f'.map-legend [data-stance="{level}"] [data-layer="{layer}"]').inner_text()


def fill_of(page, selector: str) -> str:
    """The fill the browser paints the area with (the outline it reuses inherits it)."""
    return page.locator(f"{selector} use").evaluate("use => getComputedStyle(use).fill")


def test_map_draws_every_county_the_shaded_areas_and_the_places_on_top(page, national):
    page.goto(f"{national.url}/map/")

    expect(page.locator("svg#us-map")).to_be_visible()
    expect(page.locator(".map-counties path")).to_have_count(len(counties()))
    expect(page.locator(".map-states path")).to_have_count(52)
    expect(page.locator(".map-markers a")).to_have_count(11)
    # Tarrant County hatched as cooperating, Cook County as limited, Texas lightly beneath.
    assert fill_of(page, TARRANT) == 'url("#hatch-cooperates")'
    assert fill_of(page, COOK) == 'url("#hatch-limited")'
    assert fill_of(page, TEXAS) == 'url("#hatch-cooperates")'
    assert (
        float(page.locator(".map-areas--states").evaluate("g => getComputedStyle(g).opacity")) < 1
    )
    tarrant = page.locator(TARRANT).bounding_box()
    assert tarrant["width"] > 3 and tarrant["height"] > 3
    assert legend_count(page, "cooperates", "counties") == "1"
    # Cook County and Denver, a consolidated city-county: a county equivalent as well as a city.
    assert legend_count(page, "limited", "counties") == "2"
    assert legend_count(page, "cooperates", "states") == "1"
    assert legend_count(page, "refuses") == "3"
    assert page.locator(CHICAGO).bounding_box()["width"] > 4


def test_hovering_a_county_or_a_marker_names_it_and_its_stance(page, national):
    page.goto(f"{national.url}/map/")
    tip = page.locator(".map-tip")

    page.hover(TARRANT)
    expect(tip).to_be_visible()
    expect(tip).to_have_text("Tarrant County, TX: Cooperates")

    page.hover(CHICAGO)
    expect(tip).to_have_text(re.compile(r"Chicago, IL: Refuses cooperation; latest statement"))

    page.mouse.move(5, 5)
    page.locator('.map-markers a[href="/cities/denver-co/"]').focus()
    expect(tip).to_have_text(re.compile(r"Denver, CO: Limited cooperation"))
    # The name stays available to screen readers once the tooltip has taken over the title.
    expect(page.locator(CHICAGO)).to_have_attribute("aria-label", re.compile("^Chicago, IL"))


def test_clicking_a_county_or_a_marker_opens_its_page(page, national):
    page.goto(f"{national.url}/map/")

    page.locator(TARRANT).click()
    expect(page).to_have_url(f"{national.url}/cities/tarrant-county-tx/")

    page.go_back()
    page.locator(CHICAGO).click()
    expect(page).to_have_url(f"{national.url}/cities/chicago-il/")
    expect(page.locator("h1")).to_contain_text("Chicago")


def test_keyboard_reaches_a_marker_and_enter_follows_it(page, national):
    page.goto(f"{national.url}/map/")

    page.locator(CHICAGO).focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{national.url}/cities/chicago-il/")


def test_changing_the_date_shows_the_stances_in_force_then(page, national):
    page.goto(f"{national.url}/map/")
    assert page.locator(f"{CHICAGO} use").get_attribute("href") == "#m-r"

    page.get_by_label("Stances as of").fill("2019-06-20")
    page.get_by_role("button", name="Show this day").click()

    expect(page).to_have_url(re.compile(r"as_of=2019-06-20"))
    expect(page.locator(".map-note")).to_contain_text("Stances as of June 20, 2019")
    assert legend_count(page, "refuses") == "0"
    # The seed's stances begin on 21 June 2019: the day before, none is on record.
    assert legend_count(page, "not_recorded") == "11"
    assert page.locator(f"{CHICAGO} use").get_attribute("href") == "#m-n"
    # Tarrant County's agreement began the next day; Cook County's and the state's before.
    expect(page.locator(TARRANT)).to_have_count(0)
    expect(page.locator(COOK)).to_have_count(1)
    expect(page.locator(TEXAS)).to_have_count(1)
    assert legend_count(page, "cooperates", "counties") == "0"

    # The next change is a link away, and applying a filter keeps the day.
    page.get_by_role("link", name=re.compile("Next change: June 21, 2019")).click()
    expect(page.locator(".map-note")).to_contain_text("June 21, 2019")
    assert legend_count(page, "refuses") == "3"
    expect(page.locator(TARRANT)).to_have_count(1)
    page.locator('.filters input[name="state"][value="IL"]').check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"as_of=2019-06-21"))
    expect(page.locator(".map-markers a")).to_have_count(1)
    expect(page.locator(".map-areas a")).to_have_count(1)  # Cook County, in Illinois


def test_the_slider_steps_through_the_days_something_changed_without_a_reload(page, national):
    page.goto(f"{national.url}/map/?as_of=2019-06-21")
    expect(page.locator(TARRANT)).to_have_count(1)
    # A page load would lose this; a swap of the map's parts keeps it.
    page.evaluate("window.sameDocument = true")
    slider = page.get_by_label("Move through the days something changed")

    slider.focus()
    page.keyboard.press("ArrowLeft")  # one change back: Cook County's stance, 1 January 2018

    expect(page).to_have_url(re.compile(r"as_of=2018-01-01"))
    expect(page.locator(".map-note")).to_contain_text("2018")
    expect(page.locator(TARRANT)).to_have_count(0)
    expect(page.locator(COOK)).to_have_count(1)
    expect(page.locator(".map-counties path")).to_have_count(len(counties()))
    page.keyboard.press("ArrowLeft")  # Texas's statewide stance, 1 September 2017
    expect(page).to_have_url(re.compile(r"as_of=2017-09-01"))
    expect(page.locator(COOK)).to_have_count(0)
    expect(page.locator(TEXAS)).to_have_count(1)
    # End: today (no as_of); Home: the first day anything changed.
    page.keyboard.press("End")
    expect(page).not_to_have_url(re.compile(r"as_of="))
    expect(page.locator(TARRANT)).to_have_count(1)
    page.keyboard.press("Home")
    expect(page).to_have_url(re.compile(r"as_of=\d{4}-\d{2}-\d{2}"))
    assert page.evaluate("window.sameDocument") is True
    expect(slider).to_be_focused()


def test_the_slider_lists_only_the_days_something_changed(page, national):
    page.goto(f"{national.url}/map/")
    stops = page.evaluate(
        "JSON.parse(document.getElementById('map-slider-stops').textContent).map(s => s[0])"
    )
    assert [day for day in stops if day in ("2017-09-01", "2018-01-01", "2019-06-21")] == [
        "2017-09-01",
        "2018-01-01",
        "2019-06-21",
    ]
    assert stops[-1] == ""  # today, last
    assert stops == sorted(stops[:-1]) + [""]
    assert len(stops) < 40  # change days, not 13,000 days


def test_on_a_phone_the_map_is_in_the_first_screen_and_nothing_overflows(page, national):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{national.url}/map/")
    page.screenshot(path="/tmp/shots-h6/map-390.png")

    box = page.locator("svg#us-map").bounding_box()
    assert box["y"] + box["height"] <= 844, box
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    # Markers at least 8 px across, and no zoom button over the map.
    marker = page.locator(f"{CHICAGO} use").bounding_box()
    assert marker["width"] >= 8 and marker["height"] >= 8, marker
    zoom = page.locator(".map-zoom").bounding_box()
    assert zoom["y"] >= box["y"] + box["height"] - 1
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{national.url}/map/?as_of=2018-01-01")
    page.screenshot(path="/tmp/shots-h6/map-1366.png")


def test_choosing_a_state_zooms_into_it(page, national):
    page.goto(f"{national.url}/map/")
    whole = page.locator(TARRANT).bounding_box()

    page.goto(f"{national.url}/map/?state=TX")

    width = float(page.locator("svg#us-map").get_attribute("viewBox").split()[2])
    assert width < 975 / 2
    zoomed = page.locator(TARRANT).bounding_box()
    assert zoomed["width"] > 2 * whole["width"]
    expect(page.locator(".map-markers a")).to_have_count(1)  # Houston


def test_zoom_buttons_change_the_view(page, national):
    page.goto(f"{national.url}/map/")
    svg = page.locator("svg#us-map")

    page.get_by_role("button", name="Zoom in").click()

    width = float(svg.get_attribute("viewBox").split()[2])
    assert width < 975
    page.get_by_role("button", name="Show the whole map").click()
    assert svg.get_attribute("viewBox") == "0 0 975 610"


@pytest.mark.parametrize("path", ["/map/", "/map/?as_of=2019-06-20", "/map/?state=TX", "/"])
def test_the_map_with_every_county_has_no_serious_accessibility_violation(page, national, path):
    page.goto(f"{national.url}{path}")

    violations = axe_violations(page)

    assert not violations, describe_violations(violations)

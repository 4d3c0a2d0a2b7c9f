"""In a real browser: the map draws, its markers lead to their pages, and the date moves it."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHICAGO = '.map-markers a[href="/cities/chicago-il/"]'


@pytest.fixture
def seeded_live(transactional_db, live_server):
    call_command("load_seed", verbosity=0)
    return live_server


def legend_count(page, level: str) -> str:
    return page.locator(f'.map-legend [data-stance="{level}"] .map-legend__count').inner_text()


def test_map_draws_every_seed_place_as_a_marker(page, seeded_live):
    page.goto(f"{seeded_live.url}/map/")

    expect(page.locator("svg#us-map")).to_be_visible()
    expect(page.locator(".map-markers a")).to_have_count(11)
    expect(page.locator(".map-states path")).to_have_count(52)
    assert legend_count(page, "refuses") == "3"
    assert page.locator(CHICAGO).bounding_box()["width"] > 4


def test_hovering_or_focusing_a_marker_shows_its_name_stance_and_latest_statement(
    page, seeded_live
):
    page.goto(f"{seeded_live.url}/map/")
    tip = page.locator(".map-tip")

    page.hover(CHICAGO)
    expect(tip).to_be_visible()
    expect(tip).to_have_text(re.compile(r"Chicago, IL: Refuses cooperation; latest statement"))

    page.mouse.move(5, 5)
    page.locator('.map-markers a[href="/cities/denver-co/"]').focus()
    expect(tip).to_have_text(re.compile(r"Denver, CO: Limited cooperation"))
    # The name stays available to screen readers once the tooltip has taken over the title.
    expect(page.locator(CHICAGO)).to_have_attribute("aria-label", re.compile("^Chicago, IL"))


def test_clicking_chicagos_marker_opens_its_page(page, seeded_live):
    page.goto(f"{seeded_live.url}/map/")

    page.locator(CHICAGO).click()

    expect(page).to_have_url(f"{seeded_live.url}/cities/chicago-il/")
    expect(page.locator("h1")).to_contain_text("Chicago")


def test_keyboard_reaches_a_marker_and_enter_follows_it(page, seeded_live):
    page.goto(f"{seeded_live.url}/map/")

    page.locator(CHICAGO).focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{seeded_live.url}/cities/chicago-il/")


def test_changing_the_date_shows_the_stances_in_force_then(page, seeded_live):
    page.goto(f"{seeded_live.url}/map/")
    assert page.locator(f"{CHICAGO} use").get_attribute("href") == "#m-r"

    page.get_by_label("Stances as of").fill("2019-06-20")
    page.get_by_role("button", name="Show this day").click()

    expect(page).to_have_url(re.compile(r"as_of=2019-06-20"))
    expect(page.locator(".map-note")).to_contain_text("Stances as of 20 June 2019")
    assert legend_count(page, "refuses") == "0"
    assert legend_count(page, "unknown") == "11"
    assert page.locator(f"{CHICAGO} use").get_attribute("href") == "#m-u"

    # The next change is a link away, and applying a filter keeps the day.
    page.get_by_role("link", name=re.compile("Next change: 21 Jun 2019")).click()
    expect(page.locator(".map-note")).to_contain_text("21 June 2019")
    assert legend_count(page, "refuses") == "3"
    page.locator('.filters input[name="state"][value="IL"]').check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"as_of=2019-06-21"))
    expect(page.locator(".map-markers a")).to_have_count(1)


def test_the_slider_moves_the_day(page, seeded_live):
    page.goto(f"{seeded_live.url}/map/?as_of=2019-06-21")
    slider = page.get_by_label("Move through time")

    slider.focus()
    page.keyboard.press("ArrowLeft")  # one day back, to 2019-06-20; a key press commits it

    expect(page).to_have_url(re.compile(r"as_of=2019-06-20"))
    assert legend_count(page, "refuses") == "0"


def test_zoom_buttons_change_the_view(page, seeded_live):
    page.goto(f"{seeded_live.url}/map/")
    svg = page.locator("svg#us-map")

    page.get_by_role("button", name="Zoom in").click()

    width = float(svg.get_attribute("viewBox").split()[2])
    assert width < 975
    page.get_by_role("button", name="Show the whole map").click()
    assert svg.get_attribute("viewBox") == "0 0 975 610"

"""Every public page, scanned by axe-core in Chromium: no serious or critical violation, no console
error and no Content-Security-Policy violation; and the keyboard reaches the content first."""

import pytest
from playwright.sync_api import expect

from statements.models import Event, Statement

from .conftest import axe_violations, describe_violations, visit

pytestmark = pytest.mark.e2e


def statement_page() -> str:
    return Statement.objects.get(official__slug="lori-lightfoot").get_absolute_url()


def event_page() -> str:
    return Event.objects.get().get_absolute_url()


# (what the page is, its address or how to find it, the status it answers with)
PAGES = [
    ("home", "/", 200),
    ("jurisdiction list", "/cities/", 200),
    ("jurisdiction list, filtered", "/cities/?stance=refuses&state=CA", 200),
    ("jurisdiction", "/cities/chicago-il/", 200),
    ("official", "/officials/lori-lightfoot/", 200),
    ("statement list", "/statements/", 200),
    ("statement", statement_page, 200),
    ("event", event_page, 200),
    ("map", "/map/", 200),
    ("not found", "/cities/nowhere-zz/", 404),
    ("statement list, bad filters", "/statements/?said_after=2019-13-45&stance=maybe", 400),
    ("jurisdiction list, bad filters", "/cities/?state=ZZ&page=abc", 400),
]


@pytest.mark.parametrize(("address", "status"), [p[1:] for p in PAGES], ids=[p[0] for p in PAGES])
def test_page_has_no_serious_accessibility_violations(page, seeded_live_server, address, status):
    path = address() if callable(address) else address

    visit(page, f"{seeded_live_server.url}{path}", status=status)
    violations = axe_violations(page)

    assert not violations, f"axe-core on {path}:\n{describe_violations(violations)}"


def test_tab_reaches_the_skip_link_first_and_it_moves_focus_to_the_content(
    page, seeded_live_server
):
    visit(page, f"{seeded_live_server.url}/statements/")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).not_to_be_in_viewport()  # out of sight until needed

    page.keyboard.press("Tab")

    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The next Tab goes on from the content, not back to the header.
    page.keyboard.press("Tab")
    focused_in_main = page.evaluate("document.activeElement.closest('main') !== null")
    assert focused_in_main, page.evaluate("document.activeElement.outerHTML")


def test_focus_is_visible_on_links_and_form_controls(page, seeded_live_server):
    visit(page, f"{seeded_live_server.url}/statements/")

    for locator in (
        page.get_by_role("link", name="Skip to content"),
        page.get_by_role("searchbox", name="Words"),
        page.get_by_role("button", name="Apply filters"),
    ):
        locator.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focus by keyboard, so :focus-visible applies
        expect(locator).to_be_focused()
        outline = locator.evaluate("e => getComputedStyle(e).outlineStyle")
        assert outline not in ("", "none"), f"no visible focus outline on {locator}"

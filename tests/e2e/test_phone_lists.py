"""In a real browser at a phone's size (390×844) and a laptop's (1366×900): the lists show their
count and first results on the first screen, the filters are one tap away and work without
script, the rows never push the page sideways, no word is broken inside, and the statement
column is never cut off at the right edge."""

import pytest
from playwright.sync_api import expect

from .conftest import visit, watch

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
LISTS = ["/statements/", "/cities/", "/statements/?stance=refuses", "/cities/?state=CA"]
ZERO = "/statements/?city=chicago-il&stance=cooperates"

# Every word of the results' rows whose text is split over two lines (two client rectangles):
# "Atla|nta" as a reader sees it. Words are measured one by one with a Range; text for screen
# readers only (one pixel wide) is left out.
BROKEN_WORDS = """() => {
  const broken = [];
  const cells = document.querySelectorAll('.results tbody th, .results tbody td');
  for (const cell of cells) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('.visually-hidden')) continue;
      for (const match of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


@pytest.fixture
def open_page(browser):
    """`open_page(viewport, javascript=True)`: a fresh page of that size, failing the test on
    any console error, script error or broken sub-resource."""
    contexts = []

    def make(viewport, *, javascript=True):
        context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
        contexts.append(context)
        page = context.new_page()
        page._browser_problems = watch(page)
        return page

    yield make
    for context in contexts:
        context.close()


def top(locator) -> float:
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not shown"
    return box["y"]


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("path", LISTS)
def test_on_a_phone_the_count_and_first_result_are_on_the_first_screen(
    open_page, seeded_live_server, path
):
    page = open_page(PHONE)
    visit(page, seeded_live_server.url + path)

    assert page_width(page) <= PHONE["width"]
    assert top(page.locator(".result-count")) < PHONE["height"]
    first = page.locator(".results tbody tr").first
    assert top(first) < PHONE["height"]
    # A card, not a squeezed table row: each cell on its own line, named.
    expect(first.locator("[data-label]").first).to_be_visible()
    assert first.bounding_box()["width"] <= PHONE["width"]
    assert page.evaluate(BROKEN_WORDS) == []


@pytest.mark.parametrize("path", ["/", ZERO, "/cities/?state=DC&level=county"])
def test_on_a_phone_the_home_and_zero_answers_do_not_scroll_sideways(
    open_page, seeded_live_server, path
):
    page = open_page(PHONE)
    visit(page, seeded_live_server.url + path)

    assert page_width(page) <= PHONE["width"]


def test_the_chart_labels_stay_readable_on_a_phone(open_page, seeded_live_server):
    page = open_page(PHONE)
    visit(page, seeded_live_server.url + "/")

    heights = page.locator(".bar-label").evaluate_all(
        "labels => labels.map(l => parseFloat(getComputedStyle(l).fontSize) * l.getScreenCTM().a)"
    )
    assert len(heights) == 4
    assert min(heights) >= 12, heights


def test_on_a_phone_the_filters_open_with_one_tap_without_javascript(open_page, seeded_live_server):
    page = open_page(PHONE, javascript=False)
    visit(page, seeded_live_server.url + "/statements/")
    apply = page.get_by_role("button", name="Apply filters")
    expect(apply).to_be_hidden()

    page.locator("summary", has_text="Filters").click()

    expect(apply).to_be_visible()
    page.get_by_role("group", name="Jurisdiction").get_by_label("Chicago, IL").check()
    apply.click()
    expect(page.locator(".result-count")).to_have_text("1 statement")
    expect(page.locator("summary", has_text="Filters")).to_contain_text("(1 active)")
    assert top(page.locator(".results tbody tr").first) < PHONE["height"]


def test_a_chip_removes_its_filter_and_keeps_the_others(open_page, seeded_live_server):
    page = open_page(PHONE)
    visit(page, seeded_live_server.url + ZERO)
    expect(page.locator(".result-count")).to_have_text("0 statements match")
    expect(page.get_by_role("link", name="Clear all filters")).to_be_visible()
    expect(page.locator(".downloads").get_by_role("link", name="CSV")).to_be_visible()

    page.get_by_role("link", name="Remove filter Current stance of the place: Cooperates").click()

    expect(page.locator(".result-count")).to_have_text("1 statement")
    expect(page.locator(".chips .chip")).to_have_count(1)
    expect(page.locator(".chips")).to_contain_text("Jurisdiction: Chicago, IL")
    page.get_by_role("link", name="Clear all filters").click()
    expect(page.locator(".result-count")).to_have_text("11 statements")


@pytest.mark.parametrize("path", ["/", *LISTS, ZERO])
def test_on_a_laptop_nothing_overflows_and_the_statement_column_is_whole(
    open_page, seeded_live_server, path
):
    page = open_page(DESKTOP, javascript=False)
    visit(page, seeded_live_server.url + path)

    assert page_width(page) <= DESKTOP["width"]
    if path != "/":
        # The filters sit beside the results, shown without a tap or a script.
        expect(page.get_by_role("button", name="Apply filters")).to_be_visible()
        assert page.evaluate(BROKEN_WORDS) == []
    scroller = page.locator(".results .table-scroll")
    if scroller.count():
        # The table fits its column: nothing is hidden past the right edge.
        assert scroller.evaluate("el => el.scrollWidth <= el.clientWidth")
        right = scroller.bounding_box()["x"] + scroller.bounding_box()["width"]
        for cell in page.locator(".statement-text").all():
            box = cell.bounding_box()
            assert box["x"] + box["width"] <= right + 1

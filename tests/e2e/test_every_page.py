"""Every public page in Chromium at a phone's size (390×844) and a laptop's (1366×900): the page
answers with its status and no browser problem, nothing is wider than the screen (no sideways
scrolling), a list's result count and first result are on the phone's first screen, and axe-core
finds nothing serious or critical.

One browser, one context per size, the pages visited in turn (tests/public_pages.py lists them);
each test reports every problem of its page at once.
"""

import pytest

from tests.alerts.pages import alert_tokens
from tests.public_pages import SIZES, public_pages

from .conftest import axe_violations, describe_violations, watch

pytestmark = pytest.mark.e2e

PAGES = public_pages()

# The list's result count and its first result (a table row, or a card below the breakpoint).
RESULT_COUNT = ".result-count"
FIRST_RESULT = (
    ".results :is(tbody tr, [data-result], .result, .card, article, ol > li, ul.cards > li)"
)
# How much of the first result must show: its first line or so, enough to see there is one.
RESULT_PEEK = 48


@pytest.fixture(scope="module")
def alert_links(seeded_live_server, django_db_blocker):
    """The alerts pages' links need a subscription the server can read: committed once with the
    seed (a test's own transaction is invisible to the server's thread on PostgreSQL)."""
    with django_db_blocker.unblock():
        alert_tokens()


@pytest.fixture(scope="module")
def tabs(browser, seeded_live_server, alert_links):
    """A browser tab per size, each in a context of its own, kept for the module's tests; closed
    before the server stops, so no request of theirs is still being answered then."""
    opened = {}
    for size, (width, height) in SIZES.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        tab = context.new_page()
        tab._browser_problems = watch(tab)
        opened[size] = tab
    yield opened
    for tab in opened.values():
        tab.context.close()


def overflow(tab) -> str | None:
    """What sticks out past the right edge of the screen, if anything."""
    return tab.evaluate(
        """() => {
        const width = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth <= width) return null;
        // The outermost elements that stick out: those whose parent does not.
        const sticksOut = e => e.getBoundingClientRect().right > width + 1;
        const wide = [...document.querySelectorAll("body *")]
            .filter(e => sticksOut(e) && !(e.parentElement && sticksOut(e.parentElement)))
            .slice(0, 5)
            .map(e => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}` +
                 `${e.className && typeof e.className === "string" ?
                    "." + e.className.trim().split(/\\s+/).join(".") : ""}` +
                 ` (right edge ${Math.round(e.getBoundingClientRect().right)} px)`);
        return `page is ${document.documentElement.scrollWidth} px wide on a ${width} px ` +
               `screen: ${wide.join(", ") || "no single element"}`;
    }"""
    )


def first_screen_problems(tab) -> list[str]:
    """Where the result count and first result are, if not on the first screen."""
    return tab.evaluate(
        """([countSelector, resultSelector, peek]) => {
        const screen = window.innerHeight;
        const problems = [];
        const count = document.querySelector(countSelector);
        if (!count) problems.push(`no result count (${countSelector})`);
        else {
            const box = count.getBoundingClientRect();
            if (box.bottom > screen)
                problems.push(`the result count "${count.textContent.trim()}" ends at ` +
                              `${Math.round(box.bottom)} px, below the ${screen} px screen`);
        }
        const first = document.querySelector(resultSelector);
        if (first) {
            const box = first.getBoundingClientRect();
            if (box.top + Math.min(box.height, peek) > screen)
                problems.push(`the first result starts at ${Math.round(box.top)} px, ` +
                              `below the ${screen} px screen`);
        }
        return problems;
    }""",
        [RESULT_COUNT, FIRST_RESULT, RESULT_PEEK],
    )


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("public_page", PAGES, ids=[page.name for page in PAGES])
def test_page_fits_the_screen_and_is_accessible(tabs, seeded_live_server, size, public_page):
    tab = tabs[size]
    path = public_page.path()
    response = tab.goto(f"{seeded_live_server.url}{path}")
    problems = []
    status = response.status if response else None
    if public_page.drawn_when:
        tab.wait_for_selector(public_page.drawn_when)
    if status != public_page.status:
        problems.append(f"answered {status}, not {public_page.status}")
    problems += tab._browser_problems.take()

    if (wide := overflow(tab)) is not None:
        problems.append(f"sideways scrolling: {wide}")
    if public_page.is_list and size == "phone" and public_page.status == 200:
        problems += first_screen_problems(tab)
    violations = [v for v in axe_violations(tab) if v["id"] not in public_page.axe_rules_not_ours]
    if violations:
        problems.append(f"axe-core:\n{describe_violations(violations)}")

    assert not problems, f"{public_page.name} ({path}) at {size} {SIZES[size]}:\n" + "\n".join(
        f"- {problem}" for problem in problems
    )

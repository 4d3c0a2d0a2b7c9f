"""The harness itself: the checks the other browser tests rely on do fail when the page is wrong."""

import pytest

from .conftest import axe_violations, visit

pytestmark = pytest.mark.e2e


def test_an_inline_style_or_a_script_error_or_a_missing_file_is_reported(
    page, seeded_live_server, browser_problems
):
    visit(page, f"{seeded_live_server.url}/")

    page.evaluate(
        """() => {
        document.body.insertAdjacentHTML("beforeend", '<p style="color: red">inline</p>');
        document.body.insertAdjacentHTML("beforeend", '<img src="/static/missing.png" alt="">');
        setTimeout(() => { throw new Error("broken script"); });
    }"""
    )
    page.wait_for_timeout(300)

    problems = "\n".join(browser_problems.take())  # taken, so the page's own check passes
    assert "Content Security Policy directive 'style-src 'self''" in problems
    assert "/static/missing.png answered 404" in problems
    assert "script error: broken script" in problems


def test_axe_reports_an_unlabelled_field_and_a_duplicate_aria_id(page, seeded_live_server):
    visit(page, f"{seeded_live_server.url}/")

    page.evaluate(
        """() => {
        document.querySelector("main").insertAdjacentHTML("beforeend",
            '<input type="text" name="nameless">' +
            '<p id="twice">a</p><p id="twice">b</p><button aria-describedby="twice">Go</button>');
    }"""
    )

    found = {v["id"] for v in axe_violations(page)}
    assert {"label", "duplicate-id-aria"} <= found

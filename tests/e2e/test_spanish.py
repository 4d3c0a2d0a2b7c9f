"""A Spanish-speaking reader, in a real browser: the first visit lands on /es/, the pages read in
Spanish with Spanish dates, the switcher keeps the filters, downloads are the English files, and
axe-core finds nothing serious on the Spanish pages.

With SCREENSHOTS_DIR set, each scanned page is also saved there at 390 and 1366 px wide.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from statements.models import Statement

from .conftest import axe_violations, describe_violations, download, watch

pytestmark = pytest.mark.e2e

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


@pytest.fixture
def spanish_page(browser):
    """A page in a browser whose reader prefers Spanish (Accept-Language: es-MX)."""
    context = browser.new_context(locale="es-MX", viewport=SIZES["desktop"])
    page = context.new_page()
    problems = watch(page)
    yield page
    context.close()
    problems.assert_none()


def statement_page() -> str:
    return Statement.objects.get(official__slug="lori-lightfoot").get_absolute_url()


SPANISH_PAGES = [
    ("home", "/es/"),
    ("jurisdiction list", "/es/cities/?stance=refuses"),
    ("jurisdiction", "/es/cities/chicago-il/"),
    ("statement list", "/es/statements/"),
    ("statement", lambda: f"/es{statement_page()}"),
    ("map", "/es/map/"),
    ("methodology", "/es/methodology/"),
    ("not found", "/es/cities/nowhere-zz/"),
]


@pytest.mark.parametrize(
    "address", [p[1] for p in SPANISH_PAGES], ids=[p[0] for p in SPANISH_PAGES]
)
def test_spanish_page_reads_in_spanish_and_has_no_serious_accessibility_violations(
    spanish_page, seeded_live_server, address
):
    page = spanish_page
    path = address() if callable(address) else address
    page.goto(f"{seeded_live_server.url}{path}")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("navigation", name="Idioma")).to_contain_text("English")

    violations = axe_violations(page)
    assert not violations, f"axe-core on {path}:\n{describe_violations(violations)}"

    if shots := os.environ.get("SCREENSHOTS_DIR"):
        name = re.sub(r"[^a-z0-9]+", "-", path.strip("/").lower()) or "home"
        for size, viewport in SIZES.items():
            page.set_viewport_size(viewport)
            page.screenshot(path=str(Path(shots) / f"{name}-{size}.png"), full_page=True)
            page.screenshot(path=str(Path(shots) / f"{name}-{size}-first-screen.png"))


def test_a_spanish_reader_arrives_reads_switches_language_and_downloads(
    spanish_page, seeded_live_server
):
    page, base = spanish_page, seeded_live_server.url

    # The first visit honours the browser's language: the Spanish home page.
    page.goto(f"{base}/")
    expect(page).to_have_url(f"{base}/es/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_role("navigation", name="Principal").get_by_role(
        "link", name="Declaraciones"
    ).click()
    expect(page).to_have_url(f"{base}/es/statements/")

    # A statement reads in Spanish, its date the Spanish way, its quote as said, in English.
    page.goto(f"{base}/es{statement_page()}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("de junio de 2019")
    expect(page.locator("blockquote.quote")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Sobre esta declaración")).to_be_visible()

    # The switcher leads to the same page in English, and the choice sticks.
    page.goto(f"{base}/es/cities/?stance=refuses")
    page.get_by_role("navigation", name="Idioma").get_by_role("link", name="English").click()
    expect(page).to_have_url(f"{base}/cities/?stance=refuses")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(f"{base}/")
    expect(page).to_have_url(f"{base}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # A download from the Spanish page is the English file: same column names and codes.
    page.goto(f"{base}/es/cities/?stance=refuses")
    spanish_file = download(page, page.locator("a[href*='format=csv']").first)
    page.goto(f"{base}/cities/?stance=refuses")
    english_file = download(page, page.locator("a[href*='format=csv']").first)
    assert spanish_file.text == english_file.text
    assert "stance" in spanish_file.header()
    assert {row["stance"] for row in spanish_file.rows()} == {"refuses"}

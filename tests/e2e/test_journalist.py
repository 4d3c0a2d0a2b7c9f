"""In a real browser, a journalist finds what the founding article's cities said about the June
2019 raids, narrows it with the filter form, reads a statement with its citation, and takes the
filtered list away as a CSV."""

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from .conftest import download, visit

pytestmark = pytest.mark.e2e

DOCS = Path(__file__).resolve().parents[2] / "docs" / "downloads.md"
ARTICLE_URL = (
    "https://www.huffpost.com/entry/"
    "cities-nationwide-refuse-cooperate-ice-deportation-raid_n_5d0d7e80e4b07ae90d9d500e"
)
ARTICLE_TITLE = "Cities Nationwide Refuse To Cooperate With ICE’s Mass Deportation Raids"
LIGHTFOOT_QUOTE = (
    "We are all aware of the threat from President Trump regarding raids by ICE, and in "
    "response, Chicago has taken concrete steps to support our immigrant communities"
)
# The places whose police refuse to cooperate with ICE in the seed, and who spoke for them.
REFUSING = {
    ("Lori Lightfoot", "Chicago, IL"),
    ("Eric Garcetti", "Los Angeles, CA"),
    ("Los Angeles Police Department", "Los Angeles, CA"),
    ("London Breed", "San Francisco, CA"),
}


def documented_statement_columns() -> list[str]:
    """The column names of the statements table in docs/downloads.md, in order."""
    section = DOCS.read_text(encoding="utf-8").split("## Statements", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `(\w+)` \|", section, flags=re.MULTILINE)


def filters_in_address(page) -> dict[str, list[str]]:
    """The non-empty query parameters of the page's address (a GET form also sends blanks)."""
    return parse_qs(urlsplit(page.url).query)


def shown_rows(page) -> set[tuple[str, str]]:
    """(speaker, jurisdiction) of each statement in the results table."""
    rows = page.locator("table.statements tbody tr")
    return {
        (row.locator("th").inner_text(), row.locator("td").nth(1).inner_text())
        for row in rows.all()
    }


def shown_ids(page) -> list[str]:
    hrefs = page.locator("table.statements tbody a", has_text="Statement and sources")
    return [
        re.search(r"/statements/(\d+)/", h).group(1)
        for h in hrefs.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    ]


def test_journalist_filters_reads_and_downloads_statements(page, seeded_live_server):
    base = seeded_live_server.url

    # The home page says what the tracker is and leads to the statements.
    visit(page, f"{base}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sanctuary Tracker")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Statements").click()
    expect(page).to_have_url(f"{base}/statements/")
    expect(page.locator(".result-count")).to_have_text("11 statements")

    # Chicago, ticked in the form: exactly the mayor's statement.
    filters = page.get_by_role("form", name="Filter statements")
    filters.get_by_role("group", name="Jurisdiction").get_by_label("Chicago, IL").check()
    filters.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/statements/\?.*city=chicago-il"))
    assert filters_in_address(page) == {"city": ["chicago-il"], "sort": ["newest"]}
    expect(page.locator(".result-count")).to_have_text("1 statement")
    assert shown_rows(page) == {("Lori Lightfoot", "Chicago, IL")}

    # Add the stance "refuses": still Chicago alone, and both filters show as chips.
    filters.get_by_role("group", name="Current stance of the place").get_by_label(
        "Refuses cooperation"
    ).check()
    filters.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"stance=refuses"))
    chips = page.locator(".chips .chip")
    expect(chips).to_have_count(2)
    assert shown_rows(page) == {("Lori Lightfoot", "Chicago, IL")}

    # Remove the jurisdiction chip: every statement from a place that refuses.
    page.get_by_role("link", name="Remove filter Jurisdiction: Chicago, IL").click()
    expect(page).not_to_have_url(re.compile(r"city="))
    assert filters_in_address(page) == {"stance": ["refuses"], "sort": ["newest"]}
    expect(chips).to_have_count(1)
    expect(chips).to_contain_text("Current stance of the place: Refuses cooperation")
    expect(page.locator(".result-count")).to_have_text("4 statements")
    assert shown_rows(page) == REFUSING
    expect(
        filters.get_by_role("group", name="Jurisdiction").get_by_label("Chicago, IL")
    ).not_to_be_checked()
    ids_on_screen = shown_ids(page)
    page._browser_problems.assert_none("the filtered list")

    # The CSV of the filtered list: the documented columns, and exactly the rows on screen.
    saved = download(page, page.locator(".downloads").get_by_role("link", name="CSV"))
    assert re.fullmatch(
        r"sanctuary-tracker-statements-stance-refuses-\d{4}-\d{2}-\d{2}\.csv", saved.filename
    )
    assert saved.header() == documented_statement_columns()
    rows = saved.rows()
    assert [row["id"] for row in rows] == ids_on_screen
    assert {(row["speaker"], f"{row['jurisdiction']}, {row['state']}") for row in rows} == REFUSING
    assert {row["jurisdiction_stance"] for row in rows} == {"refuses"}
    lightfoot = next(row for row in rows if row["speaker"] == "Lori Lightfoot")
    assert lightfoot["quote"] == LIGHTFOOT_QUOTE
    assert lightfoot["speaker_role"].startswith("Mayor")
    assert lightfoot["said_on"] == "2019-06-21"
    assert lightfoot["source_count"] == "1"  # the source itself: the long sources CSV
    assert lightfoot["url"] == f"{base}/statements/{lightfoot['id']}/"

    # The statement's permalink: the quote, who said it as what, and where it was published.
    page.get_by_role("link", name="Lori Lightfoot, June 21, 2019: Statement and sources").click()
    expect(page).to_have_url(f"{base}/statements/{lightfoot['id']}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lori Lightfoot on June 21, 2019")
    expect(page.locator("blockquote.quote")).to_have_text(LIGHTFOOT_QUOTE)
    speaker = page.locator("dl.facts dt", has_text="Speaker").locator("+ dd")
    expect(speaker).to_contain_text("Lori Lightfoot")
    expect(speaker).to_contain_text(re.compile(r"\bMayor\b.*at the time"))
    citation = page.locator("ul.sources cite")
    expect(citation).to_have_count(1)
    expect(citation).to_contain_text("HuffPost")
    expect(citation).to_contain_text("June 21, 2019")
    expect(citation.get_by_role("link", name=ARTICLE_TITLE)).to_have_attribute("href", ARTICLE_URL)


def test_a_bad_date_in_the_address_bar_shows_the_error_beside_the_field(page, seeded_live_server):
    visit(page, f"{seeded_live_server.url}/statements/?said_after=2019-13-45", status=400)

    expect(page).to_have_title(re.compile(r"^Error: Statements"))
    expect(page.get_by_role("alert")).to_contain_text(
        "Said on or after: Enter a real date as YYYY-MM-DD"
    )
    field = page.get_by_label("Said on or after")
    expect(field).to_have_value("2019-13-45")  # what was typed stays in view, to be corrected
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile(r"Enter a real date as YYYY-MM-DD"))
    beside = page.locator(".field--error", has=field)
    expect(beside.locator(".field-error")).to_have_text(re.compile(r"Enter a real date"))
    # Not an empty list that looks like "no results": the page says why nothing is shown.
    expect(page.locator("table.statements")).to_have_count(0)
    expect(page.locator(".results")).to_contain_text("Fix the filter errors to see results.")

"""No match is an answer, not an error: "0 statements match", the filters as chips that remove
one each, "clear all", and the downloads, whose empty CSV still holds its header."""

import csv
import io
import json
import re
from html import unescape

import pytest
from django.urls import reverse

from cities.models import StanceLevel

from .conftest import text

STATEMENTS = reverse("statements:list")
CITIES = reverse("cities:list")
NO_MATCH = {"city": "chicago-il", "stance": "cooperates"}  # Chicago refuses cooperation


def chip_links(page: str) -> dict[str, str]:
    """{chip's accessible name: the address its × leads to} of the active-filter chips."""
    return {
        unescape(label): unescape(href)
        for href, label in re.findall(r'<a href="([^"]*)" aria-label="(Remove filter [^"]*)"', page)
    }


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8")
    return response.content.decode("utf-8")


def test_a_journalist_whose_filters_match_nothing_is_told_so_not_shown_an_error(client, seeded):
    response = client.get(STATEMENTS, NO_MATCH)

    assert response.status_code == 200
    page = text(response)
    assert '<p class="result-count" role="status">0 statements match</p>' in page
    assert "No statement matches all of these filters." in page
    assert "Fix the filter errors" not in page
    assert "This search could not run" not in page
    assert list(response.context["object_list"]) == []


def test_each_active_filter_is_a_chip_that_removes_only_itself(client, seeded):
    page = text(client.get(STATEMENTS, {**NO_MATCH, "said_after": "2019-01-01"}))

    chips = chip_links(page)
    assert chips == {
        "Remove filter Jurisdiction: Chicago, IL": "?stance=cooperates&said_after=2019-01-01",
        "Remove filter Current stance of the place: Cooperates": (
            "?city=chicago-il&said_after=2019-01-01"
        ),
        "Remove filter Said on or after: 2019-01-01": "?city=chicago-il&stance=cooperates",
    }
    assert f'<a class="clear-all" href="{STATEMENTS}">Clear all filters</a>' in page


def test_following_a_chip_widens_the_search_back_to_results(client, seeded):
    page = text(client.get(STATEMENTS, NO_MATCH))
    widened = chip_links(page)["Remove filter Current stance of the place: Cooperates"]

    response = client.get(STATEMENTS + widened)

    assert [s.speaker_name for s in response.context["object_list"]] == ["Lori Lightfoot"]
    assert "1 statement" in text(response)


def test_the_downloads_stay_offered_for_an_empty_result(client, seeded):
    page = text(client.get(STATEMENTS, NO_MATCH))

    downloads = page[page.index('<p class="downloads">') :]
    downloads = downloads[: downloads.index("</p>")]
    assert "the column names, no rows" in downloads
    assert "format=csv" in downloads and "format=json" in downloads


@pytest.mark.parametrize("url", [STATEMENTS, CITIES])
def test_the_empty_csv_is_a_file_with_its_header_and_no_rows(client, seeded, url):
    query = NO_MATCH if url == STATEMENTS else {"state": "DC", "level": "county"}
    full = list(csv.reader(io.StringIO(body(client.get(url, {"format": "csv"})))))

    response = client.get(url, {**query, "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert list(csv.reader(io.StringIO(body(response)))) == [full[0]]


def test_the_empty_json_is_an_empty_list(client, seeded):
    response = client.get(STATEMENTS, {**NO_MATCH, "format": "json"})

    assert response.status_code == 200
    assert json.loads(body(response)) == []


def test_the_home_pages_zero_stance_link_leads_to_a_zero_answer(client, seeded):
    home = text(client.get(reverse("cities:home")))
    link = f"{CITIES}?stance={StanceLevel.COOPERATES}"
    assert f'<a href="{link}">Cooperates: 0 places</a>' in home

    page = text(client.get(link))

    assert "0 places match" in page
    assert chip_links(page) == {"Remove filter Current stance: Cooperates": "?"}
    assert "No place matches all of these filters." in page
    assert "Clear all filters" in page
    assert "format=csv" in page


def test_a_real_filter_error_still_lists_the_error_and_shows_no_count(client, seeded):
    response = client.get(STATEMENTS, {"said_after": "2019-13-45"})

    assert response.status_code == 400
    page = text(response)
    assert "This search could not run" in page
    assert "Enter a real date" in page
    assert "Fix the filter errors to see results." in page
    assert "statements match" not in page


def test_the_filters_are_open_when_one_is_in_error_and_closed_otherwise(client, seeded):
    in_error = text(client.get(STATEMENTS, {"said_after": "2019-13-45"}))
    fine = text(client.get(STATEMENTS, NO_MATCH))

    assert '<details class="filter-disclosure" open>' in in_error
    assert '<details class="filter-disclosure">' in fine
    assert "(2 active)" in fine


def test_each_statement_in_the_list_shows_its_publisher_and_date(client, seeded):
    page = text(client.get(STATEMENTS, {"city": "chicago-il"}))

    sources = page[page.index('<p class="row-sources">') :]
    sources = sources[: sources.index("</p>")]
    assert "HuffPost" in sources
    assert '<time datetime="2019-06-21">June 21, 2019</time>' in sources

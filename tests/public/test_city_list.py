import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cities.models import Jurisdiction, State

from .conftest import csv_rows, json_rows, names, rows_of, text

CITIES = reverse("cities:list")


def test_journalist_lists_the_places_that_refuse_to_help_ice(client, seeded):
    response = client.get(CITIES, {"stance": "refuses"})

    assert response.status_code == 200
    assert names(response) == ["Chicago", "Los Angeles", "San Francisco"]
    assert "3 jurisdictions" in text(response)


def test_stance_filter_repeats_to_combine_stances(client, seeded):
    response = client.get(CITIES, {"stance": ["refuses", "limited"]})

    assert names(response) == ["Chicago", "Denver", "Los Angeles", "San Francisco"]


def test_the_unfiltered_list_shows_every_place_with_its_stance_and_statements(client, seeded):
    response = client.get(CITIES)

    rows = {j.name: j for j in rows_of(response)}
    assert len(rows) == 11
    assert rows["Denver"].get_stance_level_display() == "Limited cooperation"
    assert rows["Denver"].statement_count == 3
    assert rows["Denver"].latest_statement_on == datetime.date(2019, 6, 21)
    assert rows["Houston"].statement_count == 0
    assert rows["Houston"].latest_statement_on is None
    page = text(response)
    assert "Limited cooperation" in page
    assert "None yet" in page  # Houston has no statement


def test_facet_counts_honour_the_other_active_filters(client, seeded):
    response = client.get(CITIES, {"state": "CA"})

    facets = response.context["facets"]
    stance_counts = {o.value: o.count for o in facets["stance"].options}
    assert stance_counts == {
        "refuses": 2,
        "limited": 0,
        "cooperates": 0,
        "unknown": 0,
        "not_recorded": 0,
    }
    # The state facet ignores its own choice, so the other states stay within reach.
    state_counts = {o.value: o.count for o in facets["state"].options}
    assert state_counts["CA"] == 2
    assert state_counts["IL"] == 1
    assert [o.value for o in facets["state"].options if o.selected] == ["CA"]
    assert 'value="IL"> Illinois <span class="count">(1)</span>' in text(response)


def test_filtering_by_event_lists_the_targeted_places(client, seeded):
    response = client.get(CITIES, {"event": "ice-family-raids-2019-06-23"})

    assert len(names(response)) == 10
    assert "Washington" not in names(response)


def test_active_filters_show_as_chips_that_remove_one_value(client, seeded):
    response = client.get(CITIES, {"stance": ["refuses", "limited"], "state": "CA"})

    chips = {(c.label, c.value): c.remove_url for c in response.context["chips"]}
    assert set(chips) == {
        ("Current stance", "Refuses cooperation"),
        ("Current stance", "Limited cooperation"),
        ("State", "California"),
    }
    assert chips[("State", "California")] == "?stance=refuses&stance=limited"
    assert chips[("Current stance", "Refuses cooperation")] == "?stance=limited&state=CA"
    assert "Current stance: Refuses cooperation" in text(response)

    after = client.get(CITIES + chips[("State", "California")])
    assert names(after) == ["Chicago", "Denver", "Los Angeles", "San Francisco"]


def test_name_search_finds_places_by_part_of_their_name(client, seeded):
    assert names(client.get(CITIES, {"q": "san"})) == ["San Francisco"]


def test_sorting_by_population_puts_the_largest_first(client, seeded):
    response = client.get(CITIES, {"sort": "population"})

    assert names(response)[:2] == ["New York", "Los Angeles"]


def test_sorting_by_latest_statement_puts_places_without_one_last(client, seeded):
    response = client.get(CITIES, {"sort": "latest"})

    assert names(response)[-3:] == ["Houston", "Miami", "New Orleans"]


def test_draft_statements_are_not_counted(client, seeded, statement_factory):
    from cities.models import Jurisdiction

    chicago = Jurisdiction.objects.get(slug="chicago-il")
    statement_factory(jurisdiction=chicago, status="draft", said_on=datetime.date(2024, 1, 1))

    rows = {j.name: j for j in rows_of(client.get(CITIES))}

    assert rows["Chicago"].statement_count == 1
    assert rows["Chicago"].latest_statement_on == datetime.date(2019, 6, 21)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"state": "ZZ"}, "“ZZ” is not a state. Use a two-letter postal code such as IL."),
        ({"stance": "friendly"}, "“friendly” is not a stance."),
        ({"level": "village"}, "“village” is not a kind of place."),
        ({"event": "no-such-event"}, "No event has the address name “no-such-event”."),
        ({"sort": "mood"}, "“mood” is not a way to sort this list."),
        ({"page": "abc"}, "Page must be a whole number, such as 2."),
        ({"page": "0"}, "Page must be 1 or more."),
        ({"q": "x" * 10_000}, "Search text is limited to 200 characters (this one has 10000)."),
        ({"format": "xlsx"}, "Format must be csv or json"),
    ],
)
def test_bad_filter_values_give_the_page_with_the_error_and_status_400(client, db, query, message):
    response = client.get(CITIES, query)

    assert response.status_code == 400
    page = text(response)
    assert "This search could not run" in page
    assert message in page
    assert "Fix the filter errors to see results." in page


def test_the_error_sits_next_to_the_field_it_is_about(client, db):
    page = text(client.get(CITIES, {"state": "ZZ", "stance": "refuses"}))

    state_fieldset = page[page.index("<legend>State</legend>") - 200 :]
    assert 'aria-describedby="state-error"' in state_fieldset[:400]
    assert 'id="state-error"' in state_fieldset[:600]


def test_a_page_past_the_end_is_not_found(client, seeded):
    response = client.get(CITIES, {"page": "2"})

    assert response.status_code == 404
    assert "There is no page 2" in text(response)


def test_pages_of_fifty_keep_the_filters(client, many_places):
    many_places(60)

    first = client.get(CITIES, {"state": "TX"})
    assert len(rows_of(first)) == 50
    assert "Page 1 of 2" in text(first)
    assert 'href="?state=TX&amp;page=2"' in text(first)

    second = client.get(CITIES, {"state": "TX", "page": "2"})
    assert names(second) == [f"Town {i:03d}" for i in range(50, 60)]
    assert 'href="?state=TX&amp;page=1"' in text(second)


def test_csv_download_holds_the_whole_filtered_result_with_citations(client, seeded):
    response = client.get(CITIES, {"stance": "refuses", "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="sanctuary-tracker-cities-stance-refuses-{today}.csv"'
    )
    rows = csv_rows(response)
    assert [r["slug"] for r in rows] == ["chicago-il", "los-angeles-ca", "san-francisco-ca"]
    chicago = rows[0]
    assert chicago["stance"] == "refuses"
    assert chicago["statement_count"] == "1"
    assert chicago["latest_statement_on"] == "2019-06-21"
    assert chicago["longitude"] == "-87.65005"  # numbers are not neutralised
    assert chicago["stance_source_publishers"] == "HuffPost"
    assert chicago["stance_source_urls"].startswith("https://www.huffpost.com/")
    assert chicago["stance_source_dates"] == "2019-06-21"
    assert chicago["url"] == "http://testserver/cities/chicago-il/"


def test_csv_download_is_not_one_page_but_the_whole_result(client, many_places):
    many_places(60)

    rows = csv_rows(client.get(CITIES, {"format": "csv"}))

    assert len(rows) == 60


def test_json_download_is_an_array_of_places_with_their_stance_sources(client, seeded):
    response = client.get(CITIES, {"state": "CO", "format": "json"})

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "sanctuary-tracker-cities-state-co-" in response["Content-Disposition"]
    [denver] = json_rows(response)
    assert denver["name"] == "Denver"
    assert denver["stance"] == "limited"
    assert denver["statement_count"] == 3
    publishers = {s["publisher"] for s in denver["stance_sources"]}
    assert publishers == {"HuffPost", "The Denver Post"}
    denver_post = next(s for s in denver["stance_sources"] if s["publisher"] == "The Denver Post")
    assert denver_post["cited_in"]["publisher"] == "HuffPost"


def test_a_download_with_bad_filters_is_refused_with_the_reason(client, db):
    response = client.get(CITIES, {"stance": "friendly", "format": "csv"})

    assert response.status_code == 400
    assert "Current stance: “friendly” is not a stance." in response.content.decode()


def test_csv_cells_that_look_like_formulas_are_neutralised(client, jurisdiction_factory):
    jurisdiction_factory(name='=HYPERLINK("http://evil")', slug="evil-il")
    jurisdiction_factory(name="@SUM(1)", slug="sum-il")

    rows = csv_rows(client.get(CITIES, {"format": "csv"}))

    assert {r["name"] for r in rows} == {'\'=HYPERLINK("http://evil")', "'@SUM(1)"}


def test_places_of_one_name_and_no_population_keep_their_order_from_page_to_page(
    client, jurisdiction_factory
):
    """Sorted by population, the places none is known for tie on it and on their name: the
    list breaks the tie the same way on every page, by when each was entered."""
    states = [code for code, _ in State.choices][:51]
    franklins = [
        jurisdiction_factory(name="Franklin", state=state, population=None) for state in states
    ]
    # Rewritten rows move to the end of PostgreSQL's table: without a tie-breaker they would
    # come out of the sort in that order.
    Jurisdiction.objects.filter(pk__in=[place.pk for place in franklins[:20]]).update(
        population=None
    )
    query = {"q": "Franklin", "sort": "population"}

    first = rows_of(client.get(CITIES, query))
    second = rows_of(client.get(CITIES, query | {"page": 2}))

    assert [place.pk for place in first + second] == [place.pk for place in franklins]

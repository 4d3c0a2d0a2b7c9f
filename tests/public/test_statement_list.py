import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from statements.models import Statement

from .conftest import csv_rows, json_rows, rows_of, text

STATEMENTS = reverse("statements:list")
EVENT = "ice-family-raids-2019-06-23"


def speakers(response) -> list[str]:
    return [s.speaker_name for s in rows_of(response)]


def test_journalist_filters_statements_by_city(client, seeded):
    response = client.get(STATEMENTS, {"city": "denver-co"})

    assert response.status_code == 200
    assert sorted(speakers(response)) == [
        "Denver Police Department",
        "Michael B. Hancock",
        "Michael B. Hancock",
    ]
    assert "3 statements" in text(response)


def test_city_filter_repeats(client, seeded):
    response = client.get(STATEMENTS, {"city": ["chicago-il", "san-francisco-ca"]})

    assert sorted(speakers(response)) == ["London Breed", "Lori Lightfoot"]


def test_stance_filter_lists_what_was_said_in_places_that_refuse(client, seeded):
    response = client.get(STATEMENTS, {"stance": "refuses"})

    assert sorted(speakers(response)) == [
        "Eric Garcetti",
        "London Breed",
        "Lori Lightfoot",
        "Los Angeles Police Department",
    ]


def test_official_state_medium_and_event_filters(client, seeded):
    assert speakers(client.get(STATEMENTS, {"official": "lori-lightfoot"})) == ["Lori Lightfoot"]
    assert sorted(speakers(client.get(STATEMENTS, {"state": "CA"}))) == [
        "Eric Garcetti",
        "London Breed",
        "Los Angeles Police Department",
    ]
    assert speakers(client.get(STATEMENTS, {"medium": "social_media"})) == ["Michael B. Hancock"]
    # Every seed statement responds to the raids, Washington's too though it was not targeted.
    by_event = speakers(client.get(STATEMENTS, {"event": EVENT}))
    assert len(by_event) == 11
    assert "Muriel Bowser" in by_event


def test_date_filters_include_both_ends(client, statement_factory):
    for day in (1, 10, 20):
        statement_factory(said_on=datetime.date(2020, 3, day), quote=f"Said on March {day}.")

    response = client.get(STATEMENTS, {"said_after": "2020-03-10", "said_before": "2020-03-20"})

    assert [s.quote for s in rows_of(response)] == ["Said on March 20.", "Said on March 10."]


def test_newest_first_by_default_and_oldest_first_on_request(client, statement_factory):
    for day in (5, 1, 9):
        statement_factory(said_on=datetime.date(2021, 1, day))

    newest = [s.said_on.day for s in rows_of(client.get(STATEMENTS))]
    oldest = [s.said_on.day for s in rows_of(client.get(STATEMENTS, {"sort": "oldest"}))]

    assert newest == [9, 5, 1]
    assert oldest == [1, 5, 9]


def test_search_finds_the_statement_that_holds_the_word(client, seeded):
    response = client.get(STATEMENTS, {"q": "unconscionable"})

    assert speakers(response) == ["London Breed"]
    assert "1 statement" in text(response)


def test_search_looks_in_summaries_too(client, seeded):
    response = client.get(STATEMENTS, {"q": "Southern Poverty Law Center"})

    assert speakers(response) == ["Keisha Lance Bottoms"]


@pytest.mark.postgres
def test_search_ranks_the_best_match_first_on_postgresql(client, seeded):
    # "family separation" is in Hancock's quote (weight A) and nowhere else as a pair.
    response = client.get(STATEMENTS, {"q": "family separation"})

    assert speakers(response)[0] == "Michael B. Hancock"
    assert rows_of(response)[0].quote.startswith("family separation")


@pytest.mark.postgres
def test_search_understands_stemming_on_postgresql(client, seeded):
    # "raid" matches "raids" in Lightfoot's quote.
    response = client.get(STATEMENTS, {"q": "raid threat"})

    assert speakers(response)[0] == "Lori Lightfoot"


def test_facet_counts_honour_the_other_active_filters(client, seeded):
    response = client.get(STATEMENTS, {"state": "CA"})

    facets = response.context["facets"]
    cities = {o.label: o.count for o in facets["city"].options}
    assert cities == {"Los Angeles, CA": 2, "San Francisco, CA": 1}
    mediums = {o.value: o.count for o in facets["medium"].options}
    assert mediums == {"press_statement": 2, "not_stated": 1}
    # The state facet itself counts every state.
    states = {o.value: o.count for o in facets["state"].options}
    assert states["CO"] == 3
    assert states["CA"] == 3


def test_chips_and_pages_keep_the_other_filters(client, statement_factory, jurisdiction_factory):
    place = jurisdiction_factory(slug="springfield-il")
    for _ in range(55):
        statement_factory(jurisdiction=place, medium="interview")

    first = client.get(STATEMENTS, {"city": "springfield-il", "medium": "interview"})

    assert len(rows_of(first)) == 50
    assert 'href="?city=springfield-il&amp;medium=interview&amp;page=2"' in text(first)
    chips = {c.label: c.remove_url for c in first.context["chips"]}
    assert chips == {"Jurisdiction": "?medium=interview", "Medium": "?city=springfield-il"}
    second = client.get(STATEMENTS, {"city": "springfield-il", "medium": "interview", "page": 2})
    assert len(rows_of(second)) == 5


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"said_after": "2019-13-45"}, "Enter a real date as YYYY-MM-DD, such as 2019-06-21."),
        ({"said_before": "yesterday"}, "Enter a real date as YYYY-MM-DD, such as 2019-06-21."),
        ({"city": "atlantis-xx"}, "No jurisdiction has the address name “atlantis-xx”."),
        ({"official": "nobody"}, "No official has the address name “nobody”."),
        ({"event": "nothing"}, "No event has the address name “nothing”."),
        ({"stance": "friendly"}, "“friendly” is not a stance."),
        ({"state": "XX"}, "“XX” is not a state."),
        ({"medium": "pigeon"}, "“pigeon” is not a medium."),
        ({"sort": "relevance"}, "Sorting by relevance needs search words in “Words”."),
        ({"page": "abc"}, "Page must be a whole number, such as 2."),
        ({"q": "w" * 10_000}, "Search text is limited to 200 characters (this one has 10000)."),
        (
            {"said_after": "2020-01-02", "said_before": "2020-01-01"},
            "is earlier than “said on or after” (2020-01-02), so nothing could match.",
        ),
    ],
)
def test_bad_filter_values_give_the_page_with_the_error_and_status_400(client, db, query, message):
    response = client.get(STATEMENTS, query)

    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert "This search could not run" in page


def test_the_date_error_sits_next_to_the_date_field(client, db):
    page = text(client.get(STATEMENTS, {"said_after": "2019-13-45"}))

    field = page[page.index('<label for="id_said_after">') :][:600]
    assert 'id="said_after-error"' in field
    assert 'aria-invalid="true"' in field


def test_a_page_past_the_end_is_not_found(client, seeded):
    assert client.get(STATEMENTS, {"page": "3"}).status_code == 404


def test_drafts_never_appear_in_lists_counts_or_downloads(client, seeded, statement_factory):
    from cities.models import Jurisdiction

    chicago = Jurisdiction.objects.get(slug="chicago-il")
    statement_factory(
        jurisdiction=chicago, status="draft", quote="Unpublished words about the raids."
    )

    listed = client.get(STATEMENTS, {"city": "chicago-il"})
    assert speakers(listed) == ["Lori Lightfoot"]
    assert "Unpublished words" not in text(listed)
    everything = client.get(STATEMENTS)
    assert len(rows_of(everything)) == 11
    city_counts = {o.value: o.count for o in everything.context["facets"]["city"].options}
    assert city_counts["chicago-il"] == 1
    assert client.get(STATEMENTS, {"q": "Unpublished"}).context["result_count"] == 0
    csv_quotes = [r["quote"] for r in csv_rows(client.get(STATEMENTS, {"format": "csv"}))]
    assert len(csv_quotes) == 11
    assert not any("Unpublished" in q for q in csv_quotes)
    assert len(json_rows(client.get(STATEMENTS, {"format": "json"}))) == 11
    feed = client.get(reverse("statements:feed")).content.decode()
    assert "Unpublished words" not in feed


def test_csv_download_has_the_documented_columns_and_citations(client, seeded):
    response = client.get(STATEMENTS, {"city": "denver-co", "format": "csv"})

    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="sanctuary-tracker-statements-city-denver-co-{today}.csv"'
    )
    rows = csv_rows(response)
    assert list(rows[0]) == [
        "id", "url", "said_on", "said_on_basis", "speaker", "official", "official_slug",
        "speaker_role", "agency", "jurisdiction", "jurisdiction_slug", "state",
        "jurisdiction_stance", "medium", "event", "event_slug", "quote", "summary",
        "source_count",
    ]  # fmt: skip
    police = next(r for r in rows if r["speaker"] == "Denver Police Department")
    assert police["said_on"] == "2019-06-21"
    assert police["said_on_basis"] == "reported"
    assert police["medium"] == "interview"
    assert police["jurisdiction_stance"] == "limited"
    # Its two sources are rows of the long sources CSV (tests/public/test_download_sources.py).
    assert police["source_count"] == "2"
    mayor = next(r for r in rows if r["medium"] == "social_media")
    assert mayor["speaker_role"] == "Mayor, Denver"
    assert (
        mayor["url"]
        == f"http://testserver/statements/{Statement.objects.get(medium='social_media').pk}/"
    )


def test_json_download_streams_an_array_with_each_source(client, seeded):
    response = client.get(STATEMENTS, {"official": "lori-lightfoot", "format": "json"})

    assert response.streaming
    [item] = json_rows(response)
    assert item["speaker"] == "Lori Lightfoot"
    assert item["speaker_role"] == "Mayor, Chicago"
    assert item["quote"].startswith("We are all aware of the threat")
    [source] = item["sources"]
    assert source["publisher"] == "HuffPost"
    assert source["published_on"] == "2019-06-21"
    assert source["url"].startswith("https://www.huffpost.com/")


def test_download_of_a_search_names_the_words(client, seeded):
    response = client.get(STATEMENTS, {"q": "sanctuary city", "format": "csv"})

    assert "sanctuary-tracker-statements-q-sanctuary-city-" in response["Content-Disposition"]
    assert [r["speaker"] for r in csv_rows(response)] == ["London Breed"]


def test_formula_like_quotes_are_neutralised_in_csv_but_not_in_json(client, statement_factory):
    statement_factory(quote="=cmd|' /C calc'!A0", summary="-2+3")

    [row] = csv_rows(client.get(STATEMENTS, {"format": "csv"}))
    assert row["quote"] == "'=cmd|' /C calc'!A0"
    assert row["summary"] == "'-2+3"
    [item] = json_rows(client.get(STATEMENTS, {"format": "json"}))
    assert item["quote"] == "=cmd|' /C calc'!A0"


def test_download_with_a_bad_date_is_refused(client, db):
    response = client.get(STATEMENTS, {"said_after": "2019-13-45", "format": "json"})

    assert response.status_code == 400
    assert "Said on or after: Enter a real date" in response.content.decode()

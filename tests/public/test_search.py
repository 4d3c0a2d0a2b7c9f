"""A journalist searches /statements/ and gets the same answer on SQLite and PostgreSQL:
whole words, phrases in quotes, -word left out, `or`, and the speaker's and place's names."""

import datetime
import json

import pytest
from django.urls import reverse

from tests import factories

from .conftest import csv_rows, rows_of, text

STATEMENTS = reverse("statements:list")


def quotes(response) -> list[str]:
    return sorted(s.quote for s in rows_of(response))


def found(client, q: str, **more) -> list[str]:
    response = client.get(STATEMENTS, {"q": q, **more})
    assert response.status_code == 200, text(response)
    return quotes(response)


@pytest.fixture
def newsroom(db):
    """Three cities, their mayors and a police chief, each with something said."""
    chicago = factories.JurisdictionFactory(name="Chicago", state="IL", slug="chicago-il")
    denver = factories.JurisdictionFactory(name="Denver", state="CO", slug="denver-co")
    lightfoot = factories.OfficialFactory(name="Lori Lightfoot")
    hancock = factories.OfficialFactory(name="Michael Hancock")
    chief = factories.OfficialFactory(name="Paul Pazen")
    say = factories.PublishedStatementFactory
    return {
        "ice": say(
            official=lightfoot,
            jurisdiction=chicago,
            quote="We will not let ICE into our schools.",
            said_on=datetime.date(2019, 6, 21),
        ),
        "police": say(
            official=chief,
            jurisdiction=denver,
            quote="Our police will keep the schools safe.",
            said_on=datetime.date(2019, 6, 22),
        ),
        "office": say(
            official=hancock,
            jurisdiction=denver,
            quote="My office has spoken with the families.",
            said_on=datetime.date(2019, 6, 23),
        ),
        "phrase": say(
            official=hancock,
            jurisdiction=denver,
            quote="Family separation is not who we are; raids separate a family.",
            said_on=datetime.date(2019, 6, 24),
        ),
        "chicago": chicago,
        "lightfoot": lightfoot,
    }


def test_a_word_matches_whole_words_only(client, newsroom):
    # "ice" is inside "police" and "office": neither is about ICE.
    assert found(client, "ice") == ["We will not let ICE into our schools."]


def test_a_word_with_a_minus_is_left_out(client, newsroom):
    assert found(client, "schools -police") == ["We will not let ICE into our schools."]
    # A minus alone lists everything that lacks the word.
    assert found(client, "-raids -ice") == [
        "My office has spoken with the families.",
        "Our police will keep the schools safe.",
    ]


def test_quotes_keep_words_together_and_in_order(client, newsroom):
    assert found(client, '"family separation"') == [
        "Family separation is not who we are; raids separate a family."
    ]
    assert found(client, '"separation family"') == []


def test_or_offers_alternatives(client, newsroom):
    assert found(client, "ice or safe") == [
        "Our police will keep the schools safe.",
        "We will not let ICE into our schools.",
    ]


def test_words_take_their_other_forms(client, newsroom):
    # English stemming on both databases: "raid" finds "raids", "families" finds "family".
    assert found(client, "raid") == [
        "Family separation is not who we are; raids separate a family."
    ]
    assert len(found(client, "families")) == 2


def test_the_speakers_name_is_searchable(client, newsroom):
    assert found(client, "Lightfoot") == ["We will not let ICE into our schools."]
    assert found(client, "Hancock -office") == [
        "Family separation is not who we are; raids separate a family."
    ]


def test_the_places_name_is_searchable(client, newsroom):
    assert found(client, "chicago") == ["We will not let ICE into our schools."]
    assert len(found(client, "Denver")) == 3


def test_the_quote_weighs_more_than_the_place(client, newsroom):
    in_quote = factories.PublishedStatementFactory(
        jurisdiction=factories.JurisdictionFactory(name="Evanston", state="IL"),
        quote="What happens in Chicago matters to us.",
        said_on=datetime.date(2019, 6, 1),  # older, so only the weight puts it first
    )

    response = client.get(STATEMENTS, {"q": "chicago"})

    assert [s.pk for s in rows_of(response)] == [in_quote.pk, newsroom["ice"].pk]


def test_a_renamed_speaker_or_place_is_found_by_the_new_name(client, newsroom):
    newsroom["lightfoot"].name = "Lori Elaine Lightfoot"
    newsroom["lightfoot"].save()
    newsroom["chicago"].name = "City of Chicago"
    newsroom["chicago"].save()

    assert found(client, "Elaine") == ["We will not let ICE into our schools."]
    assert found(client, '"city of chicago"') == ["We will not let ICE into our schools."]


def test_an_edited_quote_is_found_by_its_new_words_only(client, newsroom):
    statement = newsroom["police"]
    statement.quote = "Our guards will keep the schools safe."
    statement.save()

    assert found(client, "police") == []
    assert found(client, "guards") == ["Our guards will keep the schools safe."]


def test_only_common_words_find_nothing_rather_than_everything(client, newsroom):
    response = client.get(STATEMENTS, {"q": "the of and"})

    assert response.status_code == 200
    assert response.context["result_count"] == 0
    # Common words beside a real one are passed over, as PostgreSQL does.
    assert found(client, "the mayor of chicago") == []
    assert found(client, "the chicago") == ["We will not let ICE into our schools."]


@pytest.mark.parametrize(
    "q",
    [
        '"',
        '"unclosed phrase',
        "-",
        "--",
        "or",
        "ice or",
        "NEAR(ice schools)",
        "quote:ice",
        "ice*",
        "^ice",
        "((( ice",
        "ice AND NOT",
        "'; DROP TABLE statements_statement; --",
        "\u00e9t\u00e9 \u201cice\u201d",
        "\u202ex",
    ],
)
def test_any_text_gives_a_page_never_an_error(client, newsroom, q):
    response = client.get(STATEMENTS, {"q": q})

    assert response.status_code == 200
    assert isinstance(response.context["result_count"], int)


def test_hostile_syntax_is_read_as_plain_words(client, newsroom):
    # FTS5's own operators mean nothing here: the words are searched as words.
    assert found(client, "NEAR(ice schools)") == []  # "near" is in no statement
    assert found(client, "quote:ice") == []  # "quote" is in no statement
    assert found(client, "ice*") == ["We will not let ICE into our schools."]


def test_the_download_of_a_search_holds_the_same_rows(client, newsroom):
    response = client.get(STATEMENTS, {"q": "ice", "format": "csv"})

    assert [row["quote"] for row in csv_rows(response)] == ["We will not let ICE into our schools."]


def test_the_api_searches_alike(client, newsroom):
    response = client.get("/api/v1/statements/", {"q": "Lightfoot -police"})

    assert response.status_code == 200
    body = json.loads(response.content)
    assert [row["id"] for row in body["results"]] == [newsroom["ice"].pk]


def test_drafts_are_never_found(client, newsroom):
    factories.StatementFactory(status="draft", quote="A draft about ICE.")

    assert found(client, "draft") == []

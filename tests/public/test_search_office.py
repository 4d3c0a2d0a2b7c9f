"""A journalist asks what the mayor of Chicago said: statements by the office the speaker held
in that place on the day, not by whoever holds the office today."""

import datetime
import json

import pytest
from django.urls import reverse

from tests import factories

from .conftest import csv_rows, rows_of, text

STATEMENTS = reverse("statements:list")


def said(response) -> list[str]:
    return sorted(s.quote for s in rows_of(response))


@pytest.fixture
def chicago(db):
    """Two mayors of Chicago in turn, a police superintendent, and a mayor of Evanston."""
    city = factories.JurisdictionFactory(name="Chicago", state="IL", slug="chicago-il")
    evanston = factories.JurisdictionFactory(name="Evanston", state="IL", slug="evanston-il")
    lightfoot = factories.OfficialFactory(name="Lori Lightfoot")
    johnson = factories.OfficialFactory(name="Brandon Johnson")
    brown = factories.OfficialFactory(name="David Brown")
    biss = factories.OfficialFactory(name="Daniel Biss")
    factories.RoleFactory(
        official=lightfoot,
        jurisdiction=city,
        title="Mayor",
        started_on=datetime.date(2019, 5, 20),
        ended_on=datetime.date(2023, 5, 14),
    )
    factories.RoleFactory(
        official=johnson, jurisdiction=city, title="Mayor", started_on=datetime.date(2023, 5, 15)
    )
    factories.RoleFactory(official=brown, jurisdiction=city, title="Superintendent of Police")
    factories.RoleFactory(official=biss, jurisdiction=evanston, title="Mayor")

    def say(official, day, quote, place=city):
        return factories.PublishedStatementFactory(
            official=official, jurisdiction=place, said_on=day, quote=quote
        )

    say(lightfoot, datetime.date(2019, 2, 1), "Lightfoot, still a candidate.")
    say(lightfoot, datetime.date(2019, 6, 21), "Lightfoot, as mayor.")
    say(lightfoot, datetime.date(2024, 1, 10), "Lightfoot, a year after leaving office.")
    say(johnson, datetime.date(2024, 1, 11), "Johnson, as mayor.")
    say(brown, datetime.date(2020, 3, 1), "Brown, for the police.")
    say(biss, datetime.date(2020, 4, 1), "Biss, mayor of Evanston, on Chicago.")
    say(biss, datetime.date(2020, 4, 2), "Biss, at home in Evanston.", place=evanston)
    return city


def test_the_mayor_of_chicago_is_whoever_was_mayor_that_day(client, chicago):
    response = client.get(STATEMENTS, {"office": "mayor", "city": "chicago-il"})

    assert response.status_code == 200
    # Not before she took office, not after she left it; not Evanston's mayor speaking of Chicago.
    assert said(response) == ["Johnson, as mayor.", "Lightfoot, as mayor."]


def test_an_office_alone_lists_every_place_that_office_speaks_for(client, chicago):
    response = client.get(STATEMENTS, {"office": "mayor"})

    assert said(response) == [
        "Biss, at home in Evanston.",
        "Johnson, as mayor.",
        "Lightfoot, as mayor.",
    ]


def test_offices_with_several_words_have_an_address_name(client, chicago):
    response = client.get(STATEMENTS, {"office": "superintendent-of-police"})

    assert said(response) == ["Brown, for the police."]


def test_the_office_facet_counts_under_the_other_filters(client, chicago):
    response = client.get(STATEMENTS, {"city": "chicago-il"})

    facet = response.context["facets"]["office"]
    assert facet.label == "Office held when speaking"
    assert {(o.value, o.label, o.count) for o in facet.options} == {
        ("mayor", "Mayor", 2),
        ("superintendent-of-police", "Superintendent of Police", 1),
    }
    page = text(response)
    assert 'name="office" value="mayor"' in page


def test_the_chosen_office_is_a_removable_chip(client, chicago):
    response = client.get(STATEMENTS, {"office": "mayor", "city": "chicago-il"})

    chips = {(c.label, c.value) for c in response.context["chips"]}
    assert ("Office held when speaking", "Mayor") in chips


def test_an_unknown_office_is_refused_with_a_message(client, chicago):
    response = client.get(STATEMENTS, {"office": "emperor"})

    assert response.status_code == 400
    assert "No official on record held an office called “emperor”." in text(response)


def test_the_download_and_the_api_filter_by_office_alike(client, chicago):
    query = {"office": "mayor", "city": "chicago-il"}
    rows = csv_rows(client.get(STATEMENTS, {**query, "format": "csv"}))
    assert sorted(row["quote"] for row in rows) == ["Johnson, as mayor.", "Lightfoot, as mayor."]

    api = client.get("/api/v1/statements/", query)
    assert api.status_code == 200
    assert sorted(r["quote"] for r in json.loads(api.content)["results"]) == [
        "Johnson, as mayor.",
        "Lightfoot, as mayor.",
    ]
    refused = client.get("/api/v1/statements/", {"office": "emperor"})
    assert refused.status_code == 400
    assert json.loads(refused.content)["errors"][0]["field"] == "office"


def test_search_and_office_together(client, chicago):
    response = client.get(STATEMENTS, {"office": "mayor", "q": "Lightfoot"})

    assert said(response) == ["Lightfoot, as mayor."]

"""Each page runs a fixed number of queries whatever the number of rows, pinned at two sizes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from statements import services
from statements.models import Statement
from tests import factories

# Page: (URL, query parameters, most queries allowed). Measured with 3 and 60 rows.
PAGES = {
    "home": ("cities:home", {}, {}, 4),
    "cities": ("cities:list", {}, {}, 6),
    "cities filtered": ("cities:list", {}, {"state": ["IL", "TX"], "event": "raids", "q": "a"}, 7),
    "cities csv": ("cities:list", {}, {"format": "csv"}, 3),
    "statements": ("statements:list", {}, {}, 8),
    "statements filtered": (
        "statements:list",
        {},
        {"city": ["hub-il"], "official": "the-mayor", "event": "raids", "said_after": "2000-01-01"},
        11,
    ),
    "statements json": ("statements:list", {}, {"format": "json"}, 3),
    "feed": ("statements:feed", {}, {}, 1),
    "city": ("cities:detail", {"slug": "hub-il"}, {}, 8),
    "official": ("cities:official", {"slug": "the-mayor"}, {}, 3),
    "event": ("statements:event", {"slug": "raids"}, {}, 4),
}


def build(n: int) -> Statement:
    """A hub city with n statements, n stances and n roles; n more places; an event naming all.

    Returns a statement with n sources.
    """
    event = factories.EventFactory(slug="raids", name="Raids")
    hub = factories.JurisdictionFactory(name="Hub", state="IL", slug="hub-il")
    mayor = factories.OfficialFactory(name="The Mayor", slug="the-mayor")
    for i in range(n):
        factories.RoleFactory(
            official=mayor,
            jurisdiction=hub,
            title=f"Title {i}",
            started_on=datetime.date(2000 + i % 20, 1, 1),
        )
        factories.StatementFactory(
            official=mayor,
            jurisdiction=hub,
            event=event,
            said_on=datetime.date(2019, 1, 1) + datetime.timedelta(days=i),
        )
        stance = factories.StanceFactory(
            jurisdiction=hub,
            level="refuses",
            effective_from=datetime.date(2000, 1, 1) + datetime.timedelta(days=30 * i),
        )
        services.stance_publish(stance=stance)
        place = factories.JurisdictionFactory(name=f"Place {i}", state="TX")
        factories.StatementFactory(jurisdiction=place, event=event)
        event.targeted_jurisdictions.add(place)
    sources = [factories.SourceFactory(cited_in=None) for _ in range(n)]
    return factories.StatementFactory(official=mayor, jurisdiction=hub, sources=sources)


@pytest.mark.parametrize("size", [3, 60])
def test_every_public_page_runs_a_fixed_number_of_queries(client, db, size):
    statement = build(size)
    pages = {**PAGES, "statement": (statement.get_absolute_url(), None, {}, 4)}

    over_budget, responses = {}, {}
    for page_name, (name, kwargs, query, most) in pages.items():
        url = name if kwargs is None else reverse(name, kwargs=kwargs)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, query)
            if response.streaming:
                b"".join(response.streaming_content)
        assert response.status_code == 200, page_name
        responses[page_name] = response
        if len(queries) > most:
            over_budget[page_name] = [q["sql"] for q in queries.captured_queries]

    assert over_budget == {}
    assert len(responses["statement"].context["statement"].sources.all()) == size
    assert len(responses["cities"].context["object_list"]) == min(size + 1, 50)

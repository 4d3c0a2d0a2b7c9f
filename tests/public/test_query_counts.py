"""Each page runs a fixed number of queries whatever the number of rows, pinned at two sizes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from federal.models import Agreement, AgreementStatus, Designation, SupportType
from statements import services
from statements.models import Statement
from tests import factories

# Page: (URL, query parameters, most queries allowed). Measured with 3 and 60 rows.
PAGES = {
    # Stance counts, statements, events, the national figures (4), the small map (3).
    "home": ("cities:home", {}, {}, 10),
    # Facets (stance, state, level, agreement, event, designation with its choices), the count,
    # the rows, their designations.
    "cities": ("cities:list", {}, {}, 10),
    "cities filtered": ("cities:list", {}, {"state": ["IL", "TX"], "event": "raids", "q": "a"}, 11),
    "cities designated": (
        "cities:list",
        {},
        {"designation": "body-1", "agreement": "listed", "level": "city"},
        10,
    ),
    "cities csv": ("cities:list", {}, {"format": "csv"}, 4),
    "cities json": ("cities:list", {}, {"format": "json", "designation": "any"}, 6),
    # The statements list: its facets (the office held that day among them), the count, the rows,
    # and (+1) the rows' sources, shown beside each statement (publisher and date).
    "statements": ("statements:list", {}, {}, 10),
    "statements filtered": (
        "statements:list",
        {},
        {"city": ["hub-il"], "official": "the-mayor", "event": "raids", "said_after": "2000-01-01"},
        13,
    ),
    "statements json": ("statements:list", {}, {"format": "json"}, 3),
    # The statements, their sources, the designations in force for their places.
    "feed": ("statements:feed", {}, {}, 3),
    # The place (or person), the filter checking it, then as the feed above.
    "place feed": ("statements:jurisdiction_feed", {"slug": "hub-il"}, {}, 5),
    "official feed": ("statements:official_feed", {"slug": "the-mayor"}, {}, 5),
    "embed": ("embed:card", {"slug": "hub-il"}, {}, 4),
    # The place's id by its address, the place, designations, agencies, agreements, stances
    # (3), roles, events, statements (a repeat: the id only, tests/public/test_place_page_repeat).
    "city": ("cities:detail", {"slug": "hub-il"}, {}, 11),
    "state": ("cities:detail", {"slug": "texas"}, {}, 11),
    "methodology": ("pages:methodology", {}, {}, 4),
    "official": ("cities:official", {"slug": "the-mayor"}, {}, 3),
    "event": ("statements:event", {"slug": "raids"}, {}, 4),
}


def build(n: int) -> Statement:
    """A hub city with n statements, n stances, n roles and n agencies with a 287(g) agreement
    each, designated by n bodies; n more places, each designated by one of three bodies; an
    event naming all; a state.

    Returns a statement with n sources.
    """
    event = factories.EventFactory(slug="raids", name="Raids")
    hub = factories.JurisdictionFactory(name="Hub", state="IL", slug="hub-il")
    factories.JurisdictionFactory(name="Texas", state="TX", slug="texas", level="state")
    release = factories.SourceFactory(cited_in=None)
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
        for jurisdiction, body in ((hub, f"Body {i}"), (place, f"Body {i % 3}")):
            Designation.objects.create(
                jurisdiction=jurisdiction,
                designated_by=body,
                label="sanctuary jurisdiction",
                designated_on=datetime.date(2025, 8, 5),
                source=release,
            )
        for jurisdiction in (hub, place):
            Agreement.objects.create(
                agency=factories.AgencyFactory(jurisdiction=jurisdiction),
                support_type=SupportType.TASK_FORCE,
                signed_on=datetime.date(2025, 2, 26),
                first_listed_on=datetime.date(2025, 5, 16),
                last_listed_on=datetime.date(2025, 7, 18),
                status=AgreementStatus.LISTED if i % 2 else AgreementStatus.PENDING,
            )
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
            over_budget[page_name] = (len(queries), most, [q["sql"] for q in queries])

    assert {page: counts[:2] for page, counts in over_budget.items()} == {}, over_budget
    assert len(responses["statement"].context["statement"].sources.all()) == size
    assert len(responses["cities"].context["object_list"]) == min(size + 2, 50)
    # Designated by "Body 1" with a listed agreement: the hub, and the places i ≡ 1 (mod 6).
    designated = responses["cities designated"].context["result_count"]
    assert designated == 1 + len([i for i in range(size) if i % 6 == 1])

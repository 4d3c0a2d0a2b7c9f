"""The editors' lists cost the same number of queries for ten rows as for forty."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from statements import services
from tests.factories import (
    AgencyFactory,
    JurisdictionFactory,
    OfficialFactory,
    RoleFactory,
    SourceFactory,
    StanceFactory,
    StatementFactory,
)

# Session, user, permissions, count, rows, filters' choices, date hierarchy: a fixed handful.
MAX_QUERIES = 12


def add_rows(start: int, count: int) -> None:
    """`count` cities, each with a police department, a mayor, a statement of each kind of
    speaker and a published stance, so every list has rows that point at other rows."""
    source = SourceFactory()
    for n in range(start, start + count):
        city = JurisdictionFactory(name=f"City {n}", state="IL" if n % 2 else "CA")
        police = AgencyFactory(jurisdiction=city, name=f"City {n} Police")
        mayor = OfficialFactory(name=f"Mayor {n}")
        RoleFactory(official=mayor, jurisdiction=city, agency=police, title="Mayor")
        StatementFactory(
            official=mayor,
            agency=police,
            jurisdiction=city,
            said_on=datetime.date(2019, 6, 1 + n % 28),
            sources=[source],
        )
        StatementFactory(official=None, agency=police, jurisdiction=city, sources=[source])
        services.stance_publish(
            stance=StanceFactory(jurisdiction=city, agency=police, sources=[source])
        )


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "page",
    [
        "statements_statement",
        "statements_stance",
        "statements_source",
        "cities_jurisdiction",
        "cities_agency",
        "cities_official",
        "cities_role",
    ],
)
def test_an_editors_list_costs_the_same_queries_at_two_sizes(
    editor_client, django_assert_max_num_queries, page
):
    url = reverse(f"admin:{page}_changelist")
    add_rows(0, 10)
    small = queries_for(editor_client, url)
    add_rows(10, 30)
    with django_assert_max_num_queries(MAX_QUERIES):
        large = queries_for(editor_client, url)
    assert large == small


def test_a_filtered_and_searched_statement_list_stays_bounded(
    editor_client, django_assert_max_num_queries
):
    url = reverse("admin:statements_statement_changelist") + "?status__exact=published&q=City"
    add_rows(0, 10)
    small = queries_for(editor_client, url)
    add_rows(10, 30)
    with django_assert_max_num_queries(MAX_QUERIES):
        large = queries_for(editor_client, url)
    assert large == small

"""The statements' state and stance facets are summed from the places' counts, and the number
of statements from their total, while none of those filters is set: the same figures as
counting each, for fewer queries; with one of them set, each is counted again."""

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from statements.models import Statement

STATEMENTS = reverse("statements:list")


def counted_directly(**filters) -> dict[str, Counter]:
    published = Statement.objects.published().filter(**filters).select_related("jurisdiction")
    return {
        "state": Counter(s.jurisdiction.state for s in published),
        "stance": Counter(s.jurisdiction.stance_level for s in published),
        "total": Counter({"": published.count()}),
    }


def shown(response) -> dict[str, Counter]:
    facets = response.context["facets"]
    return {
        "state": Counter({o.value: o.count for o in facets["state"].options if o.count}),
        "stance": Counter({o.value: o.count for o in facets["stance"].options if o.count}),
        "total": Counter({"": response.context["result_count"]}),
    }


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ({}, {}),
        ({"medium": "interview"}, {"medium": "interview"}),
        ({"event": "ice-family-raids-2019-06-23"}, {"event__slug": "ice-family-raids-2019-06-23"}),
    ],
    ids=["no filter", "medium", "event"],
)
def test_summed_facets_and_total_match_counting_each(client, seeded, query, filters):
    assert shown(client.get(STATEMENTS, query)) == counted_directly(**filters)


def test_with_the_state_set_the_stances_are_counted_in_that_state(client, seeded):
    response = client.get(STATEMENTS, {"state": "CA"})
    expected = counted_directly(jurisdiction__state="CA")
    assert shown(response)["stance"] == expected["stance"]
    assert shown(response)["total"] == expected["total"]
    # The state facet still offers every state, counted with the state filter left out.
    assert shown(response)["state"] == counted_directly()["state"]


def test_with_a_place_set_the_states_and_stances_are_counted_for_it(client, seeded):
    response = client.get(STATEMENTS, {"city": "denver-co"})
    expected = counted_directly(jurisdiction__slug="denver-co")
    assert shown(response)["state"] == expected["state"]
    assert shown(response)["stance"] == expected["stance"]
    assert shown(response)["total"] == expected["total"]


def test_an_unfiltered_list_counts_three_figures_fewer(client, seeded):
    """Seven facets and the total were eight counts; the states, the stances and the total now
    come from the places' counts."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(STATEMENTS)
    aggregates = sum("COUNT(" in q["sql"] for q in queries.captured_queries)
    assert len(response.context["facets"]) == 7
    assert aggregates == 7 + 1 - 3

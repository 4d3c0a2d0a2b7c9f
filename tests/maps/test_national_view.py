"""At the national view the map marks only the most populous places, so that thousands of them do
not bury the country; a state or any filter marks every one."""

import datetime

import pytest
from django.urls import reverse

from public.maps import views
from statements import services
from tests.factories import JurisdictionFactory, StanceFactory, StatementFactory

from .helpers import legend_counts, markers, page

pytestmark = pytest.mark.django_db

MAP = reverse("maps:map")


@pytest.fixture
def few_markers(monkeypatch):
    monkeypatch.setattr(views, "NATIONAL_MARKERS", 3)


@pytest.fixture
def towns():
    """Six towns: four in Illinois (populations 60k to 30k) and two in Texas (20k and 10k)."""
    made = {}
    for name, state, population, lon in [
        ("Alpha", "IL", 60_000, -89.0),
        ("Bravo", "IL", 50_000, -88.8),
        ("Charlie", "IL", 40_000, -88.6),
        ("Delta", "IL", 30_000, -88.4),
        ("Echo", "TX", 20_000, -97.0),
        ("Foxtrot", "TX", 10_000, -96.8),
    ]:
        latitude = 40.0 if state == "IL" else 31.0
        town = JurisdictionFactory(
            name=name, state=state, population=population, latitude=latitude, longitude=lon
        )
        StatementFactory(jurisdiction=town, said_on=datetime.date(2019, 6, 21))
        made[town.slug] = town
    services.stance_publish(
        stance=StanceFactory(
            jurisdiction=made["foxtrot-tx"],
            level="refuses",
            effective_from=datetime.date(2019, 1, 1),
        )
    )
    return made


def test_the_national_view_marks_the_most_populous_and_counts_the_rest_by_state(
    client, towns, few_markers
):
    response = client.get(MAP)

    assert set(markers(response)) == {"alpha-il", "bravo-il", "charlie-il"}
    html = page(response)
    assert "3 more places, state by state" in html
    assert 'href="?state=IL">Illinois (1)</a>' in html
    assert 'href="?state=TX">Texas (2)</a>' in html
    # The legend counts every place, marked or not.
    assert legend_counts(response) == {
        "refuses": 1,
        "limited": 0,
        "cooperates": 0,
        "unknown": 0,
        "not_recorded": 5,
    }
    assert "marks only the 3 most populous of the 6 places with records" in html


def test_a_state_marks_every_place_of_it(client, towns, few_markers):
    response = client.get(MAP, {"state": "IL"})

    assert set(markers(response)) == {"alpha-il", "bravo-il", "charlie-il", "delta-il"}
    assert "more places, state by state" not in page(response)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"stance": "not_recorded"}, {"alpha-il", "bravo-il", "charlie-il", "delta-il", "echo-tx"}),
        ({"q": "o"}, {"bravo-il", "echo-tx", "foxtrot-tx"}),
    ],
    ids=["stance", "name"],
)
def test_any_filter_marks_every_place_it_keeps(client, towns, few_markers, query, expected):
    assert set(markers(client.get(MAP, query))) == expected


def test_a_day_alone_is_still_the_national_view(client, towns, few_markers):
    response = client.get(MAP, {"as_of": "2018-01-01"})

    assert set(markers(response)) == {"alpha-il", "bravo-il", "charlie-il"}
    assert legend_counts(response)["refuses"] == 0  # Foxtrot's stance began in 2019
    # Choosing a state keeps the day.
    assert 'href="?as_of=2018-01-01&amp;state=TX">Texas (2)</a>' in page(response)


def test_a_country_with_few_places_marks_them_all(client, towns):
    response = client.get(MAP)

    assert len(markers(response)) == 6
    assert "more places, state by state" not in page(response)

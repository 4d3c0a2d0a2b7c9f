"""A place's page asked again, with the page cache off, reads none of its stances, officials or
statements while nothing on it has changed: it shows them as stored rows, and the place itself
as kept that day. A stance published or corrected since is on the next request, in its card and
in the timeline; so is an event, an agency or a new name."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statements import services
from tests.factories import PublishedStanceFactory, StanceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_off")]

CARD = "cities/_stance_card.html"
TIMELINE = "cities/_timeline_item.html"
# The queries that read these records (not those that only look into them, as the place's own).
READS = ('SELECT "statements_stance".', 'SELECT "cities_role".', 'SELECT "statements_statement".')


def read(client, drawn, url) -> tuple[int, str]:
    """The queries of the page's stances, officials and statements, and the page."""
    del drawn[:]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return sum(q["sql"].startswith(READS) for q in queries), response.content.decode()


def cards(page: str) -> int:
    return page.count('<article class="stance-card">')


@pytest.fixture
def tacoma(jurisdiction_factory, official_factory, role_factory, statement_factory):
    tacoma = jurisdiction_factory(name="Tacoma", state="WA")
    role_factory(official=official_factory(name="Victoria Woodards"), jurisdiction=tacoma)
    statement_factory(jurisdiction=tacoma, quote="We will not help.")
    PublishedStanceFactory(
        jurisdiction=tacoma, level="limited", effective_from=datetime.date(2019, 1, 1)
    )
    return tacoma


def test_a_place_page_asked_again_reads_none_of_its_records(client, drawn, tacoma):
    url = tacoma.get_absolute_url()
    first_reads, first = read(client, drawn, url)
    assert first_reads > 0
    assert (drawn.count(CARD), drawn.count(TIMELINE)) == (1, 1)

    reads, again = read(client, drawn, url)

    assert reads == 0
    assert CARD not in drawn and TIMELINE not in drawn
    assert again == first
    assert cards(again) == 1
    assert "Victoria Woodards" in again and "We will not help." in again


def test_a_stance_published_since_is_the_current_one_and_ends_the_last(client, drawn, tacoma):
    url = tacoma.get_absolute_url()
    read(client, drawn, url)

    PublishedStanceFactory(
        jurisdiction=tacoma, level="refuses", effective_from=datetime.date(2025, 3, 1)
    )

    _, page = read(client, drawn, url)
    assert cards(page) == 1
    assert "Refuses cooperation, since" in page
    assert "Limited cooperation, since" not in page
    # Both in the timeline; the one it replaced now ends on the day the new one began.
    assert page.count('<li>\n  <p><strong><time datetime="') == 2
    assert 'to <time datetime="2025-03-01">' in page
    assert drawn.count(TIMELINE) == 2  # the new stance's row, and the ended one's


def test_a_correction_shows_in_the_stances_card_and_timeline(client, drawn, tacoma):
    url = tacoma.get_absolute_url()
    read(client, drawn, url)
    stance = tacoma.stances.get()

    services.stance_correct(stance=stance, changes={}, note="The date was wrong.")

    _, page = read(client, drawn, url)
    assert page.count("The date was wrong.") == 2
    assert (drawn.count(CARD), drawn.count(TIMELINE)) == (1, 1)


def test_a_draft_stance_changes_nothing_readers_see(client, drawn, tacoma):
    url = tacoma.get_absolute_url()
    _, first = read(client, drawn, url)

    StanceFactory(jurisdiction=tacoma, level="refuses", effective_from=datetime.date(2025, 3, 1))

    reads, page = read(client, drawn, url)
    assert reads == 0
    assert page == first


def test_asked_again_it_reads_only_the_places_id(client, drawn, tacoma):
    url = tacoma.get_absolute_url()
    read(client, drawn, url)

    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)

    assert again.status_code == 200
    assert [q["sql"] for q in queries] == [
        'SELECT "cities_jurisdiction"."id" AS "pk" FROM "cities_jurisdiction" '
        'WHERE "cities_jurisdiction"."slug" = \'tacoma-wa\' LIMIT 21'
    ]


def test_an_event_an_agency_and_a_rename_since_are_on_the_next_request(
    client, drawn, tacoma, event_factory, agency_factory
):
    url = tacoma.get_absolute_url()
    read(client, drawn, url)

    event_factory(name="Operation Tidewater").targeted_jurisdictions.add(tacoma)
    agency_factory(jurisdiction=tacoma, name="Tacoma Police Department")
    _, page = read(client, drawn, url)
    assert "Operation Tidewater" in page
    assert "Tacoma Police Department" in page

    tacoma.name = "City of Tacoma"
    tacoma.save()
    _, page = read(client, drawn, url)
    assert "<h1>City of Tacoma, Washington</h1>" in page


def test_the_next_day_the_place_is_read_again(client, drawn, tacoma, monkeypatch):
    """Which stance is in force changes at midnight with no edit: the place is kept per day."""
    url = tacoma.get_absolute_url()
    read(client, drawn, url)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    monkeypatch.setattr("public.places.views.timezone.localdate", lambda: tomorrow)

    with CaptureQueriesContext(connection) as queries:
        client.get(url)

    assert any(q["sql"].startswith('SELECT "cities_jurisdiction"."id", ') for q in queries)

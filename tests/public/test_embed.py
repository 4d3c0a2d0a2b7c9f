"""A local newsroom embeds a place's card on its own site: the card shows the stance, what outside
bodies call the place and its latest statement with sources; only the card may be framed."""

import datetime
import html

import pytest
from django.urls import reverse

from cities.models import StanceLevel
from federal.models import Designation
from statements import services
from statements.models import Status
from tests import factories


@pytest.fixture
def denver(db):
    place = factories.JurisdictionFactory(name="Denver", state="CO", slug="denver-co")
    stance = factories.StanceFactory(
        jurisdiction=place, level=StanceLevel.LIMITED, effective_from=datetime.date(2019, 1, 1)
    )
    services.stance_publish(stance=stance)
    doj = factories.SourceFactory(
        publisher="US Department of Justice", url="https://justice.example/list"
    )
    Designation.objects.create(
        jurisdiction=place,
        designated_by="US Department of Justice",
        label="sanctuary jurisdiction",
        designated_on=datetime.date(2025, 8, 5),
        source=doj,
    )
    Designation.objects.create(
        jurisdiction=place,
        designated_by="Old Committee",
        label="long withdrawn",
        designated_on=datetime.date(2020, 1, 1),
        withdrawn_on=datetime.date(2021, 1, 1),
        source=doj,
    )
    factories.StatementFactory(
        jurisdiction=place, quote="An older word.", said_on=datetime.date(2019, 6, 1)
    )
    factories.StatementFactory(
        jurisdiction=place,
        quote="Denver will not do ICE's work.",
        said_on=datetime.date(2025, 2, 2),
        sources=[
            factories.SourceFactory(
                publisher="The Denver Post",
                url="https://denverpost.example/refuses",
                published_on=datetime.date(2025, 2, 3),
            )
        ],
    )
    factories.StatementFactory(
        jurisdiction=place,
        quote="A draft never shown.",
        said_on=datetime.date(2026, 1, 1),
        status=Status.DRAFT,
    )
    place.refresh_from_db()
    return place


def test_the_card_shows_stance_designations_and_latest_statement_with_sources(client, denver):
    response = client.get("/embed/denver-co/")

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "<h1>" in page and "Denver, CO</a></h1>" in page
    assert 'class="stance stance--limited">Limited cooperation</span>' in page
    assert "US Department of Justice: “sanctuary jurisdiction”, " in page
    assert "long withdrawn" not in page
    assert "“Denver will not do ICE's work.”" in page
    assert "An older word." not in page
    assert "A draft never shown." not in page
    assert '<a href="https://denverpost.example/refuses" target="_blank" rel="noopener">' in page
    assert "February 3, 2025" in page
    assert "/static/css/embed.css" in page  # its own stylesheet, from the app
    assert "<script" not in page


def test_every_link_in_the_card_opens_the_tracker_in_a_new_tab(client, denver):
    page = client.get("/embed/denver-co/").content.decode()

    anchors = page.split("<a ")[1:]
    assert len(anchors) >= 4
    assert all('target="_blank" rel="noopener"' in anchor.split(">")[0] for anchor in anchors)


def test_only_the_card_may_be_framed_by_other_sites(client, denver):
    card = client.get("/embed/denver-co/")
    place = client.get("/cities/denver-co/")

    assert "frame-ancestors *" in card["Content-Security-Policy"]
    assert "X-Frame-Options" not in card
    # The rest of the policy is the site's own.
    assert "script-src 'self'" in card["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in place["Content-Security-Policy"]
    assert place["X-Frame-Options"] == "DENY"


def test_the_card_is_cached_and_stays_framable_when_served_from_the_cache(client, denver):
    first = client.get("/embed/denver-co/")
    again = client.get("/embed/denver-co/")

    assert "max-age" in first.get("Cache-Control", "")
    assert again.content == first.content
    assert "frame-ancestors *" in again["Content-Security-Policy"]
    assert "X-Frame-Options" not in again


def test_an_unknown_place_has_no_card(client, db):
    response = client.get("/embed/atlantis-zz/")

    assert response.status_code == 404
    assert response["X-Frame-Options"] == "DENY"


def test_a_place_without_statements_says_so(client, db):
    factories.JurisdictionFactory(name="Quiet Town", state="KS", slug="quiet-ks")

    page = client.get("/embed/quiet-ks/").content.decode()

    assert "No published statement yet." in page
    assert "No outside designation in force." in page


def test_the_place_page_offers_the_snippet_to_copy(client, denver):
    page = client.get("/cities/denver-co/").content.decode()

    assert '<h2 id="embed-title">Embed this card</h2>' in page
    start = page.index('<textarea id="embed-code"')
    textarea = page[start : page.index("</textarea>", start)]
    assert "readonly" in textarea.split(">")[0]
    snippet = html.unescape(textarea.split(">", 1)[1])
    assert snippet.startswith('<iframe src="http://testserver/embed/denver-co/"')
    assert 'title="Denver on Sanctuary Tracker"' in snippet
    assert snippet.endswith("></iframe>")
    # The copy button is hidden until its script (same-origin, allowed by the CSP) shows it.
    assert 'data-copy="embed-code"' in page
    assert reverse("embed:card", args=["denver-co"]) == "/embed/denver-co/"


def test_the_card_costs_four_queries(client, denver, django_assert_num_queries):
    # A first visit (no cached copy yet): the place, its designations in force, its latest statement and that statement's sources.
    with django_assert_num_queries(4):
        assert client.get("/embed/denver-co/").status_code == 200

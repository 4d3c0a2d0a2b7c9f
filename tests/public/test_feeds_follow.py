"""A reader follows a search, a place or a person in a feed reader: each entry says where the
claim comes from (its sources) and what outside bodies call the place (its designations)."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from federal.models import Designation
from statements.models import Status
from tests import factories

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response) -> list[ET.Element]:
    assert response.status_code == 200, response.content
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


def summary(entry: ET.Element) -> str:
    return entry.find(f"{ATOM}summary").text


def feed_link(html: str) -> str:
    """The autodiscovery link's address in a page's <head>."""
    found = re.search(
        r'<link rel="alternate" type="application/atom\+xml" [^>]*href="([^"]+)"', html
    )
    assert found, "no feed autodiscovery link"
    return found.group(1).replace("&amp;", "&")


@pytest.fixture
def newsroom(db):
    denver = factories.JurisdictionFactory(name="Denver", state="CO", slug="denver-co")
    chicago = factories.JurisdictionFactory(name="Chicago", state="IL", slug="chicago-il")
    mayor = factories.OfficialFactory(name="Mayor Ada", slug="mayor-ada")
    post = factories.SourceFactory(
        publisher="The Denver Post",
        title="Mayor refuses to help",
        url="https://denverpost.example/refuses",
        published_on=datetime.date(2025, 2, 3),
    )
    huffpost = factories.SourceFactory(
        publisher="HuffPost", title="Cities respond", published_on=datetime.date(2025, 2, 4)
    )
    doj = factories.SourceFactory(publisher="US Department of Justice", title="Sanctuary list")
    Designation.objects.create(
        jurisdiction=denver,
        designated_by="US Department of Justice",
        label="sanctuary jurisdiction",
        designated_on=datetime.date(2025, 8, 5),
        source=doj,
    )
    Designation.objects.create(
        jurisdiction=denver,
        designated_by="Old Committee",
        label="withdrawn label",
        designated_on=datetime.date(2020, 1, 1),
        withdrawn_on=datetime.date(2021, 1, 1),
        source=doj,
    )
    return {
        "denver": denver,
        "chicago": chicago,
        "mayor": mayor,
        "ada_denver": factories.StatementFactory(
            jurisdiction=denver,
            official=mayor,
            quote="Denver will not do ICE's work.",
            medium="interview",
            said_on=datetime.date(2025, 2, 2),
            sources=[post, huffpost],
        ),
        "ada_other": factories.StatementFactory(
            jurisdiction=denver,
            official=mayor,
            quote="Our police serve everyone.",
            medium="press_statement",
            said_on=datetime.date(2025, 1, 5),
        ),
        "chicago_statement": factories.StatementFactory(
            jurisdiction=chicago, quote="Chicago stands firm."
        ),
        "draft": factories.StatementFactory(
            jurisdiction=denver,
            official=mayor,
            quote="A draft never followed.",
            status=Status.DRAFT,
        ),
    }


def test_a_filtered_feed_holds_only_what_the_filtered_list_shows(client, newsroom):
    params = {"city": "denver-co", "medium": "interview"}
    listed = client.get(reverse("statements:list"), params)
    followed = client.get(reverse("statements:feed"), params)

    [entry] = entries(followed)
    assert [s.pk for s in listed.context["object_list"]] == [newsroom["ada_denver"].pk]
    assert entry.find(f"{ATOM}link").get("href").endswith(newsroom["ada_denver"].get_absolute_url())
    # The page's autodiscovery link carries the same filters, and so does its title.
    link = feed_link(listed.content.decode())
    assert link == "/statements/feed/?city=denver-co&medium=interview"
    assert [e.find(f"{ATOM}id").text for e in entries(client.get(link))] == [
        entry.find(f"{ATOM}id").text
    ]


def test_a_feed_refuses_a_filter_the_list_refuses_with_the_same_words(client, newsroom):
    page = client.get(reverse("statements:list"), {"medium": "pigeon"})
    feed = client.get(reverse("statements:feed"), {"medium": "pigeon"})

    assert (page.status_code, feed.status_code) == (400, 400)
    assert feed["Content-Type"].startswith("text/plain")
    assert "The feed was refused because of these filter errors:" in feed.content.decode()
    assert "Medium: “pigeon” is not a medium." in feed.content.decode()


def test_an_entry_names_its_sources_with_publisher_and_date(client, newsroom):
    [entry] = entries(client.get(reverse("statements:feed"), {"medium": "interview"}))

    text = summary(entry)
    # Newest source first, as the statement's page cites them.
    assert "Sources: HuffPost, “Cities respond”, February 4, 2025; " in text
    assert "The Denver Post, “Mayor refuses to help”, February 3, 2025.</p>" in text
    related = [
        (link.get("href"), link.get("title"))
        for link in entry.findall(f"{ATOM}link")
        if link.get("rel") == "related"
    ]
    assert ("https://denverpost.example/refuses", "The Denver Post, February 3, 2025") in related
    assert len(related) == 2


def test_an_entry_carries_the_designations_in_force_for_its_place(client, newsroom):
    denver_entries = entries(client.get(reverse("statements:feed"), {"city": "denver-co"}))
    [chicago_entry] = entries(client.get(reverse("statements:feed"), {"city": "chicago-il"}))

    for entry in denver_entries:
        text = summary(entry)
        assert "Outside designations in force for Denver, CO (not our finding):" in text
        assert "US Department of Justice: “sanctuary jurisdiction” (August 5, 2025)" in text
        assert "withdrawn label" not in text  # withdrawn: no longer in force
        terms = [c.get("term") for c in entry.findall(f"{ATOM}category")]
        assert "US Department of Justice: sanctuary jurisdiction" in terms
    assert "Outside designations" not in summary(chicago_entry)


def test_a_place_has_a_feed_of_its_own_at_a_stable_address(client, newsroom):
    url = reverse("statements:jurisdiction_feed", args=["denver-co"])
    response = client.get(url)

    assert url == "/cities/denver-co/feed/"
    root = ET.fromstring(response.content)
    assert root.find(f"{ATOM}title").text == "Sanctuary Tracker: statements from Denver, CO"
    hrefs = [e.find(f"{ATOM}link").get("href") for e in entries(response)]
    assert [h.removeprefix("http://testserver") for h in hrefs] == [
        newsroom["ada_denver"].get_absolute_url(),
        newsroom["ada_other"].get_absolute_url(),
    ]
    assert b"A draft never followed." not in response.content
    assert client.get("/cities/atlantis-zz/feed/").status_code == 404


def test_an_official_has_a_feed_of_their_own(client, newsroom):
    response = client.get("/officials/mayor-ada/feed/")

    root = ET.fromstring(response.content)
    assert root.find(f"{ATOM}title").text == "Sanctuary Tracker: statements by Mayor Ada"
    assert {e.find(f"{ATOM}author/{ATOM}name").text for e in entries(response)} == {"Mayor Ada"}
    assert len(entries(response)) == 2
    assert client.get("/officials/nobody/feed/").status_code == 404


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("/", "/statements/feed/"),
        ("/changes/", "/changes/feed/"),
        ("/cities/denver-co/", "/cities/denver-co/feed/"),
        ("/officials/mayor-ada/", "/officials/mayor-ada/feed/"),
        ("/statements/?state=CO", "/statements/feed/?state=CO"),
    ],
)
def test_every_page_with_a_feed_announces_it(client, newsroom, page, expected):
    response = client.get(page)

    assert response.status_code == 200
    assert feed_link(response.content.decode()) == expected


def test_place_and_official_pages_link_their_feeds_in_the_text(client, newsroom):
    place = client.get("/cities/denver-co/").content.decode()
    person = client.get("/officials/mayor-ada/").content.decode()

    assert '<a href="/cities/denver-co/feed/">Follow statements from Denver in a feed</a>' in place
    assert '<a href="/officials/mayor-ada/feed/">Follow statements by Mayor Ada in a feed</a>' in (
        person
    )


def test_a_feed_address_copied_from_a_later_page_still_follows_the_newest(client, newsroom):
    response = client.get(reverse("statements:feed"), {"city": "denver-co", "page": "3"})

    assert len(entries(response)) == 2
    root = ET.fromstring(response.content)
    assert root.find(f"{ATOM}link").get("href") == "http://testserver/statements/?city=denver-co"

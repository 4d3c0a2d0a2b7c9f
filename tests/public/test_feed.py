import xml.etree.ElementTree as ET

from django.urls import reverse

FEED = reverse("statements:feed")
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response) -> list[ET.Element]:
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


def test_feed_lists_the_newest_published_statements(client, seeded, statement_factory):
    statement_factory(status="draft", quote="A draft nobody should follow.")

    response = client.get(FEED)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    items = entries(response)
    assert len(items) == 11
    assert b"A draft nobody should follow." not in response.content


def test_feed_follows_statements_by_chicago_officials(client, seeded):
    response = client.get(FEED, {"city": "chicago-il"})

    root = ET.fromstring(response.content)
    assert root.find(f"{ATOM}title").text == (
        "Sanctuary Tracker: statements (Jurisdiction: Chicago, IL)"
    )
    [entry] = entries(response)
    assert entry.find(f"{ATOM}title").text.startswith(
        "Lori Lightfoot (Chicago, IL): We are all aware"
    )
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "Lori Lightfoot"
    link = entry.find(f"{ATOM}link").get("href")
    assert link.startswith("http://testserver/statements/")


def test_feed_follows_statements_about_an_event(client, seeded, event_factory, statement_factory):
    other = statement_factory(event=event_factory(slug="another-operation"))

    response = client.get(FEED, {"event": "another-operation"})

    [entry] = entries(response)
    assert entry.find(f"{ATOM}link").get("href").endswith(other.get_absolute_url())


def test_feed_with_bad_filters_says_why_with_status_400(client, db):
    response = client.get(FEED, {"said_after": "2019-13-45"})

    assert response.status_code == 400
    assert "Said on or after: Enter a real date as YYYY-MM-DD" in response.content.decode()


def test_statement_list_links_to_the_feed_of_the_same_filters(client, seeded):
    filtered = client.get(reverse("statements:list"), {"city": "chicago-il", "page": "1"})
    unfiltered = client.get(reverse("statements:list"))

    assert '<a href="/statements/feed/?city=chicago-il">feed</a>' in filtered.content.decode()
    assert '<a href="/statements/feed/">feed</a>' in unfiltered.content.decode()

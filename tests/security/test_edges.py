"""Bad input at the edges gets a 4xx answer quickly, never a 500 or a busy worker: oversized
bodies, thousands of parameters, very long addresses and a flood of admin logins; and markup in a
correction note reaches feed readers as text."""

import html
import time
from types import SimpleNamespace
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

ATOM = "{http://www.w3.org/2005/Atom}"
PUBLIC_LISTS = ["/", "/cities/", "/statements/", "/statements/feed/", "/map/", "/map/data.geojson"]


class Timer:
    def __enter__(self):
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc):
        self.seconds = time.monotonic() - self.started


def test_a_body_over_the_limit_to_the_admin_login_gets_a_400_without_being_read(db):
    too_big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    with Timer() as timer:
        response = Client().post(reverse("admin:login"), {"username": "a", "password": too_big})
    assert response.status_code == 400
    text = response.content.decode()
    assert "The request is too large" in text
    assert f"the limit is {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,}" in text
    assert timer.seconds < 2


def test_an_unreadable_content_length_gets_a_400(db):
    response = Client().post(
        reverse("admin:login"), "a=b", "application/x-www-form-urlencoded", CONTENT_LENGTH="ten"
    )
    assert response.status_code == 400
    assert "Content-Length" in response.content.decode()


@pytest.mark.parametrize("url", PUBLIC_LISTS)
def test_ten_thousand_parameters_get_a_400_quickly(db, url):
    query = "&".join(f"p{n}=1" for n in range(10_000))
    with Timer() as timer:
        response = Client().get(f"{url}?{query}")
    assert response.status_code == 400
    assert "more than 2000 parameters" in response.content.decode()
    assert timer.seconds < 1


def test_ten_thousand_form_fields_to_the_admin_login_get_a_400(db):
    body = "&".join(f"f{n}=1" for n in range(10_000))
    response = Client().post(reverse("admin:login"), body, "application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "<title>Bad request · Sanctuary Tracker</title>" in response.content.decode()


def test_a_filter_repeated_up_to_the_limit_is_answered_quickly(seeded):
    query = urlencode([("state", "IL")] * 200)
    with Timer() as timer:
        response = Client().get(f"/cities/?{query}")
    assert response.status_code == 200
    assert [j.state for j in response.context["object_list"]] == ["IL"]
    assert timer.seconds < 2


def test_a_filter_repeated_beyond_the_limit_gets_a_400_quickly(db):
    query = urlencode([("state", "IL")] * 1999)
    with Timer() as timer:
        response = Client().get(f"/cities/?{query}")
    assert response.status_code == 400
    assert "repeats “state” 1,999 times" in response.content.decode()
    assert timer.seconds < 1


@pytest.mark.parametrize("url", ["/cities/", "/statements/", "/map/"])
def test_a_very_long_search_gets_a_400_with_the_limit(db, url):
    with Timer() as timer:
        response = Client().get(url, {"q": "word " * 20_000})
    assert response.status_code == 400
    assert "Search text is limited to 200 characters" in response.content.decode()
    assert timer.seconds < 2


def test_a_very_long_address_gets_the_404_page_quickly(db):
    with Timer() as timer:
        response = Client().get("/cities/" + "a" * 100_000 + "/")
    assert response.status_code == 404
    assert timer.seconds < 2


@pytest.mark.parametrize(
    "url, params",
    [
        ("/cities/", {"page": "9" * 400}),
        ("/statements/", {"page": "-1"}),
        ("/statements/", {"page": "0"}),
        ("/map/", {"as_of": "9" * 400}),
        ("/map/data.geojson", {"as_of": "0001-01-01"}),
        ("/statements/", {"said_after": "10000-01-01"}),
        ("/statements/feed/", {"said_before": "2019-13-45"}),
    ],
)
def test_absurd_numbers_and_dates_get_a_4xx(db, url, params):
    response = Client().get(url, params)
    assert response.status_code in (400, 404), response.status_code


def test_a_flood_of_admin_logins_over_many_usernames_meets_the_rate_limit_quickly(
    db, monkeypatch, settings
):
    # Lockouts are per username and address, so a flood of guessed names locks out nobody; the
    # login rate limit answers it instead, for that address only. The clock stands still, so
    # that the flood falls within one minute of the limit however slow the machine.
    import django_ratelimit.core

    settings.RATELIMIT_ENABLE = True
    now = time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: now))
    client = Client()
    statuses, refusal_seconds = [], []
    for n in range(50):
        with Timer() as timer:
            response = client.post(
                reverse("admin:login"),
                {"username": f"guess{n}", "password": "letmein", "next": "/admin/"},
                REMOTE_ADDR="198.51.100.9",
            )
        statuses.append(response.status_code)
        if response.status_code == 429:
            refusal_seconds.append(timer.seconds)
    allowed = int(settings.RATE_LIMIT_LOGINS.split("/")[0])
    assert statuses[:allowed] == [200] * allowed
    assert set(statuses[allowed:]) == {429}
    assert "at most 10 login attempts a minute from one address" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 60
    # Refused before any password is hashed: no worker time for the flood.
    assert max(refusal_seconds) < 0.5
    # Another address is not limited by this one's flood.
    other = client.post(
        reverse("admin:login"),
        {"username": "someone", "password": "wrong", "next": "/admin/"},
        REMOTE_ADDR="198.51.100.10",
    )
    assert other.status_code == 200


def test_a_correction_note_reaches_feed_readers_as_text_not_markup(client, statement):
    from statements import services

    note = 'Fixed the date. <img src=x onerror="alert(1)"><script>alert(2)</script>'
    services.statement_correct(
        statement=statement, changes={"summary": "Corrected summary."}, note=note
    )

    feed = ElementTree.fromstring(client.get(reverse("statements:changes_feed")).content)
    [summary] = [e.find(f"{ATOM}summary") for e in feed.iter(f"{ATOM}entry")]

    # A reader unescapes the XML once and renders the summary as HTML (type="html"): what it
    # renders must hold the note as escaped text, with no tag of its own.
    assert summary.get("type") == "html"
    assert "<img" not in summary.text and "<script" not in summary.text
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in summary.text
    assert html.unescape(summary.text).endswith(note)

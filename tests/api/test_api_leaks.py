"""Leak audit of the API: with draft, retracted and unpublished statements and stances present
(tests/security/test_leaks.py's newsroom, each hidden record marked in every text field), no API
response shows, counts or links any of them; a hidden record's own address is a 404.

The walk covers every route under /api/ of the URLconf, so a new endpoint fails this test until
the walk visits it. (Draft, retracted and unpublished are the hidden states this tracker has;
no record is "unlisted".)
"""

import datetime
import json
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import resolve

from cities.models import Agency
from federal.models import Agreement, AgreementStatus, Designation, SupportType
from public.api import records
from statements.models import Source, Stance, Statement, Status
from tests import factories
from tests.security.test_leaks import MARKERS, newsroom, public_routes  # noqa: F401

RETRACTIONS = {"retracted statement", "retracted stance"}
# The change log announces retractions by design (as /changes/ does); nothing else may show one.
ALLOWED = {"/api/v1/changes/": RETRACTIONS}

FILTERS = {
    "jurisdictions": [
        {},
        {"stance": "cooperates"},
        {"as_of": "2024-12-31"},
        {"as_of": "2018-01-01", "stance": "cooperates"},
        {"q": "zqx"},
        {"event": "operation-spring"},
    ],
    "statements": [
        {},
        {"city": "denver-co"},
        {"city": "quiet-ks"},
        {"official": "mayor-ada"},
        {"said_after": "2024-01-01"},
        {"q": "said this"},
        {"q": "zqxdraftstatementmarker"},
        {"stance": "cooperates"},
    ],
    "stances": [
        {},
        {"jurisdiction": "chicago-il"},
        {"level": "cooperates"},
        {"current": "false"},
        {"in_force_on": "2016-01-01"},
    ],
    "sources": [{}, {"publisher": "zqx"}],
    "agencies": [{}],
    "officials": [{}, {"jurisdiction": "denver-co"}],
    "roles": [{}],
    "events": [{}],
    "agreements": [{}],
    "designations": [{}],
}


@pytest.fixture
def audit(newsroom):  # noqa: F811
    """The newsroom, plus a published stance announced by a draft statement, an agency with a
    287(g) agreement and a designation of Denver."""
    draft = next(s for s in newsroom["hidden"] if s.status == Status.DRAFT)
    factories.PublishedStanceFactory(
        jurisdiction=factories.JurisdictionFactory(name="Elsewhere", state="OR"),
        level="refuses",
        announced_by=draft,
    )
    sheriff = factories.AgencyFactory(jurisdiction=newsroom["denver"], name="Denver Sheriff")
    Agreement.objects.create(
        agency=sheriff,
        support_type=SupportType.WARRANT_SERVICE,
        first_listed_on=datetime.date(2025, 1, 1),
        last_listed_on=datetime.date(2025, 1, 1),
        status=AgreementStatus.LISTED,
    )
    Designation.objects.create(
        jurisdiction=newsroom["denver"],
        designated_by="US Department of Justice",
        label="sanctuary jurisdiction",
        designated_on=datetime.date(2025, 8, 5),
        source=factories.SourceFactory(publisher="US Department of Justice"),
    )
    return {**newsroom, "announcing_draft": draft}


def walk(audit) -> list[str]:
    """Every API address to visit: lists with and without filters, first pages and second ones,
    each published record by id, the root, the schema and the docs."""
    urls = ["/api/v1/", "/api/schema/", "/api/docs/", "/api/docs/?script=", "/api/nothing/"]
    for name, filters in FILTERS.items():
        urls += [f"/api/v1/{name}/" + (f"?{urlencode(f)}" if f else "") for f in filters]
        urls.append(f"/api/v1/{name}/?page_size=1")
    urls += ["/api/v1/changes/", "/api/v1/changes/?page_size=1"]
    shown = {
        "statements": Statement.objects.published(),
        "stances": Stance.objects.published(),
        "jurisdictions": [audit["denver"], audit["chicago"], audit["hidden_place"]],
        "officials": [audit["mayor"]],
        "events": [audit["event"]],
        "roles": audit["mayor"].roles.all(),
        "agencies": Agency.objects.all(),
        "sources": records.sources(),
        "agreements": Agreement.objects.all(),
        "designations": Designation.objects.all(),
    }
    for name, rows in shown.items():
        urls += [f"/api/v1/{name}/{row.pk}/" for row in rows]
    return urls


def read(client: Client, url: str):
    response = client.get(url)
    assert response.status_code in (200, 404), f"{url} gave {response.status_code}"
    return response, response.content.decode()


def test_no_api_response_shows_a_hidden_record(audit):
    client = Client()
    urls = walk(audit)
    for url in urls:  # grows by each list's second page
        response, text = read(client, url)
        path = urlsplit(url).path
        leaked = [
            kind
            for kind, marker in MARKERS.items()
            if marker in text.lower() and kind not in ALLOWED.get(path, ())
        ]
        assert leaked == [], f"{url} shows {leaked}"
        if response.status_code == 200 and response["Content-Type"] == "application/json":
            body = json.loads(text)
            if isinstance(body, dict) and body.get("next") and "cursor=" not in url:
                urls.append(body["next"])
    assert len(urls) > 60

    # The router's routes are regular expressions; a resolved route drops their "^".
    api_routes = {r.replace("^", "") for r in public_routes() if r.startswith("api/")}
    visited = {resolve(urlsplit(url).path).route for url in urls}
    assert api_routes - visited == set(), "an API route is missing from the leak walk"


def test_hidden_records_are_neither_listed_nor_linked_nor_counted(audit, client):
    hidden_statements = {s.pk for s in audit["hidden"]}
    hidden_stances = {s.pk for s in audit["hidden_stances"]}

    statements = client.get("/api/v1/statements/", {"page_size": 100}).json()["results"]
    assert {s["id"] for s in statements} == {s.pk for s in Statement.objects.published()}
    assert not hidden_statements & {s["id"] for s in statements}

    stances = client.get("/api/v1/stances/", {"page_size": 100}).json()["results"]
    assert not hidden_stances & {s["id"] for s in stances}
    announced = next(s for s in stances if s["jurisdiction"]["name"] == "Elsewhere")
    assert announced["announced_by"] is None  # its statement is a draft

    sources = client.get("/api/v1/sources/", {"page_size": 100}).json()["results"]
    assert "Daily Record" in {s["publisher"] for s in sources}
    assert MARKERS["draft-only source"] not in {s["publisher"] for s in sources}

    places = {
        j["slug"]: j
        for j in client.get("/api/v1/jurisdictions/", {"page_size": 100}).json()["results"]
    }
    assert places["denver-co"]["statement_count"] == 1
    assert places["quiet-ks"]["statement_count"] == 0
    assert places["quiet-ks"]["latest_statement_on"] is None
    assert (places["denver-co"]["stance"], places["chicago-il"]["stance"]) == ("limited", "refuses")

    hidden_source = Source.objects.get(publisher=MARKERS["draft-only source"])
    assert client.get(f"/api/v1/sources/{hidden_source.pk}/").status_code == 404
    for pk in hidden_statements:
        assert client.get(f"/api/v1/statements/{pk}/").status_code == 404
    for pk in hidden_stances:
        assert client.get(f"/api/v1/stances/{pk}/").status_code == 404

    changes = client.get("/api/v1/changes/", {"page_size": 100}).json()["results"]
    retracted = {c["id"] for c in changes}
    assert retracted == {
        *(f"statement-retraction-{s.pk}" for s in audit["hidden"] if s.status == "retracted"),
        *(f"stance-retraction-{s.pk}" for s in audit["hidden_stances"] if s.status == "retracted"),
    }

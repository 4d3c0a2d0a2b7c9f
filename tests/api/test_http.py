"""The API behaves like a good public API: errors that name the parameter at fault, validators
and 304s, CORS open for reading, a rate limit per client that says when to come back, and pages
by cursor that hold still while records are added."""

import datetime
import json

import pytest

from statements.models import Statement
from tests import factories

from .conftest import get_json, results

pytestmark = pytest.mark.django_db


def test_a_bad_filter_value_is_refused_with_the_field_and_the_pages_message(client, desk):
    status, body = get_json(
        client,
        "/api/v1/statements/",
        {"said_after": "2019-02-30", "state": "ZZ", "city": "atlantis"},
    )
    assert status == 400
    assert {e["field"]: e["message"] for e in body["errors"]} == {
        "said_after": "Enter a real date as YYYY-MM-DD, such as 2019-06-21.",
        "state": "“ZZ” is not a state. Use a two-letter postal code such as IL.",
        "city": "No jurisdiction has the address name “atlantis”.",
    }
    labels = {e["field"]: e["label"] for e in body["errors"]}
    assert labels["said_after"] == "Said on or after"


def test_the_forms_own_cross_field_rules_apply(client, desk):
    status, body = get_json(
        client, "/api/v1/statements/", {"said_after": "2020-01-01", "said_before": "2019-01-01"}
    )
    assert status == 400
    [error] = body["errors"]
    assert error["field"] == "said_before"
    assert "is earlier than" in error["message"]
    status, body = get_json(client, "/api/v1/jurisdictions/", {"as_of": "1980-01-01"})
    assert (status, body["errors"][0]["field"]) == (400, "as_of")
    assert "starts on 1990-01-01" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": " 5"}, "page_size"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        # base64 of "p=abc": a position that is no id, which DRF would pass to the database.
        ({"cursor": "cD1hYmM="}, "cursor"),
        ({"current": "maybe"}, "current"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_bad_paging_and_choices_are_refused_naming_the_parameter(client, params, field):
    path = "/api/v1/stances/" if field == "current" else "/api/v1/statements/"
    status, body = get_json(client, path, params)
    assert status == 400
    assert [e["field"] for e in body["errors"]] == [field]
    assert body["errors"][0]["message"]


def test_the_change_log_refuses_a_forged_cursor(client, desk):
    status, body = get_json(client, "/api/v1/changes/", {"cursor": "WyJhIiwibm9wZSJd"})
    assert (status, body["errors"][0]["field"]) == (400, "cursor")


def test_unknown_records_addresses_and_methods_answer_json(client, desk):
    draft = factories.StatementFactory(status="draft", jurisdiction=desk["denver"])
    status, body = get_json(client, f"/api/v1/statements/{draft.pk}/")
    assert status == 404
    assert body["errors"] == [
        {"field": None, "label": "", "message": "No Statement matches the given query."}
    ]
    status, body = get_json(client, "/api/v1/nothing-here/")
    assert status == 404 and "endpoints are listed at /api/v1/" in body["errors"][0]["message"]
    response = client.post("/api/v1/statements/", {"quote": "x"})
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert json.loads(response.content)["errors"][0]["message"] == 'Method "POST" not allowed.'


def test_a_repeat_request_gets_304_until_something_public_changes(client, desk):
    first = client.get("/api/v1/statements/")
    assert first.status_code == 200
    etag, modified = first["ETag"], first["Last-Modified"]
    assert first["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert client.get("/api/v1/statements/", headers={"if-none-match": etag}).status_code == 304
    assert (
        client.get("/api/v1/statements/", headers={"if-modified-since": modified}).status_code
        == 304
    )
    factories.StatementFactory(jurisdiction=desk["chicago"], quote="A new statement.")
    again = client.get("/api/v1/statements/", headers={"if-none-match": etag})
    assert again.status_code == 200
    assert "A new statement." in again.content.decode()
    assert again["ETag"] != etag


def test_any_site_may_read_the_api_but_not_the_pages(client, desk):
    origin = {"origin": "https://newsroom.example"}
    response = client.get("/api/v1/statements/", headers=origin)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    cached = client.get(
        "/api/v1/statements/", headers={**origin, "if-none-match": response["ETag"]}
    )
    assert (cached.status_code, cached["Access-Control-Allow-Origin"]) == (304, "*")
    preflight = client.options(
        "/api/v1/statements/", headers={**origin, "access-control-request-method": "GET"}
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    page = client.get("/statements/", headers=origin)
    assert "Access-Control-Allow-Origin" not in page


@pytest.fixture
def two_a_minute(settings):
    settings.RATELIMIT_ENABLE = True
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/minute"},
    }


def test_a_client_over_the_rate_limit_is_told_when_to_come_back(client, desk, two_a_minute):
    # Distinct addresses: a repeat of the same one would come from the page cache.
    for page_size in (1, 2):
        assert client.get("/api/v1/statements/", {"page_size": page_size}).status_code == 200
    forged = {"x-forwarded-for": "203.0.113.9"}  # no proxy in front: the header is not believed
    response = client.get("/api/v1/statements/", {"page_size": 3}, headers=forged)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    [error] = json.loads(response.content)["errors"]
    assert error["field"] is None
    assert error["message"].startswith("Too many requests from your address: try again in ")
    assert "2/minute" in error["message"]
    assert response["Cache-Control"] == "no-store"
    # Another reader is not held back by this one.
    other = client.get("/api/v1/statements/", {"page_size": 4}, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 200


def test_pages_by_cursor_hold_still_while_records_are_added(client, desk):
    mayor, denver = desk["mayor"], desk["denver"]
    for day in range(1, 6):
        factories.StatementFactory(
            official=mayor, jurisdiction=denver, said_on=datetime.date(2021, 1, day)
        )
    everything = [s.pk for s in Statement.objects.published().order_by("id")]
    status, first = get_json(client, "/api/v1/statements/", {"page_size": 3})
    assert [row["id"] for row in first["results"]] == everything[:3]
    assert first["previous"] is None
    # Published meanwhile: a page-number list would shift; the cursor's next page does not.
    added = factories.StatementFactory(official=mayor, jurisdiction=denver)
    status, second = get_json(client, first["next"])
    assert [row["id"] for row in second["results"]] == everything[3:6]
    status, third = get_json(client, second["next"])
    assert [row["id"] for row in third["results"]] == [everything[6], added.pk]
    assert third["next"] is None
    status, back = get_json(client, third["previous"])
    assert [row["id"] for row in back["results"]] == everything[3:6]


def test_the_change_log_pages_by_cursor_both_ways(client, desk):
    firm = desk["firm"]
    from statements import services

    for n in range(4):
        firm.refresh_from_db()
        services.statement_correct(statement=firm, changes={}, note=f"Correction {n}.")
    notes = [c["note"] for c in results(client, "/api/v1/changes/", {"page_size": 100})]
    assert notes[:4] == ["Correction 3.", "Correction 2.", "Correction 1.", "Correction 0."]
    status, first = get_json(client, "/api/v1/changes/", {"page_size": 2})
    status, second = get_json(client, first["next"])
    assert [c["note"] for c in second["results"]] == notes[2:4]
    status, back = get_json(client, second["previous"])
    assert [c["note"] for c in back["results"]] == notes[:2]
    status, last = get_json(client, second["next"])
    assert [c["note"] for c in last["results"]] == notes[4:]
    assert last["next"] is None


def test_the_sites_switch_for_rate_limits_lifts_the_apis_too(client, desk, two_a_minute, settings):
    settings.RATELIMIT_ENABLE = False
    for page_size in (1, 2, 3, 4):
        assert client.get("/api/v1/statements/", {"page_size": page_size}).status_code == 200

"""A data desk reads the tracker's published records through the API: every list, its page's
filters, stable ids and the page address of each record."""

import pytest

from .conftest import get_json, results

pytestmark = pytest.mark.django_db


def test_the_api_root_lists_every_endpoint(client):
    status, body = get_json(client, "/api/v1/")
    assert status == 200
    assert set(body) == {
        "jurisdictions",
        "agencies",
        "officials",
        "roles",
        "sources",
        "events",
        "statements",
        "stances",
        "agreements",
        "designations",
        "changes",
    }
    assert body["statements"] == "http://testserver/api/v1/statements/"


def test_a_statement_carries_its_id_page_speaker_place_event_and_sources(client, desk):
    spoke = desk["spoke"]
    [row] = results(client, "/api/v1/statements/", {"city": "denver-co"})
    assert row["id"] == spoke.pk
    assert row["url"] == f"http://testserver/statements/{spoke.pk}/"
    assert row["quote"] == "We will not help with these raids."
    assert row["said_on"] == "2019-06-21"
    assert row["medium"] == "press_conference"
    assert row["speaker"] == "Mayor Ada"
    assert row["speaker_role"] == "Mayor, Denver"
    assert row["official"] == {
        "id": desk["mayor"].pk,
        "slug": "mayor-ada",
        "name": "Mayor Ada",
        "url": "http://testserver/officials/mayor-ada/",
    }
    assert row["jurisdiction"]["slug"] == "denver-co"
    assert row["event"]["url"] == "http://testserver/events/operation-spring/"
    by_publisher = {s["publisher"]: s for s in row["sources"]}
    assert by_publisher["Denver Post"]["link"] == "https://post.example/raid"
    assert by_publisher["Westword"]["cited_in"] == {
        "id": desk["post"].pk,
        "publisher": "Denver Post",
        "link": "https://post.example/raid",
    }
    assert row["corrections"] == []


def test_statement_filters_are_the_pages_own(client, desk):
    def ids(**params):
        return [row["id"] for row in results(client, "/api/v1/statements/", params)]

    spoke, firm = desk["spoke"].pk, desk["firm"].pk
    assert ids() == [spoke, firm]  # by id, not by date
    assert ids(state="IL") == [firm]
    assert ids(official="mayor-ada") == [spoke]
    assert ids(event="operation-spring") == [spoke]
    assert ids(stance="refuses") == [firm]
    assert ids(said_after="2020-01-01") == [firm]
    assert ids(said_before="2019-12-31") == [spoke]
    assert ids(q="stands firm") == [firm]
    assert ids(medium="press_conference") == [spoke]


def test_a_corrected_statement_shows_its_correction(client, desk):
    [row] = results(client, "/api/v1/statements/", {"city": "chicago-il"})
    assert row["speaker"] == "Chicago Police Department"
    assert row["official"] is None
    assert row["agency"] == {
        "id": desk["police"].pk,
        "name": "Chicago Police Department",
        "kind": "police",
    }
    assert [c["note"] for c in row["corrections"]] == ["The date was corrected from February 2."]


def test_jurisdictions_give_level_geoid_parent_and_headline_stance(client, desk):
    rows = {row["slug"]: row for row in results(client, "/api/v1/jurisdictions/")}
    assert set(rows) == {"denver-county-co", "denver-co", "chicago-il"}
    denver = rows["denver-co"]
    assert denver["url"] == "http://testserver/cities/denver-co/"
    assert denver["level"] == "city"
    assert denver["geoid"] == "0820000"
    assert denver["parent"]["slug"] == "denver-county-co"
    assert denver["stance"] == "limited"
    assert denver["statement_count"] == 1
    assert denver["latest_statement_on"] == "2019-06-21"
    assert rows["denver-county-co"]["level"] == "county"
    assert rows["denver-county-co"]["stance"] == "not_recorded"  # no stance on record


def test_jurisdiction_filters_are_those_of_cities_and_the_map(client, desk):
    def slugs(**params):
        return [row["slug"] for row in results(client, "/api/v1/jurisdictions/", params)]

    assert slugs(level="county") == ["denver-county-co"]
    assert slugs(state="IL") == ["chicago-il"]
    assert slugs(stance="limited") == ["denver-co"]
    assert slugs(event="operation-spring") == ["denver-co", "chicago-il"]
    assert slugs(q="county") == ["denver-county-co"]
    # In 2018 Chicago had no stance yet: the stance filter and field read that day's, and
    # say "not recorded" (not "unknown", a recorded stance: no public position).
    params = {"as_of": "2018-01-01", "stance": "not_recorded"}
    then = results(client, "/api/v1/jurisdictions/", params)
    assert {row["slug"]: row["stance"] for row in then} == {
        "denver-county-co": "not_recorded",
        "chicago-il": "not_recorded",
    }


def test_stances_give_practices_dates_and_the_announcing_statement(client, desk):
    [row] = results(client, "/api/v1/stances/", {"jurisdiction": "denver-co"})
    assert row["id"] == desk["limited"].pk
    assert row["url"] == "http://testserver/cities/denver-co/"
    assert row["level"] == "limited"
    assert row["effective_from"] == "2017-08-30"
    assert row["ended_on"] is None
    assert row["is_current"] is True
    assert row["practices"]["honours_detainers"] == "no"
    assert row["practices"]["joins_ice_operations"] == "unknown"
    assert row["announced_by"]["id"] == desk["spoke"].pk
    assert [s["publisher"] for s in row["sources"]] == ["Denver Post"]
    assert [r["id"] for r in results(client, "/api/v1/stances/", {"level": "refuses"})] == [
        desk["refuses"].pk
    ]
    assert results(client, "/api/v1/stances/", {"current": "false"}) == []
    assert len(results(client, "/api/v1/stances/", {"in_force_on": "2019-01-01"})) == 1


def test_officials_come_with_their_roles_and_roles_with_their_official(client, desk):
    [mayor] = results(client, "/api/v1/officials/", {"jurisdiction": "denver-co"})
    assert mayor["url"] == "http://testserver/officials/mayor-ada/"
    assert [(r["title"], r["jurisdiction"]["slug"], r["started_on"]) for r in mayor["roles"]] == [
        ("Mayor", "denver-co", "2019-01-01")
    ]
    [role] = results(client, "/api/v1/roles/", {"held_on": "2020-01-01"})
    assert role["official"]["slug"] == "mayor-ada"
    assert role["url"] == "http://testserver/officials/mayor-ada/"
    assert results(client, "/api/v1/roles/", {"held_on": "2018-01-01"}) == []


def test_agencies_events_and_sources(client, desk):
    [police] = results(client, "/api/v1/agencies/", {"state": "IL"})
    assert police["name"] == "Chicago Police Department"
    assert police["url"] == "http://testserver/cities/chicago-il/"
    [raid] = results(client, "/api/v1/events/", {"jurisdiction": "chicago-il"})
    assert [j["slug"] for j in raid["targeted_jurisdictions"]] == ["chicago-il", "denver-co"]
    publishers = {s["publisher"] for s in results(client, "/api/v1/sources/")}
    assert {"Denver Post", "Westword", "US Department of Justice"} <= publishers
    assert [s["publisher"] for s in results(client, "/api/v1/sources/", {"publisher": "west"})] == [
        "Westword"
    ]


def test_287g_agreements_and_designations(client, desk):
    [agreement] = results(client, "/api/v1/agreements/", {"state": "IL"})
    assert agreement["support_type"] == "task_force"
    assert agreement["status"] == "pending"
    assert agreement["agency"]["jurisdiction"]["slug"] == "chicago-il"
    assert agreement["url"] == "http://testserver/cities/chicago-il/"
    assert results(client, "/api/v1/agreements/", {"status": "listed"}) == []
    [designation] = results(client, "/api/v1/designations/", {"jurisdiction": "chicago-il"})
    assert designation["label"] == "sanctuary jurisdiction"
    assert designation["source"]["link"] == "https://doj.example/list"
    assert results(client, "/api/v1/designations/", {"withdrawn": "true"}) == []


def test_the_change_log_lists_corrections_newest_first(client, desk):
    [change] = results(client, "/api/v1/changes/")
    assert change["kind"] == "correction"
    assert change["id"].startswith("correction-")
    assert change["url"] == f"http://testserver/statements/{desk['firm'].pk}/"
    assert change["note"] == "The date was corrected from February 2."


def test_each_record_has_its_own_address_by_id(client, desk):
    status, body = get_json(client, f"/api/v1/statements/{desk['spoke'].pk}/")
    assert (status, body["quote"]) == (200, "We will not help with these raids.")
    status, body = get_json(client, f"/api/v1/jurisdictions/{desk['denver'].pk}/")
    assert (status, body["slug"], body["stance"]) == (200, "denver-co", "limited")
    # A record's address takes no filter: it is the record or a 404.
    status, body = get_json(client, f"/api/v1/jurisdictions/{desk['denver'].pk}/", {"state": "IL"})
    assert (status, body["slug"]) == (200, "denver-co")

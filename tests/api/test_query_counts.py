"""Every list of the API runs a fixed number of queries per page, whatever the number of rows,
their sources, roles and corrections: pinned with 3 and 30 of each."""

import datetime

import pytest

from federal.models import Agreement, AgreementStatus, Designation, SupportType
from statements import services
from tests import factories

# Path, filters, most queries allowed (a filter naming a record reads it once to check it).
LISTS = [
    ("/api/v1/jurisdictions/", {}, 1),
    ("/api/v1/jurisdictions/", {"state": "TX", "event": "raids", "as_of": "2020-01-01"}, 2),
    ("/api/v1/agencies/", {}, 1),
    ("/api/v1/officials/", {}, 2),
    ("/api/v1/roles/", {"official": "the-mayor"}, 2),
    ("/api/v1/sources/", {}, 1),
    ("/api/v1/events/", {}, 3),
    ("/api/v1/statements/", {}, 4),
    ("/api/v1/statements/", {"city": ["hub-il"], "official": "the-mayor", "event": "raids"}, 7),
    ("/api/v1/stances/", {}, 3),
    ("/api/v1/agreements/", {}, 1),
    ("/api/v1/designations/", {}, 1),
    ("/api/v1/changes/", {}, 4),
]


def build(n: int) -> None:
    """A hub city whose mayor made n statements (n sources each, n corrections among them) and
    held n roles; n stances; n more places, each with an agency, a 287(g) agreement and a
    designation; an event targeting them all."""
    event = factories.EventFactory(slug="raids", name="Raids")
    hub = factories.JurisdictionFactory(name="Hub", state="IL", slug="hub-il")
    mayor = factories.OfficialFactory(name="The Mayor", slug="the-mayor")
    sources = [factories.SourceFactory() for _ in range(n)]
    event.sources.set(sources)
    for i in range(n):
        factories.RoleFactory(official=mayor, jurisdiction=hub, title=f"Title {i}")
        statement = factories.StatementFactory(
            official=mayor, jurisdiction=hub, event=event, sources=sources
        )
        services.statement_correct(statement=statement, changes={}, note=f"Corrected {i}.")
        stance = factories.StanceFactory(
            jurisdiction=hub,
            effective_from=datetime.date(2000, 1, 1) + datetime.timedelta(days=30 * i),
            sources=sources,
            announced_by=statement,
        )
        services.stance_publish(stance=stance)
        place = factories.JurisdictionFactory(name=f"Place {i}", state="TX")
        event.targeted_jurisdictions.add(place)
        agency = factories.AgencyFactory(jurisdiction=place)
        Agreement.objects.create(
            agency=agency,
            support_type=SupportType.JAIL_ENFORCEMENT,
            first_listed_on=datetime.date(2025, 1, 1),
            last_listed_on=datetime.date(2025, 2, 1),
            status=AgreementStatus.LISTED,
        )
        Designation.objects.create(
            jurisdiction=place,
            designated_by="US Department of Justice",
            label="sanctuary jurisdiction",
            designated_on=datetime.date(2025, 8, 5),
            source=sources[i],
            reply="We are not.",
            reply_source=sources[-1],
        )


@pytest.mark.parametrize("size", [3, 30])
def test_every_list_runs_a_fixed_number_of_queries(client, db, size, django_assert_max_num_queries):
    build(size)
    for path, params, most in LISTS:
        with django_assert_max_num_queries(most, info=f"{path} {params}"):
            response = client.get(path, {**params, "page_size": 100})
        assert response.status_code == 200, (path, response.content[:300])
        assert response.json()["results"], f"{path} {params} listed nothing"


@pytest.mark.parametrize("size", [3, 30])
def test_every_record_by_id_runs_a_fixed_number_of_queries(
    client, db, size, django_assert_max_num_queries
):
    build(size)
    for path, _, most in LISTS:
        if path.endswith("changes/"):
            continue
        first = client.get(path, {"page_size": 1}).json()["results"][0]
        with django_assert_max_num_queries(most, info=path):
            response = client.get(f"{path}{first['id']}/")
        assert response.json()["id"] == first["id"]

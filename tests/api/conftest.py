"""A small newsroom's published records, and a client that reads the API as JSON."""

import datetime
import json

import pytest
from django.test import Client

from federal.models import Agreement, AgreementStatus, Designation, SupportType
from statements import services
from statements.models import Medium, Practice
from tests import factories


def get_json(client: Client, path: str, params=None, **headers) -> tuple[int, dict]:
    """(status, body as JSON) of a GET of the API."""
    response = client.get(path, params or {}, headers=headers)
    assert response["Content-Type"].startswith("application/json"), response.content[:300]
    return response.status_code, json.loads(response.content)


def results(client: Client, path: str, params=None) -> list[dict]:
    """The records of the first page of a list, which must answer 200."""
    status, body = get_json(client, path, params)
    assert status == 200, body
    return body["results"]


@pytest.fixture
def desk(db):
    """Denver (a county's city, limited cooperation, a mayor who spoke to a raid) and Chicago
    (refuses, a police department with a 287(g) application and a DOJ designation)."""
    county = factories.JurisdictionFactory(
        name="Denver County", state="CO", slug="denver-county-co", level="county", geoid="08031"
    )
    denver = factories.JurisdictionFactory(
        name="Denver", state="CO", slug="denver-co", parent=county, geoid="0820000"
    )
    chicago = factories.JurisdictionFactory(name="Chicago", state="IL", slug="chicago-il")
    police = factories.AgencyFactory(jurisdiction=chicago, name="Chicago Police Department")
    mayor = factories.OfficialFactory(name="Mayor Ada", slug="mayor-ada")
    factories.RoleFactory(
        official=mayor, jurisdiction=denver, title="Mayor", started_on=datetime.date(2019, 1, 1)
    )
    raid = factories.EventFactory(name="Operation Spring", slug="operation-spring")
    raid.targeted_jurisdictions.add(denver, chicago)
    post = factories.SourceFactory(publisher="Denver Post", url="https://post.example/raid")
    via = factories.SourceFactory(
        publisher="Westword", url="", title="", cited_in=post, published_on=None
    )
    spoke = factories.StatementFactory(
        official=mayor,
        jurisdiction=denver,
        event=raid,
        said_on=datetime.date(2019, 6, 21),
        medium=Medium.PRESS_CONFERENCE,
        quote="We will not help with these raids.",
        sources=[post, via],
    )
    firm = factories.StatementFactory(
        official=None,
        agency=police,
        jurisdiction=chicago,
        said_on=datetime.date(2020, 2, 1),
        quote="Chicago stands firm.",
    )
    limited = factories.StanceFactory(
        jurisdiction=denver,
        level="limited",
        effective_from=datetime.date(2017, 8, 30),
        honours_detainers=Practice.NO,
        announced_by=spoke,
        sources=[post],
    )
    services.stance_publish(stance=limited)
    refuses = factories.StanceFactory(
        jurisdiction=chicago, level="refuses", effective_from=datetime.date(2020, 1, 1)
    )
    services.stance_publish(stance=refuses)
    services.statement_correct(
        statement=firm, changes={}, note="The date was corrected from February 2."
    )
    doj = factories.SourceFactory(
        publisher="US Department of Justice", url="https://doj.example/list"
    )
    designation = Designation.objects.create(
        jurisdiction=chicago,
        designated_by="US Department of Justice",
        label="sanctuary jurisdiction",
        designated_on=datetime.date(2025, 8, 5),
        source=doj,
    )
    agreement = Agreement.objects.create(
        agency=police,
        support_type=SupportType.TASK_FORCE,
        first_listed_on=datetime.date(2025, 3, 1),
        last_listed_on=datetime.date(2025, 6, 1),
        status=AgreementStatus.PENDING,
    )
    for record in (denver, chicago, limited, refuses):
        record.refresh_from_db()
    return {
        "county": county,
        "denver": denver,
        "chicago": chicago,
        "police": police,
        "mayor": mayor,
        "raid": raid,
        "post": post,
        "via": via,
        "doj": doj,
        "spoke": spoke,
        "firm": firm,
        "limited": limited,
        "refuses": refuses,
        "designation": designation,
        "agreement": agreement,
    }

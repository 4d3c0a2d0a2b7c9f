import pytest
from django.contrib.auth.models import Group

from statements.models import Status
from tests.factories import (
    JurisdictionFactory,
    PublishedStanceFactory,
    PublishedStatementFactory,
    StatementFactory,
)

ROLES = {"contributor": "Contributors", "editor": "Editors", "administrator": "Administrators"}


@pytest.fixture
def member(db, django_user_model):
    """member("editor") is a staff user in that newsroom role's group."""

    def make(role: str):
        user = django_user_model.objects.create_user(
            username=role,
            password=f"a-long-{role}-password",
            is_staff=True,
            first_name=role.title(),
        )
        user.groups.add(Group.objects.get(name=ROLES[role]))
        return user

    return make


@pytest.fixture
def login(client, member):
    """login("contributor") logs the test client in as a new member of that role."""

    def log_in(role: str):
        user = member(role)
        client.force_login(user)
        return user

    return log_in


@pytest.fixture
def gotham(db):
    return JurisdictionFactory(name="Gotham", state="NJ", slug="gotham-nj")


@pytest.fixture
def published_statement(gotham):
    return PublishedStatementFactory(
        jurisdiction=gotham, quote="We will not help with these raids."
    )


@pytest.fixture
def draft_statement(gotham):
    return StatementFactory(jurisdiction=gotham, quote="A draft quote.", status=Status.DRAFT)


@pytest.fixture
def published_stance(gotham):
    return PublishedStanceFactory(jurisdiction=gotham, level="refuses")

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from statements import services
from tests.factories import JurisdictionFactory, SourceFactory, StanceFactory, StatementFactory

ROLES = {"contributor": "Contributors", "editor": "Editors", "administrator": "Administrators"}


def admin_url(model, page, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


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
    return StatementFactory(
        jurisdiction=gotham, quote="We will not help with these raids.", sources=[SourceFactory()]
    )


@pytest.fixture
def draft_statement(gotham):
    return StatementFactory(jurisdiction=gotham, quote="A draft quote.", status="draft")


@pytest.fixture
def published_stance(gotham):
    return services.stance_publish(stance=StanceFactory(jurisdiction=gotham, level="refuses"))


def form_data(response) -> dict:
    """What the browser would POST back from an unchanged admin change page: the main form and
    every inline with its management form."""

    def values(form) -> dict:
        data = {}
        for bound in form:
            value = bound.value()
            if value is None:
                continue
            if isinstance(value, list | tuple):
                data[bound.html_name] = [str(item) for item in value]
            elif isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            else:
                data[bound.html_name] = str(value)
        return data

    data = values(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        data.update(values(inline.formset.management_form))
        for form in inline.formset.initial_forms:
            data.update(values(form))
    return data


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []

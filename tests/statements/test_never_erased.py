"""Published claims are retracted, never erased (issue 12, finding 2).

An editor deleted a published statement (its permalink became a 404, /changes/ said nothing) and
the only source of another (left public with "No source recorded."). Now every path refuses:
the admin's delete page, its bulk action, the stance inline, the services and the model itself,
and the answer says what to do instead.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from cities.models import Jurisdiction
from statements import services
from statements.models import Source, Stance, Statement, Status
from statements.querysets import ErasureRefused
from tests.admin_helpers import admin_url, form_data, messages_of
from tests.factories import (
    JurisdictionFactory,
    PublishedStanceFactory,
    PublishedStatementFactory,
    SourceFactory,
    StatementFactory,
)


@pytest.fixture
def editor_logged_in(client, django_user_model):
    editor = django_user_model.objects.create_user("editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    return client


@pytest.fixture
def chicago(db):
    return JurisdictionFactory(name="Chicago", state="IL", slug="chicago-il")


@pytest.fixture
def statement(chicago):
    return PublishedStatementFactory(jurisdiction=chicago, said_on=datetime.date(2019, 6, 21))


def test_an_editor_cannot_delete_a_published_statement_and_is_told_to_retract_it(
    client, editor_logged_in, statement
):
    response = client.post(admin_url(Statement, "delete", statement.pk), {"post": "yes"})

    assert response.status_code == 302
    assert response.url == admin_url(Statement, "change", statement.pk)
    [message] = messages_of(response)
    assert message == (
        f"Statement #{statement.pk} (Chicago, 21 Jun 2019) is published: a published statement "
        "is retracted, never deleted. Retract it instead; its permalink then says why."
    )
    assert Statement.objects.filter(pk=statement.pk).exists()
    assert client.get(statement.get_absolute_url()).status_code == 200
    # Opening the delete page answers the same way, before anyone confirms.
    opened = client.get(admin_url(Statement, "delete", statement.pk), follow=True)
    assert "Retract it instead" in messages_of(opened)[0]


def test_a_retracted_statement_stays_for_its_permalink(client, editor_logged_in, statement):
    services.statement_retract(statement=statement, reason="Misattributed.")

    response = client.post(admin_url(Statement, "delete", statement.pk), {"post": "yes"})

    assert "is retracted: it stays on record for its permalink" in messages_of(response)[0]
    assert "Misattributed." in client.get(statement.get_absolute_url()).content.decode()


def test_the_bulk_delete_action_refuses_the_whole_batch_naming_the_published_ones(
    client, editor_logged_in, statement, chicago
):
    draft = StatementFactory(jurisdiction=chicago, status=Status.DRAFT)

    response = client.post(
        admin_url(Statement, "changelist"),
        {"action": "delete_selected", "_selected_action": [statement.pk, draft.pk], "post": "yes"},
        follow=True,
    )

    [message] = messages_of(response)
    assert message.startswith("Nothing was deleted. Statement #")
    assert "Retract it instead" in message
    assert Statement.objects.count() == 2


def test_drafts_are_still_deleted_as_before(client, editor_logged_in, chicago):
    draft = StatementFactory(jurisdiction=chicago, status=Status.DRAFT)
    only_source = draft.sources.get()

    client.post(admin_url(Statement, "delete", draft.pk), {"post": "yes"})
    client.post(admin_url(Source, "delete", only_source.pk), {"post": "yes"})

    assert not Statement.objects.exists() and not Source.objects.exists()


def test_a_published_stance_cannot_be_deleted_from_its_page_its_jurisdictions_page_or_the_list(
    client, editor_logged_in, chicago
):
    stance = PublishedStanceFactory(jurisdiction=chicago, effective_from=datetime.date(2019, 7, 1))

    single = client.post(admin_url(Stance, "delete", stance.pk), {"post": "yes"})
    assert messages_of(single) == [
        f"Stance #{stance.pk} (Chicago, from 1 Jul 2019) is published: a published stance is "
        "retracted, never deleted. Retract it instead; its permalink then says why."
    ]

    bulk = client.post(
        admin_url(Stance, "changelist"),
        {"action": "delete_selected", "_selected_action": [stance.pk], "post": "yes"},
        follow=True,
    )
    assert "Retract it instead" in messages_of(bulk)[0]

    url = admin_url(Jurisdiction, "change", chicago.pk)
    data = form_data(client.get(url))
    inline = client.post(url, {**data, "stances-0-DELETE": "on"})
    assert inline.status_code == 200
    errors = " ".join(inline.context["inline_admin_formsets"][-1].formset.non_form_errors())
    assert "is published: a published stance is retracted, never deleted" in errors

    assert Stance.objects.get().status == Status.PUBLISHED
    chicago.refresh_from_db()
    assert chicago.stance_level == stance.level


def test_a_cited_source_cannot_be_deleted_and_the_message_names_the_claims_citing_it(
    client, editor_logged_in, chicago
):
    source = SourceFactory(publisher="Tribune", title="Raids", published_on=None)
    statement = PublishedStatementFactory(
        jurisdiction=chicago, said_on=datetime.date(2019, 6, 21), sources=[source]
    )
    stance = PublishedStanceFactory(
        jurisdiction=chicago, effective_from=datetime.date(2019, 7, 1), sources=[source]
    )
    StatementFactory(jurisdiction=chicago, status=Status.DRAFT, sources=[source])

    response = client.post(admin_url(Source, "delete", source.pk), {"post": "yes"})

    [message] = messages_of(response)
    assert message.startswith(
        f"“Tribune: Raids” cannot be deleted: cited by statement #{statement.pk} (Chicago, "
        f"21 Jun 2019) and stance #{stance.pk} (Chicago, from 1 Jul 2019)."
    )
    assert "correct each published claim to cite another source first" in message
    assert Source.objects.filter(pk=source.pk).exists()
    permalink = client.get(statement.get_absolute_url()).content.decode()
    assert "Tribune" in permalink and "No source recorded" not in permalink

    bulk = client.post(
        admin_url(Source, "changelist"),
        {"action": "delete_selected", "_selected_action": [source.pk], "post": "yes"},
        follow=True,
    )
    assert "cited by statement #" in messages_of(bulk)[0]
    assert Source.objects.filter(pk=source.pk).exists()


def test_a_source_cited_only_by_a_retracted_statement_stays_too(chicago):
    statement = PublishedStatementFactory(jurisdiction=chicago)
    services.statement_retract(statement=statement, reason="Wrong speaker.")

    with pytest.raises(services.WorkflowError, match="cited by statement #"):
        services.source_delete(source=statement.sources.get())


def test_the_services_refuse_and_say_what_to_do_instead(statement, chicago):
    stance = PublishedStanceFactory(jurisdiction=chicago)

    with pytest.raises(services.WorkflowError, match="Retract it instead"):
        services.statement_delete(statement=statement)
    with pytest.raises(services.WorkflowError, match="Retract it instead"):
        services.stance_delete(stance=stance)
    assert Stance.objects.get().status == Status.PUBLISHED
    assert Statement.objects.get().status == Status.PUBLISHED


def test_the_model_refuses_whatever_path_deletes(statement):
    source = statement.sources.get()

    # Each in its own savepoint: the refusal comes from inside the deletion's transaction.
    with pytest.raises(ErasureRefused, match="is published"), transaction.atomic():
        statement.delete()
    with pytest.raises(ErasureRefused, match="is published"), transaction.atomic():
        Statement.objects.filter(pk=statement.pk).delete()
    with pytest.raises(ErasureRefused, match="cannot be deleted: cited by"), transaction.atomic():
        source.delete()
    with pytest.raises(ErasureRefused, match="cannot be deleted: cited by"), transaction.atomic():
        Source.objects.all().delete()

    assert Statement.objects.filter(pk=statement.pk, sources=source).exists()

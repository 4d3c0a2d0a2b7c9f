"""Who may do what in the admin, enforced on the server: each newsroom role against each action.

Contributors add and edit drafts and propose changes to everything else the public sees (those
wait for an editor); Editors also publish, unpublish, correct, retract, delete drafts and
approve proposals; Administrators also manage users. Nobody deletes a published claim. Every
refusal leaves the record, and the public page, as it was.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from statements.models import Event, Source, Statement, Status
from tests.admin_helpers import admin_url, form_data, messages_of
from tests.factories import EventFactory, OfficialFactory
from tracker.pending import PendingChange, PendingStatus, pending_change_propose

ROLES = ["contributor", "editor", "administrator"]
ALLOWED = {
    "add draft": {"contributor", "editor", "administrator"},
    "edit draft": {"contributor", "editor", "administrator"},
    "publish": {"editor", "administrator"},
    "unpublish": {"editor", "administrator"},
    "correct": {"editor", "administrator"},
    "retract": {"editor", "administrator"},
    "delete": {"editor", "administrator"},
    "manage users": {"administrator"},
    "edit a cited source": {"editor", "administrator"},
    "add an event": {"editor", "administrator"},
    "restore a deleted event": {"editor", "administrator"},
    "approve a proposal": {"editor", "administrator"},
    "delete a published statement": set(),
}
# How each refusal is told: a bare 403 for what the role may not even try, a message otherwise.
REFUSALS = ("Only editors may", "waits for an editor", "Retract it instead")


def statement_post(statement, **changes) -> dict:
    """The admin form's fields for `statement`, as a browser posts them, with `changes`."""
    data = {
        "official": statement.official_id or "",
        "agency": statement.agency_id or "",
        "jurisdiction": statement.jurisdiction_id,
        "said_on": statement.said_on.isoformat(),
        "said_on_basis": statement.said_on_basis,
        "medium": statement.medium,
        "quote": statement.quote,
        "summary": statement.summary,
        "language": statement.language,
        "translation": statement.translation,
        "translation_language": statement.translation_language,
        "sources": [str(pk) for pk in statement.sources.values_list("pk", flat=True)],
        "event": statement.event_id or "",
        "opened_version": statement.version,
    }
    return {**data, **changes}


def add_draft(client, draft, published):
    official = OfficialFactory(name="Jane Roe")
    data = statement_post(draft, official=official.pk, quote="A brand new draft.")
    data.pop("opened_version")
    response = client.post(admin_url(Statement, "add"), data)
    created = Statement.objects.filter(quote="A brand new draft.").first()
    return response, created is not None and created.status == Status.DRAFT


def edit_draft(client, draft, published):
    url = admin_url(Statement, "change", draft.pk)
    response = client.post(url, statement_post(draft, quote="An edited draft."))
    draft.refresh_from_db()
    return response, draft.quote == "An edited draft."


def run_action(action):
    def act(client, draft, published):
        target = {"publish": draft, "unpublish": published}[action]
        response = client.post(
            admin_url(Statement, "changelist"),
            {"action": action, "_selected_action": [target.pk]},
            follow=True,
        )
        target.refresh_from_db()
        expected = Status.PUBLISHED if action == "publish" else Status.DRAFT
        return response, target.status == expected

    return act


def correct(client, draft, published):
    response = client.post(
        admin_url(Statement, "change", published.pk),
        statement_post(
            published, quote="A corrected quote.", correction_note="The quote was misheard."
        ),
    )
    published.refresh_from_db()
    return response, published.quote == "A corrected quote." and published.corrections.exists()


def retract(client, draft, published):
    response = client.post(
        admin_url(Statement, "retract", published.pk),
        {"reason": "The speaker was misidentified.", "confirm_retract": "yes"},
    )
    published.refresh_from_db()
    return response, published.status == Status.RETRACTED


def delete(client, draft, published):
    response = client.post(admin_url(Statement, "delete", draft.pk), {"post": "yes"})
    return response, not Statement.objects.filter(pk=draft.pk).exists()


def manage_users(client, draft, published):
    response = client.post(
        "/admin/auth/user/add/",
        {
            "username": "newhire",
            "password1": "a-long-new-password-42",
            "password2": "a-long-new-password-42",
            "usable_password": "true",
        },
    )
    return response, get_user_model().objects.filter(username="newhire").exists()


def edit_cited_source(client, draft, published):
    source = published.sources.get()
    url = admin_url(Source, "change", source.pk)
    response = client.post(
        url, {**form_data(client.get(url)), "title": "Edited title"}, follow=True
    )
    source.refresh_from_db()
    return response, source.title == "Edited title"


def add_event(client, draft, published):
    response = client.post(
        admin_url(Event, "add"),
        {"name": "Operation Dawn", "slug": "operation-dawn", "starts_on": "2019-06-23"},
        follow=True,
    )
    return response, Event.objects.filter(slug="operation-dawn").exists()


def restore_event(client, draft, published):
    event = EventFactory(slug="operation-dusk")
    pk = event.pk
    event.delete()
    deletion = Event.history.get(id=pk, history_type="-")
    response = client.post(admin_url(Event, "restore", deletion.history_id), follow=True)
    return response, Event.objects.filter(slug="operation-dusk").exists()


def approve_proposal(client, draft, published):
    source = published.sources.get()
    proposer = get_user_model().objects.create_user("proposer", is_staff=True)
    change = pending_change_propose(
        model=Source, values={"title": "Proposed title"}, author=proposer, record=source
    )
    response = client.post(admin_url(PendingChange, "change", change.pk), {"_approve": "Approve"})
    change.refresh_from_db()
    source.refresh_from_db()
    return response, change.status == PendingStatus.APPROVED and source.title == "Proposed title"


def delete_published(client, draft, published):
    response = client.post(admin_url(Statement, "delete", published.pk), {"post": "yes"})
    return response, not Statement.objects.filter(pk=published.pk).exists()


ACTIONS = {
    "add draft": add_draft,
    "edit draft": edit_draft,
    "publish": run_action("publish"),
    "unpublish": run_action("unpublish"),
    "correct": correct,
    "retract": retract,
    "delete": delete,
    "manage users": manage_users,
    "edit a cited source": edit_cited_source,
    "add an event": add_event,
    "restore a deleted event": restore_event,
    "approve a proposal": approve_proposal,
    "delete a published statement": delete_published,
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_do_exactly_what_its_job_needs(
    client, login, role, action, draft_statement, published_statement
):
    login(role)
    before = (draft_statement.quote, draft_statement.status, published_statement.status)

    response, happened = ACTIONS[action](client, draft_statement, published_statement)

    if role in ALLOWED[action]:
        assert happened, (role, action, response.status_code, messages_of(response))
    else:
        assert not happened, (role, action)
        refused = response.status_code == 403 or any(
            refusal in m for m in messages_of(response) for refusal in REFUSALS
        )
        assert refused, (role, action, response.status_code, messages_of(response))
        draft_statement.refresh_from_db()
        published_statement.refresh_from_db()
        assert (
            draft_statement.quote,
            draft_statement.status,
            published_statement.status,
        ) == before


def test_the_roles_are_the_groups_the_migrations_made(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Contributors",
        "Editors",
        "Administrators",
    }

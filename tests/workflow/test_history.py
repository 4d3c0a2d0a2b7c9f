"""The admin history of a record: what changed field by field, a revert to any version (through the
version lock and the workflow), and deleted records brought back."""

from django.contrib.auth.models import Permission

from cities.models import Agency, Jurisdiction
from statements import services
from statements.models import Event, Statement, Status
from tests.admin_helpers import admin_url, form_data, messages_of
from tests.factories import AgencyFactory, EventFactory, SourceFactory


def edit(client, record, **changes):
    url = admin_url(type(record), "change", record.pk)
    response = client.post(url, {**form_data(client.get(url)), **changes})
    assert response.status_code == 302, (
        response.context and response.context["adminform"].form.errors
    )
    record.refresh_from_db()


def versions(record) -> list:
    """The record's historical rows, oldest first."""
    return list(type(record).history.filter(id=record.pk).order_by("history_date", "history_id"))


def test_the_history_lists_each_change_field_by_field_with_who_made_it(
    client, login, draft_statement
):
    login("editor")
    edit(client, draft_statement, quote="A sharper quote.", medium="interview")

    page = client.get(admin_url(Statement, "history", draft_statement.pk))
    html = page.content.decode()
    assert "<strong>Verbatim quote:</strong>\n                    A draft quote." in html
    assert "A sharper quote." in html
    assert "<strong>Medium:</strong>\n                    Press statement" in html
    assert "Interview" in html
    assert "Version:" not in html and "Updated at:" not in html
    newest = page.context["page_obj"].object_list[0]
    assert {c.field for c in newest.history_delta_changes} == {"Verbatim quote", "Medium"}
    assert newest.history_user.username == "editor"


def test_an_editor_reverts_a_draft_to_an_earlier_version(client, login, draft_statement):
    login("editor")
    first = versions(draft_statement)[0]
    edit(client, draft_statement, quote="A second wording.")
    version_before = draft_statement.version

    url = admin_url(Statement, "simple_history", draft_statement.pk, first.history_id)
    page = client.get(url)
    assert page.context["adminform"].form["quote"].value() == "A draft quote."
    response = client.post(url, form_data(page), follow=True)

    draft_statement.refresh_from_db()
    assert draft_statement.quote == "A draft quote."
    assert draft_statement.version == version_before + 1
    assert any(m.startswith("Reverted “") for m in messages_of(response))


def test_reverting_a_published_statement_is_a_correction_and_keeps_it_published(
    client, login, published_statement
):
    login("editor")
    original = versions(published_statement)[0]
    services.statement_correct(
        statement=published_statement, changes={"quote": "Wrong fix."}, note="First fix."
    )
    url = admin_url(Statement, "simple_history", published_statement.pk, original.history_id)
    data = form_data(client.get(url))

    refused = client.post(url, data)
    assert "say what you corrected" in str(refused.context["adminform"].form.errors)

    done = client.post(url, {**data, "correction_note": "Back to the quote as said."})
    assert done.status_code == 302, done.context["adminform"].form.errors
    published_statement.refresh_from_db()
    assert published_statement.quote == "We will not help with these raids."
    assert published_statement.status == Status.PUBLISHED
    assert [c.note for c in published_statement.corrections.all()] == [
        "Back to the quote as said.",
        "First fix.",
    ]


def test_a_revert_never_changes_the_status(client, login, draft_statement):
    """The first version was a draft; reverting the published record to it keeps it published."""
    login("editor")
    first = versions(draft_statement)[0]
    services.statements_publish(statements=[draft_statement])
    url = admin_url(Statement, "simple_history", draft_statement.pk, first.history_id)
    data = {**form_data(client.get(url)), "summary": "Added.", "correction_note": "Summary."}
    client.post(url, data)
    draft_statement.refresh_from_db()
    assert draft_statement.status == Status.PUBLISHED and draft_statement.summary == "Added."


def test_a_contributor_cannot_revert_a_published_record(client, login, published_statement):
    login("contributor")
    first = versions(published_statement)[0]
    url = admin_url(Statement, "simple_history", published_statement.pk, first.history_id)
    page = client.get(url)
    assert page.status_code == 200 and page.context["revert_disabled"]
    response = client.post(url, {"quote": "Forged.", "correction_note": "Forged."})
    assert response.status_code == 403
    published_statement.refresh_from_db()
    assert published_statement.quote == "We will not help with these raids."


def test_a_version_whose_event_was_deleted_since_cannot_come_back_and_says_why(
    client, login, draft_statement
):
    login("editor")
    raid = EventFactory(name="Operation Nightfall")
    edit(client, draft_statement, event=str(raid.pk))
    with_event = versions(draft_statement)[-1]
    edit(client, draft_statement, event="")
    client.post(admin_url(Event, "delete", raid.pk), {"post": "yes"}, follow=True)
    assert not Event.objects.filter(pk=raid.pk).exists()

    url = admin_url(Statement, "simple_history", draft_statement.pk, with_event.history_id)
    response = client.get(url, follow=True)

    assert response.redirect_chain[-1][0] == admin_url(Statement, "history", draft_statement.pk)
    [message] = messages_of(response)
    assert "cannot be restored: its event “Operation Nightfall” was deleted on" in message
    assert "Restore that record from the deleted records first" in message


def test_a_version_citing_a_deleted_source_cannot_come_back(client, login, draft_statement):
    login("editor")
    old_source = draft_statement.sources.get()
    first = versions(draft_statement)[-1]
    edit(client, draft_statement, sources=[str(SourceFactory().pk)])
    old_source.delete()

    url = admin_url(Statement, "simple_history", draft_statement.pk, first.history_id)
    response = client.post(url, {"quote": "x"}, follow=True)
    assert any("its sources “The Daily Record" in m for m in messages_of(response))
    draft_statement.refresh_from_db()
    assert draft_statement.quote == "A draft quote."


def test_a_deleted_draft_is_listed_and_restored_as_a_draft_with_its_sources(
    client, login, draft_statement
):
    # Only a draft can be deleted: a published statement is retracted instead.
    login("editor")
    sources = list(draft_statement.sources.all())
    pk = draft_statement.pk
    client.post(admin_url(Statement, "delete", pk), {"post": "yes"})

    listing = client.get(admin_url(Statement, "deleted"))
    assert "A draft quote." in listing.content.decode()
    [(row, label)] = listing.context["rows"]
    assert row.id == pk and label == str(draft_statement) and listing.context["can_restore"]
    changelist = client.get(admin_url(Statement, "changelist"))
    assert admin_url(Statement, "deleted") in changelist.content.decode()

    response = client.post(admin_url(Statement, "restore", row.history_id), follow=True)

    restored = Statement.objects.get(pk=pk)
    assert restored.quote == "A draft quote."
    assert restored.status == Status.DRAFT
    assert list(restored.sources.all()) == sources
    assert any("as a draft" in m for m in messages_of(response))
    assert client.get(admin_url(Statement, "deleted")).context["rows"] == []


def test_a_deleted_agency_whose_jurisdiction_is_gone_cannot_be_restored_and_says_why(client, login):
    login("editor")
    police = AgencyFactory(name="Metro Police")
    place = police.jurisdiction
    client.post(admin_url(Agency, "delete", police.pk), {"post": "yes"}, follow=True)
    client.post(admin_url(Jurisdiction, "delete", place.pk), {"post": "yes"}, follow=True)
    [(row, _)] = client.get(admin_url(Agency, "deleted")).context["rows"]

    response = client.post(admin_url(Agency, "restore", row.history_id), follow=True)

    [message] = messages_of(response)
    assert f"cannot be restored: its jurisdiction “{place}” was deleted on" in message
    assert not Agency.objects.exists()


def test_a_restore_that_would_clash_with_a_newer_record_is_refused(client, login, gotham):
    login("editor")
    client.post(admin_url(Jurisdiction, "delete", gotham.pk), {"post": "yes"}, follow=True)
    Jurisdiction.objects.create(name="Gotham", state="NJ", slug="gotham-nj")
    [(row, _)] = client.get(admin_url(Jurisdiction, "deleted")).context["rows"]

    response = client.post(admin_url(Jurisdiction, "restore", row.history_id), follow=True)

    [message] = messages_of(response)
    assert message.startswith("“Gotham, NJ” cannot be restored:")
    assert Jurisdiction.objects.count() == 1


def test_restoring_needs_the_add_permission(client, django_user_model, draft_statement):
    reader = django_user_model.objects.create_user("reader", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_statement"))
    client.force_login(reader)
    draft_statement.delete()

    listing = client.get(admin_url(Statement, "deleted"))
    assert listing.status_code == 200 and not listing.context["can_restore"]
    assert "Restore" not in listing.content.decode().split("<table")[1]
    [(row, _)] = listing.context["rows"]
    assert client.post(admin_url(Statement, "restore", row.history_id)).status_code == 403
    assert not Statement.objects.exists()

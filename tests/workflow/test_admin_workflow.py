"""An editor corrects and retracts in the admin; a contributor sees published records read-only."""

from statements.models import Stance, Statement, Status
from tests.admin_helpers import admin_url, form_data, messages_of


def test_an_editor_must_say_what_a_correction_changed(client, login, published_statement):
    login("editor")
    url = admin_url(Statement, "change", published_statement.pk)
    page = client.get(url)
    assert "Correction note" in page.content.decode()
    data = form_data(page)

    data["quote"] = "We will not help with any raids."
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "say what you corrected" in str(refused.context["adminform"].form.errors)
    published_statement.refresh_from_db()
    assert published_statement.quote == "We will not help with these raids."

    data["correction_note"] = "The mayor said “any raids”, not “these raids”."
    saved = client.post(url, data)
    assert saved.status_code == 302
    published_statement.refresh_from_db()
    assert published_statement.quote == "We will not help with any raids."
    assert published_statement.status == Status.PUBLISHED
    note = published_statement.corrections.get()
    assert note.note == "The mayor said “any raids”, not “these raids”."
    assert note.created_by.username == "editor"


def test_a_note_without_a_change_is_refused(client, login, published_statement):
    login("editor")
    url = admin_url(Statement, "change", published_statement.pk)
    data = {**form_data(client.get(url)), "correction_note": "Nothing really."}
    response = client.post(url, data)
    assert "Nothing was changed" in str(response.context["adminform"].form.errors)
    assert not published_statement.corrections.exists()


def test_a_contributor_sees_a_published_statement_read_only_without_workflow_buttons(
    client, login, published_statement
):
    login("contributor")
    page = client.get(admin_url(Statement, "change", published_statement.pk))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="quote"' not in html and 'name="_save"' not in html
    assert "We will not help with these raids." in html
    assert "Retract" not in html

    changelist = client.get(admin_url(Statement, "changelist"))
    action_form = changelist.context["action_form"]
    actions = [v for v, _ in action_form.fields["action"].choices] if action_form else []
    assert not {"publish", "unpublish", "retract", "reinstate"} & set(actions)
    assert "Publish selected" not in changelist.content.decode()


def test_a_contributors_forged_publish_action_is_refused_with_a_message(
    client, login, draft_statement
):
    login("contributor")
    response = client.post(
        admin_url(Statement, "changelist"),
        {"action": "publish", "_selected_action": [draft_statement.pk]},
        follow=True,
    )
    assert "Only editors may publish statements: nothing was changed." in messages_of(response)
    draft_statement.refresh_from_db()
    assert draft_statement.status == Status.DRAFT


def test_an_editor_retracts_from_the_list_after_giving_a_reason(
    client, login, published_statement, draft_statement
):
    login("editor")
    selected = {
        "action": "retract",
        "_selected_action": [published_statement.pk, draft_statement.pk],
    }
    changelist = admin_url(Statement, "changelist")

    confirm = client.post(changelist, selected)
    html = confirm.content.decode()
    assert "Reason for the retraction" in html
    assert str(published_statement) in html
    assert "1 of the selected statements is not published" in html

    no_reason = client.post(changelist, {**selected, "confirm_retract": "yes", "reason": " "})
    assert "Give the reason for the retraction" in no_reason.content.decode()
    published_statement.refresh_from_db()
    assert published_statement.status == Status.PUBLISHED

    done = client.post(
        changelist,
        {**selected, "confirm_retract": "yes", "reason": "The quote was from 2017."},
        follow=True,
    )
    assert any("1 statement retracted" in m for m in messages_of(done))
    published_statement.refresh_from_db()
    draft_statement.refresh_from_db()
    assert published_statement.status == Status.RETRACTED
    assert published_statement.retraction_reason == "The quote was from 2017."
    assert draft_statement.status == Status.DRAFT


def test_an_editor_retracts_one_stance_from_its_page_and_the_headline_moves_back(
    client, login, gotham, published_stance
):
    login("editor")
    page = client.get(admin_url(Stance, "change", published_stance.pk))
    retract_url = admin_url(Stance, "retract", published_stance.pk)
    # The Retract button is a POST form leading to the confirmation page (issue 14).
    assert f'action="{retract_url}"' in page.content.decode()

    form = client.get(retract_url)
    assert "Reason for the retraction" in form.content.decode()
    client.post(retract_url, {"confirm_retract": "yes", "reason": "Misread the policy."})

    published_stance.refresh_from_db()
    gotham.refresh_from_db()
    assert published_stance.status == Status.RETRACTED
    assert gotham.stance_level == "unknown"


def test_a_retracted_record_is_read_only_and_can_be_reinstated_to_draft(
    client, login, published_statement
):
    login("editor")
    client.post(
        admin_url(Statement, "retract", published_statement.pk),
        {"confirm_retract": "yes", "reason": "Wrong city."},
    )
    page = client.get(admin_url(Statement, "change", published_statement.pk))
    assert 'name="quote"' not in page.content.decode()
    assert "Retracted on" in page.content.decode() and "Wrong city." in page.content.decode()

    client.post(
        admin_url(Statement, "changelist"),
        {"action": "reinstate", "_selected_action": [published_statement.pk]},
    )
    published_statement.refresh_from_db()
    assert published_statement.status == Status.DRAFT


def test_on_the_jurisdiction_page_a_published_stance_changes_only_as_an_editors_correction(
    client, login, gotham, published_stance
):
    url = admin_url(type(gotham), "change", gotham.pk)
    login("contributor")
    data = form_data(client.get(url))
    data["stances-0-level"] = "cooperates"
    data["stances-0-correction_note"] = "Cooperates now."
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "only an editor can correct it" in refused.content.decode()
    published_stance.refresh_from_db()
    assert published_stance.level == "refuses"

    login("editor")
    data = form_data(client.get(url))
    data["stances-0-level"] = "cooperates"
    data["stances-0-correction_note"] = "The police cooperate with ICE."
    assert client.post(url, data).status_code == 302
    published_stance.refresh_from_db()
    gotham.refresh_from_db()
    assert published_stance.level == "cooperates" and gotham.stance_level == "cooperates"
    assert published_stance.corrections.get().note == "The police cooperate with ICE."

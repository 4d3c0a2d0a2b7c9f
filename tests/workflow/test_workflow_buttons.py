"""An editor publishes, retracts and corrects from the record's own edit form; each is a POST
confirmed before anything changes, and each leaves its reason in the history. Those who may
not see no buttons, and a forged POST gets a page that says why."""

from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from statements.models import Stance, Statement, Status
from tests.admin_helpers import admin_url, form_data, messages_of
from tracker.errors import permission_denied


def _latest_reason(record) -> str | None:
    return record.history.order_by("-history_date", "-history_id").first().history_change_reason


def test_an_editor_publishes_a_draft_from_its_edit_form(client, login, draft_statement):
    login("editor")
    publish_url = admin_url(Statement, "publish", draft_statement.pk)
    form_page = client.get(admin_url(Statement, "change", draft_statement.pk)).content.decode()
    assert f'<form method="post" action="{publish_url}"' in form_page
    assert "Publish…" in form_page

    # Pressing the button asks first: nothing is published yet.
    confirmation = client.post(publish_url)
    assert "Publish this statement?" in confirmation.content.decode()
    assert "Yes, publish" in confirmation.content.decode()
    draft_statement.refresh_from_db()
    assert draft_statement.status == Status.DRAFT

    done = client.post(publish_url, {"confirm_publish": "yes"})

    assert done.status_code == 302
    assert done["Location"] == admin_url(Statement, "change", draft_statement.pk)
    draft_statement.refresh_from_db()
    assert draft_statement.status == Status.PUBLISHED
    assert _latest_reason(draft_statement) == "Published by an editor"
    assert any("is public now" in message for message in messages_of(done))


def test_a_draft_without_a_source_is_not_published_and_the_editor_is_told_why(
    client, login, draft_statement
):
    login("editor")
    draft_statement.sources.clear()

    done = client.post(
        admin_url(Statement, "publish", draft_statement.pk), {"confirm_publish": "yes"}
    )

    draft_statement.refresh_from_db()
    assert draft_statement.status == Status.DRAFT
    assert any("have no source" in message for message in messages_of(done))


def test_an_editor_publishes_a_draft_stance_and_the_headline_follows(client, login, gotham):
    from tests.factories import StanceFactory

    stance = StanceFactory(jurisdiction=gotham, level="refuses")
    login("editor")

    client.post(admin_url(Stance, "publish", stance.pk), {"confirm_publish": "yes"})

    stance.refresh_from_db()
    gotham.refresh_from_db()
    assert stance.status == Status.PUBLISHED
    assert gotham.stance_level == "refuses"
    assert _latest_reason(stance) == "Published by an editor"


def test_the_list_action_publishes_with_the_same_reason(client, login, draft_statement):
    login("editor")

    client.post(
        admin_url(Statement, "changelist"),
        {"action": "publish", "_selected_action": [draft_statement.pk]},
    )

    draft_statement.refresh_from_db()
    assert draft_statement.status == Status.PUBLISHED
    assert _latest_reason(draft_statement) == "Published by an editor"


def test_an_editor_retracts_from_the_edit_form_after_giving_the_reason(
    client, login, published_statement
):
    login("editor")
    retract_url = admin_url(Statement, "retract", published_statement.pk)
    form_page = client.get(admin_url(Statement, "change", published_statement.pk))
    assert f'<form method="post" action="{retract_url}"' in form_page.content.decode()

    confirmation = client.post(retract_url)
    assert "Reason for the retraction" in confirmation.content.decode()
    client.post(retract_url, {"confirm_retract": "yes", "reason": "Wrong speaker."})

    published_statement.refresh_from_db()
    assert published_statement.status == Status.RETRACTED
    assert _latest_reason(published_statement) == "Retraction: Wrong speaker."


def test_an_editor_saves_a_correction_with_the_save_correction_button(
    client, login, published_statement
):
    login("editor")
    url = admin_url(Statement, "change", published_statement.pk)
    page = client.get(url)
    assert 'value="Save correction"' in page.content.decode()
    data = {
        **form_data(page),
        "quote": "We will not help with any raids.",
        "correction_note": "The quote said any raids.",
        "_save": "Save correction",
    }

    client.post(url, data)

    published_statement.refresh_from_db()
    assert published_statement.quote == "We will not help with any raids."
    assert _latest_reason(published_statement) == "Correction: The quote said any raids."


def test_a_draft_has_no_retract_button_and_a_published_record_no_publish_button(
    client, login, draft_statement, published_statement
):
    login("editor")
    draft_page = client.get(admin_url(Statement, "change", draft_statement.pk)).content.decode()
    published_page = client.get(
        admin_url(Statement, "change", published_statement.pk)
    ).content.decode()

    assert "Retract…" not in draft_page and 'value="Save correction"' not in draft_page
    assert "Publish…" not in published_page


def test_a_contributor_sees_no_buttons_and_a_forged_post_gets_a_page_saying_why(
    client, login, draft_statement
):
    login("contributor")
    page = client.get(admin_url(Statement, "change", draft_statement.pk)).content.decode()
    assert "Publish…" not in page and "Retract…" not in page

    refused = client.post(
        admin_url(Statement, "publish", draft_statement.pk),
        {"confirm_publish": "yes"},
        HTTP_REFERER="http://testserver" + admin_url(Statement, "change", draft_statement.pk),
    )

    assert refused.status_code == 403
    html = refused.content.decode()
    assert "Only editors may publish statements." in html
    assert "Nothing was changed." in html
    assert "Sanctuary Tracker: editors" in html  # the admin's look, not a bare page
    assert admin_url(Statement, "change", draft_statement.pk) in html  # the way back
    draft_statement.refresh_from_db()
    assert draft_statement.status == Status.DRAFT


def test_a_reader_refused_on_the_public_site_gets_the_sites_own_page(db, rf: RequestFactory):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/somewhere/")
    request.user = AnonymousUser()

    page = permission_denied(request, PermissionDenied())

    assert page.status_code == 403
    html = page.content.decode()
    assert "<h1>Not allowed</h1>" in html
    assert "Sanctuary Tracker" in html
    assert "403 Forbidden" not in html

"""A change form posted without the version it was opened at is stale (issue 12, finding 9).

The edit-conflict check was skipped when the POST left out `opened_version`: a page from before a
deploy, or a hand-made request, silently overwrote what others had saved since. Now nothing saves
until the page is reloaded; the record's own lock still holds for every other path.
"""

import pytest
from django.contrib.auth.models import Group

from statements.models import Source, Statement, Status
from tests.admin_helpers import admin_url, form_data
from tests.factories import SourceFactory, StatementFactory
from tracker.forms import STALE_FORM
from tracker.models import ConcurrentEdit


@pytest.fixture
def editor_logged_in(client, django_user_model):
    editor = django_user_model.objects.create_user("editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    return client


@pytest.mark.parametrize("sent", ["left out", "empty", "not a number"])
def test_a_source_form_without_its_opened_version_saves_nothing_and_asks_to_reload(
    client, editor_logged_in, sent
):
    source = SourceFactory(title="As the paper printed it")
    url = admin_url(Source, "change", source.pk)
    data = {**form_data(client.get(url)), "title": "Overwritten blindly"}
    if sent == "left out":
        del data["opened_version"]
    else:
        data["opened_version"] = "" if sent == "empty" else "v2"

    response = client.post(url, data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.non_field_errors() == [STALE_FORM]
    assert "opened_version" not in form.errors
    assert "Reload the page and make your change again." in response.content.decode()
    source.refresh_from_db()
    assert (source.title, source.version) == ("As the paper printed it", 1)


def test_a_draft_statement_form_without_its_opened_version_is_stale_too(client, editor_logged_in):
    draft = StatementFactory(status=Status.DRAFT, quote="First wording.")
    url = admin_url(Statement, "change", draft.pk)
    data = {**form_data(client.get(url)), "quote": "Second wording."}
    del data["opened_version"]

    response = client.post(url, data)

    assert STALE_FORM in response.context["adminform"].form.non_field_errors()
    draft.refresh_from_db()
    assert draft.quote == "First wording."


def test_a_new_record_has_no_version_to_send_and_saves(client, editor_logged_in):
    client.post(
        admin_url(Source, "add"), {"publisher": "Gazette", "url": "https://gazette.example/1"}
    )
    assert Source.objects.get().publisher == "Gazette"


def test_the_records_own_lock_still_refuses_a_save_from_an_old_copy(db):
    source = SourceFactory()
    old_copy = Source.objects.get(pk=source.pk)
    source.title = "Saved first"
    source.save()

    old_copy.title = "Saved from an old copy"
    with pytest.raises(ConcurrentEdit):
        old_copy.save()
    source.refresh_from_db()
    assert source.title == "Saved first"

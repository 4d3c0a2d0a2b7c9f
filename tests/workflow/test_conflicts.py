"""Two editors open the same record and both save: the second is told what the first changed,
and nothing of the first is lost; the record's own lock never surfaces as a server error."""

import pytest
from django.test import Client

from cities.models import Jurisdiction
from statements.models import Stance, Statement
from tests.admin_helpers import admin_url, form_data
from tracker.forms import VersionedFormMixin


@pytest.fixture
def two_editors(member):
    alice, bob = Client(), Client()
    alice.force_login(member("editor"))
    bob_user = member("contributor")
    bob_user.first_name, bob_user.last_name = "Bob", "Baker"
    bob_user.save()
    # Bob is an editor too, under another name.
    from django.contrib.auth.models import Group

    bob_user.groups.set([Group.objects.get(name="Editors")])
    bob.force_login(bob_user)
    return alice, bob


def errors_of(response) -> str:
    return " ".join(response.context["adminform"].form.non_field_errors())


def test_the_second_of_two_editors_saving_a_statement_is_told_what_the_first_changed(
    two_editors, draft_statement
):
    alice, bob = two_editors
    url = admin_url(Statement, "change", draft_statement.pk)
    alices, bobs = form_data(alice.get(url)), form_data(bob.get(url))

    alices["quote"] = "Alice's better quote."
    assert alice.post(url, alices).status_code == 302

    bobs["summary"] = "Bob's summary."
    refused = bob.post(url, bobs)

    assert refused.status_code == 200
    message = errors_of(refused)
    assert message.startswith("Not saved: Editor saved this statement at ")
    assert "Verbatim quote from “A draft quote.” to “Alice's better quote.”" in message
    draft_statement.refresh_from_db()
    assert (draft_statement.quote, draft_statement.summary) == ("Alice's better quote.", "")
    # Bob's values are still in the form; saving again, having seen Alice's change, goes through.
    form = refused.context["adminform"].form
    assert form["summary"].value() == "Bob's summary."
    again = {**bobs, "opened_version": form["opened_version"].value()}
    assert bob.post(url, again).status_code == 302
    draft_statement.refresh_from_db()
    assert draft_statement.summary == "Bob's summary."


def test_two_editors_correcting_the_same_stance(two_editors, published_stance):
    alice, bob = two_editors
    url = admin_url(Stance, "change", published_stance.pk)
    alices, bobs = form_data(alice.get(url)), form_data(bob.get(url))

    alices.update(level="limited", correction_note="Limited, not refusing.")
    assert alice.post(url, alices).status_code == 302
    bobs.update(summary="Bob's summary.", correction_note="Added a summary.")
    refused = bob.post(url, bobs)

    assert refused.status_code == 200
    assert "Level from “Refuses cooperation” to “Limited cooperation”" in errors_of(refused)
    published_stance.refresh_from_db()
    assert (published_stance.level, published_stance.summary) == ("limited", "")
    assert [c.note for c in published_stance.corrections.all()] == ["Limited, not refusing."]


def test_two_editors_on_a_jurisdiction_page_with_its_stances(two_editors, gotham, published_stance):
    alice, bob = two_editors
    url = admin_url(Jurisdiction, "change", gotham.pk)
    alices, bobs = form_data(alice.get(url)), form_data(bob.get(url))

    alices["population"] = "250000"
    assert alice.post(url, alices).status_code == 302
    bobs["geoid"] = "3412345"
    refused = bob.post(url, bobs)

    assert refused.status_code == 200
    assert "Population from “100000” to “250000”" in errors_of(refused)
    gotham.refresh_from_db()
    assert (gotham.population, gotham.geoid) == (250000, "")


def test_a_stance_changed_elsewhere_is_refused_on_the_jurisdiction_page(
    two_editors, gotham, published_stance
):
    alice, bob = two_editors
    bobs = form_data(bob.get(admin_url(Jurisdiction, "change", gotham.pk)))
    stance_url = admin_url(Stance, "change", published_stance.pk)
    alices = form_data(alice.get(stance_url))
    alices.update(summary="Alice summary.", correction_note="Summary added.")
    assert alice.post(stance_url, alices).status_code == 302

    bobs["stances-0-level"] = "cooperates"
    bobs["stances-0-correction_note"] = "Cooperates."
    refused = bob.post(admin_url(Jurisdiction, "change", gotham.pk), bobs)

    assert refused.status_code == 200
    assert "Summary from “(empty)” to “Alice summary.”" in refused.content.decode()
    published_stance.refresh_from_db()
    assert (published_stance.level, published_stance.summary) == ("refuses", "Alice summary.")


def test_a_save_racing_past_the_forms_check_is_shown_as_the_conflict_not_a_server_error(
    two_editors, draft_statement, monkeypatch
):
    """Another save commits between the form's version check and the save: the record's lock
    refuses it (ConcurrentEdit), and the editor gets the form back with the conflict."""
    alice, bob = two_editors
    url = admin_url(Statement, "change", draft_statement.pk)
    bobs = form_data(bob.get(url))
    other = Statement.objects.get(pk=draft_statement.pk)
    other.quote = "Saved in between."
    other.save()
    checked = VersionedFormMixin.clean
    calls = []

    def check_that_read_before_the_other_save(form):
        calls.append(form)
        if len(calls) > 1:
            return checked(form)
        cleaned = super(VersionedFormMixin, form).clean()
        form.instance.version = cleaned["opened_version"]  # the version it saw
        return cleaned

    monkeypatch.setattr(VersionedFormMixin, "clean", check_that_read_before_the_other_save)
    bobs["summary"] = "Bob's summary."
    response = bob.post(url, bobs)

    assert len(calls) == 2
    assert response.status_code == 200
    assert "“A draft quote.” to “Saved in between.”" in errors_of(response)
    draft_statement.refresh_from_db()
    assert (draft_statement.quote, draft_statement.summary) == ("Saved in between.", "")

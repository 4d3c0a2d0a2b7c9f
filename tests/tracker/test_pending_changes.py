"""Nothing public changes without an editor (issue 12, finding 1).

A contributor edits a source a published statement cites, renames an official, adds an event,
restores an event an editor deleted: each waits as a pending change, the public page stays as it
was, and only an editor's approval (re-validated, through the version lock) makes it public.
"""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from cities.models import Agency, Jurisdiction, Official, Role
from statements.models import Event, Source, Stance
from tests.admin_helpers import admin_url, form_data, messages_of
from tests.factories import (
    AgencyFactory,
    EventFactory,
    JurisdictionFactory,
    OfficialFactory,
    PublishedStatementFactory,
    RoleFactory,
    SourceFactory,
    StanceFactory,
)
from tracker.page_tags import current_generation
from tracker.pending import PendingChange, PendingKind, PendingStatus

ROLES = {"contributor": "Contributors", "editor": "Editors", "administrator": "Administrators"}


@pytest.fixture
def people(db, django_user_model):
    """people["contributor"], people["editor"], people["administrator"]: staff in those roles."""
    users = {}
    for role, group in ROLES.items():
        user = django_user_model.objects.create_user(
            username=role, is_staff=True, first_name=role.title(), last_name="Doe"
        )
        user.groups.add(Group.objects.get(name=group))
        users[role] = user
    return users


@pytest.fixture
def act_as(client, people):
    """act_as("editor") logs the test client in as that person and returns them."""

    def log_in(role: str):
        client.force_login(people[role])
        return people[role]

    return log_in


@pytest.fixture
def reader():
    """An anonymous reader, served from the page cache as the public is."""
    return Client()


@pytest.fixture
def cited_source(db):
    """A source cited by a published statement: its title is on the statement's permalink."""
    source = SourceFactory(title="Mayor rules out raids help", url="https://news.example.org/a")
    statement = PublishedStatementFactory(sources=[source])
    return source, statement.get_absolute_url()


def page(reader, url) -> str:
    response = reader.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def propose(client, record, **changes):
    """Post the record's admin change form as the browser would, with `changes`."""
    url = admin_url(type(record), "change", record.pk)
    return client.post(url, {**form_data(client.get(url)), **changes}, follow=True)


def review(client, change, decision: str, note: str = ""):
    return client.post(
        admin_url(PendingChange, "change", change.pk),
        {f"_{decision}": decision.title(), "review_note": note},
        follow=True,
    )


def test_a_contributors_edit_of_a_cited_source_waits_and_is_public_only_once_approved(
    client, act_as, reader, cited_source
):
    source, permalink = cited_source
    assert "Mayor rules out raids help" in page(reader, permalink)  # now cached for readers

    contributor = act_as("contributor")
    generation = current_generation()
    response = propose(
        client, source, title="Forged headline", archived_url="https://evil.example/copy"
    )
    assert current_generation() == generation  # a proposal empties no cached page

    assert any("waits for an editor" in m for m in messages_of(response))
    source.refresh_from_db()
    assert (source.title, source.archived_url, source.version) == (
        "Mayor rules out raids help",
        "",
        1,
    )
    html = page(reader, permalink)
    assert "Forged headline" not in html and "evil.example" not in html
    change = PendingChange.objects.get()
    assert (change.kind, change.status, change.author, change.base_version) == (
        PendingKind.CHANGE,
        PendingStatus.PENDING,
        contributor,
        1,
    )
    assert change.proposed == {
        "title": "Forged headline",
        "archived_url": "https://evil.example/copy",
    }

    editor = act_as("editor")
    review_page = client.get(admin_url(PendingChange, "change", change.pk))
    rows = [(c.field, c.old, c.new) for c in review_page.context["changes"]]
    assert rows == [
        ("Title", "Mayor rules out raids help", "Forged headline"),
        ("Archived url", "(empty)", "https://evil.example/copy"),
    ]
    assert 'name="_approve"' in review_page.content.decode()
    response = review(client, change, "approve", note="Checked against the paper.")

    assert any(m.startswith("Approved:") for m in messages_of(response))
    source.refresh_from_db()
    assert (source.title, source.version) == ("Forged headline", 2)
    assert "Forged headline" in page(reader, permalink)
    change.refresh_from_db()
    assert (change.status, change.reviewer, change.review_note) == (
        PendingStatus.APPROVED,
        editor,
        "Checked against the paper.",
    )
    newest = Source.history.filter(id=source.pk).latest("history_date")
    assert newest.history_user == contributor
    assert newest.history_change_reason == "Change by Contributor Doe, approved by Editor Doe"


def test_a_contributors_renamed_official_keeps_the_old_name_on_the_public_page_until_approved(
    client, act_as, reader, db
):
    official = OfficialFactory(name="Jane Roe", slug="jane-roe")
    permalink = official.get_absolute_url()

    act_as("contributor")
    propose(client, official, name="Someone Else")

    assert "Someone Else" not in page(reader, permalink)
    assert Official.objects.get().name == "Jane Roe"

    act_as("editor")
    review(client, PendingChange.objects.get(), "approve")
    assert "Someone Else" in page(reader, permalink)


def test_a_contributors_new_event_is_no_page_until_an_editor_approves_it_in_bulk(
    client, act_as, reader, db
):
    target = JurisdictionFactory(name="Lakeside", state="WI", slug="lakeside-wi")
    source = SourceFactory()
    act_as("contributor")
    response = client.post(
        admin_url(Event, "add"),
        {
            "name": "Operation Nightfall",
            "slug": "operation-nightfall",
            "starts_on": "2019-06-23",
            "description": "Raids announced for the weekend.",
            "targeted_jurisdictions": [str(target.pk)],
            "sources": [str(source.pk)],
        },
        follow=True,
    )

    assert any("Your new event “Operation Nightfall” waits" in m for m in messages_of(response))
    assert not Event.objects.exists()
    assert reader.get("/events/operation-nightfall/").status_code == 404
    change = PendingChange.objects.get()
    assert change.kind == PendingKind.ADD and change.object_id is None

    act_as("editor")
    response = client.post(
        admin_url(PendingChange, "changelist"),
        {"action": "approve_selected", "_selected_action": [change.pk]},
        follow=True,
    )

    assert "1 change(s) approved." in messages_of(response)
    event = Event.objects.get()
    assert list(event.targeted_jurisdictions.all()) == [target]
    assert list(event.sources.all()) == [source]
    html = page(reader, "/events/operation-nightfall/")
    assert "Operation Nightfall" in html and "Lakeside" in html
    change.refresh_from_db()
    assert change.object_id == event.pk


def test_a_contributors_restore_of_an_event_an_editor_deleted_does_not_reappear(
    client, act_as, reader, db
):
    """Browser-free reproduction of /admin/statements/event/deleted/<id>/restore/."""
    EventFactory(name="Operation Sunrise", slug="operation-sunrise")
    act_as("editor")
    event = Event.objects.get()
    client.post(admin_url(Event, "delete", event.pk), {"post": "yes"})
    assert reader.get("/events/operation-sunrise/").status_code == 404

    act_as("contributor")
    [(deletion, _)] = client.get(admin_url(Event, "deleted")).context["rows"]
    response = client.post(admin_url(Event, "restore", deletion.history_id), follow=True)

    assert any(
        "Your restore of the event “Operation Sunrise” waits" in m for m in messages_of(response)
    )
    assert not Event.objects.exists()
    assert reader.get("/events/operation-sunrise/").status_code == 404
    again = client.post(admin_url(Event, "restore", deletion.history_id), follow=True)
    assert any("already waits for an editor" in m for m in messages_of(again))
    assert PendingChange.objects.count() == 1

    act_as("editor")
    review(client, PendingChange.objects.get(), "approve")
    assert "Operation Sunrise" in page(reader, "/events/operation-sunrise/")
    restored = Event.history.filter(id=event.pk).latest("history_date")
    assert restored.history_change_reason.startswith("Restore of a deleted record by Contributor")


def test_a_rejected_change_leaves_the_record_and_tells_the_contributor_why(
    client, act_as, reader, cited_source
):
    source, permalink = cited_source
    act_as("contributor")
    propose(client, source, title="Wrong title")
    change = PendingChange.objects.get()

    act_as("editor")
    response = review(client, change, "reject", note="The paper's headline is the old one.")
    assert any(m.startswith("Rejected:") for m in messages_of(response))

    act_as("contributor")
    mine = client.get(admin_url(PendingChange, "change", change.pk)).content.decode()
    assert "Rejected" in mine and "The paper&#x27;s headline is the old one." in mine
    assert 'name="_approve"' not in mine
    assert "Mayor rules out raids help" in page(reader, permalink)
    assert review(client, change, "approve").status_code == 403


def test_approval_is_refused_when_the_record_changed_after_the_contributor_opened_it(
    client, act_as, cited_source
):
    source, _ = cited_source
    act_as("contributor")
    propose(client, source, title="The contributor's title")
    change = PendingChange.objects.get()

    act_as("editor")
    propose(client, source, publisher="The Evening Record")
    response = review(client, change, "approve")

    [message] = [m for m in messages_of(response) if m.startswith("Not approved")]
    assert "Editor Doe saved this source at" in message
    assert "after Contributor Doe opened it" in message
    assert "Publisher from “The Daily Record” to “The Evening Record”" in message
    source.refresh_from_db()
    assert (source.title, source.publisher) == ("Mayor rules out raids help", "The Evening Record")
    change.refresh_from_db()
    assert change.status == PendingStatus.PENDING


def test_approval_re_validates_an_addition_against_what_exists_now(client, act_as, db):
    act_as("contributor")
    client.post(
        admin_url(Source, "add"),
        {"publisher": "Gazette", "url": "https://gazette.example.org/raids"},
    )
    SourceFactory(publisher="Gazette", url="https://gazette.example.org/raids")

    act_as("editor")
    response = review(client, PendingChange.objects.get(), "approve")

    [message] = [m for m in messages_of(response) if m.startswith("Not approved")]
    assert "This URL is already recorded" in message
    assert Source.objects.count() == 1
    assert PendingChange.objects.get().status == PendingStatus.PENDING


def test_a_role_change_has_no_version_yet_is_refused_once_the_role_changed_since(
    client, act_as, db
):
    role = RoleFactory(title="Mayor")
    act_as("contributor")
    propose(client, role, title="Deputy Mayor")
    stale = PendingChange.objects.get()
    assert stale.base_version is None and stale.proposed == {"title": "Deputy Mayor"}

    act_as("editor")
    propose(client, role, started_on="2019-01-01")
    response = review(client, stale, "approve")

    assert any(
        "was changed after Contributor Doe proposed this" in m for m in messages_of(response)
    )
    assert Role.objects.get().title == "Mayor"

    act_as("editor")
    review(client, stale, "reject", note="Propose it again on the role as it is now.")
    act_as("contributor")
    propose(client, role, title="Deputy Mayor")
    act_as("editor")
    review(client, PendingChange.objects.pending().get(), "approve")
    assert Role.objects.get().title == "Deputy Mayor"


def test_editors_and_administrators_save_directly_and_see_waiting_changes_announced(
    client, act_as, cited_source
):
    source, _ = cited_source
    act_as("contributor")
    propose(client, source, title="Proposed title")

    for role, title in [("editor", "Editor's title"), ("administrator", "Admin's title")]:
        act_as(role)
        opened = client.get(admin_url(Source, "change", source.pk))
        [announced] = [m for m in messages_of(opened) if "proposed change" in m]
        assert announced.startswith("1 proposed change to this source waits for an editor")
        waiting = client.get(re.search(r"href='([^']+)'", announced)[1].replace("&amp;", "&"))
        assert [c.proposed for c in waiting.context["cl"].result_list] == [
            {"title": "Proposed title"}
        ]
        propose(client, source, title=title)
        source.refresh_from_db()
        assert source.title == title
    assert PendingChange.objects.count() == 1


def test_a_contributor_sees_only_their_own_proposals(client, act_as, people, cited_source):
    source, _ = cited_source
    act_as("contributor")
    propose(client, source, title="Mine")
    other = people["editor"]
    PendingChange.objects.create(
        content_type=PendingChange.objects.get().content_type,
        object_id=source.pk,
        kind=PendingKind.CHANGE,
        object_repr="x",
        proposed={"title": "Theirs"},
        author=other,
    )

    listing = client.get(admin_url(PendingChange, "changelist"))

    assert [c.proposed["title"] for c in listing.context["cl"].result_list] == ["Mine"]
    assert "approve_selected" not in listing.content.decode()


def test_inlines_of_reviewed_records_are_read_only_for_contributors(client, act_as, db):
    police = AgencyFactory(name="Metro Police")
    act_as("contributor")
    url = admin_url(Jurisdiction, "change", police.jurisdiction.pk)
    data = form_data(client.get(url))
    data.update({"agencies-0-name": "Renamed Police", "agencies-0-id": str(police.pk)})

    client.post(url, data)

    assert Agency.objects.get().name == "Metro Police"
    assert not PendingChange.objects.exists()
    act_as("editor")
    data = form_data(client.get(url))
    client.post(url, {**data, "agencies-0-name": "Renamed Police"})
    assert Agency.objects.get().name == "Renamed Police"


def test_a_draft_stance_saves_on_the_jurisdictions_page_while_the_jurisdictions_change_waits(
    client, act_as, db
):
    place = JurisdictionFactory(name="Gotham", state="NJ", slug="gotham-nj", population=1000)
    StanceFactory(jurisdiction=place, summary="First summary.")
    act_as("contributor")
    url = admin_url(Jurisdiction, "change", place.pk)
    data = form_data(client.get(url))

    only_stance = client.post(url, {**data, "stances-0-summary": "Second summary."}, follow=True)
    assert any("was changed successfully" in m for m in messages_of(only_stance))
    assert not PendingChange.objects.exists()

    data = form_data(client.get(url))
    both = client.post(
        url, {**data, "population": "2000", "stances-0-summary": "Third summary."}, follow=True
    )
    assert any("waits for an editor" in m for m in messages_of(both))
    assert Stance.objects.get().summary == "Third summary."
    assert Jurisdiction.objects.get().population == 1000
    assert PendingChange.objects.get().proposed == {"population": 2000}


def test_a_contributors_revert_of_a_jurisdiction_waits_too(client, act_as, db):
    place = JurisdictionFactory(name="Gotham", state="NJ", slug="gotham-nj", population=1000)
    act_as("editor")
    propose(client, place, population="2000")
    first = Jurisdiction.history.filter(id=place.pk).earliest("history_date")

    act_as("contributor")
    url = admin_url(Jurisdiction, "simple_history", place.pk, first.history_id)
    response = client.post(url, form_data(client.get(url)), follow=True)

    assert not any(m.startswith("Reverted") for m in messages_of(response))
    assert Jurisdiction.objects.get().population == 2000
    assert PendingChange.objects.get().proposed == {"population": 1000}

    act_as("editor")
    review(client, PendingChange.objects.get(), "approve")
    assert Jurisdiction.objects.get().population == 1000


def test_contributors_cannot_import_reviewed_records(client, act_as, db):
    act_as("contributor")
    assert client.get(admin_url(Source, "import")).status_code == 403
    assert client.get(admin_url(Jurisdiction, "import")).status_code == 403
    act_as("editor")
    assert client.get(admin_url(Source, "import")).status_code == 200


def test_only_editors_and_administrators_may_review(db):
    review = Permission.objects.get(codename="review_pendingchange")
    assert review in Group.objects.get(name="Editors").permissions.all()
    assert review in Group.objects.get(name="Administrators").permissions.all()
    contributors = Group.objects.get(name="Contributors").permissions
    assert review not in contributors.all()
    assert contributors.filter(codename="view_pendingchange").exists()


def test_an_editor_rejects_several_proposals_at_once(client, act_as, cited_source):
    source, _ = cited_source
    act_as("contributor")
    propose(client, source, title="First try")
    propose(client, source, title="Second try")

    act_as("editor")
    response = client.post(
        admin_url(PendingChange, "changelist"),
        {
            "action": "reject_selected",
            "_selected_action": list(PendingChange.objects.values_list("pk", flat=True)),
        },
        follow=True,
    )

    assert "2 change(s) rejected." in messages_of(response)
    assert set(PendingChange.objects.values_list("status", flat=True)) == {PendingStatus.REJECTED}
    source.refresh_from_db()
    assert source.title == "Mayor rules out raids help"

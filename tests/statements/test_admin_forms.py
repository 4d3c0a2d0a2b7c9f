"""An editor records statements, stances, sources and events in the admin, and types some badly."""

import datetime

import pytest

from cities.models import Jurisdiction
from statements import services
from statements.models import Event, Source, Stance, Statement, Status
from tests.admin_helpers import admin_url, messages_of
from tests.factories import (
    AgencyFactory,
    EventFactory,
    JurisdictionFactory,
    OfficialFactory,
    SourceFactory,
    StanceFactory,
    StatementFactory,
)

JUNE_21 = datetime.date(2019, 6, 21)


def errors_on(response, field: str) -> list[str]:
    assert response.status_code == 200, response.status_code
    return response.context["adminform"].form.errors.get(field, [])


# Statements


@pytest.fixture
def chicago(db):
    return JurisdictionFactory(name="Chicago", state="IL", slug="chicago-il")


def statement_form(chicago, **fields) -> dict:
    return {
        "official": str(OfficialFactory(name="Lori Lightfoot").pk),
        "agency": "",
        "jurisdiction": str(chicago.pk),
        "said_on": "2019-06-21",
        "said_on_basis": "said",
        "medium": "press_statement",
        "quote": "Chicago has taken concrete steps to support our immigrant communities",
        "summary": "",
        "language": "en",
        "event": "",
        "sources": [str(SourceFactory().pk)],
        **fields,
    }


def test_editor_records_a_statement_as_a_draft_signed_with_their_name(
    editor_client, editor, chicago
):
    response = editor_client.post(
        admin_url(Statement, "add"), statement_form(chicago, said_on_basis="reported")
    )
    assert response.status_code == 302
    statement = Statement.objects.get()
    assert statement.official.name == "Lori Lightfoot"
    assert (statement.status, statement.said_on_basis) == (Status.DRAFT, "reported")
    assert statement.created_by == statement.updated_by == editor
    assert statement.sources.count() == 1


def test_a_statement_with_neither_quote_nor_summary_is_refused(editor_client, chicago):
    response = editor_client.post(
        admin_url(Statement, "add"), statement_form(chicago, quote="  ", summary="")
    )
    assert errors_on(response, "quote") == ["Give the verbatim quote, a summary, or both."]
    assert "Give the verbatim quote, a summary, or both." in response.content.decode()
    assert not Statement.objects.exists()


def test_a_statement_with_no_speaker_is_refused(editor_client, chicago):
    response = editor_client.post(
        admin_url(Statement, "add"), statement_form(chicago, official="", agency="")
    )
    assert errors_on(response, "official") == [
        "Say who spoke: choose an official, an agency, or both."
    ]
    assert not Statement.objects.exists()


def test_a_statement_by_another_citys_police_is_refused(editor_client, chicago):
    lapd = AgencyFactory(name="Los Angeles Police Department")
    response = editor_client.post(
        admin_url(Statement, "add"), statement_form(chicago, official="", agency=str(lapd.pk))
    )
    assert errors_on(response, "agency") == [
        f"Los Angeles Police Department belongs to {lapd.jurisdiction}, not to Chicago, IL."
    ]
    assert not Statement.objects.exists()


def test_a_statement_with_an_impossible_date_is_refused(editor_client, chicago):
    response = editor_client.post(
        admin_url(Statement, "add"), statement_form(chicago, said_on="2019-02-30")
    )
    assert errors_on(response, "said_on") == ["Enter a valid date."]
    assert not Statement.objects.exists()


def test_removing_the_last_source_of_a_published_statement_is_refused(editor_client, chicago):
    statement = StatementFactory(jurisdiction=chicago, status=Status.PUBLISHED)
    data = statement_form(chicago, official=str(statement.official_id), sources=[])
    response = editor_client.post(admin_url(Statement, "change", statement.pk), data)
    assert errors_on(response, "sources") == [
        "A published statement needs at least one source. Add another source first, "
        "or unpublish the statement."
    ]
    assert statement.sources.count() == 1


def test_editor_publishes_and_unpublishes_statements_from_the_list(editor_client, editor):
    drafts = StatementFactory.create_batch(2, status=Status.DRAFT)
    changelist = admin_url(Statement, "changelist")
    selected = [str(statement.pk) for statement in drafts]

    response = editor_client.post(
        changelist, {"action": "publish", "_selected_action": selected}, follow=True
    )
    assert messages_of(response) == ["2 statement(s) published."]
    assert set(Statement.objects.values_list("status", flat=True)) == {Status.PUBLISHED}
    assert set(Statement.objects.values_list("updated_by", flat=True)) == {editor.pk}

    response = editor_client.post(
        changelist, {"action": "unpublish", "_selected_action": selected[:1]}, follow=True
    )
    assert messages_of(response) == ["1 statement(s) returned to draft."]
    assert Statement.objects.get(pk=drafts[0].pk).status == Status.DRAFT


def test_publishing_an_unsourced_statement_from_the_list_says_why_and_changes_nothing(
    editor_client,
):
    unsourced = StatementFactory(status=Status.DRAFT, sources=[])
    sourced = StatementFactory(status=Status.DRAFT)
    response = editor_client.post(
        admin_url(Statement, "changelist"),
        {"action": "publish", "_selected_action": [str(unsourced.pk), str(sourced.pk)]},
        follow=True,
    )
    assert messages_of(response) == [
        f"Statement(s) #{unsourced.pk} have no source. Add at least one source before publishing."
    ]
    assert set(Statement.objects.values_list("status", flat=True)) == {Status.DRAFT}


# Stances


def stance_form(jurisdiction, **fields) -> dict:
    return {
        "jurisdiction": str(jurisdiction.pk),
        "agency": "",
        "level": "refuses",
        "effective_from": "2019-06-21",
        "ended_on": "",
        **dict.fromkeys(Stance.PRACTICE_FIELDS, "unknown"),
        "summary": "The mayor ordered the police not to cooperate with ICE.",
        "sources": [str(SourceFactory().pk)],
        "announced_by": "",
        **fields,
    }


def test_editor_records_a_stance_as_a_draft_that_the_public_does_not_see_yet(
    editor_client, editor, chicago
):
    response = editor_client.post(
        admin_url(Stance, "add"), stance_form(chicago, shares_databases="no")
    )
    assert response.status_code == 302
    stance = Stance.objects.get()
    assert (stance.status, stance.shares_databases, stance.created_by) == ("draft", "no", editor)
    chicago.refresh_from_db()
    assert chicago.stance_level == "unknown"


def test_a_stance_that_ends_before_it_starts_is_refused(editor_client, chicago):
    response = editor_client.post(
        admin_url(Stance, "add"), stance_form(chicago, ended_on="2019-06-01")
    )
    assert errors_on(response, "ended_on") == ["A stance cannot end before it takes effect."]
    assert not Stance.objects.exists()


def test_a_second_current_stance_for_the_same_jurisdiction_and_agency_is_refused(
    editor_client, chicago
):
    police = AgencyFactory(jurisdiction=chicago, name="Chicago Police Department")
    older = services.stance_publish(
        stance=StanceFactory(jurisdiction=chicago, agency=police, level="cooperates")
    )
    services.stance_publish(
        stance=StanceFactory(
            jurisdiction=chicago, agency=police, effective_from=datetime.date(2019, 7, 1)
        )
    )
    older.refresh_from_db()
    assert older.ended_on == datetime.date(2019, 7, 1)

    # Clearing the old stance's end date would make it current beside the new one.
    data = stance_form(chicago, agency=str(police.pk), level="cooperates", ended_on="")
    response = editor_client.post(admin_url(Stance, "change", older.pk), data)

    assert errors_on(response, "ended_on") == [
        "Another published stance for this jurisdiction and agency is current. "
        "Give this one an end date, or record a new stance and publish it instead."
    ]
    assert "Constraint" not in response.content.decode()
    older.refresh_from_db()
    assert older.ended_on == datetime.date(2019, 7, 1)


def test_a_second_current_jurisdiction_wide_stance_is_refused(editor_client, chicago):
    older = services.stance_publish(stance=StanceFactory(jurisdiction=chicago, level="limited"))
    services.stance_publish(
        stance=StanceFactory(jurisdiction=chicago, effective_from=datetime.date(2019, 7, 1))
    )
    response = editor_client.post(
        admin_url(Stance, "change", older.pk), stance_form(chicago, level="limited")
    )
    assert errors_on(response, "ended_on")[0].startswith("Another published stance")
    older.refresh_from_db()
    assert older.ended_on == datetime.date(2019, 7, 1)


def test_editing_a_published_stance_moves_the_jurisdictions_headline(editor_client, chicago):
    stance = services.stance_publish(stance=StanceFactory(jurisdiction=chicago))
    sources = [str(pk) for pk in stance.sources.values_list("pk", flat=True)]
    response = editor_client.post(
        admin_url(Stance, "change", stance.pk),
        {
            **stance_form(chicago, level="limited", sources=sources),
            "opened_version": str(Stance.objects.get(pk=stance.pk).version),
            "correction_note": "The police limit cooperation; they do not refuse it.",
        },
    )
    assert response.status_code == 302
    assert Jurisdiction.objects.get(pk=chicago.pk).stance_level == "limited"


def test_the_current_stance_cannot_be_deleted_and_retracting_it_reopens_the_previous_one(
    editor_client, chicago
):
    first = services.stance_publish(stance=StanceFactory(jurisdiction=chicago, level="limited"))
    second = services.stance_publish(
        stance=StanceFactory(jurisdiction=chicago, effective_from=datetime.date(2019, 7, 1))
    )
    response = editor_client.post(admin_url(Stance, "delete", second.pk), {"post": "yes"})
    assert response.status_code < 500
    assert Stance.objects.filter(pk=second.pk).exists()

    services.stance_retract(stance=second, reason="Recorded for the wrong city.")
    first.refresh_from_db()
    assert first.ended_on is None
    assert Jurisdiction.objects.get(pk=chicago.pk).stance_level == "limited"


def test_editor_publishes_a_stance_from_the_list_and_it_ends_the_previous_one(
    editor_client, chicago
):
    old = services.stance_publish(stance=StanceFactory(jurisdiction=chicago, level="cooperates"))
    new = StanceFactory(jurisdiction=chicago, effective_from=datetime.date(2019, 7, 1))
    changelist = admin_url(Stance, "changelist")

    response = editor_client.post(
        changelist, {"action": "publish", "_selected_action": [str(new.pk)]}, follow=True
    )
    assert messages_of(response) == ["1 stance(s) published."]
    old.refresh_from_db()
    assert old.ended_on == datetime.date(2019, 7, 1)
    assert Jurisdiction.objects.get(pk=chicago.pk).stance_level == "refuses"

    response = editor_client.post(
        changelist, {"action": "unpublish", "_selected_action": [str(new.pk)]}, follow=True
    )
    assert messages_of(response) == ["1 stance(s) returned to draft."]
    old.refresh_from_db()
    assert old.ended_on is None
    assert Jurisdiction.objects.get(pk=chicago.pk).stance_level == "cooperates"


def test_publishing_an_unsourced_stance_from_the_list_says_why(editor_client, chicago):
    draft = StanceFactory(jurisdiction=chicago, sources=[])
    response = editor_client.post(
        admin_url(Stance, "changelist"),
        {"action": "publish", "_selected_action": [str(draft.pk)]},
        follow=True,
    )
    assert messages_of(response) == [
        f"Stance(s) #{draft.pk} have no source. Add at least one source before publishing."
    ]
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


# Sources and events


def source_form(**fields) -> dict:
    return {
        "publisher": "HuffPost",
        "title": "Cities Nationwide Refuse To Cooperate",
        "url": "https://www.huffpost.com/entry/cities",
        "published_on": "2019-06-21",
        "archived_url": "",
        "cited_in": "",
        **fields,
    }


def test_editor_records_a_source(editor_client):
    response = editor_client.post(admin_url(Source, "add"), source_form())
    assert response.status_code == 302
    assert Source.objects.get().url == "https://www.huffpost.com/entry/cities"


@pytest.mark.parametrize("field", ["url", "archived_url"])
def test_a_malformed_url_is_refused_on_its_field(editor_client, field):
    response = editor_client.post(
        admin_url(Source, "add"), source_form(**{field: "huffpost dot com"})
    )
    assert errors_on(response, field) == ["Enter a valid URL."]
    assert not Source.objects.exists()


def test_a_source_with_no_url_and_no_citing_source_is_refused(db, editor_client):
    response = editor_client.post(admin_url(Source, "add"), source_form(url=""))
    assert errors_on(response, "url") == [
        "Give the URL, or choose under “cited in” the source that names this one."
    ]
    assert not Source.objects.exists()


def test_an_outlet_known_through_another_source_needs_no_url(editor_client):
    huffpost = SourceFactory(publisher="HuffPost")
    data = source_form(publisher="The Denver Post", title="", url="", cited_in=str(huffpost.pk))
    assert editor_client.post(admin_url(Source, "add"), data).status_code == 302
    assert Source.objects.get(publisher="The Denver Post").cited_in == huffpost

    again = editor_client.post(admin_url(Source, "add"), data)
    assert errors_on(again, "publisher") == [
        "This publisher is already recorded as cited in that source: use that record."
    ]
    assert Source.objects.filter(publisher="The Denver Post").count() == 1


def test_a_url_recorded_twice_is_refused_on_its_field_with_the_way_to_the_source(editor_client):
    SourceFactory(url="https://www.huffpost.com/entry/cities")
    response = editor_client.post(admin_url(Source, "add"), source_form())
    assert errors_on(response, "url") == [
        "This URL is already recorded: find its source by the URL in the list of sources, and "
        "use that source."
    ]
    assert Source.objects.count() == 1


def test_a_source_cannot_be_cited_in_itself(editor_client):
    source = SourceFactory(url="https://www.huffpost.com/entry/cities")
    response = editor_client.post(
        admin_url(Source, "change", source.pk), source_form(cited_in=str(source.pk))
    )
    assert errors_on(response, "cited_in") == ["A source cannot be cited in itself."]
    source.refresh_from_db()
    assert source.cited_in is None


def test_an_event_that_ends_before_it_starts_is_refused(editor_client, chicago):
    response = editor_client.post(
        admin_url(Event, "add"),
        {
            "name": "ICE raids",
            "slug": "ice-raids",
            "starts_on": "2019-06-23",
            "ends_on": "2019-06-22",
            "description": "",
            "targeted_jurisdictions": [str(chicago.pk)],
            "sources": [],
        },
    )
    assert errors_on(response, "ends_on") == ["An event cannot end before it starts."]
    assert not Event.objects.exists()


def test_an_event_slug_recorded_twice_is_refused(editor_client):
    EventFactory(slug="ice-raids")
    response = editor_client.post(
        admin_url(Event, "add"),
        {"name": "Other raids", "slug": "ice-raids", "starts_on": "2019-06-23"},
    )
    assert errors_on(response, "slug") == ["Event with this Slug already exists."]
    assert Event.objects.count() == 1


@pytest.mark.parametrize("model", [Statement, Stance], ids=["statement", "stance"])
def test_a_contributor_edits_drafts_but_is_not_offered_publishing(client, django_user_model, model):
    from django.contrib.auth.models import Group

    contributor = django_user_model.objects.create_user("contributor", is_staff=True)
    contributor.groups.add(Group.objects.get(name="Contributors"))
    client.force_login(contributor)
    draft = (StatementFactory if model is Statement else StanceFactory)(status=Status.DRAFT)

    page = client.get(admin_url(model, "changelist"))
    assert page.status_code == 200
    assert page.context["cl"].result_count == 1
    action_form = page.context["action_form"]  # None when no action is offered at all
    offered = dict(action_form.fields["action"].choices) if action_form else {}
    assert "publish" not in offered and "unpublish" not in offered

    client.post(
        admin_url(model, "changelist"), {"action": "publish", "_selected_action": [draft.pk]}
    )
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


@pytest.mark.parametrize("model", [Statement, Stance], ids=["statement", "stance"])
def test_an_editor_is_offered_publishing(editor_client, model):
    (StatementFactory if model is Statement else StanceFactory)(status=Status.DRAFT)
    page = editor_client.get(admin_url(model, "changelist"))
    actions = dict(page.context["action_form"].fields["action"].choices)
    assert {"publish", "unpublish"} <= set(actions)

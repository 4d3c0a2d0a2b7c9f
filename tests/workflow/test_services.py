"""Corrections and retractions through the services: what the record, its history and the
jurisdiction's headline become."""

import datetime

import pytest
from django.utils import timezone

from cities.models import Jurisdiction
from statements import services
from statements.models import Correction, Status
from tests.factories import PublishedStanceFactory, SourceFactory

JULY = datetime.date(2019, 7, 15)


def test_correcting_a_published_statement_changes_it_and_records_a_dated_note(
    published_statement, member
):
    editor = member("editor")
    new_source = SourceFactory(publisher="City Hall")

    correction = services.statement_correct(
        statement=published_statement,
        changes={"quote": "We will not help with any raids.", "sources": [new_source]},
        note="The quote read “these raids”; the mayor said “any raids”.",
        by=editor,
    )

    published_statement.refresh_from_db()
    assert published_statement.quote == "We will not help with any raids."
    assert list(published_statement.sources.all()) == [new_source]
    assert published_statement.status == Status.PUBLISHED
    assert correction.statement == published_statement and correction.created_by == editor
    assert timezone.now() - correction.corrected_at < datetime.timedelta(minutes=1)
    newest = published_statement.history.first()
    assert newest.history_change_reason.startswith("Correction: The quote read")


@pytest.mark.parametrize("status", [Status.DRAFT, Status.RETRACTED])
def test_only_a_published_statement_can_be_corrected(published_statement, status):
    published_statement.status = status
    published_statement.retracted_at = published_statement.updated_at
    published_statement.retraction_reason = "Wrong speaker." if status == Status.RETRACTED else ""
    published_statement.save()

    with pytest.raises(services.WorkflowError, match="Only a published statement"):
        services.statement_correct(
            statement=published_statement, changes={"quote": "x"}, note="Fixed.", by=None
        )
    assert Correction.objects.count() == 0


def test_a_correction_needs_a_note_and_a_published_statement_a_source(published_statement):
    with pytest.raises(services.WorkflowError, match="correction note"):
        services.statement_correct(statement=published_statement, changes={"quote": "x"}, note=" ")
    with pytest.raises(services.WorkflowError, match="at least one source"):
        services.statement_correct(
            statement=published_statement, changes={"sources": []}, note="No source."
        )
    published_statement.refresh_from_db()
    assert published_statement.quote == "We will not help with these raids."
    assert Correction.objects.count() == 0


def test_correcting_the_current_stance_moves_the_headline(gotham, published_stance):
    services.stance_correct(
        stance=published_stance, changes={"level": "limited"}, note="Limited, not refusing."
    )
    assert Jurisdiction.objects.get(pk=gotham.pk).stance_level == "limited"
    assert published_stance.corrections.get().note == "Limited, not refusing."


def test_retracting_a_statement_keeps_it_with_the_reason_and_date(published_statement, member):
    editor = member("editor")
    services.statement_retract(
        statement=published_statement, reason="The speaker was misidentified.", by=editor
    )
    published_statement.refresh_from_db()
    assert published_statement.status == Status.RETRACTED
    assert published_statement.retraction_reason == "The speaker was misidentified."
    assert published_statement.retracted_at is not None
    assert published_statement.updated_by == editor


def test_a_retraction_needs_a_reason_and_a_published_record(published_statement, draft_statement):
    with pytest.raises(services.WorkflowError, match="reason"):
        services.statement_retract(statement=published_statement, reason="  ")
    with pytest.raises(services.WorkflowError, match="Only a published statement"):
        services.statement_retract(statement=draft_statement, reason="Wrong.")
    published_statement.refresh_from_db()
    assert published_statement.status == Status.PUBLISHED


def test_retracting_the_current_stance_hands_the_headline_back_to_the_previous_one(
    gotham, published_stance
):
    newer = PublishedStanceFactory(jurisdiction=gotham, level="cooperates", effective_from=JULY)
    assert Jurisdiction.objects.get(pk=gotham.pk).stance_level == "cooperates"

    services.stance_retract(stance=newer, reason="The report was about another city.")

    published_stance.refresh_from_db()
    newer.refresh_from_db()
    assert newer.status == Status.RETRACTED
    assert published_stance.ended_on is None
    assert Jurisdiction.objects.get(pk=gotham.pk).stance_level == "refuses"


def test_reinstating_a_retracted_statement_returns_it_to_draft(published_statement):
    services.statement_retract(statement=published_statement, reason="Misquoted.")
    services.record_reinstate(record=published_statement)
    published_statement.refresh_from_db()
    assert (published_statement.status, published_statement.retraction_reason) == ("draft", "")
    assert published_statement.retracted_at is None
    with pytest.raises(services.WorkflowError, match="Only a retracted record"):
        services.record_reinstate(record=published_statement)

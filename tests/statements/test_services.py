"""Publishing keeps each stance timeline whole and every published claim sourced."""

import datetime

import pytest

from cities.models import Jurisdiction
from statements import services
from statements.models import Stance, Statement, Status
from tests.factories import (
    AgencyFactory,
    JurisdictionFactory,
    StanceFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

JUNE = datetime.date(2019, 6, 21)
JULY = datetime.date(2019, 7, 15)
MAY = datetime.date(2019, 5, 1)


def reload(record):
    record.refresh_from_db()
    return record


def test_publishing_a_new_stance_ends_the_previous_one_and_updates_the_jurisdiction(
    django_user_model,
):
    editor = django_user_model.objects.create_user("ed")
    police = AgencyFactory()
    first = services.stance_publish(
        stance=StanceFactory(jurisdiction=police.jurisdiction, agency=police, effective_from=JUNE)
    )
    assert reload(police.jurisdiction).stance_level == "refuses"

    second = StanceFactory(
        jurisdiction=police.jurisdiction, agency=police, level="limited", effective_from=JULY
    )
    services.stance_publish(stance=second, by=editor)

    assert reload(first).ended_on == JULY
    assert reload(first).updated_by == editor
    assert reload(second).ended_on is None and second.status == Status.PUBLISHED
    assert Jurisdiction.objects.get(pk=police.jurisdiction_id).stance_level == "limited"


def test_publishing_leaves_other_agencies_timelines_alone():
    gotham = JurisdictionFactory()
    police = AgencyFactory(jurisdiction=gotham)
    sheriff = AgencyFactory(jurisdiction=gotham, kind="sheriff")
    police_stance = services.stance_publish(
        stance=StanceFactory(jurisdiction=gotham, agency=police)
    )
    whole = services.stance_publish(
        stance=StanceFactory(jurisdiction=gotham, level="limited", effective_from=JULY)
    )
    services.stance_publish(
        stance=StanceFactory(
            jurisdiction=gotham, agency=sheriff, level="cooperates", effective_from=JULY
        )
    )
    assert reload(police_stance).ended_on is None
    assert reload(whole).ended_on is None
    assert Stance.objects.published().current().filter(jurisdiction=gotham).count() == 3


def test_back_filling_an_older_stance_gives_it_an_end_date_and_keeps_the_current_one():
    gotham = JurisdictionFactory()
    current = services.stance_publish(
        stance=StanceFactory(jurisdiction=gotham, effective_from=JUNE)
    )
    older = StanceFactory(jurisdiction=gotham, level="cooperates", effective_from=MAY)

    services.stance_publish(stance=older)

    assert reload(older).ended_on == JUNE
    assert reload(current).ended_on is None
    assert reload(gotham).stance_level == "refuses"


def test_unpublishing_the_current_stance_reopens_the_one_it_replaced():
    gotham = JurisdictionFactory()
    first = services.stance_publish(stance=StanceFactory(jurisdiction=gotham, effective_from=JUNE))
    second = services.stance_publish(
        stance=StanceFactory(jurisdiction=gotham, level="cooperates", effective_from=JULY)
    )
    assert reload(gotham).stance_level == "cooperates"

    services.stance_unpublish(stance=second)

    assert reload(second).status == Status.DRAFT
    assert reload(first).ended_on is None
    assert reload(gotham).stance_level == "refuses"


def test_unpublishing_the_only_stance_leaves_no_public_position():
    gotham = JurisdictionFactory()
    only = services.stance_publish(stance=StanceFactory(jurisdiction=gotham))
    services.stance_unpublish(stance=only)
    assert reload(gotham).stance_level == "unknown"


def test_publishing_a_stance_without_a_source_is_refused_with_a_message():
    gotham = JurisdictionFactory()
    unsourced = StanceFactory(jurisdiction=gotham, sources=[])

    with pytest.raises(services.PublishError) as refused:
        services.stance_publish(stance=unsourced)

    assert refused.value.messages == [
        "This stance has no source. Add at least one source before publishing it."
    ]
    assert reload(unsourced).status == Status.DRAFT
    assert reload(gotham).stance_level == "unknown"


def test_publishing_statements_without_a_source_is_refused_for_the_whole_batch():
    sourced = StatementFactory(status=Status.DRAFT)
    unsourced = StatementFactory(status=Status.DRAFT, sources=[])

    with pytest.raises(services.PublishError) as refused:
        services.statements_publish(statements=Statement.objects.all())

    assert refused.value.messages == [
        f"Statement(s) #{unsourced.pk} have no source. Add at least one source before publishing."
    ]
    assert set(Statement.objects.values_list("status", flat=True)) == {Status.DRAFT}
    assert reload(sourced).status == Status.DRAFT


def test_publishing_and_unpublishing_statements_counts_only_the_ones_that_change(
    django_user_model,
):
    editor = django_user_model.objects.create_user("ed")
    draft = StatementFactory(status=Status.DRAFT)
    StatementFactory(status=Status.PUBLISHED)

    assert services.statements_publish(statements=Statement.objects.all(), by=editor) == 1
    assert reload(draft).status == Status.PUBLISHED and draft.updated_by == editor
    assert services.statements_unpublish(statements=Statement.objects.all()) == 2
    assert set(Statement.objects.values_list("status", flat=True)) == {Status.DRAFT}


def test_each_publication_lands_in_the_history():
    draft = StatementFactory(status=Status.DRAFT)
    before = draft.history.count()
    services.statements_publish(statements=Statement.objects.filter(pk=draft.pk))
    assert draft.history.count() == before + 1
    assert draft.history.first().status == Status.PUBLISHED


def test_publishing_several_stances_at_once_keeps_one_current_per_timeline():
    gotham = JurisdictionFactory()
    later = StanceFactory(jurisdiction=gotham, level="cooperates", effective_from=JULY)
    earlier = StanceFactory(jurisdiction=gotham, effective_from=JUNE)

    assert services.stances_publish(stances=[later, earlier]) == 2

    assert reload(earlier).ended_on == JULY
    assert reload(later).ended_on is None
    assert reload(gotham).stance_level == "cooperates"
    assert services.stances_unpublish(stances=Stance.objects.all()) == 2
    assert reload(gotham).stance_level == "unknown"


def test_publishing_several_stances_refuses_the_whole_batch_when_one_has_no_source():
    gotham = JurisdictionFactory()
    sourced = StanceFactory(jurisdiction=gotham)
    unsourced = StanceFactory(jurisdiction=gotham, effective_from=JULY, sources=[])

    with pytest.raises(services.PublishError) as refused:
        services.stances_publish(stances=Stance.objects.all())

    assert refused.value.messages == [
        f"Stance(s) #{unsourced.pk} have no source. Add at least one source before publishing."
    ]
    assert reload(sourced).status == Status.DRAFT
    assert reload(gotham).stance_level == "unknown"


def test_the_publish_actions_leave_retracted_records_retracted():
    from django.utils import timezone

    retracted = StatementFactory(
        status=Status.RETRACTED, retraction_reason="Misattributed.", retracted_at=timezone.now()
    )
    assert services.statements_publish(statements=Statement.objects.all()) == 0
    assert services.statements_unpublish(statements=Statement.objects.all()) == 0
    assert reload(retracted).status == Status.RETRACTED

"""Writes that touch more than one row. The admin, views and management commands all call these."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet

from cities.models import Jurisdiction, StanceLevel

from .models import Stance, Statement, Status


class PublishError(ValidationError):
    pass


def jurisdiction_refresh_stance(*, jurisdiction: Jurisdiction) -> str:
    """Copy the headline stance onto the jurisdiction and return its level (two queries).

    The headline is the published current stance that took effect last; on a tie the
    jurisdiction-wide stance (no agency) wins, then the newest record.
    """
    headline = (
        Stance.objects.published()
        .current()
        .filter(jurisdiction=jurisdiction)
        .order_by("-effective_from", F("agency").asc(nulls_first=True), "-id")
        .values_list("level", flat=True)
        .first()
    )
    level = headline or StanceLevel.UNKNOWN
    Jurisdiction.objects.filter(pk=jurisdiction.pk).update(stance_level=level)
    jurisdiction.stance_level = level
    return level


def _same_timeline(stance: Stance) -> QuerySet[Stance]:
    return Stance.objects.filter(jurisdiction_id=stance.jurisdiction_id).filter(
        Q(agency_id=stance.agency_id) if stance.agency_id else Q(agency__isnull=True)
    )


def _require_sources(record, kind: str) -> None:
    if record.pk is None or not record.sources.exists():
        raise PublishError(
            f"This {kind} has no source. Add at least one source before publishing it."
        )


@transaction.atomic
def stance_publish(*, stance: Stance, by=None) -> Stance:
    """Publish a stance and end the one it replaces, keeping one current stance per timeline.

    A stance that took effect before the current one is back-filled: it ends when the next began.
    """
    _require_sources(stance, "stance")
    others = _same_timeline(stance).published().exclude(pk=stance.pk).select_for_update()
    if stance.ended_on is None:
        for current in others.current():
            if current.effective_from <= stance.effective_from:
                current.ended_on = stance.effective_from
                current.updated_by = by or current.updated_by
                current.save(update_fields=["ended_on", "updated_by", "updated_at"])
            else:
                stance.ended_on = current.effective_from
    stance.status = Status.PUBLISHED
    stance.updated_by = by or stance.updated_by
    stance.save()
    jurisdiction_refresh_stance(jurisdiction=stance.jurisdiction)
    return stance


@transaction.atomic
def stance_unpublish(*, stance: Stance, by=None) -> Stance:
    """Return a stance to draft; the stance it had ended becomes current again."""
    was_current = stance.is_published and stance.ended_on is None
    stance.status = Status.DRAFT
    stance.updated_by = by or stance.updated_by
    stance.save()
    if was_current:
        previous = (
            _same_timeline(stance)
            .published()
            .filter(ended_on=stance.effective_from)
            .order_by("-effective_from", "-id")
            .first()
        )
        if previous is not None:
            previous.ended_on = None
            previous.save(update_fields=["ended_on", "updated_at"])
    jurisdiction_refresh_stance(jurisdiction=stance.jurisdiction)
    return stance


def stances_publish(*, stances: Iterable[Stance], by=None) -> int:
    """Publish each draft in date order so that every timeline ends up consistent."""
    count = 0
    for stance in sorted(stances, key=lambda s: (s.effective_from, s.pk)):
        if not stance.is_published:
            stance_publish(stance=stance, by=by)
            count += 1
    return count


def stances_unpublish(*, stances: Iterable[Stance], by=None) -> int:
    count = 0
    for stance in sorted(stances, key=lambda s: (s.effective_from, s.pk), reverse=True):
        if stance.is_published:
            stance_unpublish(stance=stance, by=by)
            count += 1
    return count


@transaction.atomic
def statements_publish(*, statements: QuerySet[Statement], by=None) -> int:
    """Publish the drafts among `statements`; refuses the whole batch if one has no source."""
    drafts = statements.exclude(status=Status.PUBLISHED)
    unsourced = drafts.filter(sources__isnull=True)
    if unsourced.exists():
        names = ", ".join(f"#{pk}" for pk in unsourced.values_list("pk", flat=True)[:10])
        raise PublishError(
            f"Statement(s) {names} have no source. Add at least one source before publishing."
        )
    return _set_status(drafts, Status.PUBLISHED, by=by)


@transaction.atomic
def statements_unpublish(*, statements: QuerySet[Statement], by=None) -> int:
    return _set_status(statements.filter(status=Status.PUBLISHED), Status.DRAFT, by=by)


def _set_status(statements: QuerySet[Statement], status: str, *, by) -> int:
    # Saved one by one, not with update(), so that each change lands in the history.
    count = 0
    for statement in statements.select_for_update():
        statement.status = status
        statement.updated_by = by or statement.updated_by
        statement.save(update_fields=["status", "updated_by", "updated_at"])
        count += 1
    return count

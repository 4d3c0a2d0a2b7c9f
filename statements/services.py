"""Writes that touch more than one row. The admin, views and management commands all call these."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cities.models import Jurisdiction, StanceLevel

from .models import Correction, Source, Stance, Statement, Status


class PublishError(ValidationError):
    pass


class WorkflowError(ValidationError):
    """A correction, retraction or reinstatement that the record's status does not allow."""


def jurisdiction_refresh_stance(*, jurisdiction: Jurisdiction) -> str:
    """Copy the headline stance onto the jurisdiction and return its level (two queries)."""
    jurisdictions_refresh_stance(jurisdictions=Jurisdiction.objects.filter(pk=jurisdiction.pk))
    jurisdiction.stance_level = (
        Jurisdiction.objects.filter(pk=jurisdiction.pk).values_list("stance_level", flat=True).get()
    )
    return jurisdiction.stance_level


def jurisdictions_refresh_stance(*, jurisdictions: QuerySet[Jurisdiction]) -> int:
    """Copy each jurisdiction's headline stance (StanceQuerySet.headline_level) onto its
    `stance_level`, "unknown" where none applies: one UPDATE, whatever the number of rows."""
    return jurisdictions.update(
        stance_level=Coalesce(Stance.objects.headline_level(), Value(StanceLevel.UNKNOWN.value))
    )


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
    return _stance_withdraw(stance, status=Status.DRAFT, by=by)


def _stance_withdraw(stance: Stance, *, status: str, by) -> Stance:
    """Take a stance out of the published timeline (to draft or retracted), reopening the stance
    it had ended and moving the jurisdiction's headline back."""
    was_current = stance.is_published and stance.ended_on is None
    stance.status = status
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


@transaction.atomic
def stance_save(*, stance: Stance, by=None) -> Stance:
    """Save an editor's change to a stance; a published one moves its jurisdiction's headline.

    Publishing stays with stance_publish: this never changes the status. Two to six queries.
    """
    if stance.pk is None:
        stance.created_by = by
        before = None
    else:
        before = Stance.objects.filter(pk=stance.pk).values("jurisdiction_id", "status").first()
    stance.updated_by = by or stance.updated_by
    stance.save()
    touched = {stance.jurisdiction_id} if stance.is_published else set()
    if before and before["status"] == Status.PUBLISHED:
        touched.add(before["jurisdiction_id"])
    for jurisdiction in Jurisdiction.objects.filter(pk__in=touched):
        jurisdiction_refresh_stance(jurisdiction=jurisdiction)
    return stance


# Deleting: only drafts. What readers have seen is retracted, never erased, and keeps its sources.


def _refuse_erasing(queryset) -> None:
    refusals = queryset.erasure_refusals()
    if refusals:
        raise WorkflowError(" ".join(refusals))


@transaction.atomic
def stance_delete(*, stance: Stance, by=None) -> None:
    """Delete a draft stance. A published or retracted one is refused (WorkflowError, saying to
    retract it instead), as the model's own guard would. Two or three queries."""
    _refuse_erasing(Stance.objects.filter(pk=stance.pk))
    stance._history_user = by
    stance.delete()


@transaction.atomic
def statement_delete(*, statement: Statement, by=None) -> None:
    """Delete a draft statement; a published or retracted one is refused (WorkflowError)."""
    _refuse_erasing(Statement.objects.filter(pk=statement.pk))
    statement._history_user = by
    statement.delete()


@transaction.atomic
def source_delete(*, source: Source, by=None) -> None:
    """Delete a source no published or retracted claim cites; otherwise WorkflowError, naming
    the claims that cite it. Four to six queries."""
    _refuse_erasing(Source.objects.filter(pk=source.pk))
    source._history_user = by
    source.delete()


def _unsourced_error(kind: str, pks) -> PublishError:
    names = ", ".join(f"#{pk}" for pk in pks[:10])
    return PublishError(
        f"{kind}(s) {names} have no source. Add at least one source before publishing."
    )


def _pks(records) -> list[int]:
    # A plain list of ids: the admin's changelist queryset may carry outer joins or DISTINCT,
    # which PostgreSQL refuses to combine with FOR UPDATE.
    if isinstance(records, QuerySet):
        return list(records.order_by().values_list("pk", flat=True))
    return [record.pk for record in records]


@transaction.atomic
def stances_publish(*, stances: Iterable[Stance], by=None) -> int:
    """Publish the drafts among `stances` in date order, so every timeline ends up consistent.

    Refuses the whole batch if one draft has no source. Each stance is read afresh before it is
    published, since publishing one may end another in the batch.
    """
    drafts = Stance.objects.filter(pk__in=_pks(stances), status=Status.DRAFT)
    unsourced = list(drafts.filter(sources__isnull=True).values_list("pk", flat=True))
    if unsourced:
        raise _unsourced_error("Stance", unsourced)
    count = 0
    for pk in list(drafts.order_by("effective_from", "pk").values_list("pk", flat=True)):
        stance_publish(stance=Stance.objects.get(pk=pk), by=by)
        count += 1
    return count


@transaction.atomic
def stances_unpublish(*, stances: Iterable[Stance], by=None) -> int:
    """Return the published among `stances` to draft, newest first, reopening what they ended."""
    published = Stance.objects.filter(pk__in=_pks(stances), status=Status.PUBLISHED)
    count = 0
    for pk in list(published.order_by("-effective_from", "-pk").values_list("pk", flat=True)):
        stance_unpublish(stance=Stance.objects.get(pk=pk), by=by)
        count += 1
    return count


@transaction.atomic
def statements_publish(*, statements: Iterable[Statement], by=None) -> int:
    """Publish the drafts among `statements`; refuses the whole batch if one has no source."""
    drafts = Statement.objects.filter(pk__in=_pks(statements), status=Status.DRAFT)
    unsourced = list(drafts.filter(sources__isnull=True).values_list("pk", flat=True))
    if unsourced:
        raise _unsourced_error("Statement", unsourced)
    return _set_status(drafts, Status.PUBLISHED, by=by)


@transaction.atomic
def statements_unpublish(*, statements: Iterable[Statement], by=None) -> int:
    published = Statement.objects.filter(pk__in=_pks(statements), status=Status.PUBLISHED)
    return _set_status(published, Status.DRAFT, by=by)


def _set_status(statements: QuerySet[Statement], status: str, *, by) -> int:
    # Saved one by one, not with update(), so that each change lands in the history.
    count = 0
    for statement in statements.order_by("pk").select_for_update():
        statement.status = status
        statement.updated_by = by or statement.updated_by
        statement.save(update_fields=["status", "updated_by", "updated_at"])
        count += 1
    return count


# Corrections and retractions: what happens to a record once the public has seen it.


def _require_published(record, kind: str, doing: str) -> None:
    if record.status != Status.PUBLISHED:
        raise WorkflowError(
            f"Only a published {kind} can be {doing}; this one is "
            f"{record.get_status_display().lower()}."
        )


def _apply_changes(record, changes: dict) -> dict:
    """Set the concrete fields of `changes` on `record`; return the many-to-many ones, unset."""
    related = {}
    for name, value in changes.items():
        field = record._meta.get_field(name)
        if field.many_to_many:
            related[name] = value
        elif field.concrete and field.editable:
            # A foreign key takes the related record or its id.
            is_id = field.is_relation and not isinstance(value, field.related_model)
            setattr(record, field.attname if is_id and value is not None else name, value)
        else:
            raise WorkflowError(f"“{name}” cannot be corrected.")
    return related


def _history_reason(text: str) -> str:
    # simple_history keeps the change reason in 100 characters.
    return text if len(text) <= 100 else f"{text[:99]}…"


def _require_note(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise WorkflowError("Say what changed in the correction note; readers see it.")
    return note


def _correction(*, note: str, by, **target) -> Correction:
    return Correction.objects.create(
        corrected_at=timezone.now(), note=note, created_by=by, **target
    )


@transaction.atomic
def statement_correct(*, statement: Statement, changes: dict, note: str, by=None) -> Correction:
    """Apply `changes` (field name to new value; `sources` takes an iterable of sources) to a
    published statement and record the dated public correction note saying what changed.

    Refused, with nothing saved, for a draft or retracted statement or an empty note.
    """
    _require_published(statement, "statement", "corrected")
    note = _require_note(note)
    related = _apply_changes(statement, changes)
    if "sources" in related and not list(related["sources"]):
        raise WorkflowError("A published statement needs at least one source.")
    statement.updated_by = by or statement.updated_by
    statement._change_reason = _history_reason(f"Correction: {note}")
    statement.save()
    for name, value in related.items():
        getattr(statement, name).set(value)
    return _correction(note=note, by=by, statement=statement)


@transaction.atomic
def stance_correct(*, stance: Stance, changes: dict, note: str, by=None) -> Correction:
    """`statement_correct` for a published stance; the jurisdiction's headline follows the change."""
    _require_published(stance, "stance", "corrected")
    note = _require_note(note)
    related = _apply_changes(stance, changes)
    if "sources" in related and not list(related["sources"]):
        raise WorkflowError("A published stance needs at least one source.")
    stance._change_reason = _history_reason(f"Correction: {note}")
    stance_save(stance=stance, by=by)
    for name, value in related.items():
        getattr(stance, name).set(value)
    return _correction(note=note, by=by, stance=stance)


def _retract(record, *, reason: str, by) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("Give the reason for the retraction; it is shown on the permalink.")
    record.retracted_at = timezone.now()
    record.retraction_reason = reason
    record._change_reason = _history_reason(f"Retraction: {reason}")


@transaction.atomic
def statement_retract(*, statement: Statement, reason: str, by=None) -> Statement:
    """Retract a published statement: hidden from every list, its permalink shows `reason`."""
    _require_published(statement, "statement", "retracted")
    _retract(statement, reason=reason, by=by)
    statement.status = Status.RETRACTED
    statement.updated_by = by or statement.updated_by
    statement.save()
    return statement


@transaction.atomic
def stance_retract(*, stance: Stance, reason: str, by=None) -> Stance:
    """Retract a published stance; if it was current, the stance it had ended is current again
    and the jurisdiction's headline moves back, as when unpublishing."""
    _require_published(stance, "stance", "retracted")
    _retract(stance, reason=reason, by=by)
    return _stance_withdraw(stance, status=Status.RETRACTED, by=by)


@transaction.atomic
def record_reinstate(*, record: Statement | Stance, by=None) -> Statement | Stance:
    """Withdraw a retraction: the record goes back to draft, to be checked and published again.

    The retraction's date and reason stay in the record's history.
    """
    if record.status != Status.RETRACTED:
        raise WorkflowError(
            f"Only a retracted record can be reinstated; this one is "
            f"{record.get_status_display().lower()}."
        )
    record.status = Status.DRAFT
    record.retracted_at = None
    record.retraction_reason = ""
    record.updated_by = by or record.updated_by
    record._change_reason = "Retraction withdrawn"
    record.save()
    return record


@transaction.atomic
def statements_retract(*, statements: Iterable[Statement], reason: str, by=None) -> int:
    """Retract the published among `statements` with one reason; the others are left alone."""
    count = 0
    published = Statement.objects.filter(pk__in=_pks(statements), status=Status.PUBLISHED)
    for statement in published.order_by("pk"):
        statement_retract(statement=statement, reason=reason, by=by)
        count += 1
    return count


@transaction.atomic
def stances_retract(*, stances: Iterable[Stance], reason: str, by=None) -> int:
    """Retract the published among `stances`, newest first so each timeline reopens in order."""
    count = 0
    pks = _pks(stances)
    for pk in list(
        Stance.objects.filter(pk__in=pks, status=Status.PUBLISHED)
        .order_by("-effective_from", "-pk")
        .values_list("pk", flat=True)
    ):
        stance_retract(stance=Stance.objects.get(pk=pk), reason=reason, by=by)
        count += 1
    return count

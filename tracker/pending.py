"""Changes that wait for an editor: a contributor's addition, change or restore of a record the
public sees at once (a source, an event, a jurisdiction...), kept aside until an editor approves
or rejects it.

Claims (statements, stances) have their own draft status and never pass through here. Approval
re-validates the proposal against the record as it is now, refuses it if the record was saved
since the contributor opened it, and saves it through the version lock, recorded in the history
as the contributor's change approved by the editor.
"""

import json

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils import formats, timezone

from . import history
from .forms import errors_in_words, posted_data
from .models import ConcurrentEdit

REVIEW_PERMISSION = "tracker.review_pendingchange"


def saves_directly(user) -> bool:
    """Whether `user`'s saves of a reviewed record are written at once (editors) or wait for
    an editor (contributors)."""
    return user.has_perm(REVIEW_PERMISSION)


class PendingKind(models.TextChoices):
    ADD = "add", "Addition"
    CHANGE = "change", "Change"
    RESTORE = "restore", "Restore of a deleted record"


class PendingStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an editor"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class PendingChangeQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=PendingStatus.PENDING)

    def for_record(self, model, object_id):
        """The changes proposed to the `model` record `object_id` (not its addition, whose id
        was unknown then)."""
        return self.filter(
            content_type=ContentType.objects.get_for_model(model), object_id=object_id
        )

    def for_review(self):
        """With the record's kind, the author and the reviewer joined: one query per page."""
        return self.select_related("content_type", "author", "reviewer")


class PendingChange(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    # Empty for an addition until it is approved; then the id of the record it created.
    object_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    record = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(max_length=10, choices=PendingKind)
    # How the record was named when the change was proposed (an addition has no record yet).
    object_repr = models.CharField("record", max_length=300)
    proposed = models.JSONField(
        encoder=DjangoJSONEncoder,
        help_text="{field: proposed value}; a many-to-many relation as a list of ids.",
    )
    base = models.JSONField(
        encoder=DjangoJSONEncoder,
        default=dict,
        help_text="The record's values as the contributor saw them (the same fields).",
    )
    base_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The version of the record the contributor opened."
    )
    # For a restore: the historical row of the deletion to undo.
    restore_history_id = models.PositiveBigIntegerField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pending_changes"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=10, choices=PendingStatus, default=PendingStatus.PENDING, db_index=True
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_changes",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(
        "editor's note", blank=True, help_text="Why, for the contributor: shown with the change."
    )

    objects = PendingChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("review_pendingchange", "Can approve or reject pending changes")]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "status"], name="pendingchange_record"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PendingKind.values),
                name="pendingchange_kind_valid",
                violation_error_message="A pending change is an addition, a change or a restore.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=PendingStatus.values),
                name="pendingchange_status_valid",
                violation_error_message="A pending change is pending, approved or rejected.",
            ),
            models.CheckConstraint(
                condition=Q(kind=PendingKind.ADD) | Q(object_id__isnull=False),
                name="pendingchange_names_its_record",
                violation_error_message="A change or a restore names the record it is for.",
            ),
            models.CheckConstraint(
                condition=~Q(kind=PendingKind.RESTORE) | Q(restore_history_id__isnull=False),
                name="pendingchange_restore_names_its_deletion",
                violation_error_message="A restore names the deletion it undoes.",
            ),
            models.CheckConstraint(
                condition=Q(status=PendingStatus.PENDING, reviewed_at__isnull=True)
                | (~Q(status=PendingStatus.PENDING) & Q(reviewed_at__isnull=False)),
                name="pendingchange_reviewed_when_decided",
                violation_error_message="An approved or rejected change has its review date; "
                "a pending one has none.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.content_type.name} “{self.object_repr}”"

    @property
    def model(self):
        return self.content_type.model_class()

    @property
    def is_pending(self) -> bool:
        return self.status == PendingStatus.PENDING

    def changes(self) -> list[history.FieldChange]:
        """The proposal field by field: each proposed value beside the one the contributor saw
        (an addition or a restore beside nothing). One query per related record named."""
        before = self.base if self.kind == PendingKind.CHANGE else {}
        return history.value_changes(
            self.model, _typed(self.model, before), _typed(self.model, self.proposed)
        )

    def changed_since(self) -> str:
        """What was saved to the record since the contributor opened it, as a sentence; empty
        when nothing was (or the record is gone, which approving says)."""
        if self.kind != PendingKind.CHANGE:
            return ""
        record = self.model._base_manager.filter(pk=self.object_id).first()
        if record is None:
            return ""
        author = person_name(self.author)
        noun = self.model._meta.verbose_name
        if self.base_version is not None:
            if record.version == self.base_version:
                return ""
            since = history.saved_since(record, self.base_version)
            if since is not None:
                return since.sentence(noun, opener=author)
            return f"Someone saved this {noun} after {author} opened it."
        now = _jsonable(record_values(record, list(self.base)))
        if now == self.base:
            return ""
        changes = history.value_changes(
            self.model, _typed(self.model, self.base), _typed(self.model, now)
        )
        listed = "; ".join(f"{c.field} from “{c.old}” to “{c.new}”" for c in changes)
        return f"This {noun} was changed after {author} proposed this: {listed}."


class PendingChangeError(Exception):
    """A review that cannot be done as asked; the message says why, for the editor."""


def record_values(record, names) -> dict:
    """{name: value} of `record`'s fields named: a foreign key as its id, a many-to-many
    relation as a sorted list of ids (one query each)."""
    values = {}
    for name in names:
        field = record._meta.get_field(name)
        if field.many_to_many:
            related = getattr(record, name).all() if record.pk else []
            values[name] = sorted(item.pk for item in related)
        else:
            values[name] = getattr(record, field.attname)
    return values


def _jsonable(values: dict) -> dict:
    """`values` as the JSON field stores and returns them (dates as ISO text)."""
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def _typed(model, values: dict) -> dict:
    """Stored values back in each field's Python type (a date from its ISO text)."""
    typed = {}
    for name, value in values.items():
        field = model._meta.get_field(name)
        if field.many_to_many or value is None:
            typed[name] = value
        else:
            typed[name] = field.to_python(value)
    return typed


def person_name(user) -> str:
    if user is None:
        return "someone"
    return user.get_full_name() or user.get_username()


def _reason(text: str) -> str:
    # simple_history keeps the change reason in 100 characters.
    return text if len(text) <= 100 else f"{text[:99]}…"


# Proposing -------------------------------------------------------------------------------------


@transaction.atomic
def pending_change_propose(
    *, model, values: dict, author, record=None, base_version: int | None = None
) -> PendingChange | None:
    """Keep a contributor's addition (`record` None) or change of `record` for an editor.

    `values` is {field: value} as the contributor's form would save them (forms.form_values);
    `base_version` the version they opened. A change keeps only the fields that differ from
    the saved record, beside the saved values; None when none differs. Two to four queries.
    """
    proposed = _jsonable(values)
    if record is None:
        return PendingChange.objects.create(
            content_type=ContentType.objects.get_for_model(model),
            kind=PendingKind.ADD,
            object_repr=_repr(model(**_concrete(model, values))),
            proposed=proposed,
            author=author,
        )
    saved = model._base_manager.get(pk=record.pk)
    base = _jsonable(record_values(saved, list(proposed)))
    changed = {name: value for name, value in proposed.items() if value != base[name]}
    if not changed:
        return None
    return PendingChange.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_id=saved.pk,
        kind=PendingKind.CHANGE,
        object_repr=_repr(saved),
        proposed=changed,
        # Every field the form held, so that approving an unversioned record (no lock) can
        # tell whether any of it was changed since.
        base=base,
        base_version=getattr(saved, "version", None) if base_version is None else base_version,
        author=author,
    )


@transaction.atomic
def pending_restore_propose(*, deletion, author) -> PendingChange:
    """Keep a contributor's restore of the record deleted by historical row `deletion` for an
    editor. Raises PendingChangeError, keeping nothing, if it could not be restored now or
    its restore already waits. Five to eight queries."""
    refusal = history.restore_refusal(deletion)
    if refusal:
        raise PendingChangeError(refusal)
    model = deletion.instance_type
    waiting = PendingChange.objects.pending().filter(
        content_type=ContentType.objects.get_for_model(model),
        kind=PendingKind.RESTORE,
        restore_history_id=deletion.history_id,
    )
    if waiting.exists():
        raise PendingChangeError(
            f"A restore of “{history.label(deletion.instance)}” already waits for an editor."
        )
    state = history.last_state_before(deletion) or deletion
    names = [
        field.name
        for field in model._meta.concrete_fields
        if field.editable and not field.primary_key
    ]
    values = {name: getattr(state, model._meta.get_field(name).attname) for name in names}
    for field, ids in history.historical_m2m(state).items():
        values[field.name] = sorted(ids)
    return PendingChange.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_id=getattr(deletion, model._meta.pk.attname),
        kind=PendingKind.RESTORE,
        object_repr=_repr(state.instance),
        proposed=_jsonable(values),
        restore_history_id=deletion.history_id,
        author=author,
    )


def _concrete(model, values: dict) -> dict:
    concrete = {}
    for name, value in values.items():
        field = model._meta.get_field(name)
        if not field.many_to_many:
            concrete[field.attname] = value
    return concrete


def _repr(record) -> str:
    return history.label(record)[:300]


# Reviewing -------------------------------------------------------------------------------------


@transaction.atomic
def pending_change_approve(*, change: PendingChange, by, form_class=None, note: str = ""):
    """Write a pending change and mark it approved by `by`; return the record written.

    The proposal is re-validated: through `form_class` (the record's admin form) when given,
    as the contributor's save was, else through the model's full_clean. A change is refused if
    the record was saved since the contributor opened it, or deleted. The history shows the
    contributor as the author and the approving editor in the reason. Raises
    PendingChangeError, writing nothing, when refused. About ten queries.
    """
    change = _locked(change)
    model = change.model
    reason = _reason(
        f"{change.get_kind_display()} by {person_name(change.author)}, approved by {person_name(by)}"
    )
    if change.kind == PendingKind.RESTORE:
        record = _approve_restore(change, reason)
    else:
        record = _approve_values(change, model, form_class, reason)
    change.status = PendingStatus.APPROVED
    change.object_id = record.pk
    change.object_repr = _repr(record)
    change.reviewer = by
    change.reviewed_at = timezone.now()
    change.review_note = note
    change.save()
    return record


@transaction.atomic
def pending_change_reject(*, change: PendingChange, by, note: str = "") -> PendingChange:
    """Mark a pending change rejected by `by`, with `note` for the contributor; nothing else
    changes. Raises PendingChangeError if it was already decided. Two queries."""
    change = _locked(change)
    change.status = PendingStatus.REJECTED
    change.reviewer = by
    change.reviewed_at = timezone.now()
    change.review_note = note
    change.save()
    return change


def _locked(change: PendingChange) -> PendingChange:
    locked = (
        PendingChange.objects.select_for_update(of=("self",))
        .select_related("content_type", "author", "reviewer")
        .get(pk=change.pk)
    )
    if not locked.is_pending:
        when = formats.date_format(timezone.localtime(locked.reviewed_at), "DATETIME_FORMAT")
        raise PendingChangeError(
            f"This change was already {locked.get_status_display().lower()} by "
            f"{person_name(locked.reviewer)} on {when}."
        )
    return locked


def _approve_restore(change: PendingChange, reason: str):
    deletion = (
        history.history_manager(change.model)
        .filter(history_id=change.restore_history_id, history_type="-")
        .first()
    )
    if deletion is None:
        raise PendingChangeError("The deletion this restore undoes is no longer recorded.")
    try:
        return history.restore_deleted(deletion, by=change.author, reason=reason)
    except history.RestoreError as error:
        raise PendingChangeError(str(error)) from error


def _approve_values(change: PendingChange, model, form_class, reason: str):
    noun = model._meta.verbose_name
    if change.kind == PendingKind.ADD:
        record = model()
    else:
        record = model._base_manager.filter(pk=change.object_id).first()
        if record is None:
            raise PendingChangeError(
                f"Not approved: the {noun} “{change.object_repr}” was deleted after this change "
                "was proposed. Reject it."
            )
        since = change.changed_since()
        if since:
            raise PendingChangeError(
                f"Not approved: {since} Approving would undo that. Reject this change and ask "
                f"{person_name(change.author)} to propose it again on the {noun} as it is now."
            )
    proposed = _typed(model, change.proposed)
    if form_class is not None:
        record, save_m2m = _validated_by_form(change, form_class, record, proposed)
    else:
        save_m2m = _validated_by_model(record, proposed)
    record._history_user = change.author
    record._change_reason = reason
    try:
        with transaction.atomic():
            record.save()
            save_m2m()
    except ConcurrentEdit as error:
        raise PendingChangeError(
            f"Not approved: {error} Reload this page to see what changed."
        ) from error
    return record


def _validated_by_form(change, form_class, record, proposed):
    data = posted_data(form_class, record, proposed, opened_version=change.base_version)
    form = form_class(data=data, instance=record)
    if not form.is_valid():
        raise PendingChangeError(f"Not approved: {errors_in_words(form)}")
    return form.save(commit=False), form.save_m2m


def _validated_by_model(record, proposed):
    relations = {}
    for name, value in proposed.items():
        field = record._meta.get_field(name)
        if field.many_to_many:
            relations[name] = value
        else:
            setattr(record, field.attname, value)
    try:
        record.full_clean()
    except ValidationError as error:
        raise PendingChangeError(f"Not approved: {' '.join(error.messages)}") from error

    def save_m2m():
        for name, ids in relations.items():
            getattr(record, name).set(ids)

    return save_m2m

"""Reading and undoing the recorded history of curated records (django-simple-history).

What the admin needs beyond simple_history itself: the changes between two versions in words an
editor reads, what someone else saved since an editor opened a record, why an old version cannot
come back (a related record it points to was deleted since), and the restoring of deleted records.
"""

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import formats, timezone

# Bookkeeping fields that change on every save and say nothing to an editor.
NOISE_FIELDS = ["version", "updated_at", "search_vector"]

# Status moves only through the workflow services (publish, correct, retract): a revert or a
# restore keeps these as they are, or a revert could publish what nobody reviewed.
WORKFLOW_FIELDS = ["status", "retracted_at", "retraction_reason"]


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


def label(record) -> str:
    """str(record), or its kind and id when it names a related record that is gone."""
    try:
        return str(record)
    except ObjectDoesNotExist:
        return f"{record._meta.verbose_name} #{record.pk}"


def history_manager(model):
    return getattr(model, model._meta.simple_history_manager_attribute)


def display(model, name: str, value) -> str:
    """A field's value as the admin shows it: choice labels, related records by name, a
    many-to-many relation (a list of ids) as the names of its records."""
    field = model._meta.get_field(name)
    if field.many_to_many:
        related = field.related_model
        ids = list(value or [])
        names = [label(record) for record in related._base_manager.filter(pk__in=ids)]
        missing = len(set(ids)) - len(names)
        if missing:
            names.append(f"{missing} deleted")
        return "; ".join(sorted(names)) or "(none)"
    if value is None or value == "":
        return "(empty)"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        if isinstance(value, field.related_model):
            return label(value)
        record = field.related_model._base_manager.filter(pk=value).first()
        return label(record) if record else f"#{value} (deleted)"
    return str(formats.localize(value))


def _display(model, name: str, value) -> str:
    """`display` of a value from a historical row's diff, whose many-to-many relation is a
    list of through rows."""
    field = model._meta.get_field(name)
    if field.many_to_many:
        value = [row[field.m2m_reverse_field_name()] for row in value or []]
    return display(model, name, value)


def value_changes(model, before: dict, after: dict) -> list[FieldChange]:
    """The fields whose value differs from `before` to `after` ({field name: value}, a
    many-to-many relation as a list of ids), labelled and displayed, in `after`'s order."""
    changes = []
    for name, new in after.items():
        old = before.get(name)
        if _comparable(model, name, old) == _comparable(model, name, new):
            continue
        field = model._meta.get_field(name)
        changes.append(
            FieldChange(
                field=str(field.verbose_name).capitalize(),
                old=display(model, name, old),
                new=display(model, name, new),
            )
        )
    return changes


def _comparable(model, name: str, value):
    # Empty is empty, whether stored as "", NULL or no relation at all.
    if model._meta.get_field(name).many_to_many:
        return sorted(value or []) or None
    return None if value == "" else value


def field_changes(newer, older) -> list[FieldChange]:
    """The fields that differ from historical row `older` to `newer`, labelled and displayed."""
    model = newer.instance_type
    delta = newer.diff_against(older, excluded_fields=NOISE_FIELDS, foreign_keys_are_objs=False)
    changes = []
    for change in delta.changes:
        field = model._meta.get_field(change.field)
        changes.append(
            FieldChange(
                field=str(field.verbose_name).capitalize(),
                old=_display(model, change.field, change.old),
                new=_display(model, change.field, change.new),
            )
        )
    return changes


def _who(row) -> str:
    user = row.history_user
    if user is None:
        return "someone"
    return user.get_full_name() or user.get_username()


@dataclass(frozen=True)
class SavedSince:
    """What was saved to a record after a given version: by whom, when last, which fields."""

    who: list[str]
    when: str
    changes: list[FieldChange]

    def sentence(self, noun: str, opener: str = "you") -> str:
        """The saving in words: “Ann saved this source at …, after you opened it. They changed …”."""
        text = (
            f"{' and '.join(self.who)} saved this {noun} at {self.when}, after {opener} opened it."
        )
        if self.changes:
            text += " They changed " + "; ".join(
                f"{c.field} from “{c.old}” to “{c.new}”" for c in self.changes
            )
            text += "."
        return text


def saved_since(record, opened_version: int) -> SavedSince | None:
    """Who saved `record` after its `opened_version`, when, and what they changed; None when
    no history says so. Two queries and one per related record named."""
    rows = list(
        history_manager(type(record))
        .filter(**{type(record)._meta.pk.attname: record.pk})
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
    if not rows:
        return None
    newest = rows[0]
    base = next((row for row in rows if row.version == opened_version), None)
    later = [row for row in rows if row.version > opened_version]
    return SavedSince(
        who=sorted({_who(row) for row in later}) or [_who(newest)],
        when=formats.date_format(timezone.localtime(newest.history_date), "DATETIME_FORMAT"),
        changes=field_changes(newest, base) if base is not None else [],
    )


def conflict_message(record, opened_version: int) -> str:
    """What was saved to `record` since its `opened_version`: who, when, each field's new value."""
    noun = type(record)._meta.verbose_name
    since = saved_since(record, opened_version)
    if since is None:
        return f"This {noun} was saved by someone else after you opened it."
    return (
        f"Not saved: {since.sentence(noun)} Your values are still in the form below. Save "
        "again to replace theirs with yours, or reload the page to start from theirs."
    )


def missing_related(instance) -> list[str]:
    """The records `instance` (e.g. an old version) points to that no longer exist, described."""
    problems = []
    for field in instance._meta.concrete_fields:
        if not field.is_relation or not field.editable:
            continue
        value = getattr(instance, field.attname)
        if value is None:
            continue
        related = field.related_model
        if not related._base_manager.filter(pk=value).exists():
            problems.append(_gone(related, value, field.verbose_name))
    return problems


def missing_related_m2m(row) -> list[str]:
    """The records of historical row `row`'s many-to-many fields that no longer exist."""
    problems = []
    for field, ids in historical_m2m(row).items():
        related = field.related_model
        existing = set(related._base_manager.filter(pk__in=ids).values_list("pk", flat=True))
        for pk in sorted(set(ids) - existing):
            problems.append(_gone(related, pk, field.verbose_name))
    return problems


def _gone(model, pk, field_label) -> str:
    last = None
    if getattr(model._meta, "simple_history_manager_attribute", None):
        last = (
            history_manager(model)
            .filter(**{model._meta.pk.attname: pk})
            .order_by("-history_date", "-history_id")
            .first()
        )
    if last is not None:
        when = formats.date_format(timezone.localtime(last.history_date), "DATE_FORMAT")
        return f"its {field_label} “{label(last.instance)}” was deleted on {when}"
    return f"its {field_label} (#{pk}) no longer exists"


def settled(row):
    """The newest row recording the same saved version as `row`.

    simple_history writes a row on save and another on each later change of a many-to-many
    relation (the admin sets those after saving), with the version unchanged: the last row of a
    version holds that version's relations.
    """
    model = row.instance_type
    if not hasattr(row, "version"):
        return row
    pk = model._meta.pk.attname
    return (
        history_manager(model)
        .filter(**{pk: getattr(row, pk)}, version=row.version)
        .exclude(history_type="-")
        .order_by("-history_date", "-history_id")
        .first()
        or row
    )


def historical_m2m(row) -> dict:
    """{field: [related ids]} for each many-to-many field recorded in historical row `row`."""
    recorded = {}
    for field in row._history_m2m_fields:
        through = getattr(row, field.attname).all()
        recorded[field] = [getattr(r, field.m2m_reverse_field_name() + "_id") for r in through]
    return recorded


def deleted_rows(model, *, limit: int = 200) -> list:
    """The last recorded state of each deleted `model` record that does not exist again, newest
    deletion first. Two queries: the deletions, the states before them."""
    manager = history_manager(model)
    pk = model._meta.pk.attname
    still_gone = ~Exists(model._base_manager.filter(pk=OuterRef(pk)))
    deletions = list(
        manager.filter(still_gone, history_type="-")
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
    seen, newest = set(), []
    for row in deletions:
        if getattr(row, pk) not in seen:
            seen.add(getattr(row, pk))
            newest.append(row)
    return newest


def last_state_before(deletion):
    """The newest historical row of the record before `deletion` (it carries the m2m)."""
    model = deletion.instance_type
    pk = model._meta.pk.attname
    return (
        history_manager(model)
        .filter(**{pk: getattr(deletion, pk)}, history_date__lte=deletion.history_date)
        .exclude(history_type="-")
        .order_by("-history_date", "-history_id")
        .first()
    )


class RestoreError(Exception):
    pass


def restore_refusal(deletion) -> str:
    """Why the record deleted by historical row `deletion` cannot come back (it exists again,
    or a record it points to is gone), as a sentence; empty when it can. Three to five queries."""
    model = deletion.instance_type
    pk = model._meta.pk.attname
    if model._base_manager.filter(pk=getattr(deletion, pk)).exists():
        return f"This {model._meta.verbose_name} exists again; nothing to restore."
    state = last_state_before(deletion) or deletion
    problems = missing_related(state.instance) + missing_related_m2m(state)
    if not problems:
        return ""
    return (
        f"“{label(state.instance)}” cannot be restored: {'; '.join(problems)}. Restore "
        f"{'that record' if len(problems) == 1 else 'those records'} first."
    )


@transaction.atomic
def restore_deleted(deletion, *, by=None, reason: str = "Restored after deletion"):
    """Re-create a deleted record from its last recorded state, with its many-to-many relations.

    A statement or stance comes back as a draft, to be checked and published again. The
    history records `by` as the author and `reason` as the change's reason. Raises
    RestoreError, saving nothing, if a record it points to is gone or its values now clash.
    """
    refusal = restore_refusal(deletion)
    if refusal:
        raise RestoreError(refusal)
    model = deletion.instance_type
    state = last_state_before(deletion) or deletion
    instance = state.instance
    instance.prepare_restored()
    if hasattr(instance, "updated_by_id"):
        instance.updated_by = by
    try:
        instance.validate_unique()
        instance.validate_constraints()
    except ValidationError as error:
        raise RestoreError(
            f"“{label(instance)}” cannot be restored: {' '.join(error.messages)}"
        ) from error
    instance._history_user = by
    instance._change_reason = reason
    instance._state.adding = True
    try:
        with transaction.atomic():
            instance.save(force_insert=True)
    except IntegrityError as error:
        raise RestoreError(
            f"“{label(instance)}” cannot be restored: it clashes with a record added since."
        ) from error
    for field, ids in historical_m2m(state).items():
        getattr(instance, field.name).set(ids)
    if hasattr(instance, "created_at") and getattr(state, "created_at", None):
        model._base_manager.filter(pk=instance.pk).update(created_at=state.created_at)
    return instance

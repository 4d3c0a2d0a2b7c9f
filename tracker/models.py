"""Machinery every curated model shares: timestamps, the version lock and the synthetic flag."""

import functools

from django.conf import settings
from django.db import models, transaction
from django.utils.encoding import force_str


@functools.cache
def choice_labels(field) -> dict:
    """{stored value: label} of a field with choices, the labels left lazy (translated when
    shown), built once per field."""
    return dict(field.flatchoices)


class ChoiceLabels(models.Model):
    """`get_<field>_display()` by a dictionary lookup. Django's builds a dictionary of the
    field's choices on each call, hashing every lazy label (a translation lookup each): fifty
    states on each row of a list made the state names most of the page's rendering time."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        return force_str(choice_labels(field).get(value, value), strings_only=True)


class TimeStampedModel(ChoiceLabels):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking: a save that starts from an older version is refused, not merged.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Generated demo records (generate_demo_data) are never mixed with real ones.
    is_synthetic = models.BooleanField(default=False, editable=False, db_index=True)

    class Meta:
        abstract = True

    def prepare_restored(self) -> None:
        """Called on a deleted record's last state before it is saved again; models with a
        workflow override it so that nothing restored is public before an editor says so."""

    def save(self, *args, **kwargs):
        """Save only if nobody else saved since this copy was read; raise ConcurrentEdit if so.

        One extra UPDATE claims the next version, so two saves racing from the same version
        cannot both succeed, whichever code path writes them.
        """
        if self._state.adding or self.pk is None:
            return super().save(*args, **kwargs)
        manager = type(self)._base_manager.using(kwargs.get("using") or self._state.db)
        with transaction.atomic(using=kwargs.get("using") or self._state.db):
            claimed = manager.filter(pk=self.pk, version=self.version).update(
                version=self.version + 1
            )
            if not claimed and manager.filter(pk=self.pk).exists():
                raise ConcurrentEdit(self)
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
            return super().save(*args, **kwargs)


class ConcurrentEdit(Exception):
    """Someone saved the record after this copy of it was read; saving it would undo their work."""

    def __init__(self, record):
        self.record = record
        super().__init__(
            f"{record._meta.verbose_name.capitalize()} “{record}” was changed by someone else "
            f"after you opened it (you had version {record.version})."
        )


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    # Kept for the record and its permalink, hidden from every list and download.
    RETRACTED = "retracted", "Retracted"


class CuratedModel(TimeStampedModel):
    """A claim that editors review: drafts stay private until published."""

    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    retracted_at = models.DateTimeField(null=True, blank=True, editable=False)
    retraction_reason = models.TextField(
        blank=True, help_text="Shown on the permalink of a retracted record."
    )

    class Meta:
        abstract = True

    # The status as last read from or written to the database: the page cache tells an
    # unpublish (public) from a draft's edit (private) by it.
    loaded_status: str | None = None
    # Fields whose values as last read or written the page cache also needs (a statement moved
    # to another place leaves its old place's page stale too), in `loaded_values`.
    remembered_fields: tuple[str, ...] = ()
    loaded_values: dict = {}

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance.remember_loaded()
        return instance

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        if fields is None:  # read whole again: what was read is what the database holds now
            self.remember_loaded()

    def remember_loaded(self) -> None:
        self.loaded_status = self.__dict__.get("status")
        self.loaded_values = {name: self.__dict__.get(name) for name in self.remembered_fields}

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def is_retracted(self) -> bool:
        return self.status == Status.RETRACTED

    def prepare_restored(self) -> None:
        """A restored claim comes back as a draft, to be checked and published again."""
        self.status = Status.DRAFT
        self.retracted_at = None
        self.retraction_reason = ""


# Defined in its own module (with its services); imported here so Django loads it with the models.
from .pending import PendingChange  # noqa: E402, F401

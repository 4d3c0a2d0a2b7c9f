from django import forms
from django.core.exceptions import FieldDoesNotExist

from cities.forms import check_agency_in_jurisdiction
from tracker.forms import VersionedFormMixin

from .models import Event, Source, Stance, Statement, Status


def _check_published_keeps_a_source(form, kind: str) -> None:
    """A published claim must stay sourced; removing its last source would unpublish it in all but name."""
    if "sources" not in form.fields or form.has_error("sources"):
        return
    published = form.instance.pk and form.instance.status == Status.PUBLISHED
    if published and not form.cleaned_data.get("sources"):
        form.add_error(
            "sources",
            f"A published {kind} needs at least one source. Add another source first, "
            f"or unpublish the {kind}.",
        )


# Form fields that are not the record's own.
FORM_ONLY_FIELDS = {"opened_version", "correction_note"}


class CorrectionFormMixin(forms.Form):
    """Edits to a published record are corrections: they need a note for readers, and only those
    who may publish (Editors) make them. A retracted record is not edited; reinstate it first.

    `corrected_fields` lists the record's fields whose value differs from the saved record (not
    from the form's initial values, which on a revert are the old version's).
    """

    correction_note = forms.CharField(
        label="Correction note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="This record is published, so this edit is a correction: say for readers "
        "what you corrected. The note is shown, dated, on the public page.",
    )
    # Set per request by the admin: whether this user may correct published records.
    can_correct = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and not self.prefix:
            del self.fields["correction_note"]  # nothing to correct in a new record
        elif self.instance.pk is None or self.instance.status != Status.PUBLISHED:
            # Shown only where it applies (inline forms list every stance, drafts included).
            self.fields["correction_note"].widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        self.corrected_fields = []
        if self.instance.pk is None:
            return cleaned
        status = self.instance.status
        if status == Status.DRAFT:
            return cleaned
        self.corrected_fields = self._differing_from_saved(cleaned)
        kind = self.instance._meta.verbose_name
        note = (cleaned.get("correction_note") or "").strip()
        if status == Status.RETRACTED and self.corrected_fields:
            self.add_error(
                None,
                f"This {kind} is retracted and cannot be changed. Reinstate it (back to draft) "
                "first if the retraction was a mistake.",
            )
        elif self.corrected_fields and not self.can_correct:
            self.add_error(
                None,
                f"This {kind} is published: only an editor can correct it. Ask an editor, or "
                "propose the change in a new draft.",
            )
        elif self.corrected_fields and not note:
            self.add_error(
                "correction_note",
                f"This {kind} is published: say what you corrected, for readers "
                f"(you changed: {', '.join(self._labels(self.corrected_fields))}).",
            )
        elif note and not self.corrected_fields:
            self.add_error(
                "correction_note",
                "Nothing was changed, so there is nothing to correct. Change the record, or "
                "leave the note empty.",
            )
        return cleaned

    def _labels(self, names):
        return [str(self.fields[name].label or name).lower() for name in names]

    def _differing_from_saved(self, cleaned) -> list[str]:
        model = type(self.instance)
        saved = model._base_manager.filter(pk=self.instance.pk).first()
        if saved is None:
            return []
        differing = []
        for name in self.fields:
            if name in FORM_ONLY_FIELDS or name not in cleaned:
                continue
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:  # a formset's DELETE
                continue
            if field.primary_key:
                continue
            value = cleaned[name]
            if field.many_to_many:
                before = set(getattr(saved, name).values_list("pk", flat=True))
                after = {record.pk for record in value or []}
            elif field.is_relation:
                before, after = getattr(saved, field.attname), value.pk if value else None
            else:
                before, after = getattr(saved, name), value
            if before != after:
                differing.append(name)
        return differing

    def corrections(self) -> dict:
        """{field: new value} of the corrected fields, for services.*_correct."""
        return {name: self.cleaned_data[name] for name in self.corrected_fields}


class StatementForm(CorrectionFormMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Statement
        fields = "__all__"

    def clean(self):
        # Who spoke and what was said are the model's constraints, checked by model validation.
        cleaned = super().clean()
        check_agency_in_jurisdiction(self, cleaned.get("agency"), cleaned.get("jurisdiction"))
        _check_published_keeps_a_source(self, "statement")
        return cleaned


class StanceForm(CorrectionFormMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Stance
        fields = "__all__"

    def clean(self):
        # Dates in order and one current published stance are the model's constraints.
        cleaned = super().clean()
        # On the jurisdiction's page the inline sets the jurisdiction itself, not the form.
        jurisdiction = cleaned.get("jurisdiction") or getattr(self.instance, "jurisdiction", None)
        check_agency_in_jurisdiction(self, cleaned.get("agency"), jurisdiction)
        _check_published_keeps_a_source(self, "stance")
        return cleaned

    def _get_validation_exclusions(self):
        # The status is shown, not edited, yet whether this stance may be current beside another
        # depends on it: check that constraint against the record's status rather than skip it.
        return super()._get_validation_exclusions() - {"status"}


class SourceForm(VersionedFormMixin, forms.ModelForm):
    """A URL or a citing source, each recorded once, never citing itself: the model's
    constraints, checked by model validation with their own messages."""

    class Meta:
        model = Source
        fields = "__all__"


class EventForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Event
        fields = "__all__"


class RetractForm(forms.Form):
    reason = forms.CharField(
        label="Reason for the retraction",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Shown to readers on the permalink, with the date. Say what was wrong.",
        error_messages={"required": "Give the reason for the retraction: readers see it."},
    )

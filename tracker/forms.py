"""Form machinery shared by every curated model's admin form."""

from django import forms
from django.core.exceptions import FieldDoesNotExist

from .history import conflict_message

STALE_FORM = (
    "Not saved: this form does not say which version of the record you opened, so saving it "
    "could undo someone else's changes. Reload the page and make your change again."
)


class VersionedFormMixin(forms.Form):
    """Carries the version of the record the editor opened, so that a save refuses to overwrite
    what someone else saved since, saying what they changed.

    The record's own lock (TimeStampedModel.save) refuses such a save whatever the path; this
    turns it into a message on the form, with the other editor's changes, before anything saves.
    A change form posted without the version it was opened at (a page from before a deploy, a
    hand-made request) is treated as stale: nothing saves until it is reloaded.
    """

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and not self.prefix:
            # A new record has no version to defend (an inline's rows all keep the field).
            del self.fields["opened_version"]
        elif self.instance.pk is not None:
            self.fields["opened_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None or "opened_version" not in self.fields:
            return cleaned
        opened = cleaned.get("opened_version")
        if opened is None:
            # The field is hidden: its own error ("required", "enter a whole number") would show
            # nowhere, so the form says it once, above the fields.
            self.errors.pop("opened_version", None)
            self.add_error(None, STALE_FORM)
            return cleaned
        model = type(self.instance)
        saved = (
            model._base_manager.filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if saved is None or saved == opened:
            # The lock at save time checks from the version the editor saw, not the one read now.
            self.instance.version = opened
            return cleaned
        self.add_error(None, conflict_message(self.instance, opened))
        # Saving again, having seen their changes, replaces them: the form now carries their version.
        data = self.data.copy()
        data[self.add_prefix("opened_version")] = saved
        self.data = data
        return cleaned


def form_values(form) -> dict:
    """{name: value} of the record's own fields in a validated ModelForm, as saving the form
    would write them: concrete fields as set on the instance (a foreign key as its id),
    many-to-many ones as sorted lists of ids."""
    model = form._meta.model
    values = {}
    for name in form.fields:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue  # a form-only field (the opened version, a correction note)
        if field.primary_key or not field.editable or name not in form.cleaned_data:
            continue
        if field.many_to_many:
            values[name] = sorted(item.pk for item in form.cleaned_data[name] or [])
        else:
            values[name] = getattr(form.instance, field.attname)
    return values


def posted_data(form_class, instance, values: dict, *, opened_version=None) -> dict:
    """What a browser would post from `form_class`'s page for `instance` with `values`
    ({name: value}) typed in: the instance's own values in the other fields, `opened_version`
    in the hidden one. Split widgets (a date and a time) get their parts."""
    form = form_class(instance=instance)
    data = {}
    for name, field in form.fields.items():
        if name == "opened_version":
            if opened_version is not None:
                data[name] = str(opened_version)
            continue
        value = values[name] if name in values else form[name].value()
        widget = getattr(field.widget, "widget", field.widget)  # inside the admin's wrapper
        if isinstance(widget, forms.MultiWidget):
            parts = widget.decompress(value)
            for suffix, part in zip(widget.widgets_names, parts, strict=False):
                data[f"{name}{suffix}"] = _as_text(part)
        elif isinstance(value, list | tuple):
            data[name] = [_as_text(getattr(item, "pk", item)) for item in value]
        elif isinstance(value, bool):
            data[name] = "true" if value else "false"
        elif value is not None:
            data[name] = _as_text(getattr(value, "pk", value))
    return data


def _as_text(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def errors_in_words(form) -> str:
    """A bound form's errors as one paragraph, each field's prefixed with its label."""
    parts = []
    for name, errors in form.errors.items():
        if name in form.fields:
            parts.append(f"{form.fields[name].label or name}: {' '.join(errors)}")
        else:
            parts.extend(errors)
    return " ".join(parts)

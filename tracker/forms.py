"""Form machinery shared by every curated model's admin form."""

from django import forms

from .history import conflict_message


class VersionedFormMixin(forms.Form):
    """Carries the version of the record the editor opened, so that a save refuses to overwrite
    what someone else saved since, saying what they changed.

    The record's own lock (TimeStampedModel.save) refuses such a save whatever the path; this
    turns it into a message on the form, with the other editor's changes, before anything saves.
    Without the field (an old form, a script) only the record's lock applies.
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
        opened = cleaned.get("opened_version")
        if self.instance.pk is None or opened is None:
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

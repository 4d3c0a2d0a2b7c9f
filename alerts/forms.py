from django import forms
from django.utils.translation import gettext_lazy as _

from cities.models import Jurisdiction, Official

from . import services, targets

TARGETS = ("jurisdiction", "official", "search")


class TargetForm(forms.Form):
    """What to follow, read from the follow page's address: ?jurisdiction=SLUG, ?official=SLUG
    or ?search=QUERY (the statements list's query string; empty follows every statement)."""

    jurisdiction = forms.ModelChoiceField(
        queryset=Jurisdiction.objects.all(),
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": _("No jurisdiction has this address name.")},
    )
    official = forms.ModelChoiceField(
        queryset=Official.objects.all(),
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": _("No official has this address name.")},
    )
    search = forms.CharField(required=False, strip=False, label=_("Search"))

    def clean(self):
        cleaned = super().clean()
        given = [name for name in TARGETS if name in self.data]
        if len(given) != 1:
            raise forms.ValidationError(
                _("Say what to follow: one jurisdiction, one official or one search."),
                code="target",
            )
        if self.errors:
            return cleaned
        if given == ["search"]:
            saved = targets.read_search(cleaned.get("search") or "")
            for error in saved.errors:
                self.add_error("search", f"{error.label}: {error.message}")
            if not saved.is_valid:
                return cleaned
            cleaned["target"] = services.subscription_target(search=saved.query)
        else:
            cleaned["target"] = services.subscription_target(**{given[0]: cleaned.get(given[0])})
        return cleaned


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        error_messages={
            "required": _("Enter the e-mail address the alerts should go to."),
            "invalid": _("Enter a whole e-mail address, such as name@example.org."),
        },
    )

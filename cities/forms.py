from django import forms
from django.utils.text import slugify

from tracker.forms import VersionedFormMixin

from .models import Agency, Jurisdiction, Official, Role, jurisdiction_slug
from .place_forms import PlaceAutofillMixin


def check_agency_in_jurisdiction(form, agency, jurisdiction) -> None:
    if agency and jurisdiction and agency.jurisdiction_id != jurisdiction.pk:
        form.add_error(
            "agency", f"{agency.name} belongs to {agency.jurisdiction}, not to {jurisdiction}."
        )


class JurisdictionForm(PlaceAutofillMixin, VersionedFormMixin, forms.ModelForm):
    """The rules of a jurisdiction are its model's constraints, checked by model validation
    with their own messages; this form only derives the slug an editor left empty."""

    # The mixin first: the place fills the state and coordinates before model validation.
    class Meta:
        model = Jurisdiction
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        # Derive the slug before validation, and say which permalink clashes: the editor did not
        # type it (a slug typed is checked by its field's uniqueness).
        if not cleaned.get("slug") and cleaned.get("name") and cleaned.get("state"):
            cleaned["slug"] = jurisdiction_slug(cleaned["name"], cleaned["state"])
            if (
                Jurisdiction.objects.filter(slug=cleaned["slug"])
                .exclude(pk=self.instance.pk)
                .exists()
            ):
                self.add_error(
                    "slug",
                    f"The permalink “{cleaned['slug']}” is taken. Give this jurisdiction another "
                    "slug, e.g. baltimore-county-md.",
                )
        return cleaned


class OfficialForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Official
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("name")
        # As for jurisdictions: a derived slug's clash is explained here; an empty one is the
        # model's constraint (official_slug_not_empty).
        if not cleaned.get("slug") and name:
            cleaned["slug"] = slugify(name)
            if (
                cleaned["slug"]
                and Official.objects.filter(slug=cleaned["slug"])
                .exclude(pk=self.instance.pk)
                .exists()
            ):
                self.add_error(
                    "slug",
                    f"The permalink “{cleaned['slug']}” is taken. Give this official another "
                    f"slug, e.g. {cleaned['slug']}-chicago.",
                )
        return cleaned


class AgencyForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Agency
        fields = "__all__"


class RoleForm(forms.ModelForm):
    class Meta:
        model = Role
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        # Dates in order are the model's constraint; an agency's jurisdiction is in another table.
        check_agency_in_jurisdiction(self, cleaned.get("agency"), cleaned.get("jurisdiction"))
        return cleaned

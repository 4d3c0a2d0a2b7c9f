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
    # The mixin first: the place fills the state and coordinates before the checks below.
    class Meta:
        model = Jurisdiction
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        # Derive the slug before validation so a clash is reported on the form, not as a crash.
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
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        typed_badly = self.has_error("latitude") or self.has_error("longitude")
        if (latitude is None) != (longitude is None) and not typed_badly:
            self.add_error(
                "longitude" if longitude is None else "latitude",
                "Give both latitude and longitude, or leave both empty.",
            )
        parent = cleaned.get("parent")
        if parent is not None and self.instance.pk and parent.pk == self.instance.pk:
            self.add_error("parent", "A jurisdiction cannot lie within itself.")
        return cleaned


class OfficialForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Official
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("name")
        if not cleaned.get("slug") and name:
            cleaned["slug"] = slugify(name)
            if not cleaned["slug"]:
                self.add_error(
                    "slug", "This name makes no permalink. Give the official a slug, e.g. jane-doe."
                )
            elif (
                Official.objects.filter(slug=cleaned["slug"]).exclude(pk=self.instance.pk).exists()
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
        started_on, ended_on = cleaned.get("started_on"), cleaned.get("ended_on")
        if started_on and ended_on and ended_on < started_on:
            self.add_error("ended_on", "A role cannot end before it starts.")
        check_agency_in_jurisdiction(self, cleaned.get("agency"), cleaned.get("jurisdiction"))
        return cleaned

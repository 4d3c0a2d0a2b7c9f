from django import forms

from .models import Jurisdiction, jurisdiction_slug


class JurisdictionForm(forms.ModelForm):
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
        return cleaned

from django import forms

from .models import Stance, Statement, Status


def _check_agency_in_jurisdiction(form, agency, jurisdiction) -> None:
    if agency and jurisdiction and agency.jurisdiction_id != jurisdiction.pk:
        form.add_error(
            "agency", f"{agency.name} belongs to {agency.jurisdiction}, not to {jurisdiction}."
        )


class StatementForm(forms.ModelForm):
    class Meta:
        model = Statement
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("official") and not cleaned.get("agency"):
            self.add_error("official", "Say who spoke: choose an official, an agency, or both.")
        if not (cleaned.get("quote") or "").strip() and not (cleaned.get("summary") or "").strip():
            self.add_error("quote", "Give the verbatim quote, a summary, or both.")
        _check_agency_in_jurisdiction(self, cleaned.get("agency"), cleaned.get("jurisdiction"))
        return cleaned


class StanceForm(forms.ModelForm):
    class Meta:
        model = Stance
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        effective_from, ended_on = cleaned.get("effective_from"), cleaned.get("ended_on")
        if effective_from and ended_on and ended_on < effective_from:
            self.add_error("ended_on", "A stance cannot end before it takes effect.")
        agency = cleaned.get("agency")
        # On the jurisdiction's page the inline sets the jurisdiction itself, not the form.
        jurisdiction = cleaned.get("jurisdiction") or getattr(self.instance, "jurisdiction", None)
        _check_agency_in_jurisdiction(self, agency, jurisdiction)
        status = self.instance.status if self.instance.pk else Status.DRAFT
        if status == Status.PUBLISHED and jurisdiction and ended_on is None:
            rivals = Stance.objects.published().current().filter(jurisdiction=jurisdiction)
            rivals = rivals.filter(agency=agency) if agency else rivals.filter(agency__isnull=True)
            if rivals.exclude(pk=self.instance.pk).exists():
                self.add_error(
                    "ended_on",
                    "Another published stance for this jurisdiction and agency is current. "
                    "Give this one an end date, or record a new stance and publish it instead.",
                )
        return cleaned

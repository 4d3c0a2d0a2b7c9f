from django import forms

from cities.forms import check_agency_in_jurisdiction

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
        check_agency_in_jurisdiction(self, cleaned.get("agency"), cleaned.get("jurisdiction"))
        _check_published_keeps_a_source(self, "statement")
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
        check_agency_in_jurisdiction(self, agency, jurisdiction)
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
        _check_published_keeps_a_source(self, "stance")
        return cleaned


class SourceForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        url, cited_in = cleaned.get("url"), cleaned.get("cited_in")
        others = Source.objects.exclude(pk=self.instance.pk)
        if self.has_error("url"):
            return cleaned
        if url:
            taken = others.filter(url=url).first()
            if taken is not None:
                self.add_error(
                    "url", f"This URL is already recorded as “{taken}”. Use that source."
                )
        elif cited_in is None:
            self.add_error(
                "url",
                "Give the URL, or choose under “cited in” the source that names this one.",
            )
        elif others.filter(url="", publisher=cleaned.get("publisher"), cited_in=cited_in).exists():
            self.add_error(
                "publisher",
                f"{cleaned.get('publisher')} is already recorded as cited in {cited_in.publisher}.",
            )
        if cited_in is not None and self.instance.pk and cited_in.pk == self.instance.pk:
            self.add_error("cited_in", "A source cannot be cited in itself.")
        return cleaned


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "An event cannot end before it starts.")
        return cleaned

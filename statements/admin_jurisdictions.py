"""The jurisdiction admin page with its stances inline.

The cities app registers the jurisdiction admin without stances (it knows nothing of claims); this
module, one layer up, registers it again with the stance inline, saving stances through the services.
"""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from cities.admin import JurisdictionAdmin
from cities.models import Jurisdiction

from . import services
from .forms import StanceForm
from .models import Stance, Status


class StanceInlineFormSet(BaseInlineFormSet):
    def clean(self):
        """A published or retracted stance ticked for deletion is refused, saying to retract it
        instead: nothing on the page is saved."""
        super().clean()
        ticked = [
            form.instance.pk
            for form in self.forms
            if form.instance.pk and self.can_delete and self._should_delete_form(form)
        ]
        refusals = Stance.objects.filter(pk__in=ticked).erasure_refusals() if ticked else []
        if refusals:
            raise ValidationError(" ".join(refusals))


class StanceInline(admin.StackedInline):
    """Stances edited on their jurisdiction's page; publishing goes through the Stance admin."""

    model = Stance
    form = StanceForm
    formset = StanceInlineFormSet
    extra = 0
    fk_name = "jurisdiction"
    autocomplete_fields = ["agency", "sources", "announced_by"]
    fields = [
        ("agency", "level"),
        ("effective_from", "ended_on"),
        "summary",
        "sources",
        ("joins_ice_operations", "shares_databases", "honours_detainers"),
        ("notifies_releases", "has_287g_agreement", "declared_sanctuary"),
        "status",
        "correction_note",
        "opened_version",
    ]
    readonly_fields = ["status"]
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # An edit of a published stance is a correction: Editors only, with a note for readers.
        formset.form.can_correct = request.user.has_perm("statements.publish_stance")
        return formset


admin.site.unregister(Jurisdiction)


@admin.register(Jurisdiction)
class JurisdictionWithStancesAdmin(JurisdictionAdmin):
    inlines = [*JurisdictionAdmin.inlines, StanceInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Stance:
            return super().save_formset(request, form, formset, change)
        # Through the services, so the record shows who wrote it and the headline stays true.
        forms = {id(f.instance): f for f in formset.forms}
        for stance in formset.save(commit=False):
            form = forms.get(id(stance))
            corrected = getattr(form, "corrected_fields", [])
            stance._history_user = request.user
            if stance.pk and stance.status == Status.PUBLISHED and corrected:
                services.stance_correct(
                    stance=stance,
                    changes=form.corrections(),
                    note=form.cleaned_data["correction_note"],
                    by=request.user,
                )
            else:
                services.stance_save(stance=stance, by=request.user)
        for stance in formset.deleted_objects:
            services.stance_delete(stance=stance, by=request.user)
        formset.save_m2m()

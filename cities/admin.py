from django.contrib import admin

from statements import services
from statements.forms import StanceForm
from statements.models import Stance, Status
from tracker.admin_history import VersionedHistoryAdmin
from tracker.importing import TrackerImportExportMixin

from . import admin_places  # noqa: F401  (registers PlaceAdmin, the place autocomplete)
from .forms import AgencyForm, JurisdictionForm, OfficialForm, RoleForm
from .models import Agency, Jurisdiction, Official, Role, State
from .resources import AgencyResource, JurisdictionResource, OfficialResource, RoleResource


def state_filter(lookup: str):
    """A state filter listing only the states that have records, by name, in one query."""

    class StateFilter(admin.SimpleListFilter):
        title = "state"
        parameter_name = lookup

        def lookups(self, request, model_admin):
            present = set(
                model_admin.get_queryset(request)
                .order_by()
                .values_list(lookup, flat=True)
                .distinct()
            )
            return [(code, label) for code, label in State.choices if code in present]

        def queryset(self, request, queryset):
            if self.value() in State.values:
                return queryset.filter(**{lookup: self.value()})
            return queryset

    return StateFilter


class AgencyInline(admin.TabularInline):
    model = Agency
    form = AgencyForm
    extra = 0
    fields = ["name", "kind", "opened_version"]
    show_change_link = True


class RoleInline(admin.TabularInline):
    model = Role
    form = RoleForm
    extra = 0
    fields = ["title", "jurisdiction", "agency", "started_on", "ended_on"]
    autocomplete_fields = ["jurisdiction", "agency"]


class StanceInline(admin.StackedInline):
    """Stances edited on their jurisdiction's page; publishing goes through the Stance admin."""

    model = Stance
    form = StanceForm
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


@admin.register(Jurisdiction)
class JurisdictionAdmin(TrackerImportExportMixin, VersionedHistoryAdmin):
    resource_classes = [JurisdictionResource]
    form = JurisdictionForm
    list_display = ["name", "state", "level", "stance_level", "population", "slug"]
    list_filter = ["stance_level", "level", state_filter("state")]
    search_fields = ["name", "slug", "geoid"]
    autocomplete_fields = ["parent", "place"]
    readonly_fields = ["stance_level", "created_at", "updated_at"]
    # Nothing on the list reads a related row.
    list_select_related = []
    list_per_page = 50
    inlines = [AgencyInline, StanceInline]
    fieldsets = [
        (None, {"fields": ["name", "state", "level", "slug", "parent"]}),
        (
            "Place",
            {
                "fields": ["place", "latitude", "longitude", "population", "geoid"],
                "description": "Pick the place from the gazetteer: its state, coordinates and "
                "population fill the empty fields.",
            },
        ),
        ("Record", {"fields": ["stance_level", "created_at", "updated_at"]}),
    ]

    class Media:
        # After the admin's jQuery, which the place autocomplete announces its changes through.
        js = ["admin/js/jquery.init.js", "js/place-autofill.js"]

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


@admin.register(Agency)
class AgencyAdmin(TrackerImportExportMixin, VersionedHistoryAdmin):
    resource_classes = [AgencyResource]
    list_display = ["name", "kind", "jurisdiction"]
    list_filter = ["kind", state_filter("jurisdiction__state")]
    search_fields = ["name", "jurisdiction__name"]
    autocomplete_fields = ["jurisdiction"]
    list_select_related = ["jurisdiction"]


@admin.register(Official)
class OfficialAdmin(TrackerImportExportMixin, VersionedHistoryAdmin):
    resource_classes = [OfficialResource]
    form = OfficialForm
    list_display = ["name", "slug", "current_roles"]
    search_fields = ["name", "slug", "roles__title", "roles__jurisdiction__name"]
    list_filter = [state_filter("roles__jurisdiction__state")]
    inlines = [RoleInline]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).prefetch_related("roles__jurisdiction", "roles__agency")
        )

    @admin.display(description="Roles")
    def current_roles(self, official):
        return "; ".join(role.label for role in official.roles.all())


@admin.register(Role)
class RoleAdmin(TrackerImportExportMixin, VersionedHistoryAdmin):
    resource_classes = [RoleResource]
    form = RoleForm
    list_display = ["official", "title", "jurisdiction", "agency", "started_on", "ended_on"]
    list_filter = [state_filter("jurisdiction__state"), "title"]
    search_fields = ["official__name", "title", "jurisdiction__name"]
    autocomplete_fields = ["official", "jurisdiction", "agency"]
    # An agency's name on the list includes its jurisdiction's.
    list_select_related = ["official", "jurisdiction", "agency__jurisdiction"]
    date_hierarchy = "started_on"

from django.contrib import admin

from tracker.admin_history import VersionedHistoryAdmin
from tracker.admin_pending import PendingChangeAdminMixin, ReviewedInlineMixin
from tracker.imports.admin import TrackerImportExportMixin

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


class AgencyInline(ReviewedInlineMixin, admin.TabularInline):
    model = Agency
    form = AgencyForm
    extra = 0
    fields = ["name", "kind", "opened_version"]
    show_change_link = True


class RoleInline(ReviewedInlineMixin, admin.TabularInline):
    model = Role
    form = RoleForm
    extra = 0
    fields = ["title", "jurisdiction", "agency", "started_on", "ended_on"]
    autocomplete_fields = ["jurisdiction", "agency"]


@admin.register(Jurisdiction)
class JurisdictionAdmin(PendingChangeAdminMixin, TrackerImportExportMixin, VersionedHistoryAdmin):
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
    inlines = [AgencyInline]
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


@admin.register(Agency)
class AgencyAdmin(PendingChangeAdminMixin, TrackerImportExportMixin, VersionedHistoryAdmin):
    resource_classes = [AgencyResource]
    form = AgencyForm
    list_display = ["name", "kind", "jurisdiction"]
    list_filter = ["kind", state_filter("jurisdiction__state")]
    search_fields = ["name", "jurisdiction__name"]
    autocomplete_fields = ["jurisdiction"]
    list_select_related = ["jurisdiction"]


@admin.register(Official)
class OfficialAdmin(PendingChangeAdminMixin, TrackerImportExportMixin, VersionedHistoryAdmin):
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
class RoleAdmin(PendingChangeAdminMixin, TrackerImportExportMixin, VersionedHistoryAdmin):
    resource_classes = [RoleResource]
    form = RoleForm
    list_display = ["official", "title", "jurisdiction", "agency", "started_on", "ended_on"]
    list_filter = [state_filter("jurisdiction__state"), "title"]
    search_fields = ["official__name", "title", "jurisdiction__name"]
    autocomplete_fields = ["official", "jurisdiction", "agency"]
    # An agency's name on the list includes its jurisdiction's.
    list_select_related = ["official", "jurisdiction", "agency__jurisdiction"]
    date_hierarchy = "started_on"

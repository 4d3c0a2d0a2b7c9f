from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from statements.admin import StanceInline

from .forms import JurisdictionForm
from .models import Agency, Jurisdiction, Official, Role


class AgencyInline(admin.TabularInline):
    model = Agency
    extra = 0
    fields = ["name", "kind"]


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    fields = ["title", "jurisdiction", "agency", "started_on", "ended_on"]
    autocomplete_fields = ["jurisdiction", "agency"]


@admin.register(Jurisdiction)
class JurisdictionAdmin(SimpleHistoryAdmin):
    form = JurisdictionForm
    list_display = ["name", "state", "level", "stance_level", "population", "slug"]
    list_filter = ["stance_level", "level", "state"]
    search_fields = ["name", "slug", "geoid"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["stance_level", "created_at", "updated_at"]
    list_select_related = ["parent"]
    inlines = [AgencyInline, StanceInline]
    fieldsets = [
        (None, {"fields": ["name", "state", "level", "slug", "parent"]}),
        ("Place", {"fields": ["latitude", "longitude", "population", "geoid"]}),
        ("Record", {"fields": ["stance_level", "created_at", "updated_at"]}),
    ]


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "jurisdiction"]
    list_filter = ["kind", "jurisdiction__state"]
    search_fields = ["name", "jurisdiction__name"]
    autocomplete_fields = ["jurisdiction"]
    list_select_related = ["jurisdiction"]


@admin.register(Official)
class OfficialAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "current_roles"]
    search_fields = ["name", "slug", "roles__title", "roles__jurisdiction__name"]
    list_filter = ["roles__jurisdiction__state"]
    inlines = [RoleInline]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).prefetch_related("roles__jurisdiction", "roles__agency")
        )

    @admin.display(description="Roles")
    def current_roles(self, official):
        return "; ".join(role.label for role in official.roles.all())


@admin.register(Role)
class RoleAdmin(SimpleHistoryAdmin):
    list_display = ["official", "title", "jurisdiction", "agency", "started_on", "ended_on"]
    list_filter = ["jurisdiction__state", "title"]
    search_fields = ["official__name", "title", "jurisdiction__name"]
    autocomplete_fields = ["official", "jurisdiction", "agency"]
    list_select_related = ["official", "jurisdiction", "agency"]
    date_hierarchy = "started_on"

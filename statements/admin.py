from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .forms import StanceForm, StatementForm
from .models import Event, Source, Stance, Statement


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
    ]
    readonly_fields = ["status"]
    show_change_link = True


class CuratedAdmin(SimpleHistoryAdmin):
    """Records who created and last changed a record, and publishes through the services."""

    readonly_fields = ["status", "created_at", "created_by", "updated_at", "updated_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def _run(self, request, action, queryset, done: str):
        try:
            count = action(queryset, request.user)
        except services.PublishError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(request, f"{count} {done}.", messages.SUCCESS)


@admin.register(Statement)
class StatementAdmin(CuratedAdmin):
    form = StatementForm
    list_display = ["said_on", "speaker", "jurisdiction", "medium", "status", "excerpt"]
    list_filter = ["status", "medium", "jurisdiction__state", "event"]
    search_fields = ["quote", "summary", "official__name", "agency__name", "jurisdiction__name"]
    autocomplete_fields = ["official", "agency", "jurisdiction", "sources", "event"]
    list_select_related = ["official", "agency", "jurisdiction"]
    date_hierarchy = "said_on"
    actions = ["publish", "unpublish"]
    fieldsets = [
        ("Who and where", {"fields": ["official", "agency", "jurisdiction"]}),
        ("What was said", {"fields": ["said_on", "medium", "quote", "summary", "event"]}),
        ("Citation", {"fields": ["sources"]}),
        ("Record", {"fields": CuratedAdmin.readonly_fields}),
    ]

    @admin.display(description="Speaker")
    def speaker(self, statement):
        return statement.speaker_name

    @admin.display(description="Quote or summary")
    def excerpt(self, statement):
        text = statement.quote or statement.summary
        return text if len(text) <= 80 else f"{text[:79]}…"

    @admin.action(description="Publish selected statements", permissions=["change"])
    def publish(self, request, queryset):
        self._run(
            request,
            lambda qs, by: services.statements_publish(statements=qs, by=by),
            queryset,
            "statement(s) published",
        )

    @admin.action(
        description="Unpublish selected statements (back to draft)", permissions=["change"]
    )
    def unpublish(self, request, queryset):
        self._run(
            request,
            lambda qs, by: services.statements_unpublish(statements=qs, by=by),
            queryset,
            "statement(s) returned to draft",
        )


@admin.register(Stance)
class StanceAdmin(CuratedAdmin):
    form = StanceForm
    list_display = ["jurisdiction", "agency", "level", "effective_from", "ended_on", "status"]
    list_filter = ["status", "level", "jurisdiction__state"]
    search_fields = ["jurisdiction__name", "agency__name", "summary"]
    autocomplete_fields = ["jurisdiction", "agency", "sources", "announced_by"]
    list_select_related = ["jurisdiction", "agency"]
    date_hierarchy = "effective_from"
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["jurisdiction", "agency", "level", ("effective_from", "ended_on")]}),
        ("Practices, where a source says so", {"fields": list(Stance.PRACTICE_FIELDS)}),
        ("Evidence", {"fields": ["summary", "sources", "announced_by"]}),
        ("Record", {"fields": CuratedAdmin.readonly_fields}),
    ]

    @admin.action(description="Publish selected stances", permissions=["change"])
    def publish(self, request, queryset):
        self._run(
            request,
            lambda qs, by: services.stances_publish(stances=qs, by=by),
            queryset,
            "stance(s) published",
        )

    @admin.action(description="Unpublish selected stances (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        self._run(
            request,
            lambda qs, by: services.stances_unpublish(stances=qs, by=by),
            queryset,
            "stance(s) returned to draft",
        )


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["publisher", "title", "published_on", "url"]
    list_filter = ["publisher"]
    search_fields = ["publisher", "title", "url"]
    date_hierarchy = "published_on"


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ["name", "starts_on", "ends_on", "slug"]
    search_fields = ["name", "description", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["targeted_jurisdictions", "sources"]
    date_hierarchy = "starts_on"

from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from cities.admin import state_filter
from tracker.importing import TrackerImportExportMixin

from . import services
from .forms import EventForm, SourceForm, StanceForm, StatementForm
from .models import Event, Source, Stance, Statement
from .resources import SourceResource, StanceResource, StatementResource


class CuratedAdmin(SimpleHistoryAdmin):
    """Records who created and last changed a record, and publishes through the services."""

    readonly_fields = ["status", "created_at", "created_by", "updated_at", "updated_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def has_publish_permission(self, request) -> bool:
        # Contributors edit drafts; publishing needs the model's publish permission (Editors).
        return request.user.has_perm(f"{self.opts.app_label}.publish_{self.opts.model_name}")

    def _run(self, request, action, queryset, done: str):
        try:
            count = action(queryset, request.user)
        except services.PublishError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(request, f"{count} {done}.", messages.SUCCESS)


@admin.register(Statement)
class StatementAdmin(TrackerImportExportMixin, CuratedAdmin):
    resource_classes = [StatementResource]
    form = StatementForm
    list_display = ["said_on", "speaker", "jurisdiction", "medium", "status", "excerpt"]
    list_filter = ["status", "medium", state_filter("jurisdiction__state"), "event"]
    search_fields = ["quote", "summary", "official__name", "agency__name", "jurisdiction__name"]
    autocomplete_fields = ["official", "agency", "jurisdiction", "sources", "event"]
    list_select_related = ["official", "agency", "jurisdiction"]
    date_hierarchy = "said_on"
    actions = ["publish", "unpublish"]
    fieldsets = [
        ("Who and where", {"fields": ["official", "agency", "jurisdiction"]}),
        (
            "What was said",
            {"fields": [("said_on", "said_on_basis"), "medium", "quote", "summary", "event"]},
        ),
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

    @admin.action(description="Publish selected statements", permissions=["publish"])
    def publish(self, request, queryset):
        self._run(
            request,
            lambda qs, by: services.statements_publish(statements=qs, by=by),
            queryset,
            "statement(s) published",
        )

    @admin.action(
        description="Unpublish selected statements (back to draft)", permissions=["publish"]
    )
    def unpublish(self, request, queryset):
        self._run(
            request,
            lambda qs, by: services.statements_unpublish(statements=qs, by=by),
            queryset,
            "statement(s) returned to draft",
        )


@admin.register(Stance)
class StanceAdmin(TrackerImportExportMixin, CuratedAdmin):
    resource_classes = [StanceResource]
    form = StanceForm
    list_display = ["jurisdiction", "agency", "level", "effective_from", "ended_on", "status"]
    list_filter = ["status", "level", state_filter("jurisdiction__state")]
    search_fields = ["jurisdiction__name", "agency__name", "summary"]
    autocomplete_fields = ["jurisdiction", "agency", "sources", "announced_by"]
    # An agency's name on the list includes its jurisdiction's.
    list_select_related = ["jurisdiction", "agency__jurisdiction"]
    date_hierarchy = "effective_from"
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["jurisdiction", "agency", "level", ("effective_from", "ended_on")]}),
        ("Practices, where a source says so", {"fields": list(Stance.PRACTICE_FIELDS)}),
        ("Evidence", {"fields": ["summary", "sources", "announced_by"]}),
        ("Record", {"fields": CuratedAdmin.readonly_fields}),
    ]

    def save_model(self, request, obj, form, change):
        services.stance_save(stance=obj, by=request.user)

    def delete_model(self, request, obj):
        services.stance_delete(stance=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for stance in queryset.order_by("-effective_from"):
            services.stance_delete(stance=stance, by=request.user)

    @admin.action(description="Publish selected stances", permissions=["publish"])
    def publish(self, request, queryset):
        self._run(
            request,
            lambda qs, by: services.stances_publish(stances=qs, by=by),
            queryset,
            "stance(s) published",
        )

    @admin.action(description="Unpublish selected stances (back to draft)", permissions=["publish"])
    def unpublish(self, request, queryset):
        self._run(
            request,
            lambda qs, by: services.stances_unpublish(stances=qs, by=by),
            queryset,
            "stance(s) returned to draft",
        )


@admin.register(Source)
class SourceAdmin(TrackerImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [SourceResource]
    form = SourceForm
    list_display = ["publisher", "title", "published_on", "url", "cited_in"]
    list_filter = ["publisher"]
    search_fields = ["publisher", "title", "url"]
    autocomplete_fields = ["cited_in"]
    list_select_related = ["cited_in__cited_in"]
    date_hierarchy = "published_on"


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    form = EventForm
    list_display = ["name", "starts_on", "ends_on", "slug"]
    search_fields = ["name", "description", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["targeted_jurisdictions", "sources"]
    date_hierarchy = "starts_on"

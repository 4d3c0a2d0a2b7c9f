from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cities.admin import state_filter
from tracker.admin_history import VersionedHistoryAdmin
from tracker.admin_pending import PendingChangeAdminMixin
from tracker.admin_workflow import WorkflowButtonsMixin
from tracker.imports.admin import TrackerImportExportMixin
from tracker.text import shorten

from . import (
    admin_jurisdictions,  # noqa: F401  (the jurisdiction page with its stances)
    services,
)
from .forms import EventForm, RetractForm, SourceForm, StanceForm, StatementForm
from .models import Event, Source, Stance, Statement, Status
from .resources import SourceResource, StanceResource, StatementResource


class KeptOnRecordMixin:
    """What readers have seen is never erased: deleting a published or retracted claim, or a
    source one cites, is answered with why and what to do instead (the records' querysets say
    it; the services and the model's guard refuse it whatever the path)."""

    actions = ["delete_selected"]

    def erasure_refusals(self, records) -> list[str]:
        return self.model.objects.filter(pk__in=[r.pk for r in records]).erasure_refusals()

    def delete_view(self, request, object_id, extra_context=None):
        record = self.get_object(request, unquote(object_id))
        if record is not None and self.has_delete_permission(request, record):
            refusals = self.erasure_refusals([record])
            if refusals:
                self.message_user(request, " ".join(refusals), messages.ERROR)
                return HttpResponseRedirect(self._url("change", record.pk))
        return super().delete_view(request, object_id, extra_context)

    @admin.action(
        permissions=["delete"],
        description=gettext_lazy("Delete selected %(verbose_name_plural)s"),
    )
    def delete_selected(self, request, queryset):
        """Django's delete action, refused whole, saying why, if it would erase a record kept."""
        refusals = self.erasure_refusals(queryset)
        if refusals:
            self.message_user(request, "Nothing was deleted. " + " ".join(refusals), messages.ERROR)
            return None
        return django_delete_selected(self, request, queryset)


class CuratedAdmin(WorkflowButtonsMixin, KeptOnRecordMixin, VersionedHistoryAdmin):
    """Records who created and last changed a record, and runs the review workflow through the
    services: Contributors add and edit drafts; Editors also publish, unpublish, correct (an edit
    of a published record, with a public note) and retract; nobody edits a retracted record."""

    readonly_fields = [
        "status",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
        "workflow_notes",
    ]
    retract_template = "admin/statements/retract_confirmation.html"
    # Actions only those who may publish can run; a forged POST of one is refused with a message.
    publish_actions = ("publish", "unpublish", "retract", "reinstate")

    def has_publish_permission(self, request) -> bool:
        # Contributors edit drafts; publishing needs the model's publish permission (Editors).
        return request.user.has_perm(f"{self.opts.app_label}.publish_{self.opts.model_name}")

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None or obj.status == Status.DRAFT:
            return allowed
        # A published record changes only as a correction, by an editor; a retracted one not at all.
        return obj.status == Status.PUBLISHED and self.has_publish_permission(request)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.can_correct = self.has_publish_permission(request)
        return form

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.is_published and self.has_change_permission(request, obj):
            correction = (
                "Correction",
                {
                    "fields": ["correction_note"],
                    "description": "Published: your changes will be a public correction.",
                },
            )
            return [*fieldsets, correction]
        return fieldsets

    @admin.display(description="Corrections and retraction")
    def workflow_notes(self, record):
        if record.pk is None:
            return "—"
        lines = [
            (formats.date_format(timezone.localtime(c.corrected_at), "DATE_FORMAT"), c.note)
            for c in record.corrections.all()
        ]
        notes = format_html_join("", "<p>Corrected on {}: {}</p>", lines)
        if record.is_retracted:
            when = formats.date_format(timezone.localtime(record.retracted_at), "DATE_FORMAT")
            notes += format_html(
                "<p><strong>Retracted on {}:</strong> {}</p>", when, record.retraction_reason
            )
        return notes or "—"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        obj._history_user = request.user
        corrected = getattr(form, "corrected_fields", [])
        if change and obj.is_published and corrected:
            self.correct_record(
                obj, form.corrections(), form.cleaned_data["correction_note"], request.user
            )
        else:
            self.save_record(request, obj, form, change)

    def save_record(self, request, obj, form, change):
        super().save_model(request, obj, form, change)

    def correct_record(self, obj, changes, note, by):
        raise NotImplementedError

    def retract_records(self, queryset, reason, by) -> int:
        raise NotImplementedError

    def _run(self, request, action, queryset, done: str):
        try:
            count = action(queryset, request.user)
        except services.PublishError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(request, f"{count} {done}.", messages.SUCCESS)

    def changelist_view(self, request, extra_context=None):
        action = request.POST.get("action") if request.method == "POST" else None
        if action in self.publish_actions and not self.has_publish_permission(request):
            self.message_user(
                request,
                f"Only editors may {action} {self.opts.verbose_name_plural}: nothing was changed.",
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().changelist_view(request, extra_context)

    # Retraction: an action on the list and a button on the record, both through a confirmation
    # page that asks for the reason, as deleting does.

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/retract/",
                self.admin_site.admin_view(self.retract_view),
                name=f"{prefix}_retract",
            ),
            *super().get_urls(),
        ]

    def retract_view(self, request, object_id):
        if not self.has_publish_permission(request):
            raise PermissionDenied(
                _("Only editors may retract %(kind)s.") % {"kind": self.opts.verbose_name_plural}
            )
        record = self.get_object(request, unquote(object_id))
        if record is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not record.is_published:
            self.message_user(
                request,
                f"Only a published {self.opts.verbose_name} can be retracted; this one is "
                f"{record.get_status_display().lower()}.",
                messages.WARNING,
            )
            return HttpResponseRedirect(self._url("change", record.pk))
        done = self._retract(request, self.model.objects.filter(pk=record.pk))
        return done or HttpResponseRedirect(self._url("change", record.pk))

    def _retract(self, request, queryset):
        """The confirmation page, or None once the records are retracted."""
        published = list(queryset.filter(status=Status.PUBLISHED))
        if not published:
            self.message_user(
                request,
                f"None of these {self.opts.verbose_name_plural} is published; only published "
                "records can be retracted.",
                messages.WARNING,
            )
            return None
        form = RetractForm(request.POST if "confirm_retract" in request.POST else None)
        if form.is_bound and form.is_valid():
            count = self.retract_records(published, form.cleaned_data["reason"], request.user)
            self.message_user(
                request,
                f"{count} {self.opts.verbose_name if count == 1 else self.opts.verbose_name_plural}"
                " retracted: hidden from every list, the permalink shows the reason.",
                messages.SUCCESS,
            )
            return None
        noun = self.opts.verbose_name if len(published) == 1 else self.opts.verbose_name_plural
        context = {
            **self.admin_site.each_context(request),
            "title": f"Retract {noun}",
            "opts": self.opts,
            "records": published,
            "skipped": queryset.count() - len(published),
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "is_action": "action" in request.POST,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.retract_template, context)

    def _reinstate(self, request, queryset, kind: str):
        count = 0
        for record in queryset.filter(status=Status.RETRACTED):
            services.record_reinstate(record=record, by=request.user)
            count += 1
        self.message_user(
            request, f"{count} {kind}(s) reinstated as drafts, to be checked and published again."
        )


@admin.register(Statement)
class StatementAdmin(TrackerImportExportMixin, CuratedAdmin):
    resource_classes = [StatementResource]
    form = StatementForm
    # Status second: in view on a phone without scrolling the table sideways.
    list_display = ["said_on", "status", "speaker", "jurisdiction", "medium", "excerpt"]
    list_filter = ["status", "medium", state_filter("jurisdiction__state"), "event"]
    search_fields = ["quote", "summary", "official__name", "agency__name", "jurisdiction__name"]
    autocomplete_fields = ["official", "agency", "jurisdiction", "sources", "event"]
    list_select_related = ["official", "agency", "jurisdiction"]
    date_hierarchy = "said_on"
    actions = ["publish", "unpublish", "retract", "reinstate", "delete_selected"]
    fieldsets = [
        ("Who and where", {"fields": ["official", "agency", "jurisdiction"]}),
        (
            "What was said",
            {"fields": [("said_on", "said_on_basis"), "medium", "quote", "summary", "event"]},
        ),
        # Quotes stay as said; a translation is shown to readers of its language, labelled.
        ("Language", {"fields": ["language", ("translation_language", "translation")]}),
        ("Citation", {"fields": ["sources"]}),
        ("Record", {"fields": CuratedAdmin.readonly_fields}),
    ]

    @admin.display(description="Speaker")
    def speaker(self, statement):
        return statement.speaker_name

    @admin.display(description="Quote or summary")
    def excerpt(self, statement):
        return shorten(statement.quote or statement.summary, 80)

    @admin.action(description="Publish selected statements", permissions=["publish"])
    def publish(self, request, queryset):
        self.publish_with_reason(request, list(queryset))

    def publish_records(self, records, by) -> int:
        return services.statements_publish(statements=records, by=by)

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

    @admin.action(description="Retract selected statements…", permissions=["publish"])
    def retract(self, request, queryset):
        return self._retract(request, queryset)

    @admin.action(
        description="Reinstate selected retracted statements (back to draft)",
        permissions=["publish"],
    )
    def reinstate(self, request, queryset):
        self._reinstate(request, queryset, "statement")

    def correct_record(self, obj, changes, note, by):
        services.statement_correct(statement=obj, changes=changes, note=note, by=by)

    def delete_model(self, request, obj):
        services.statement_delete(statement=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for statement in queryset:
            services.statement_delete(statement=statement, by=request.user)

    def retract_records(self, records, reason, by) -> int:
        return services.statements_retract(statements=records, reason=reason, by=by)


@admin.register(Stance)
class StanceAdmin(TrackerImportExportMixin, CuratedAdmin):
    resource_classes = [StanceResource]
    form = StanceForm
    list_display = ["jurisdiction", "status", "agency", "level", "effective_from", "ended_on"]
    list_filter = ["status", "level", state_filter("jurisdiction__state")]
    search_fields = ["jurisdiction__name", "agency__name", "summary"]
    autocomplete_fields = ["jurisdiction", "agency", "sources", "announced_by"]
    # An agency's name on the list includes its jurisdiction's.
    list_select_related = ["jurisdiction", "agency__jurisdiction"]
    date_hierarchy = "effective_from"
    actions = ["publish", "unpublish", "retract", "reinstate", "delete_selected"]
    fieldsets = [
        (None, {"fields": ["jurisdiction", "agency", "level", ("effective_from", "ended_on")]}),
        ("Practices, where a source says so", {"fields": list(Stance.PRACTICE_FIELDS)}),
        ("Evidence", {"fields": ["summary", "sources", "announced_by"]}),
        ("Record", {"fields": CuratedAdmin.readonly_fields}),
    ]

    def save_record(self, request, obj, form, change):
        services.stance_save(stance=obj, by=request.user)

    def correct_record(self, obj, changes, note, by):
        services.stance_correct(stance=obj, changes=changes, note=note, by=by)

    def retract_records(self, records, reason, by) -> int:
        return services.stances_retract(stances=records, reason=reason, by=by)

    def delete_model(self, request, obj):
        services.stance_delete(stance=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for stance in queryset.order_by("-effective_from"):
            services.stance_delete(stance=stance, by=request.user)

    @admin.action(description="Publish selected stances", permissions=["publish"])
    def publish(self, request, queryset):
        self.publish_with_reason(request, list(queryset))

    def publish_records(self, records, by) -> int:
        return services.stances_publish(stances=records, by=by)

    @admin.action(description="Unpublish selected stances (back to draft)", permissions=["publish"])
    def unpublish(self, request, queryset):
        self._run(
            request,
            lambda qs, by: services.stances_unpublish(stances=qs, by=by),
            queryset,
            "stance(s) returned to draft",
        )

    @admin.action(description="Retract selected stances…", permissions=["publish"])
    def retract(self, request, queryset):
        return self._retract(request, queryset)

    @admin.action(
        description="Reinstate selected retracted stances (back to draft)", permissions=["publish"]
    )
    def reinstate(self, request, queryset):
        self._reinstate(request, queryset, "stance")


@admin.register(Source)
class SourceAdmin(
    PendingChangeAdminMixin, KeptOnRecordMixin, TrackerImportExportMixin, VersionedHistoryAdmin
):
    resource_classes = [SourceResource]
    form = SourceForm
    list_display = ["publisher", "title", "published_on", "url", "cited_in"]
    list_filter = ["publisher"]
    search_fields = ["publisher", "title", "url"]
    autocomplete_fields = ["cited_in"]
    list_select_related = ["cited_in__cited_in"]
    date_hierarchy = "published_on"
    actions = ["delete_selected"]

    def delete_model(self, request, obj):
        services.source_delete(source=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for source in queryset:
            services.source_delete(source=source, by=request.user)


@admin.register(Event)
class EventAdmin(PendingChangeAdminMixin, VersionedHistoryAdmin):
    form = EventForm
    list_display = ["name", "starts_on", "ends_on", "slug"]
    search_fields = ["name", "description", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["targeted_jurisdictions", "sources"]
    date_hierarchy = "starts_on"

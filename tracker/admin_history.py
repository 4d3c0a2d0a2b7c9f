"""The admin of every versioned, history-tracked record: conflict-safe saves, a field-by-field
history, reverts that respect the version lock and the workflow, and the restoring of deleted
records. Used by the admin classes of both apps."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from . import history
from .models import ConcurrentEdit

VERSION_FIELD = "opened_version"


def _is_versioned(model) -> bool:
    return any(field.name == "version" for field in model._meta.concrete_fields)


class VersionedHistoryAdmin(SimpleHistoryAdmin):
    deleted_records_template = "admin/deleted_records.html"
    object_history_list_template = "admin/history_list.html"

    def saved_directly(self, request) -> bool:
        """Whether this request's save wrote the record (PendingChangeAdminMixin says no when a
        contributor's save became a proposal waiting for an editor)."""
        return True

    # Conflict-safe edits --------------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != VERSION_FIELD]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if (
            obj is None
            or VERSION_FIELD not in getattr(self.form, "base_fields", {})
            or not self.has_change_permission(request, obj)
        ):
            return fieldsets
        # The hidden version the editor opened rides in the first fieldset.
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], VERSION_FIELD]}), *rest]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._refusing_conflicts(
            request,
            lambda: super(VersionedHistoryAdmin, self).changeform_view(
                request, object_id, form_url, extra_context
            ),
        )

    def _refusing_conflicts(self, request, view):
        """Run the view; if the record's lock refused the save (someone saved between the form's
        check and the save), run it again: the form's check now sees their version and shows
        what they changed. The refused attempt's transaction was rolled back whole."""
        try:
            return view()
        except ConcurrentEdit:
            pass
        try:
            return view()
        except ConcurrentEdit as error:
            self.message_user(
                request,
                f"{error} Nothing was saved: open the record again and redo your change.",
                messages.ERROR,
            )
            return HttpResponseRedirect(request.path)

    # History: field-by-field differences ----------------------------------------------------

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        previous = None
        for current in historical_records:
            if previous is not None:
                previous.history_delta_changes = history.field_changes(previous, current)
            previous = current

    # Revert ---------------------------------------------------------------------------------

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        object_id = unquote(object_id)
        manager = history.history_manager(self.model)
        pk_name = self.model._meta.pk.attname
        row = manager.filter(**{pk_name: object_id, "history_id": version_id}).first()
        if row is None:
            raise Http404("No such version of this record.")
        current = self.model._base_manager.filter(pk=object_id).first()
        if current is None:
            self.message_user(
                request,
                f"“{history.label(row.instance)}” was deleted: restore it from the deleted records first.",
                messages.WARNING,
            )
            return HttpResponseRedirect(self._url("deleted"))
        history_url = self._url("history", object_id)
        problems = history.missing_related(row.instance) + history.missing_related_m2m(
            history.settled(row)
        )
        if problems:
            when = formats.date_format(timezone.localtime(row.history_date), "DATETIME_FORMAT")
            self.message_user(
                request,
                f"The version of {when} cannot be restored: {'; '.join(problems)}. Restore "
                f"{'that record' if len(problems) == 1 else 'those records'} from the deleted "
                "records first, or edit the current version instead.",
                messages.ERROR,
            )
            return HttpResponseRedirect(history_url)
        if request.method == "POST" and not self.has_change_permission(request, current):
            raise PermissionDenied
        request._history_revert = (row, current)
        response = self._refusing_conflicts(
            request,
            lambda: super(VersionedHistoryAdmin, self).history_form_view(
                request, object_id, version_id, extra_context
            ),
        )
        if (
            request.method == "POST"
            and response.status_code == 302
            and self.saved_directly(request)
        ):
            when = formats.date_format(timezone.localtime(row.history_date), "DATETIME_FORMAT")
            self.message_user(request, f"Reverted “{current}” to its version of {when}.")
        return response

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        revert = getattr(request, "_history_revert", None)
        if revert is None or obj is None:
            return form
        row, current = revert
        # The old version's content on top of the record as it is now: its version (so the lock
        # checks against what the editor sees), bookkeeping and workflow fields stay current.
        for field in obj._meta.concrete_fields:
            if not field.editable or field.name in history.WORKFLOW_FIELDS:
                setattr(obj, field.attname, getattr(current, field.attname))
        m2m_initial = {
            field.name: ids for field, ids in history.historical_m2m(history.settled(row)).items()
        }

        class RevertForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                for name, ids in m2m_initial.items():
                    if name in self.fields:
                        self.initial[name] = ids

        RevertForm.__name__ = form.__name__
        return RevertForm

    # Deleted records ------------------------------------------------------------------------

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        own = [
            path(
                "deleted/",
                self.admin_site.admin_view(self.deleted_view),
                name=f"{prefix}_deleted",
            ),
            path(
                "deleted/<int:history_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name=f"{prefix}_restore",
            ),
        ]
        return own + super().get_urls()

    def _url(self, page: str, *args) -> str:
        name = f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{page}"
        return reverse(name, args=args)

    def changelist_view(self, request, extra_context=None):
        extra_context = {"deleted_records_url": self._url("deleted"), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def deleted_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        rows = [(row, history.label(row.instance)) for row in history.deleted_rows(self.model)]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Deleted {self.opts.verbose_name_plural}",
            "opts": self.opts,
            "rows": rows,
            "can_restore": self.has_add_permission(request),
            "changelist_url": self._url("changelist"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.deleted_records_template, context)

    def restore_view(self, request, history_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        deletion = (
            history.history_manager(self.model)
            .filter(history_id=history_id, history_type="-")
            .first()
        )
        if deletion is None:
            raise Http404("No such deleted record.")
        try:
            record = history.restore_deleted(deletion, by=request.user)
        except history.RestoreError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(self._url("deleted"))
        self.log_addition(request, record, [{"added": {}}])
        status = getattr(record, "get_status_display", None)
        self.message_user(
            request,
            format_html(
                "Restored <a href='{}'>{}</a>{}.",
                self._url("change", record.pk),
                record,
                " as a draft: check it and publish it again" if status else "",
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._url("change", record.pk))

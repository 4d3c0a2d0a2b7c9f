"""The workflow's buttons on a claim's edit form: Publish, Retract and Correct, shown only to
those allowed, each a POST with its CSRF token, each confirmed before anything changes, each
leaving a history entry with its reason.

Knows no app by name: the admin that mixes it in says how to publish (`publish_records`) and
retract (`retract_view`, kept by the app's admin since it asks for a reason); the services do
the writing, as for the list's actions.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from . import history
from .models import Status

# The history's reason for a publish from the form or the list (simple_history: 100 characters).
PUBLISHED_REASON = "Published by an editor"


def record_reason(record, reason: str) -> None:
    """Write `reason` on the latest history entry of `record` (the one its last save made)."""
    model = type(record)
    latest = (
        history.history_manager(model)
        .filter(**{model._meta.pk.attname: record.pk})
        .order_by("-history_date", "-history_id")
        .first()
    )
    if latest is not None and not latest.history_change_reason:
        latest.history_change_reason = reason[:100]
        latest.save(update_fields=["history_change_reason"])


class WorkflowButtonsMixin:
    """Publish (a draft) and Retract (a published record) as buttons beside History and View on
    site, and "Save correction" as the save button of a published record."""

    publish_template = "admin/tracker/publish_confirmation.html"

    def publish_records(self, records, by) -> int:
        """Publish `records` through the app's service; raise its error, for the editor."""
        raise NotImplementedError

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name=f"{prefix}_publish",
            ),
            *super().get_urls(),
        ]

    def workflow_buttons(self, request, record) -> dict:
        """The buttons `request.user` may press on `record`'s form, as template context."""
        if record is None or not self.has_publish_permission(request):
            return {}
        if record.status == Status.DRAFT:
            return {"publish_url": self._url("publish", record.pk)}
        if record.status == Status.PUBLISHED:
            return {"retract_url": self._url("retract", record.pk), "correcting": True}
        return {}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        record = self.get_object(request, unquote(object_id))
        extra = self.workflow_buttons(request, record)
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def publish_view(self, request, object_id):
        """GET or an unconfirmed POST: what publishing does, and a Publish button; a confirmed
        POST publishes through the service and goes back to the form with a message."""
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        if not self.has_publish_permission(request):
            raise PermissionDenied(
                _("Only editors may publish %(kind)s.") % {"kind": self.opts.verbose_name_plural}
            )
        record = self.get_object(request, unquote(object_id))
        if record is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        change_url = self._url("change", record.pk)
        if record.status != Status.DRAFT:
            self.message_user(
                request,
                _("Only a draft can be published; this %(kind)s is %(status)s.")
                % {
                    "kind": self.opts.verbose_name,
                    "status": record.get_status_display().lower(),
                },
                messages.WARNING,
            )
            return HttpResponseRedirect(change_url)
        if request.method == "POST" and "confirm_publish" in request.POST:
            # Published or refused (no source...): the form, with the message saying which.
            self.publish_with_reason(request, [record], from_form=True)
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Publish this %(kind)s?") % {"kind": self.opts.verbose_name},
            "opts": self.opts,
            "record": record,
            "sources": record.sources.all(),
            "public_url": record.get_absolute_url(),
            "change_url": change_url,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.publish_template, context)

    def publish_with_reason(self, request, records, *, from_form: bool = False) -> int:
        """Publish the drafts among `records`, with the reason in each one's history and a
        message; 0 (and the error as the message) when the service refuses."""
        drafts = [record for record in records if record.status == Status.DRAFT]
        try:
            count = self.publish_records(drafts, request.user)
        except ValidationError as error:  # the service's refusal (no source...), for the editor
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return 0
        for record in self.model.objects.filter(
            pk__in=[record.pk for record in drafts], status=Status.PUBLISHED
        ):
            record_reason(record, PUBLISHED_REASON)
        if from_form and count == 1:
            message = _("Published: “%(record)s” is public now.") % {"record": drafts[0]}
        else:
            # The list action's wording, as before the buttons existed.
            message = _("%(count)d %(kind)s(s) published.") % {
                "count": count,
                "kind": self.opts.verbose_name,
            }
        self.message_user(request, message, messages.SUCCESS)
        return count

"""Review in the admin: what a contributor saves of a record the public sees waits for an editor.

`PendingChangeAdminMixin` goes first in the bases of the admin of every such record (one that
is not a claim with its own draft status). For those who may review (Editors, Administrators)
nothing changes; a contributor's add, change, revert or restore becomes a PendingChange, and
the record stays as it was. `PendingChangeAdmin` is where editors see each proposal field by
field and approve or reject it.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from . import history
from .forms import form_values
from .pending import (
    PendingChange,
    PendingChangeError,
    PendingKind,
    pending_change_approve,
    pending_change_propose,
    pending_change_reject,
    pending_restore_propose,
    person_name,
    saves_directly,
)


def proposal_of(request) -> PendingChange | None:
    """The pending change this request's save made instead of writing the record, if any."""
    return getattr(request, "_proposal", None)


def _relations_wait_for_review():
    """Stands in for a proposing form's save_m2m: its relations are in the proposal."""


def _admin_url(model_or_obj, page: str, *args) -> str:
    opts = model_or_obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=args)


class PendingChangeAdminMixin:
    """Contributors' saves of this record wait for an editor; editors' saves are written."""

    def saves_directly(self, request) -> bool:
        return saves_directly(request.user)

    def saved_directly(self, request) -> bool:
        return proposal_of(request) is None

    # A contributor's save becomes a proposal ---------------------------------------------------

    def save_model(self, request, obj, form, change):
        if self.saves_directly(request):
            return super().save_model(request, obj, form, change)
        pending = pending_change_propose(
            model=self.model,
            values=form_values(form),
            author=request.user,
            record=obj if change else None,
            base_version=getattr(obj, "version", None) if change else None,
        )
        if pending is not None:
            request._proposal = pending
            form.save_m2m = _relations_wait_for_review
        # Else nothing differs: the relations and any inline (a draft stance) save as usual.
        return None

    def save_related(self, request, form, formsets, change):
        if self.saved_directly(request):
            return super().save_related(request, form, formsets, change)
        # Claims edited inline (drafts, their own workflow) save as usual on an existing record;
        # inlines of reviewed records are read-only for contributors (ReviewedInlineMixin).
        if change:
            for formset in formsets:
                self.save_formset(request, form, formset, change=change)
        return None

    def get_inline_instances(self, request, obj=None):
        if obj is None and request is not None and not self.saves_directly(request):
            # A proposed addition is no record yet: nothing can hang off it until approved.
            return []
        return super().get_inline_instances(request, obj)

    def log_addition(self, request, obj, message):
        if self.saved_directly(request):
            return super().log_addition(request, obj, message)
        return None

    def log_change(self, request, obj, message):
        if self.saved_directly(request):
            return super().log_change(request, obj, message)
        return None

    def response_add(self, request, obj, post_url_continue=None):
        if self.saved_directly(request):
            return super().response_add(request, obj, post_url_continue)
        return self._proposal_response(request)

    def response_change(self, request, obj):
        if self.saved_directly(request):
            return super().response_change(request, obj)
        return self._proposal_response(request)

    def _proposal_response(self, request):
        """To the proposal, where its author follows what becomes of it."""
        pending = proposal_of(request)
        self.message_user(request, waiting_message(pending), messages.SUCCESS)
        return HttpResponseRedirect(_admin_url(PendingChange, "change", pending.pk))

    # Imports and restores ---------------------------------------------------------------------

    def has_import_permission(self, request):
        # An import writes many records at once, with no one to review them: editors only.
        return self.saves_directly(request) and super().has_import_permission(request)

    def restore_view(self, request, history_id):
        if (
            request.method != "POST"
            or self.saves_directly(request)
            or not self.has_add_permission(request)
        ):
            return super().restore_view(request, history_id)
        deletion = (
            history.history_manager(self.model)
            .filter(history_id=history_id, history_type="-")
            .first()
        )
        if deletion is None:
            raise Http404("No such deleted record.")
        try:
            pending = pending_restore_propose(deletion=deletion, author=request.user)
        except PendingChangeError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, waiting_message(pending), messages.SUCCESS)
        return HttpResponseRedirect(_admin_url(self.model, "deleted"))

    # Telling who opens a record that changes to it wait ----------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            self._announce_waiting(request, unquote(object_id))
        return super().change_view(request, object_id, form_url, extra_context)

    def _announce_waiting(self, request, object_id: str) -> None:
        if not object_id.isdigit():
            return
        count = PendingChange.objects.pending().for_record(self.model, int(object_id)).count()
        content_type = ContentType.objects.get_for_model(self.model)
        if not count:
            return
        url = (
            f"{_admin_url(PendingChange, 'changelist')}?status__exact=pending"
            f"&content_type__id__exact={content_type.pk}&object_id={object_id}"
        )
        self.message_user(
            request,
            format_html(
                "{} to this {} {} for an editor: <a href='{}'>see {}</a>. The form below shows "
                "the record as it is now.",
                f"{count} proposed change{'s' if count > 1 else ''}",
                self.opts.verbose_name,
                "wait" if count > 1 else "waits",
                url,
                "them" if count > 1 else "it",
            ),
            messages.WARNING,
        )


WAITING = {
    PendingKind.ADD: "Your new {noun}",
    PendingKind.CHANGE: "Your change to the {noun}",
    PendingKind.RESTORE: "Your restore of the {noun}",
}


def waiting_message(pending: PendingChange) -> str:
    """“Your change to the source … waits for an editor …”."""
    return format_html(
        "{} “{}” waits for an editor: nothing of it is public until an editor approves it.",
        WAITING[pending.kind].format(noun=pending.content_type.name),
        pending.object_repr,
    )


class ReviewedInlineMixin:
    """An inline of reviewed records on another record's page: read-only for contributors, who
    propose changes to those records on their own pages, one proposal per record."""

    def has_add_permission(self, request, obj=None):
        return saves_directly(request.user) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return saves_directly(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return saves_directly(request.user) and super().has_delete_permission(request, obj)


# Editors review ------------------------------------------------------------------------------


@admin.register(PendingChange)
class PendingChangeAdmin(admin.ModelAdmin):
    """Proposals are reviewed, never edited or deleted: a review page instead of a change form.

    Contributors see their own proposals and what became of them; editors see everyone's.
    """

    list_display = ["created_at", "status", "kind", "record_kind", "object_repr", "author"]
    list_display_links = ["created_at", "object_repr"]
    # Only the kinds of record and the authors found, not every user and content type.
    list_filter = [
        "status",
        "kind",
        ("content_type", admin.RelatedOnlyFieldListFilter),
        ("author", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["content_type", "author"]
    search_fields = ["object_repr", "author__username", "review_note"]
    date_hierarchy = "created_at"
    actions = ["approve_selected", "reject_selected"]
    review_template = "admin/tracker/pendingchange/review.html"

    def get_queryset(self, request):
        queryset = super().get_queryset(request).for_review()
        if self.has_review_permission(request):
            return queryset
        return queryset.filter(author=request.user)

    def has_review_permission(self, request) -> bool:
        return saves_directly(request.user)

    def has_add_permission(self, request):
        return False  # proposals come from saving a record

    def has_change_permission(self, request, obj=None):
        return False  # reviewed (approved or rejected), never edited

    def has_delete_permission(self, request, obj=None):
        return False  # kept: the record of who proposed what and who decided

    @admin.display(description="Kind of record", ordering="content_type__model")
    def record_kind(self, change):
        return capfirst(change.content_type.name)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST" and not self.has_review_permission(request):
            raise PermissionDenied
        change = self.get_object(request, unquote(object_id))
        if change is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, change):
            raise PermissionDenied
        if request.method == "POST":
            return self._review(request, change)
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET", "POST"])
        return self._review_page(request, change)

    def _review(self, request, change):
        note = request.POST.get("review_note", "").strip()
        try:
            if "_approve" in request.POST:
                record = self.approve(request, change, note=note)
                self.message_user(
                    request,
                    format_html(
                        "Approved: “{}” is saved as {} proposed it.",
                        history.label(record),
                        person_name(change.author),
                    ),
                    messages.SUCCESS,
                )
            elif "_reject" in request.POST:
                pending_change_reject(change=change, by=request.user, note=note)
                self.message_user(
                    request, f"Rejected: “{change.object_repr}” stays as it was.", messages.SUCCESS
                )
            else:
                return HttpResponseRedirect(request.path)
        except PendingChangeError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.path)
        return HttpResponseRedirect(
            _admin_url(PendingChange, "changelist") + "?status__exact=pending"
        )

    def approve(self, request, change, *, note: str = ""):
        """Approve `change` through its record's admin form; return the record written."""
        model_admin = self.admin_site._registry.get(change.model)
        form_class = None
        if model_admin is not None and change.kind != PendingKind.RESTORE:
            record = None
            if change.kind == PendingKind.CHANGE:
                record = change.model._base_manager.filter(pk=change.object_id).first()
            form_class = model_admin.get_form(request, record, change=record is not None)
        record = pending_change_approve(
            change=change, by=request.user, form_class=form_class, note=note
        )
        if model_admin is not None:
            message = f"Approved {change} proposed by {person_name(change.author)}."
            if change.kind == PendingKind.CHANGE:
                model_admin.log_change(request, record, message)
            else:
                model_admin.log_addition(request, record, message)
        return record

    def _review_page(self, request, change):
        record = None
        if change.object_id is not None:
            record = change.model._base_manager.filter(pk=change.object_id).first()
        context = {
            **self.admin_site.each_context(request),
            "title": capfirst(str(change)),
            "opts": self.opts,
            "change": change,
            "changes": change.changes(),
            "changed_since": change.changed_since() if change.is_pending else "",
            "record": record,
            "record_admin_url": _record_admin_url(record),
            "public_url": record.get_absolute_url()
            if record is not None and hasattr(record, "get_absolute_url")
            else "",
            "can_review": change.is_pending and self.has_review_permission(request),
            "changelist_url": _admin_url(PendingChange, "changelist"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.review_template, context)

    @admin.action(description="Approve selected pending changes", permissions=["review"])
    def approve_selected(self, request, queryset):
        approved, refused = 0, []
        for change in queryset.pending().order_by("created_at", "pk"):
            try:
                self.approve(request, change)
            except PendingChangeError as error:
                refused.append(f"#{change.pk} “{change.object_repr}”: {error}")
            else:
                approved += 1
        if approved:
            self.message_user(request, f"{approved} change(s) approved.", messages.SUCCESS)
        for refusal in refused:
            self.message_user(request, refusal, messages.ERROR)
        if not approved and not refused:
            self.message_user(request, "None of these changes is pending.", messages.WARNING)

    @admin.action(description="Reject selected pending changes", permissions=["review"])
    def reject_selected(self, request, queryset):
        count = 0
        for change in queryset.pending().order_by("created_at", "pk"):
            pending_change_reject(change=change, by=request.user)
            count += 1
        self.message_user(request, f"{count} change(s) rejected.", messages.SUCCESS)


def _record_admin_url(record) -> str:
    if record is None:
        return ""
    try:
        return _admin_url(record, "change", record.pk)
    except NoReverseMatch:
        return ""

"""The federal lists in the admin: ICE's agreements and rows as imported (read-only: they are
ICE's record, rewritten by each import), designations (editable: an editor adds replies and
withdrawals) and the review list of what the importers would not decide alone."""

from django import forms
from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.html import format_html

from cities.admin import state_filter
from tracker.admin_history import VersionedHistoryAdmin
from tracker.admin_pending import PendingChangeAdminMixin
from tracker.forms import VersionedFormMixin

from .models import Agreement, Designation, Listing, ListSnapshot, ReviewItem, ReviewKind
from .review import review_item_resolve


class ReadOnlyAdmin(VersionedHistoryAdmin):
    """Imported records: viewed and their history read, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ListingInline(admin.TabularInline):
    model = Listing
    extra = 0
    can_delete = False
    fields = ["snapshot", "row_number", "agency_name", "county_name", "signed_on", "moa_url"]
    readonly_fields = fields
    ordering = ["-snapshot__listed_on", "row_number"]

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("snapshot")


class DisagreesFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("disagrees", "Disagrees with an editor's stance"),
            ("moved", "Moved to another agency"),
        ]

    def queryset(self, request, queryset):
        kinds = {"disagrees": ReviewKind.STANCE_DISAGREES, "moved": ReviewKind.AGREEMENT_MOVED}
        if self.value() not in kinds:
            return queryset
        open_items = ReviewItem.objects.filter(
            kind=kinds[self.value()], resolved_at__isnull=True, agency=OuterRef("agency")
        )
        return queryset.filter(Exists(open_items))


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = [
        "agency",
        "jurisdiction",
        "support_type",
        "signed_on",
        "status",
        "first_listed_on",
        "last_listed_on",
        "ended_on",
        "document",
    ]
    list_filter = [
        "status",
        "support_type",
        state_filter("agency__jurisdiction__state"),
        DisagreesFilter,
    ]
    search_fields = ["agency__name", "agency__ice_names__name", "agency__jurisdiction__name"]
    list_select_related = ["agency__jurisdiction"]
    date_hierarchy = "signed_on"
    inlines = [ListingInline]

    @admin.display(ordering="agency__jurisdiction__name")
    def jurisdiction(self, agreement):
        return agreement.agency.jurisdiction

    @admin.display(description="agreement")
    def document(self, agreement):
        if not agreement.moa_url:
            return "—"
        return format_html('<a href="{}" rel="noopener noreferrer">MOA</a>', agreement.moa_url)


class MatchedFilter(admin.SimpleListFilter):
    title = "matched"
    parameter_name = "matched"

    def lookups(self, request, model_admin):
        return [("no", "Unmatched"), ("yes", "Matched")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(jurisdiction__isnull=True)
        if self.value() == "yes":
            return queryset.filter(jurisdiction__isnull=False)
        return queryset


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    """Every row of every ICE sheet imported, with what it matched or why it did not."""

    list_display = [
        "row_number",
        "snapshot",
        "agency_name",
        "state",
        "listed_type",
        "county_name",
        "support_type",
        "jurisdiction",
        "problem",
    ]
    list_filter = [MatchedFilter, "snapshot", "listed_type", "support_type", state_filter("state")]
    search_fields = ["agency_name", "county_name", "problem"]
    list_select_related = ["snapshot", "jurisdiction"]
    readonly_fields = [field.name for field in Listing._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ListSnapshot)
class ListSnapshotAdmin(ReadOnlyAdmin):
    list_display = [
        "listed_on",
        "kind",
        "file_name",
        "rows_read",
        "rows_matched",
        "rows_unmatched",
        "source",
    ]
    list_filter = ["kind"]
    search_fields = ["file_name", "sha256"]
    list_select_related = ["source"]
    date_hierarchy = "listed_on"


class DesignationForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Designation
        fields = "__all__"


@admin.register(Designation)
class DesignationAdmin(PendingChangeAdminMixin, VersionedHistoryAdmin):
    form = DesignationForm
    list_display = [
        "jurisdiction",
        "label",
        "designated_by",
        "designated_on",
        "withdrawn_on",
        "replied",
    ]
    list_filter = [
        "designated_by",
        "label",
        "jurisdiction__level",
        state_filter("jurisdiction__state"),
    ]
    search_fields = ["jurisdiction__name", "label", "designated_by", "reply"]
    autocomplete_fields = ["jurisdiction", "source", "reply_source"]
    list_select_related = ["jurisdiction"]
    date_hierarchy = "designated_on"
    readonly_fields = ["created_at", "updated_at"]

    @admin.display(boolean=True, description="reply")
    def replied(self, designation):
        return bool(designation.reply)


class ResolvedFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "resolved"

    def lookups(self, request, model_admin):
        return [("no", "Open"), ("yes", "Resolved")]

    def queryset(self, request, queryset):
        if self.value() in ("no", "yes"):
            return queryset.filter(resolved_at__isnull=self.value() == "no")
        return queryset


class ReviewItemForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = ReviewItem
        fields = ["resolution"]


@admin.register(ReviewItem)
class ReviewItemAdmin(VersionedHistoryAdmin):
    """The importers' questions; writing a resolution closes one."""

    form = ReviewItemForm
    list_display = ["kind", "message", "agency", "created_at", "resolved_at"]
    list_filter = [ResolvedFilter, "kind"]
    search_fields = ["message", "agency__name", "resolution"]
    list_select_related = ["agency__jurisdiction"]
    readonly_fields = [
        "kind",
        "message",
        "agency",
        "agreement",
        "stance",
        "resolved_at",
        "resolved_by",
        "created_at",
    ]
    fields = [*readonly_fields, "resolution"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        if obj.resolution.strip() and obj.resolved_at is None:
            review_item_resolve(item=obj, resolution=obj.resolution, by=request.user)
        else:
            super().save_model(request, obj, form, change)

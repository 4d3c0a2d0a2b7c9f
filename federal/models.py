"""What the federal government publishes about places and agencies, kept apart from our stances.

ICE's 287(g) lists arrive as snapshots (one per sheet ICE published); each row of a sheet is a
`Listing`; listings of the same agency and support type over time make one `Agreement`, whose
dates and status are computed from the snapshots it appears in, so that importing the sheets in
any order gives the same agreements. `Designation` is what an outside body says a jurisdiction is
("sanctuary jurisdiction"), with the jurisdiction's reply.

Models are declared in the order their tables depend on each other (backups load them so).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracker.models import TimeStampedModel

from .querysets import AgreementQuerySet, DesignationQuerySet


class ListKind(models.TextChoices):
    PARTICIPATING = "participating", _("Participating agencies")
    PENDING = "pending", _("Pending agencies")


class SupportType(models.TextChoices):
    """ICE's three 287(g) models, labelled as ICE's sheets spell them."""

    JAIL_ENFORCEMENT = "jail_enforcement", _("Jail Enforcement Model")
    TASK_FORCE = "task_force", _("Task Force Model")
    WARRANT_SERVICE = "warrant_service", _("Warrant Service Officer")


class ListedType(models.TextChoices):
    """The sheet's TYPE column: which government the agency belongs to."""

    COUNTY = "county", _("County")
    MUNICIPALITY = "municipality", _("Municipality")
    STATE_AGENCY = "state_agency", _("State Agency")


class AgreementStatus(models.TextChoices):
    LISTED = "listed", _("Listed")
    NO_LONGER_LISTED = "no_longer_listed", _("No longer listed")
    PENDING = "pending", _("Pending")


class ReviewKind(models.TextChoices):
    AGREEMENT_MOVED = "agreement_moved", "Agreement moved to another agency"
    STANCE_DISAGREES = "stance_disagrees", "Disagrees with an editor's stance"
    LISTED_TWICE = "listed_twice", "Same agency listed twice in one sheet"
    POSSIBLE_SUCCESSOR = "possible_successor", "Ended agreement may continue under another name"
    AGENCIES_TO_MERGE = "agencies_to_merge", "Renamed agency exists twice"


class ListSnapshot(TimeStampedModel):
    """One of ICE's sheets as imported: which list, of which date, from which file."""

    kind = models.CharField(max_length=20, choices=ListKind)
    listed_on = models.DateField(help_text="The date ICE gave the sheet (from its file name).")
    file_name = models.CharField(max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    rows_read = models.PositiveIntegerField(default=0, help_text="Rows that were not blank.")
    rows_matched = models.PositiveIntegerField(default=0)
    rows_unmatched = models.PositiveIntegerField(default=0)
    source = models.ForeignKey(
        "statements.Source", on_delete=models.PROTECT, related_name="ice_snapshots"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-listed_on", "kind"]
        get_latest_by = "listed_on"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "listed_on"],
                name="listsnapshot_one_per_kind_and_date",
                violation_error_message="ICE's list of that kind and date is already imported.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ListKind.values),
                name="listsnapshot_kind_valid",
                violation_error_message="Unknown kind of list.",
            ),
            models.CheckConstraint(
                condition=Q(rows_read__gte=F("rows_matched") + F("rows_unmatched")),
                name="listsnapshot_row_counts_add_up",
                violation_error_message="Matched and unmatched rows cannot exceed the rows read.",
            ),
        ]

    def __str__(self):
        return f"ICE {self.get_kind_display().lower()}, {self.listed_on:%Y-%m-%d}"


class Agreement(TimeStampedModel):
    """An agency's 287(g) agreement of one support type, as ICE's lists show it over time.

    Every field is computed from the listings by `federal.agreements.agreements_reconcile`.
    """

    agency = models.ForeignKey(
        "cities.Agency", on_delete=models.PROTECT, related_name="agreements_287g"
    )
    support_type = models.CharField(max_length=20, choices=SupportType)
    signed_on = models.DateField(
        null=True, blank=True, help_text="Empty when ICE's sheet gives no readable date."
    )
    moa_url = models.URLField("agreement (MOA)", max_length=1000, blank=True)
    addendum_url = models.URLField("addendum", max_length=1000, blank=True)
    first_listed_on = models.DateField()
    last_listed_on = models.DateField()
    ended_on = models.DateField(
        null=True,
        blank=True,
        help_text="The date of ICE's first list that no longer showed the agreement.",
    )
    status = models.CharField(max_length=20, choices=AgreementStatus, db_index=True)

    history = HistoricalRecords()
    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["agency__jurisdiction__state", "agency__name", "support_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "support_type"],
                condition=Q(status="listed"),
                name="agreement_one_listed_per_agency_and_type",
                violation_error_message="This agency already has a listed agreement of this type.",
            ),
            models.UniqueConstraint(
                fields=["agency", "support_type"],
                condition=Q(status="pending"),
                name="agreement_one_pending_per_agency_and_type",
                violation_error_message="This agency already has a pending application of this type.",
            ),
            models.CheckConstraint(
                condition=Q(last_listed_on__gte=F("first_listed_on")),
                name="agreement_last_listed_after_first",
                violation_error_message="An agreement is last listed on or after it was first listed.",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gt=F("last_listed_on")),
                name="agreement_ends_after_last_listed",
                violation_error_message="An agreement ends after the last list that showed it.",
            ),
            models.CheckConstraint(
                condition=Q(status="no_longer_listed", ended_on__isnull=False)
                | (~Q(status="no_longer_listed") & Q(ended_on__isnull=True)),
                name="agreement_ended_iff_no_longer_listed",
                violation_error_message="An agreement has an end date exactly when it is no longer listed.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AgreementStatus.values),
                name="agreement_status_valid",
                violation_error_message="Unknown agreement status.",
            ),
            models.CheckConstraint(
                condition=Q(support_type__in=SupportType.values),
                name="agreement_support_type_valid",
                violation_error_message="Unknown 287(g) support type.",
            ),
        ]

    def __str__(self):
        return f"{self.agency.name}: {self.get_support_type_display()}"

    @property
    def status_note(self) -> str:
        """How the status reads to a person: "no longer listed by ICE on 2025-07-18"."""
        if self.status == AgreementStatus.NO_LONGER_LISTED:
            return f"no longer listed by ICE on {self.ended_on:%Y-%m-%d}"
        if self.status == AgreementStatus.PENDING:
            return f"pending on ICE's list of {self.last_listed_on:%Y-%m-%d}"
        return f"listed by ICE on {self.last_listed_on:%Y-%m-%d}"


class Listing(models.Model):
    """One row of one of ICE's sheets, as ICE wrote it, and what it was matched to."""

    snapshot = models.ForeignKey(ListSnapshot, on_delete=models.CASCADE, related_name="listings")
    row_number = models.PositiveIntegerField()
    state = models.CharField(max_length=2, blank=True)
    agency_name = models.CharField(max_length=300, blank=True)
    listed_type = models.CharField(max_length=20, choices=ListedType, blank=True)
    county_name = models.CharField(max_length=200, blank=True, help_text="Empty for #N/A.")
    support_type = models.CharField(max_length=20, choices=SupportType, blank=True)
    signed_on = models.DateField(null=True, blank=True)
    signed_text = models.CharField(
        max_length=100, blank=True, help_text="The SIGNED cell when it is text, as written."
    )
    moa_url = models.URLField(max_length=1000, blank=True)
    addendum_url = models.URLField(max_length=1000, blank=True)
    jurisdiction = models.ForeignKey(
        "cities.Jurisdiction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ice_listings",
    )
    agency = models.ForeignKey(
        "cities.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ice_listings",
    )
    agreement = models.ForeignKey(
        Agreement, null=True, blank=True, on_delete=models.SET_NULL, related_name="listings"
    )
    problem = models.TextField(blank=True, help_text="Why the row was not matched.")

    class Meta:
        ordering = ["snapshot", "row_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "row_number"],
                name="listing_row_unique_in_snapshot",
                violation_error_message="This row of the sheet is already imported.",
            ),
            models.CheckConstraint(
                condition=Q(jurisdiction__isnull=True) | Q(problem=""),
                name="listing_matched_or_has_problem",
                violation_error_message="A matched row has no problem; an unmatched one says why.",
            ),
            models.CheckConstraint(
                condition=~Q(problem="") | Q(jurisdiction__isnull=False),
                name="listing_unmatched_says_why",
                violation_error_message="Say why the row was not matched.",
            ),
        ]

    def __str__(self):
        return f"{self.snapshot}, row {self.row_number}: {self.agency_name}"


class AgencyListingName(models.Model):
    """A name ICE used for an agency, so a renamed agency keeps its former names."""

    agency = models.ForeignKey("cities.Agency", on_delete=models.CASCADE, related_name="ice_names")
    name = models.CharField(max_length=300)
    first_listed_on = models.DateField()
    last_listed_on = models.DateField()

    class Meta:
        ordering = ["agency", "-last_listed_on", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "name"],
                name="agencylistingname_unique",
                violation_error_message="This name is already recorded for this agency.",
            ),
            models.CheckConstraint(
                condition=Q(last_listed_on__gte=F("first_listed_on")),
                name="agencylistingname_dates_in_order",
                violation_error_message="A name is last listed on or after it was first listed.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.first_listed_on:%Y-%m-%d} to {self.last_listed_on:%Y-%m-%d})"


class ImportedStance(models.Model):
    """A stance the 287(g) importer wrote for an agency; stances not listed here are editors'."""

    agency = models.OneToOneField(
        "cities.Agency", on_delete=models.CASCADE, related_name="imported_stance"
    )
    stance = models.OneToOneField(
        "statements.Stance", on_delete=models.CASCADE, related_name="imported_by"
    )

    class Meta:
        ordering = ["agency"]

    def __str__(self):
        return f"Imported stance of {self.agency.name}"


class Designation(TimeStampedModel):
    """What an outside body calls a jurisdiction, in its own words, with the place's reply."""

    jurisdiction = models.ForeignKey(
        "cities.Jurisdiction", on_delete=models.PROTECT, related_name="designations"
    )
    designated_by = models.CharField(max_length=200, help_text="e.g. US Department of Justice")
    label = models.CharField(
        max_length=200, help_text="Their words, e.g. “sanctuary jurisdiction”."
    )
    designated_on = models.DateField()
    source = models.ForeignKey(
        "statements.Source", on_delete=models.PROTECT, related_name="designations"
    )
    withdrawn_on = models.DateField(null=True, blank=True)
    reply = models.TextField(blank=True, help_text="The jurisdiction's answer, in its words.")
    reply_source = models.ForeignKey(
        "statements.Source",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="designation_replies",
    )

    history = HistoricalRecords()
    objects = DesignationQuerySet.as_manager()

    class Meta:
        ordering = ["-designated_on", "jurisdiction__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "designated_by", "label", "designated_on"],
                name="designation_unique",
                violation_error_message="This designation is already recorded.",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("designated_on")),
                name="designation_withdrawn_after_designated",
                violation_error_message="A designation is withdrawn on or after it was made.",
            ),
            models.CheckConstraint(
                condition=Q(reply_source__isnull=True) | ~Q(reply=""),
                name="designation_reply_source_has_reply",
                violation_error_message="Give the reply its source cites.",
            ),
            models.CheckConstraint(
                condition=~Q(label="") & ~Q(designated_by=""),
                name="designation_has_label_and_body",
                violation_error_message="Say who designated the place and in what words.",
            ),
        ]

    def __str__(self):
        return f"{self.jurisdiction}: {self.label} ({self.designated_by}, {self.designated_on:%Y-%m-%d})"


class ReviewItem(TimeStampedModel):
    """Something the importer noticed and would not decide alone: an editor looks at it."""

    kind = models.CharField(max_length=30, choices=ReviewKind, db_index=True)
    # Identifies what the item is about, so a second import finds it instead of adding another.
    key = models.CharField(max_length=200, unique=True, editable=False)
    message = models.TextField()
    agency = models.ForeignKey(
        "cities.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    agreement = models.ForeignKey(
        Agreement, null=True, blank=True, on_delete=models.CASCADE, related_name="review_items"
    )
    stance = models.ForeignKey(
        "statements.Stance", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    resolution = models.TextField(blank=True, help_text="What the editor decided, and why.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["resolved_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ReviewKind.values),
                name="reviewitem_kind_valid",
                violation_error_message="Unknown kind of review item.",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | ~Q(resolution=""),
                name="reviewitem_resolution_says_what",
                violation_error_message="Say what was decided when resolving an item.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.message[:80]}"

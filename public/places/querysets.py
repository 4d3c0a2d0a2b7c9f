"""What the jurisdiction pages read: places with their 287(g) agreements and designations.

The cities layer cannot know the federal records (it sits below them), so the public site reads
them here, one queryset method per page: `for_list()` for /cities/, `for_download()` for its
CSV and JSON (the view adds `with_current_stances()` to the list's rows), `for_detail()` for a
jurisdiction's page.
"""

import functools

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from cities.models import Agency, Jurisdiction, StanceLevel
from cities.querysets import JurisdictionQuerySet
from federal.models import Agreement, AgreementStatus, Designation
from statements.models import Source, Stance

# "Not recorded": no published stance in force, so we have no record of a position. It is not a
# stance level (editors never choose it) but what the public pages, downloads and API show in its
# place, kept apart from "unknown" (a recorded stance: no public position).
NOT_RECORDED = "not_recorded"
NOT_RECORDED_LABEL = _("Not recorded")
SHOWN_STANCE_CHOICES = [*StanceLevel.choices, (NOT_RECORDED, NOT_RECORDED_LABEL)]
SHOWN_STANCE_LABELS = dict(SHOWN_STANCE_CHOICES)
# The annotation the lists read and filter: the current headline stance or "not_recorded".
STANCE_SHOWN = "stance_shown"


def current_stance_shown() -> Case:
    """The current headline stance, "not_recorded" when no published stance is in force.

    `Jurisdiction.stance_level` says "unknown" for both; only its "unknown" rows look at the
    timeline (an EXISTS served by the stance_juris_effective index).
    """
    in_force = Stance.objects.published().current().filter(jurisdiction=OuterRef("pk"))
    return Case(
        When(Q(stance_level=StanceLevel.UNKNOWN) & ~Exists(in_force), then=Value(NOT_RECORDED)),
        default=F("stance_level"),
        output_field=CharField(),
    )


def stance_shown_on(day) -> Coalesce:
    """The headline stance in force on `day`, "not_recorded" when none was."""
    return Coalesce(Stance.objects.headline_level(day=day), Value(NOT_RECORDED))


def agreements_of_status(status: str):
    """The agreements of this status of the agencies of `OuterRef("pk")`."""
    return Agreement.objects.filter(agency__jurisdiction=OuterRef("pk"), status=status)


# Conditions on a place, for filters and facet counts. Each is `pk IN (one subquery)`, which
# the database computes once (a hashed semi-join), rather than a correlated EXISTS: SQLite would
# answer that row by row through the status index, 20 times slower over 3,000 counties.
def with_agreements(status: str | None = None) -> Q:
    """Places one of whose agencies has an agreement of this status on ICE's lists (any status
    when None)."""
    agreements = (
        Agreement.objects.all() if status is None else Agreement.objects.filter(status=status)
    )
    return Q(pk__in=agreements.values("agency__jurisdiction"))


def with_designations(**match) -> Q:
    """Places with a designation not withdrawn, optionally by one body (`designated_by=`) and
    label (`label=`)."""
    return Q(pk__in=Designation.objects.in_force_on().filter(**match).values("jurisdiction"))


def _count_of(agreements) -> Coalesce:
    """The number of `agreements` of the row's agencies, as a correlated subquery (computed only
    for the rows a page shows, and never inflated by a filter joining a to-many relation)."""
    counted = agreements.order_by().values("agency__jurisdiction").annotate(n=Count("pk"))
    return Coalesce(
        Subquery(counted.values("n"), output_field=IntegerField()),
        Value(0),
        output_field=IntegerField(),
    )


# The download columns of agreement counts: (annotation, status), in the order of the columns.
AGREEMENT_COUNTS = (
    ("agreements_287g_listed", AgreementStatus.LISTED),
    ("agreements_287g_pending", AgreementStatus.PENDING),
    ("agreements_287g_no_longer_listed", AgreementStatus.NO_LONGER_LISTED),
)


def _designations() -> Prefetch:
    """Every designation of each place, oldest first, with its sources: one query."""
    return Prefetch(
        "designations",
        queryset=Designation.objects.select_related(
            "source__cited_in", "reply_source__cited_in"
        ).order_by("designated_on", "designated_by", "pk"),
        to_attr="designation_list",
    )


class PublicJurisdictionQuerySet(JurisdictionQuerySet):
    """Jurisdictions as the public pages read them (see the module's docstring)."""

    def with_listed_agreement(self):
        """Places one of whose agencies has an agreement on ICE's latest list."""
        return self.filter(with_agreements(AgreementStatus.LISTED))

    def for_list(self):
        """/cities/: statement stats and agreement counts (correlated subqueries in the one query
        of the rows) and every designation with its sources (one more query)."""
        counts = {
            name: _count_of(agreements_of_status(status)) for name, status in AGREEMENT_COUNTS
        }
        return super().for_list().annotate(**counts).prefetch_related(_designations())

    def with_current_stances(self):
        """Each place's current published stances, with their sources, as `current_stances`:
        three more queries per chunk of rows (the downloads' stance columns)."""
        current = (
            Stance.objects.published()
            .current()
            .select_related("agency")
            .prefetch_related(Prefetch("sources", queryset=Source.objects.for_citation()))
        )
        return self.prefetch_related(
            Prefetch("stances", queryset=current, to_attr="current_stances")
        )

    def for_download(self):
        """The list's rows as the CSV and JSON need them: `for_list()` and the current stances."""
        return self.for_list().with_current_stances()

    def for_detail(self):
        """A place's page: its designations with their sources, its agencies (by name) with
        their 287(g) agreements: three queries besides the place's own."""
        agreements = Agreement.objects.order_by("status", "support_type", "pk")
        agencies = Agency.objects.order_by("name").prefetch_related(
            Prefetch("agreements_287g", queryset=agreements, to_attr="agreement_list")
        )
        return self.prefetch_related(
            _designations(), Prefetch("agencies", queryset=agencies, to_attr="agency_list")
        )


def public_jurisdictions() -> PublicJurisdictionQuerySet:
    """Every jurisdiction, as the public pages read them, annotated with `stance_shown` (no query
    until evaluated)."""
    return _public_jurisdictions().all()


# Built once per process and copied for each request: building the annotation (an EXISTS of a
# filtered subquery) took a tenth of a place list's time, and it names no day or request.
@functools.cache
def _public_jurisdictions() -> PublicJurisdictionQuerySet:
    return PublicJurisdictionQuerySet(model=Jurisdiction).annotate(
        **{STANCE_SHOWN: current_stance_shown()}
    )


def designation_groups() -> list[tuple[str, str]]:
    """Every (designated by, label) that any designation has, withdrawn or not: one query."""
    rows = Designation.objects.order_by("designated_by", "label").values_list(
        "designated_by", "label"
    )
    return list(rows.distinct())


def designation_key(designated_by: str, label: str = "") -> str:
    """The /cities/?designation= value of a body (`us-department-of-justice`) or of one of its
    labels (`us-department-of-justice-sanctuary-jurisdiction`)."""
    return slugify(f"{designated_by} {label}")

"""The national picture: the figures the home and methodology pages cite, and the one rule that
says whether an outside body's designation and our record of a place agree.

A designation is what someone else says about a place; our record is our stance (and the
agreements ICE lists for the place's agencies). The pages keep them apart and compare them only
here, so the wording of an agreement or a disagreement is decided once.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Count, Min, Q
from django.utils.translation import gettext_lazy as _

from cities.models import Jurisdiction, JurisdictionLevel, StanceLevel
from federal.models import (
    Agreement,
    AgreementStatus,
    Designation,
    ListKind,
    ListSnapshot,
    SupportType,
)

from .querysets import designation_key, with_agreements, with_designations

# A label that says a place limits its help to federal immigration enforcement ("sanctuary
# jurisdiction", "sanctuary city"), unless negated ("anti-sanctuary", "non-sanctuary").
SANCTUARY_LABEL = re.compile(r"(?<![-\w])sanctuary\b", re.IGNORECASE)


def claims_limited_cooperation(label: str) -> bool:
    return bool(SANCTUARY_LABEL.search(label))


class Verdict(models.TextChoices):
    DISAGREE = "disagree", _("They disagree")
    AGREE = "agree", _("They agree")
    NOTHING_TO_COMPARE = "nothing_to_compare", _("Nothing of ours to compare")


@dataclass
class Comparison:
    """How one designation in force compares with our record of its place."""

    designation: Designation
    verdict: str
    # The agreements on ICE's latest list that contradict the label (the evidence).
    agreements: list[Agreement] = field(default_factory=list)

    @property
    def disagrees(self) -> bool:
        return self.verdict == Verdict.DISAGREE

    @property
    def label(self) -> str:
        return Verdict(self.verdict).label


def compare(jurisdiction, designations, agencies) -> list[Comparison]:
    """One Comparison per designation in force whose label claims limited cooperation.

    Our record disagrees with such a label when the place's headline stance is "Cooperates" or
    one of its agencies has an agreement on ICE's latest list; it agrees when the headline is
    "Refuses" or "Limited cooperation" and no agency has one; otherwise there is nothing of
    ours to compare. No query: `agencies` carry their `agreement_list`.
    """
    listed = [
        agreement
        for agency in agencies
        for agreement in agency.agreement_list
        if agreement.status == AgreementStatus.LISTED
    ]
    cooperates = jurisdiction.stance_level == StanceLevel.COOPERATES or bool(listed)
    limits = jurisdiction.stance_level in (StanceLevel.REFUSES, StanceLevel.LIMITED)
    comparisons = []
    for designation in designations:
        if designation.withdrawn_on or not claims_limited_cooperation(designation.label):
            continue
        if cooperates:
            verdict = Verdict.DISAGREE
        elif limits:
            verdict = Verdict.AGREE
        else:
            verdict = Verdict.NOTHING_TO_COMPARE
        comparisons.append(Comparison(designation, verdict, listed if cooperates else []))
    return comparisons


# -- The figures the pages cite ------------------------------------------------------------------
@dataclass
class LevelFigures:
    level: str
    label: str
    total: int
    with_agreement: int
    designated: int


@dataclass
class DesignationList:
    """The designations one body made on one day in one label, e.g. DOJ's list of 2025-08-05."""

    designated_by: str
    label: str
    designated_on: datetime.date
    in_force: int
    withdrawn: int
    source_title: str
    source_url: str

    @property
    def filter_value(self) -> str:
        """Its value for /cities/?designation=."""
        return designation_key(self.designated_by, self.label)


@dataclass
class NationalFigures:
    levels: dict[str, LevelFigures]
    agreements: dict[str, int]  # listed, pending, no_longer_listed, agencies_listed, by type
    snapshots: list[ListSnapshot]
    designation_lists: list[DesignationList]

    @property
    def places_with_agreement(self) -> int:
        return sum(level.with_agreement for level in self.levels.values())

    @property
    def places_designated(self) -> int:
        return sum(level.designated for level in self.levels.values())

    def level(self, level: str) -> LevelFigures:
        return self.levels.get(level) or LevelFigures(level, "", 0, 0, 0)

    @property
    def latest_participating(self) -> ListSnapshot | None:
        return next((s for s in self.snapshots if s.kind == ListKind.PARTICIPATING), None)

    @property
    def latest_pending(self) -> ListSnapshot | None:
        return next((s for s in self.snapshots if s.kind == ListKind.PENDING), None)

    @property
    def participating_lists(self) -> list[ListSnapshot]:
        """ICE's participating lists we hold, oldest first."""
        lists = [s for s in self.snapshots if s.kind == ListKind.PARTICIPATING]
        return sorted(lists, key=lambda s: s.listed_on)

    @property
    def rows_unmatched(self) -> int:
        return sum(s.rows_unmatched for s in self.snapshots)

    @property
    def by_support_type(self) -> list[tuple[str, int]]:
        return [(label, self.agreements[value]) for value, label in SupportType.choices]


def national_figures() -> NationalFigures:
    """The counts the home and methodology pages cite, read from the records: four queries
    (places by level, agreements, ICE's lists, designations)."""
    labels = dict(JurisdictionLevel.choices)
    levels = {
        row["level"]: LevelFigures(
            row["level"],
            labels.get(row["level"], row["level"]),
            row["total"],
            row["with_agreement"],
            row["designated"],
        )
        for row in Jurisdiction.objects.order_by()
        .values("level")
        .annotate(
            total=Count("pk"),
            with_agreement=Count("pk", filter=with_agreements(AgreementStatus.LISTED)),
            designated=Count("pk", filter=with_designations()),
        )
    }
    listed = Q(status=AgreementStatus.LISTED)
    agreements = Agreement.objects.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in AgreementStatus.values},
        agencies_listed=Count("agency", filter=listed, distinct=True),
        **{kind: Count("pk", filter=listed & Q(support_type=kind)) for kind in SupportType.values},
    )
    snapshots = list(ListSnapshot.objects.order_by("-listed_on", "kind"))
    rows = (
        Designation.objects.order_by("-designated_on", "designated_by", "label")
        .values("designated_by", "label", "designated_on")
        .annotate(
            in_force=Count("pk", filter=Q(withdrawn_on__isnull=True)),
            withdrawn=Count("pk", filter=Q(withdrawn_on__isnull=False)),
            # A list's designations cite its one release: any one of them names it.
            source_title=Min("source__title"),
            source_url=Min("source__url"),
        )
    )
    return NationalFigures(levels, agreements, snapshots, [DesignationList(**r) for r in rows])

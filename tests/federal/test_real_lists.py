"""ICE's three real sheets, imported as `make run` would: in date order and out of it, twice.

The lists are loaded once for the whole module (about a minute on SQLite): out of date order
first, remembered and rolled back, then in date order, kept for the tests and rolled back at
the end.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.db import transaction

from cities.models import Agency, Jurisdiction, JurisdictionLevel, StanceLevel
from federal.agreements import agreements_reconcile
from federal.models import (
    AgencyListingName,
    Agreement,
    AgreementStatus,
    ImportedStance,
    Listing,
    ListSnapshot,
    ReviewItem,
    ReviewKind,
)
from federal.services import IceImportReport, ice_list_import
from federal.stances import agency_stances_sync
from statements.models import Stance
from tests.federal.conftest import JULY, MAY, PENDING

D = datetime.date
SHEETS = (MAY, JULY, PENDING)
MOA = "https://www.ice.gov/doclib/287gMOA/"


def records() -> dict[str, list]:
    """Everything the import decides, without database ids."""
    return {
        "agreements": sorted(
            (a.agency.jurisdiction.slug, a.agency.name, a.support_type, a.signed_on, a.moa_url,
             a.addendum_url, a.first_listed_on, a.last_listed_on, a.ended_on, a.status)
            for a in Agreement.objects.select_related("agency__jurisdiction")
        ),
        "agencies": sorted(Agency.objects.values_list("jurisdiction__slug", "name", "kind")),
        "names": sorted(AgencyListingName.objects.values_list(
            "agency__name", "name", "first_listed_on", "last_listed_on")),
        "stances": sorted(
            (s.jurisdiction.slug, s.agency.name if s.agency else "", s.level, s.effective_from,
             s.ended_on, s.status, s.summary, tuple(sorted(x.url for x in s.sources.all())))
            for s in Stance.objects.select_related("jurisdiction", "agency")
            .prefetch_related("sources")
        ),
        "jurisdictions": sorted(Jurisdiction.objects.values_list(
            "slug", "name", "level", "stance_level", "parent__slug", "latitude", "longitude")),
        "review": sorted(ReviewItem.objects.values_list("kind", "message", "agency__name")),
    }  # fmt: skip


@dataclass
class Loaded:
    reports: dict[str, IceImportReport]
    second_run: list[IceImportReport]
    in_order: dict[str, list]
    out_of_order: dict[str, list]


@pytest.fixture(scope="module")
def lists(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("load_seed", verbosity=0)
            for path in reversed(SHEETS):
                ice_list_import(path=path)
            out_of_order = records()
            transaction.set_rollback(True)
        with transaction.atomic():
            call_command("load_seed", verbosity=0)
            reports = {path.name: ice_list_import(path=path) for path in SHEETS}
            loaded = Loaded(
                reports=reports,
                second_run=[ice_list_import(path=path) for path in SHEETS],
                in_order=records(),
                out_of_order=out_of_order,
            )
            yield loaded
            transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_lists_imported_out_of_date_order_give_the_same_records(lists):
    for kind, in_order in lists.in_order.items():
        assert lists.out_of_order[kind] == in_order, kind


def test_a_second_run_writes_nothing(lists):
    assert [report.already_imported.file_name for report in lists.second_run] == [
        path.name for path in SHEETS
    ]
    histories = (Agreement.history.count(), Stance.history.count(), Agency.history.count())

    reconciled = agreements_reconcile()
    synced = agency_stances_sync()

    assert (reconciled.agreements_created, reconciled.agreements_updated, reconciled.renamed) == (
        0,
        0,
        [],
    )
    assert (synced.created, synced.updated, synced.ended) == ([], [], [])
    assert (Agreement.history.count(), Stance.history.count(), Agency.history.count()) == histories
    assert records() == lists.in_order


def test_the_counts_after_loading_the_three_lists(lists):
    snapshots = {
        s.file_name: (s.rows_read, s.rows_matched, s.rows_unmatched)
        for s in ListSnapshot.objects.all()
    }
    assert snapshots == {
        MAY.name: (571, 551, 20),
        JULY.name: (832, 805, 27),
        PENDING.name: (26, 25, 1),
    }
    by_status = {status: Agreement.objects.filter(status=status).count()
                 for status in AgreementStatus.values}  # fmt: skip
    assert by_status == {"listed": 805, "no_longer_listed": 3, "pending": 24}
    assert Agency.objects.filter(agreements_287g__isnull=False).distinct().count() == 680
    counties = Jurisdiction.objects.filter(
        level=JurisdictionLevel.COUNTY, agencies__agreements_287g__status="listed"
    ).distinct()
    assert counties.count() == 413
    assert ImportedStance.objects.filter(stance__ended_on__isnull=True).count() == 658
    assert sorted(ReviewItem.objects.values_list("kind", flat=True)) == sorted(
        [ReviewKind.AGREEMENT_MOVED] * 2 + [ReviewKind.LISTED_TWICE, ReviewKind.POSSIBLE_SUCCESSOR]
    )


def agreement(slug: str, agency: str, support: str) -> tuple:
    found = Agreement.objects.get(
        agency__jurisdiction__slug=slug, agency__name=agency, support_type=support
    )
    return (found.signed_on, found.moa_url, found.addendum_url, found.first_listed_on,
            found.last_listed_on, found.ended_on, found.status)  # fmt: skip


LISTED = "listed"
MAY_16, JULY_18 = D(2025, 5, 16), D(2025, 7, 18)

# Checked by hand against the sheets: agency, county, type, date, link.
HAND_CHECKED = [
    ("crenshaw-county-al", "Crenshaw County Sheriff's Office", "warrant_service",
     (D(2025, 4, 16), f"{MOA}CrenshawCoAL_WSO_MOA_04.16.2025.pdf", "", MAY_16, JULY_18, None,
      LISTED)),
    # "link pending" in May; July's link, behind safelinks, unwrapped.
    ("colbert-county-al", "Colbert County Sheriff's Office", "warrant_service",
     (D(2025, 5, 8), f"{MOA}ColbertCoSheriffsOfficeAL_WSO_MOA_05.08.25.pdf", "", MAY_16,
      JULY_18, None, LISTED)),
    ("etowah-county-al", "Etowah County Sheriff's Office", "jail_enforcement",
     (D(2020, 6, 9), f"{MOA}287gJEM_%20etowahCoAL_06-09-2020.pdf", "", MAY_16, JULY_18, None,
      LISTED)),
    # SIGNED written "05/082025" in both sheets.
    ("campbell-county-va", "Campbell County Sheriff's Office", "task_force",
     (D(2025, 5, 8), "", "", MAY_16, JULY_18, None, LISTED)),
    # SIGNED written "7/72025".
    ("tooele-county-ut", "Tooele County Sheriff's Office", "warrant_service",
     (D(2025, 7, 7), "", "", JULY_18, JULY_18, None, LISTED)),
    ("aransas-county-tx", "Aransas County Sheriff's Office", "jail_enforcement",
     (D(2020, 6, 8), f"{MOA}287gJEM_AransasCoTX_06-08-2020.pdf",
      f"{MOA}287gJEM_AransasCoTX_addendum.pdf", MAY_16, JULY_18, None, LISTED)),
    ("montgomery-county-tx", "Montgomery County Sheriff’s Office", "jail_enforcement",
     (D(2020, 6, 9), f"{MOA}287gJEM_%20montgomeryCoTX_06-09-2020.pdf",
      f"{MOA}287gJEM_%20montgomeryCoTX_06-09-2020_addendum.pdf", MAY_16, JULY_18, None, LISTED)),
    # Listed under the sheriff in May, under the county board in July: one agreement.
    ("escambia-county-fl", "Escambia County Board of County Commissioners", "warrant_service",
     (D(2025, 2, 26), f"{MOA}escambiaCo_WSO_MOA_02.21.2025.pdf", "", MAY_16, JULY_18, None,
      LISTED)),
    # "City of Miami Springs Police Department" in May.
    ("miami-springs-fl", "Miami Springs Police Department", "task_force",
     (D(2025, 4, 2), f"{MOA}MiamiSpringsPoliceDeptFL_TFM_MOA_03.26.2025.pdf", "", MAY_16,
      JULY_18, None, LISTED)),
    # "New Hampshire State Police" in May, the same agreement document.
    ("new-hampshire", "New Hampshire State Police Department", "task_force",
     (D(2025, 4, 25), f"{MOA}NHSPD_TFM_MOA_042525.pdf", "", MAY_16, JULY_18, None, LISTED)),
    # COUNTY written "Frankin County" in July.
    ("franklin-county-al", "Franklin County Sheriff's Office", "jail_enforcement",
     (D(2025, 6, 12), "", "", JULY_18, JULY_18, None, LISTED)),
    ("florida", "Florida Fish and Wildlife Conservation Commission", "task_force",
     (D(2025, 2, 14), f"{MOA}floridaFishWildlife_TFM_MOA_02.14.2025.pdf", "", MAY_16, MAY_16,
      JULY_18, "no_longer_listed")),
    # Pending, COUNTY written "Union County" for Union Parish.
    ("union-parish-la", "Union Parish Sheriff's Office", "task_force",
     (None, "", "", JULY_18, JULY_18, None, "pending")),
]  # fmt: skip


@pytest.mark.parametrize(("slug", "agency", "support", "expected"), HAND_CHECKED,
                         ids=[f"{c[1]}-{c[2]}" for c in HAND_CHECKED])  # fmt: skip
def test_agreements_checked_by_hand_against_the_sheets(lists, slug, agency, support, expected):
    assert agreement(slug, agency, support) == expected


def test_the_unmatched_rows_are_kept_with_their_reasons(lists):
    july = {row: why for row, _, why in lists.reports[JULY.name].unmatched}
    assert july[644] == (
        "the agency's name says Madison County but the COUNTY column says Macon County"
    )
    assert july[712] == "no county named “Lampass County” in Texas"
    assert july[435] == "2 places named “Greenwood” in Louisiana in the gazetteer"
    assert july[578] == (
        "the municipality cannot be read from the agency name “Derry Township Constable's Office”"
    )
    unmatched = Listing.objects.filter(snapshot__file_name=JULY.name, jurisdiction__isnull=True)
    assert unmatched.count() == 27


def test_stances_follow_the_agreements(lists):
    colbert = Jurisdiction.objects.get(slug="colbert-county-al")
    assert colbert.stance_level == StanceLevel.COOPERATES
    fwc = Stance.objects.get(agency__name="Florida Fish and Wildlife Conservation Commission")
    assert (fwc.effective_from, fwc.ended_on) == (D(2025, 2, 14), JULY_18)
    sheriff = Stance.objects.get(agency__name="Escambia County Sheriff's Office")
    # Its task force agreement is still listed, though the other moved to the county board.
    assert (sheriff.effective_from, sheriff.ended_on) == (D(2025, 2, 26), None)
    assert not Stance.objects.filter(agency__name="Union Parish Sheriff's Office").exists()


def test_renamed_agencies_keep_their_former_names(lists):
    agency = Agency.objects.get(name="Boca Raton Police Services Department")
    assert list(agency.ice_names.order_by("first_listed_on").values_list("name", flat=True)) == [
        "Boca Raton Police Department",
        "Boca Raton Police Services Department",
    ]
    assert lists.reports[JULY.name].renamed[:2] == [
        "New Hampshire State Police → New Hampshire State Police Department (New Hampshire, NH)",
        "Tennessee Department of Safety and Homeland Security / THP → Tennessee Department of "
        "Safety and Homeland Security (Tennessee, TN)",
    ]

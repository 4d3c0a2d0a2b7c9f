"""An editor imports ICE's lists, mess and all: each quirk of the real sheets on its own."""

import datetime

import pytest

from cities.models import Agency, Jurisdiction, JurisdictionLevel
from federal.models import (
    AgencyListingName,
    Agreement,
    AgreementStatus,
    Listing,
    ReviewItem,
    ReviewKind,
    SupportType,
)
from federal.services import ImportRefused
from tests.federal.conftest import rolled_back, row, run_import, safelink, write_sheet

pytestmark = pytest.mark.django_db

D = datetime.date
T = datetime.datetime
ESCAMBIA_WSO = "https://www.ice.gov/doclib/287gMOA/escambiaCo_WSO_MOA_02.21.2025.pdf"
BAY_WSO = "https://www.ice.gov/doclib/287gMOA/bayCo_WSO_MOA_02.26.2025.pdf"
BOCA = "https://www.ice.gov/doclib/287gMOA/bocaRatonPoliceDeptFL_TFM_MOA_03.20.25.pdf"


def agreements():
    """Every agreement as a reader would describe it."""
    return sorted(
        (a.agency.name, a.agency.jurisdiction.slug, a.get_support_type_display(), a.signed_on,
         a.status, a.first_listed_on, a.last_listed_on, a.ended_on)
        for a in Agreement.objects.select_related("agency__jurisdiction")
    )  # fmt: skip


def names():
    return sorted(AgencyListingName.objects.values_list("agency__name", "name"))


def test_a_row_becomes_an_agreement_with_its_agency_county_date_and_unwrapped_link(sheet, florida):
    path = sheet("05162025am", [
        row("Escambia County Sheriff's Office", county="Escambia County ",
            support="Warrant Service Officer", moa=safelink(ESCAMBIA_WSO),
            addendum=safelink(ESCAMBIA_WSO.replace(".pdf", "_addendum.pdf"))),
    ])  # fmt: skip

    report = run_import(path)

    agreement = Agreement.objects.get()
    assert (agreement.agency.name, agreement.agency.get_kind_display()) == (
        "Escambia County Sheriff's Office",
        "Sheriff",
    )
    assert agreement.agency.jurisdiction == florida["Escambia"]
    assert (agreement.support_type, agreement.signed_on) == (
        SupportType.WARRANT_SERVICE,
        D(2025, 2, 26),
    )
    assert agreement.moa_url == ESCAMBIA_WSO
    assert agreement.addendum_url == ESCAMBIA_WSO.replace(".pdf", "_addendum.pdf")
    assert (agreement.status, agreement.first_listed_on, agreement.last_listed_on) == (
        AgreementStatus.LISTED,
        D(2025, 5, 16),
        D(2025, 5, 16),
    )
    assert report.added == [
        "Escambia County Sheriff's Office (Escambia County, FL): Warrant Service Officer, "
        "signed 2025-02-26 [row 2]"
    ]


def test_blank_rows_trailing_spaces_and_na_counties_still_land_on_the_right_places(sheet, florida):
    path = sheet("05162025am", [
        row("Bay County Sheriff's Office ", type_="County ", county="Bay County ",
            support="Task Force Model "),
        None,
        row("City of Miami Springs Police Department", type_="Municipality", county="#N/A"),
        None,
        row("Osceola County Sheriff's Office", county="#N/A"),
    ])  # fmt: skip

    report = run_import(path)

    assert (report.rows_read, report.blank_rows, report.rows_matched) == (3, 2, 3)
    assert [name for name, *_ in agreements()] == [
        "Bay County Sheriff's Office",
        "City of Miami Springs Police Department",
        "Osceola County Sheriff's Office",
    ]
    miami_springs = Jurisdiction.objects.get(slug="miami-springs-fl")
    assert (miami_springs.name, miami_springs.level, miami_springs.parent) == (
        "Miami Springs",
        JurisdictionLevel.CITY,
        None,
    )
    assert (
        Agency.objects.get(name="Osceola County Sheriff's Office").jurisdiction
        == florida["Osceola"]
    )
    assert report.notes == [
        (6, "Osceola County Sheriff's Office",
         "no COUNTY; the agency is named for Osceola County"),
    ]  # fmt: skip
    assert report.cities_created == ["Miami Springs, FL (miami-springs-fl)"]


def test_dates_written_as_text_are_read_where_unambiguous_and_reported_where_not(sheet, florida):
    path = sheet("07182025pm", [
        row("Escambia County Sheriff's Office", county="Escambia County", signed="7/72025"),
        row("Bay County Sheriff's Office", county="Bay County", signed="05/082025"),
        row("Osceola County Sheriff's Office", county="Osceola County", signed="1112025"),
    ])  # fmt: skip

    report = run_import(path)

    signed = {a.agency.name: a.signed_on for a in Agreement.objects.select_related("agency")}
    assert signed == {
        "Escambia County Sheriff's Office": D(2025, 7, 7),
        "Bay County Sheriff's Office": D(2025, 5, 8),
        "Osceola County Sheriff's Office": None,
    }
    assert report.notes == [
        (2, "Escambia County Sheriff's Office", "signing date “7/72025” read as 2025-07-07"),
        (3, "Bay County Sheriff's Office", "signing date “05/082025” read as 2025-05-08"),
        (4, "Osceola County Sheriff's Office",
         "signing date “1112025” cannot be read as month/day/year: signing date left empty"),
    ]  # fmt: skip
    assert Listing.objects.get(row_number=4).signed_text == "1112025"


def test_a_renamed_agency_stays_one_agency_and_keeps_its_former_name(sheet, florida):
    may = sheet("05162025am", [
        row("City of Miami Springs Police Department", type_="Municipality",
            signed=T(2025, 4, 2)),
    ])  # fmt: skip
    july = sheet(
        "07182025pm",
        [
            row("Miami Springs Police Department", type_="Municipality", signed=T(2025, 4, 2)),
        ],
    )

    run_import(may)
    report = run_import(july)

    agency = Agency.objects.get()
    assert agency.name == "Miami Springs Police Department"
    assert sorted(agency.ice_names.values_list("name", "first_listed_on", "last_listed_on")) == [
        ("City of Miami Springs Police Department", D(2025, 5, 16), D(2025, 5, 16)),
        ("Miami Springs Police Department", D(2025, 7, 18), D(2025, 7, 18)),
    ]
    assert report.renamed == [
        "City of Miami Springs Police Department → Miami Springs Police Department "
        "(Miami Springs, FL)"
    ]
    assert agreements() == [
        ("Miami Springs Police Department", "miami-springs-fl", "Task Force Model",
         D(2025, 4, 2), "listed", D(2025, 5, 16), D(2025, 7, 18), None),
    ]  # fmt: skip
    assert agency.history.first().history_change_reason == (
        "Renamed on ICE's 287(g) list of 2025-07-18"
    )


def test_a_rename_ice_makes_with_the_same_agreement_document_is_one_agency(sheet, florida):
    run_import(sheet("05162025am", [
        row("Boca Raton Police Department", type_="Municipality", signed=T(2025, 3, 25),
            moa=BOCA),
    ]))  # fmt: skip
    report = run_import(sheet("07182025pm", [
        row("Boca Raton Police Services Department", type_="Municipality",
            signed=T(2025, 3, 25), moa=safelink(BOCA)),
    ]))  # fmt: skip

    assert list(Agency.objects.values_list("name", flat=True)) == [
        "Boca Raton Police Services Department"
    ]
    assert report.renamed == [
        "Boca Raton Police Department → Boca Raton Police Services Department (Boca Raton, FL)"
    ]
    assert (report.added, report.ended) == ([], [])


def test_the_same_agency_listed_twice_under_two_names_in_one_sheet_is_one_agreement_for_review(
    sheet, florida
):
    report = run_import(sheet("05162025am", [
        row("City of St. Cloud Police Department", type_="Municipality", signed=T(2025, 4, 15)),
        row("St. Cloud Police Department", type_="Municipality", signed=T(2025, 4, 14)),
    ]))  # fmt: skip

    assert Agency.objects.count() == Agreement.objects.count() == 1
    assert Agency.objects.get().jurisdiction.slug == "saint-cloud-fl"
    item = ReviewItem.objects.get()
    assert item.kind == ReviewKind.LISTED_TWICE
    assert item.message == (
        "One ICE list of 2025-05-16 shows this agreement twice: row 2 “City of St. Cloud Police "
        "Department”; row 3 “St. Cloud Police Department”."
    )
    assert report.review == [f"Same agency listed twice in one sheet: {item.message}"]


def test_an_agreement_that_moves_to_another_agency_of_the_county_is_reported_not_doubled(
    sheet, florida
):
    run_import(sheet("05162025am", [
        row("Bay County Sheriff's Office", county="Bay County",
            support="Warrant Service Officer", moa=BAY_WSO),
    ]))  # fmt: skip
    report = run_import(sheet("07182025pm", [
        row("Bay County Board of County Commissioners", county="Bay County",
            support="Warrant Service Officer", moa=safelink(BAY_WSO)),
    ]))  # fmt: skip

    assert agreements() == [
        ("Bay County Board of County Commissioners", "bay-county-fl", "Warrant Service Officer",
         D(2025, 2, 26), "listed", D(2025, 5, 16), D(2025, 7, 18), None),
    ]  # fmt: skip
    assert report.moved == [
        "Bay County Board of County Commissioners (Bay County, FL): Warrant Service Officer, "
        "signed 2025-02-26 [row 2]: listed under Bay County Sheriff's Office before"
    ]
    item = ReviewItem.objects.get(kind=ReviewKind.AGREEMENT_MOVED)
    assert "Bay County Sheriff's Office → Bay County Board of County Commissioners" in item.message
    assert (report.added, report.ended) == ([], [])


def test_rows_that_match_nothing_are_reported_with_their_row_and_reason_never_guessed(
    sheet, florida
):
    counties_before = Jurisdiction.objects.count()
    report = run_import(sheet("07182025pm", [
        row("Berrian County Sheriff's Offic", state="MICHIGAN", county="Berrian County"),
        row("Bay County Sheriff's Office", county="Escambia County"),
        row("Sanford Airport Police Department", type_="Municipality"),
        row("Midway Police Department", type_="Municipality"),
        row("Derry Township Constable's Office", type_="Municipality"),
        row("Okeechobee Police Department", county="#N/A"),
    ]))  # fmt: skip

    assert report.unmatched == [
        (2, "Berrian County Sheriff's Offic", "no county named “Berrian County” in Michigan"),
        (3, "Bay County Sheriff's Office",
         "the agency's name says Bay County but the COUNTY column says Escambia County"),
        (4, "Sanford Airport Police Department",
         "no place named “Sanford Airport” in Florida in the gazetteer"),
        (5, "Midway Police Department", "3 places named “Midway” in Florida in the gazetteer"),
        (6, "Derry Township Constable's Office",
         "the municipality cannot be read from the agency name “Derry Township Constable's "
         "Office”"),
        (7, "Okeechobee Police Department", "no COUNTY given and the agency's name names no county"),
    ]  # fmt: skip
    assert Agreement.objects.count() == Agency.objects.count() == 0
    assert Jurisdiction.objects.count() == counties_before
    assert Listing.objects.filter(jurisdiction__isnull=True).count() == 6


def test_a_later_list_ends_the_agreements_it_no_longer_shows(sheet, florida):
    run_import(sheet("05162025am", [
        row("Escambia County Sheriff's Office", county="Escambia County"),
        row("Bay County Sheriff's Office", county="Bay County", signed=T(2019, 10, 15)),
    ]))  # fmt: skip
    report = run_import(sheet("07182025pm", [
        row("Escambia County Sheriff's Office", county="Escambia County"),
    ]))  # fmt: skip

    assert agreements() == [
        ("Bay County Sheriff's Office", "bay-county-fl", "Task Force Model", D(2019, 10, 15),
         "no_longer_listed", D(2025, 5, 16), D(2025, 5, 16), D(2025, 7, 18)),
        ("Escambia County Sheriff's Office", "escambia-county-fl", "Task Force Model",
         D(2025, 2, 26), "listed", D(2025, 5, 16), D(2025, 7, 18), None),
    ]  # fmt: skip
    assert report.ended == [
        "Bay County Sheriff's Office (Bay County, FL): Task Force Model, signed 2019-10-15: "
        "no longer listed by ICE on 2025-07-18"
    ]


def test_lists_imported_out_of_date_order_give_the_same_agreements(sheet, florida):
    may = sheet("05162025am", [
        row("City of Miami Springs Police Department", type_="Municipality"),
        row("Bay County Sheriff's Office", county="Bay County"),
    ])  # fmt: skip
    july = sheet("07182025pm", [
        row("Miami Springs Police Department", type_="Municipality"),
        row("Escambia County Sheriff's Office", county="Escambia County", signed="7/72025"),
    ])  # fmt: skip
    with rolled_back():
        run_import(may)
        run_import(july)
        in_order = agreements(), names()

    run_import(july)
    run_import(may)

    assert (agreements(), names()) == in_order


def test_a_pending_list_gives_pending_applications_and_no_stance(sheet, florida):
    report = run_import(sheet("07182025pm", [
        row("Bay County Sheriff's Office", county="Bay County"),
        row("Escambia County Sheriff's Office", county="Escambia County",
            support="Warrant Service Officer"),
    ], pending=True))  # fmt: skip

    assert [(a[0], a[2], a[4], a[3]) for a in agreements()] == [
        ("Bay County Sheriff's Office", "Task Force Model", "pending", None),
        ("Escambia County Sheriff's Office", "Warrant Service Officer", "pending", None),
    ]
    assert len(report.pending) == 2
    assert not Agency.objects.filter(stances__isnull=False).exists()


def test_an_agency_on_both_lists_of_a_day_is_listed(sheet, florida):
    run_import(sheet("07182025pm", [row("Bay County Sheriff's Office", county="Bay County")],
                     pending=True))  # fmt: skip
    run_import(sheet("07182025pm", [row("Bay County Sheriff's Office", county="Bay County")]))

    assert [(a[0], a[4]) for a in agreements()] == [("Bay County Sheriff's Office", "listed")]


def test_the_same_file_twice_changes_nothing(sheet, florida):
    path = sheet("05162025am", [row("Bay County Sheriff's Office", county="Bay County")])
    first = run_import(path)
    history = Agreement.history.count()

    second = run_import(path)

    assert second.already_imported is not None
    assert second.already_imported.sha256 == first.sha256
    assert Agreement.history.count() == history


def test_a_different_list_of_the_same_kind_and_date_is_refused(sheet, florida, tmp_path):
    run_import(sheet("05162025am", [row("Bay County Sheriff's Office", county="Bay County")]))
    other = tmp_path / "again"
    other.mkdir()
    changed = write_sheet(other / "participatingAgencies05162025pm.xlsx",
                          [row("Escambia County Sheriff's Office", county="Escambia County")])  # fmt: skip

    with pytest.raises(
        ImportRefused, match="already imported from participatingAgencies05162025am"
    ):
        run_import(changed)


def test_the_agreements_in_force_on_a_day_are_signed_by_then_and_not_yet_ended(sheet, florida):
    run_import(sheet("05162025am", [
        row("Escambia County Sheriff's Office", county="Escambia County", signed=T(2019, 10, 15)),
        row("Bay County Sheriff's Office", county="Bay County", signed=T(2025, 2, 26)),
    ]))  # fmt: skip
    run_import(sheet("07182025pm", [
        row("Escambia County Sheriff's Office", county="Escambia County", signed=T(2019, 10, 15)),
    ]))  # fmt: skip
    run_import(sheet("07182025pm", [row("Osceola County Sheriff's Office", county="Osceola County")],
                     pending=True))  # fmt: skip

    def in_force(day):
        return sorted(Agreement.objects.in_force_on(day).values_list("agency__name", flat=True))

    assert in_force(D(2019, 1, 1)) == []
    assert in_force(D(2020, 1, 1)) == ["Escambia County Sheriff's Office"]
    assert in_force(D(2025, 7, 17)) == ["Bay County Sheriff's Office",
                                        "Escambia County Sheriff's Office"]  # fmt: skip
    assert in_force(D(2025, 7, 18)) == ["Escambia County Sheriff's Office"]

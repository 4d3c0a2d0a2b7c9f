"""ICE's sheets read exactly as published: every oddity of the real files, each on its own."""

import datetime

import pytest

from federal.ice_sheets import (
    IceRow,
    RowError,
    SheetError,
    open_sheet,
    read_file_name,
    read_rows,
    read_signed,
    unwrap_link,
)
from federal.models import ListedType, ListKind, SupportType
from tests.federal.conftest import JULY, MAY, PENDING, row, safelink, write_sheet

MOA = "https://www.ice.gov/doclib/287gMOA/ColbertCoSheriffsOfficeAL_WSO_MOA_05.08.25.pdf"


def rows_of(path, **kwargs):
    sheet = open_sheet(path, **kwargs)
    return sheet, {item.row_number: item for item in read_rows(sheet)}


@pytest.mark.parametrize(
    ("name", "kind", "listed_on"),
    [
        ("participatingAgencies07182025pm.xlsx", ListKind.PARTICIPATING, datetime.date(2025, 7, 18)),
        ("participatingAgencies05162025am.xlsx", ListKind.PARTICIPATING, datetime.date(2025, 5, 16)),
        ("pendingAgencies07182025pm.xlsx", ListKind.PENDING, datetime.date(2025, 7, 18)),
        ("287gParticipatingAgencies091526pm.xlsx", ListKind.PARTICIPATING, datetime.date(2026, 9, 15)),
        ("ParticipatingAgency091826am.xlsx", ListKind.PARTICIPATING, datetime.date(2026, 9, 18)),
        ("participatingAgencies09082026.xlsx", ListKind.PARTICIPATING, datetime.date(2026, 9, 8)),
        ("agencies.xlsx", None, None),
    ],
)  # fmt: skip
def test_the_list_and_its_date_come_from_icees_file_name(name, kind, listed_on):
    assert read_file_name(name) == (kind, listed_on)


@pytest.mark.parametrize(
    ("cell", "expected", "written"),
    [
        (datetime.datetime(2025, 5, 8), datetime.date(2025, 5, 8), ""),
        ("7/72025", datetime.date(2025, 7, 7), "7/72025"),
        ("05/082025", datetime.date(2025, 5, 8), "05/082025"),
        ("7/7/2025", datetime.date(2025, 7, 7), "7/7/2025"),
        (" 05/08/2025 ", datetime.date(2025, 5, 8), "05/08/2025"),
    ],
)
def test_signing_dates_written_as_text_are_read_where_one_reading_is_possible(
    cell, expected, written
):
    assert read_signed(cell) == (expected, written, "")


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("1112025", "cannot be read as month/day/year"),  # 1/11 or 11/1?
        ("13/012025", "is not a calendar date"),
        ("pending", "cannot be read as month/day/year"),
        (None, "no signing date"),
    ],
)
def test_signing_dates_that_allow_two_readings_or_none_are_left_empty_and_reported(cell, problem):
    signed_on, _, reported = read_signed(cell)
    assert signed_on is None
    assert problem in reported


def test_a_safelinks_wrapper_is_unwrapped_to_the_icegov_address():
    assert unwrap_link(safelink(MOA)) == MOA
    assert unwrap_link(f"  {MOA} ") == MOA


def test_blank_rows_are_skipped_and_counted(tmp_path):
    path = write_sheet(
        tmp_path / "participatingAgencies07182025pm.xlsx",
        [row("Bay County Sheriff's Office", county="Bay County"), None, None,
         row("Escambia County Sheriff's Office", county="Escambia County")],
    )  # fmt: skip
    sheet, rows = rows_of(path)
    assert sorted(rows) == [2, 5]
    assert sheet.blank_rows == [3, 4]


def test_trailing_spaces_are_trimmed_and_na_counties_read_as_none(tmp_path):
    path = write_sheet(
        tmp_path / "participatingAgencies07182025pm.xlsx",
        [row("Bunnell Police Department ", type_="Municipality", county="#N/A",
             support="Task Force Model "),
         row("Bay County Sheriff's Office ", county="Bay County ", type_="County "),
         row("Greenwood Police Department", type_="Municipality", county="#NA")],
    )  # fmt: skip
    _, rows = rows_of(path)
    assert (rows[2].agency_name, rows[2].county_name, rows[2].support_type) == (
        "Bunnell Police Department",
        "",
        SupportType.TASK_FORCE,
    )
    assert (rows[3].agency_name, rows[3].county_name, rows[3].listed_type) == (
        "Bay County Sheriff's Office",
        "Bay County",
        ListedType.COUNTY,
    )
    assert rows[4].county_name == ""


def test_links_are_the_cells_hyperlinks_unwrapped(tmp_path):
    addendum = MOA.replace(".pdf", "_addendum.pdf")
    path = write_sheet(
        tmp_path / "participatingAgencies07182025pm.xlsx",
        [row("Colbert County Sheriff's Office", state="ALABAMA", county="Colbert County",
             moa=safelink(MOA), addendum=safelink(addendum)),
         row("Henry County Sheriff's Office", state="ALABAMA", county="Henry County"),
         row("Elmore County Sheriff's Office", state="ALABAMA", county="Elmore County",
             moa="javascript:alert(1)")],
    )  # fmt: skip
    _, rows = rows_of(path)
    assert (rows[2].moa_url, rows[2].addendum_url) == (MOA, addendum)
    assert (rows[3].moa_url, rows[3].addendum_url) == ("", "")
    assert rows[4].moa_url == ""


def test_a_row_that_cannot_be_typed_is_a_row_error_with_its_number_and_reason(tmp_path):
    path = write_sheet(
        tmp_path / "participatingAgencies07182025pm.xlsx",
        [row("Bay County Sheriff's Office", state="FLORIDIA"),
         row("Bay County Sheriff's Office", support="Task Force"),
         row("", county="Bay County")],
    )  # fmt: skip
    _, rows = rows_of(path)
    assert rows == {
        2: RowError(2, "unknown state “FLORIDIA”", agency_name="Bay County Sheriff's Office"),
        3: RowError(3, "unknown SUPPORT TYPE “Task Force”",
                    agency_name="Bay County Sheriff's Office", state="FL"),
        4: RowError(4, "no agency name", state="FL"),
    }  # fmt: skip


def test_a_file_without_icees_columns_or_date_is_refused(tmp_path):
    book = tmp_path / "participatingAgencies07182025pm.xlsx"
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["NAME", "PLACE"])
    workbook.save(book)
    with pytest.raises(SheetError, match="no header row"):
        open_sheet(book)
    undated = write_sheet(tmp_path / "agencies.xlsx", [row("Bay County Sheriff's Office")])
    with pytest.raises(SheetError, match="--listed-on"):
        open_sheet(undated)
    assert open_sheet(undated, listed_on=datetime.date(2025, 8, 1)).listed_on == datetime.date(
        2025, 8, 1
    )


# The real sheets, checked by hand against ICE's files (row numbers as Excel shows them).

HAND_CHECKED = [
    (MAY, 4, IceRow(4, "AL", "Crenshaw County Sheriff's Office", ListedType.COUNTY,
                    "Crenshaw County", SupportType.WARRANT_SERVICE, datetime.date(2025, 4, 16),
                    moa_url="https://www.ice.gov/doclib/287gMOA/CrenshawCoAL_WSO_MOA_04.16.2025.pdf")),
    (MAY, 6, IceRow(6, "AL", "Etowah County Sheriff's Office", ListedType.COUNTY,
                    "Etowah County", SupportType.JAIL_ENFORCEMENT, datetime.date(2020, 6, 9),
                    moa_url="https://www.ice.gov/doclib/287gMOA/287gJEM_%20etowahCoAL_06-09-2020.pdf")),
    # The address is the cell's text here, not a link behind "link".
    (MAY, 264, IceRow(264, "FL", "University of Florida Police Department",
                      ListedType.MUNICIPALITY, "", SupportType.TASK_FORCE,
                      datetime.date(2025, 4, 15),
                      moa_url="https://www.ice.gov/doclib/287gMOA/UnivFLPDFL_TFM_MOA_041525.pdf")),
    (MAY, 545, IceRow(545, "VA", "Campbell County Sheriff's Office", ListedType.COUNTY,
                      "Campbell County", SupportType.TASK_FORCE, datetime.date(2025, 5, 8),
                      signed_text="05/082025",
                      notes=("signing date “05/082025” read as 2025-05-08",))),
    (MAY, 74, IceRow(74, "FL", "Escambia County Sheriff's Office", ListedType.COUNTY,
                     "Escambia County", SupportType.WARRANT_SERVICE, datetime.date(2025, 2, 26),
                     moa_url="https://www.ice.gov/doclib/287gMOA/escambiaCo_WSO_MOA_02.21.2025.pdf")),
    (JULY, 4, IceRow(4, "AL", "Colbert County Sheriff's Office", ListedType.COUNTY,
                     "Colbert County", SupportType.WARRANT_SERVICE, datetime.date(2025, 5, 8),
                     moa_url=MOA)),
    (JULY, 11, IceRow(11, "AL", "Franklin County Sheriff's Office", ListedType.COUNTY,
                      "Frankin County", SupportType.JAIL_ENFORCEMENT, datetime.date(2025, 6, 12))),
    (JULY, 502, IceRow(502, "NH", "New Hampshire State Police Department",
                       ListedType.STATE_AGENCY, "", SupportType.TASK_FORCE,
                       datetime.date(2025, 4, 25),
                       moa_url="https://www.ice.gov/doclib/287gMOA/NHSPD_TFM_MOA_042525.pdf")),
    (JULY, 656, IceRow(656, "TX", "Aransas County Sheriff's Office", ListedType.COUNTY,
                       "Aransas County", SupportType.JAIL_ENFORCEMENT, datetime.date(2020, 6, 8),
                       moa_url="https://www.ice.gov/doclib/287gMOA/287gJEM_AransasCoTX_06-08-2020.pdf",
                       addendum_url="https://www.ice.gov/doclib/287gMOA/287gJEM_AransasCoTX_addendum.pdf")),
    (JULY, 775, IceRow(775, "UT", "Tooele County Sheriff's Office", ListedType.COUNTY,
                       "Tooele County", SupportType.WARRANT_SERVICE, datetime.date(2025, 7, 7),
                       signed_text="7/72025",
                       notes=("signing date “7/72025” read as 2025-07-07",))),
    (JULY, 723, IceRow(723, "TX", "Montgomery County Sheriff’s Office", ListedType.COUNTY,
                       "Montgomery County", SupportType.JAIL_ENFORCEMENT, datetime.date(2020, 6, 9),
                       moa_url="https://www.ice.gov/doclib/287gMOA/287gJEM_%20montgomeryCoTX_06-09-2020.pdf",
                       addendum_url="https://www.ice.gov/doclib/287gMOA/287gJEM_%20montgomeryCoTX_06-09-2020_addendum.pdf")),
    (PENDING, 11, IceRow(11, "LA", "Union Parish Sheriff's Office", ListedType.COUNTY,
                         "Union County", SupportType.TASK_FORCE)),
]  # fmt: skip


@pytest.fixture(scope="module")
def real_rows():
    read = {}
    for path in (MAY, JULY, PENDING):
        sheet, rows = rows_of(path)
        read[path] = (sheet, rows)
    return read


@pytest.mark.parametrize(
    ("path", "number", "expected"), HAND_CHECKED, ids=lambda v: getattr(v, "name", str(v))
)
def test_rows_of_the_real_sheets_read_as_checked_by_hand(real_rows, path, number, expected):
    assert real_rows[path][1][number] == expected


def test_the_real_sheets_hold_what_provenance_says(real_rows):
    counts = {
        path.name: (sheet.kind, sheet.listed_on, len(rows), len(sheet.blank_rows))
        for path, (sheet, rows) in real_rows.items()
    }
    assert counts == {
        MAY.name: (ListKind.PARTICIPATING, datetime.date(2025, 5, 16), 571, 14),
        JULY.name: (ListKind.PARTICIPATING, datetime.date(2025, 7, 18), 832, 73),
        PENDING.name: (ListKind.PENDING, datetime.date(2025, 7, 18), 26, 0),
    }
    errors = [item for _, rows in real_rows.values() for item in rows.values()
              if isinstance(item, RowError)]  # fmt: skip
    assert errors == []

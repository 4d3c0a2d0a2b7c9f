"""Helpers for the federal lists: small ICE sheets written the way ICE writes them, and the few
places they name."""

import datetime
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
from django.conf import settings
from django.db import transaction

from cities.models import JurisdictionLevel
from federal.services import ice_list_import
from tests.factories import JurisdictionFactory

DATA = Path(settings.BASE_DIR) / "federal" / "data"
MAY = DATA / "ice-287g" / "participatingAgencies05162025am.xlsx"
JULY = DATA / "ice-287g" / "participatingAgencies07182025pm.xlsx"
PENDING = DATA / "ice-287g" / "pendingAgencies07182025pm.xlsx"
DOJ = DATA / "doj" / "doj-2025-08-05-sanctuary-jurisdictions.csv"

PARTICIPATING_HEADER = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE",
                        "SIGNED", "MOA", "ADDENDUM"]  # fmt: skip
PENDING_HEADER = PARTICIPATING_HEADER[:5]


def safelink(url: str) -> str:
    """An address wrapped the way Outlook wraps links in ICE's sheets."""
    return (
        "https://gcc02.safelinks.protection.outlook.com/?url="
        f"{quote(url, safe='')}&data=05%7C02%7CERO287g%40ice.dhs.gov&sdata=x&reserved=0"
    )


def row(agency, *, state="FLORIDA", type_="County", county="#N/A", support="Task Force Model",
        signed=datetime.datetime(2025, 2, 26), moa="", addendum=""):  # fmt: skip
    """One row as ICE writes it; `moa` and `addendum` are the links behind "link"."""
    return [state, agency, type_, county, support, signed, moa, addendum]


def write_sheet(path: Path, rows, *, pending=False) -> Path:
    """An .xlsx laid out like ICE's: a header, the rows, the links as cell hyperlinks; a row
    given as None is left blank."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(PENDING_HEADER if pending else PARTICIPATING_HEADER)
    for number, values in enumerate(rows, start=2):
        if values is None:
            continue
        values = values[:5] if pending else values
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=number, column=column)
            if column in (7, 8) and value:
                cell.value = "link "
                cell.hyperlink = value
            elif column in (7, 8):
                cell.value = "link pending " if column == 7 else None
            else:
                cell.value = value
    book.save(path)
    return path


@pytest.fixture
def sheet(tmp_path):
    """sheet("05162025am", rows) writes participatingAgencies05162025am.xlsx."""

    def make(stamp: str, rows, *, pending=False) -> Path:
        name = f"{'pending' if pending else 'participating'}Agencies{stamp}.xlsx"
        return write_sheet(tmp_path / name, rows, pending=pending)

    return make


@pytest.fixture
def florida(db):
    """Florida and the counties the small sheets name, as import_counties would store them."""
    state = JurisdictionFactory(
        name="Florida", slug="florida", state="FL", level=JurisdictionLevel.STATE, geoid="12"
    )
    counties = {
        name: JurisdictionFactory(
            name=f"{name} County",
            slug=f"{name.lower().replace(' ', '-')}-county-fl",
            state="FL",
            level=JurisdictionLevel.COUNTY,
            geoid=geoid,
            parent=state,
        )
        for name, geoid in [
            ("Escambia", "12033"),
            ("Bay", "12005"),
            ("Miami-Dade", "12086"),
            ("Osceola", "12097"),
        ]  # fmt: skip
    }
    return {"state": state, **counties}


def run_import(path, **kwargs):
    """The import as the command runs it, without loading the country's 3,000 counties."""
    return ice_list_import(path=path, load_counties=False, **kwargs)


@contextmanager
def rolled_back():
    """Run the block, then undo everything it wrote."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)

"""Read ICE's 287(g) sheets exactly as ICE publishes them, into typed rows or row errors.

No database access here. The sheets are read with openpyxl in normal (not read-only) mode: the
agreement links are cell hyperlinks, which read-only mode does not load. What the sheets hold,
and how each oddity is read:

- blank rows (ICE leaves dozens at the end) are skipped and counted;
- text is trimmed and inner runs of spaces (also non-breaking ones) collapsed;
- a COUNTY of `#N/A`, `#NA` or `N/A` means none was given;
- SIGNED is a date cell, or text: `7/72025` and `05/082025` lack a separator, and the last four
  digits are the year, so they read as 2025-07-07 and 2025-05-08; text that allows two readings
  or none leaves the date empty and says so;
- links behind Outlook "safelinks" are unwrapped to the ice.gov address they carry;
- the list's date and kind come from the file name: `participatingAgencies07182025pm.xlsx` is
  the participating list of 2025-07-18, `pendingAgencies…` the pending list.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs, urlsplit

import openpyxl
from openpyxl.utils.datetime import from_excel

from cities.models import State

from .models import ListedType, ListKind, SupportType

HEADERS = {
    "STATE": "state",
    "LAW ENFORCEMENT AGENCY": "agency",
    "TYPE": "type",
    "COUNTY": "county",
    "SUPPORT TYPE": "support_type",
    "SIGNED": "signed",
    "MOA": "moa",
    "ADDENDUM": "addendum",
}
REQUIRED = {"state", "agency", "type", "county", "support_type"}
NO_COUNTY = {"", "#N/A", "#NA", "N/A", "NA"}
# ICE's names vary: participatingAgencies07182025pm, 287gParticipatingAgencies091526pm,
# ParticipatingAgency091826am, pendingAgencies07182025pm.
FILE_NAME = re.compile(
    r"(?P<kind>participating|pending)agenc(?:y|ies)(?P<date>\d{8}|\d{6})(?P<half>am|pm)?$",
    re.IGNORECASE,
)
TEXT_DATE = re.compile(r"^(?P<month>\d{1,2})[/.-](?P<day>\d{1,2})[/.-]?(?P<year>\d{4})$")
SAFELINKS_HOST = "safelinks.protection.outlook.com"
STATES_BY_NAME = {label.casefold(): code for code, label in State.choices}


class SheetError(ValueError):
    """The file cannot be read as one of ICE's 287(g) sheets; the message says why."""


class SheetName(NamedTuple):
    kind: ListKind | None
    listed_on: datetime.date | None


@dataclass(frozen=True)
class IceRow:
    row_number: int
    state: str
    agency_name: str
    listed_type: ListedType
    county_name: str
    support_type: SupportType
    signed_on: datetime.date | None = None
    signed_text: str = ""
    moa_url: str = ""
    addendum_url: str = ""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RowError:
    row_number: int
    reason: str
    agency_name: str = ""
    state: str = ""


@dataclass
class Sheet:
    """A sheet opened and checked: its kind, its columns and how many rows it holds."""

    path: Path
    kind: ListKind
    listed_on: datetime.date
    sha256: str
    columns: dict[str, int]
    worksheet: object
    total_rows: int
    header_row: int = 1
    blank_rows: list[int] = field(default_factory=list)


def read_file_name(name: str) -> SheetName:
    """The kind and date ICE gave a sheet, from its file name; None for what the name lacks."""
    match = FILE_NAME.search(Path(name).stem)
    if match is None:
        return SheetName(kind=None, listed_on=None)
    digits = match["date"]
    year = int(digits[4:]) if len(digits) == 8 else 2000 + int(digits[4:])
    try:
        listed_on = datetime.date(year, int(digits[:2]), int(digits[2:4]))
    except ValueError:
        listed_on = None
    return SheetName(kind=ListKind(match["kind"].lower()), listed_on=listed_on)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def clean_text(value) -> str:
    """A cell as text, trimmed, with runs of whitespace (non-breaking spaces too) made one space."""
    if value is None:
        return ""
    return " ".join(str(value).split())


def unwrap_link(url: str) -> str:
    """The address behind an Outlook safelinks wrapper (its `url` parameter), else `url` trimmed."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.hostname and parts.hostname.endswith(SAFELINKS_HOST):
        wrapped = parse_qs(parts.query).get("url")
        if wrapped:
            return wrapped[0].strip()
    return url


def read_signed(value) -> tuple[datetime.date | None, str, str]:
    """(date, text as written, problem) for a SIGNED cell.

    A date cell is taken as is; text is read only where one reading is possible.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, "", "no signing date"
    if isinstance(value, datetime.datetime):
        return value.date(), "", ""
    if isinstance(value, datetime.date):
        return value, "", ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return from_excel(value).date(), "", ""
        except (TypeError, ValueError, OverflowError):
            return None, str(value), f"signing date {value!r} is not a date"
    text = clean_text(value)
    match = TEXT_DATE.match(text)
    if match is None:
        return None, text, f"signing date “{text}” cannot be read as month/day/year"
    try:
        day = datetime.date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        return None, text, f"signing date “{text}” is not a calendar date"
    return day, text, ""


def _link(cell) -> str:
    """The web address behind a cell, or "" (for "link pending", or anything not http(s))."""
    if cell is None:
        return ""
    if cell.hyperlink is not None and cell.hyperlink.target:
        url = unwrap_link(cell.hyperlink.target)
    else:
        # One May sheet row carries the address as the cell's text instead of a link.
        url = unwrap_link(clean_text(cell.value))
    return url if url.startswith(("http://", "https://")) else ""


def _choice(enum, text: str):
    wanted = text.casefold()
    for value, label in enum.choices:
        if label.casefold() == wanted:
            return enum(value)
    return None


def open_sheet(
    path: Path, *, listed_on: datetime.date | None = None, kind: ListKind | None = None
) -> Sheet:
    """Open an ICE sheet and find its header row; raises SheetError when it is not one."""
    path = Path(path)
    named = read_file_name(path.name)
    listed_on = listed_on or named.listed_on
    if listed_on is None:
        raise SheetError(
            f"{path.name}: the file name gives no date (ICE names its sheets e.g. "
            "participatingAgencies07182025pm.xlsx); give the list's date with --listed-on."
        )
    try:
        workbook = openpyxl.load_workbook(path, data_only=True)
    except Exception as error:  # openpyxl raises several unrelated types for a bad file
        raise SheetError(f"{path.name} cannot be opened as an Excel workbook: {error}") from error
    worksheet = workbook.worksheets[0]
    columns, header_row = _find_header(worksheet, path.name)
    kind = (
        kind or named.kind or (ListKind.PARTICIPATING if "signed" in columns else ListKind.PENDING)
    )
    if kind == ListKind.PARTICIPATING and not {"signed", "moa"} <= columns.keys():
        raise SheetError(f"{path.name}: a participating list needs the SIGNED and MOA columns.")
    sheet = Sheet(
        path=path,
        kind=kind,
        listed_on=listed_on,
        sha256=file_sha256(path),
        columns=columns,
        worksheet=worksheet,
        total_rows=max(worksheet.max_row - header_row, 0),
        header_row=header_row,
    )
    return sheet


def _find_header(worksheet, name: str) -> tuple[dict[str, int], int]:
    for row in worksheet.iter_rows(min_row=1, max_row=min(worksheet.max_row, 10)):
        columns = {}
        for cell in row:
            key = HEADERS.get(clean_text(cell.value).upper())
            if key and key not in columns:
                columns[key] = cell.column - 1
        if columns.keys() >= REQUIRED:
            return columns, row[0].row
    raise SheetError(
        f"{name}: no header row with the columns {', '.join(h for h in HEADERS if HEADERS[h] in REQUIRED)}."
    )


def read_rows(sheet: Sheet) -> Iterator[IceRow | RowError]:
    """Each row below the header, as an IceRow or a RowError; blank rows go to `sheet.blank_rows`."""
    columns = sheet.columns
    for row in sheet.worksheet.iter_rows(min_row=sheet.header_row + 1):
        number = row[0].row

        def cell(key, row=row):
            index = columns.get(key)
            return row[index] if index is not None and index < len(row) else None

        def text(key):
            found = cell(key)
            return clean_text(found.value) if found is not None else ""

        if all(clean_text(c.value) == "" for c in row):
            sheet.blank_rows.append(number)
            continue
        yield _typed_row(sheet, number, text, cell)


def _typed_row(sheet: Sheet, number: int, text, cell) -> IceRow | RowError:
    agency = text("agency")
    state_text = text("state")
    state = STATES_BY_NAME.get(state_text.casefold(), "")
    if not agency:
        return RowError(number, "no agency name", state=state)
    if not state:
        return RowError(number, f"unknown state “{state_text}”", agency_name=agency)
    listed_type = _choice(ListedType, text("type"))
    if listed_type is None:
        reason = f"unknown TYPE “{text('type')}” (County, Municipality or State Agency)"
        return RowError(number, reason, agency_name=agency, state=state)
    support_type = _choice(SupportType, text("support_type"))
    if support_type is None:
        reason = f"unknown SUPPORT TYPE “{text('support_type')}”"
        return RowError(number, reason, agency_name=agency, state=state)
    county = text("county")
    notes = []
    signed_on, signed_text = None, ""
    if sheet.kind == ListKind.PARTICIPATING:
        signed_cell = cell("signed")
        signed_on, signed_text, problem = read_signed(
            signed_cell.value if signed_cell is not None else None
        )
        if problem:
            notes.append(f"{problem}: signing date left empty")
        elif signed_text:
            notes.append(f"signing date “{signed_text}” read as {signed_on:%Y-%m-%d}")
    return IceRow(
        row_number=number,
        state=state,
        agency_name=agency,
        listed_type=listed_type,
        county_name="" if county.upper() in NO_COUNTY else county,
        support_type=support_type,
        signed_on=signed_on,
        signed_text=signed_text,
        moa_url=_link(cell("moa")),
        addendum_url=_link(cell("addendum")),
        notes=tuple(notes),
    )

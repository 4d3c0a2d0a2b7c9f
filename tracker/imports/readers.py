"""Reading an upload: a UTF-8 CSV, or the first sheet of an .xlsx workbook, bounded before the work.

What an editor uploads is checked before any row reaches the database: its size, its encoding,
that an .xlsx is a workbook, its rows and columns. Each limit is checked before the work it
bounds: a CSV's rows are counted as they are read, blank ones too, and reading stops at the
first row past the limit; a workbook's parts are measured from the zip's directory before any
is expanded, and its sheet's rows and cells are counted from the XML, never from what the
sheet says of itself, before openpyxl reads a value (tracker/imports/workbook.py). Each refusal
is an UploadRefused whose message tells the editor why and what to do.
"""

import csv
import io
import re
from dataclasses import dataclass

import tablib
from django.conf import settings
from import_export.formats import base_formats

SAVE_AS_UTF8 = (
    "Save it as “CSV UTF-8” (in Excel: File › Save As › CSV UTF-8; in LibreOffice: "
    "Save As › Text CSV with the character set Unicode (UTF-8)) and upload it again."
)
MEGABYTE = 1024 * 1024


class UploadRefused(Exception):
    """An upload that cannot be imported at all; the message tells the editor why and what to do."""


@dataclass(frozen=True)
class Limits:
    """What one import reads at most; each has a setting (IMPORT_MAX_...) of the same meaning."""

    rows: int = 1_000  # records under the header row, blank rows included
    file_size: int = 5 * MEGABYTE
    columns: int = 100
    # An .xlsx is a zip: its parts' expanded sizes, read from the zip's directory, which also
    # bounds what zipfile will ever expand (it stops at the stated size and checks the CRC).
    expanded_size: int = 50 * MEGABYTE  # all parts together
    sheet_size: int = 20 * MEGABYTE  # the sheet imported, streamed and counted
    part_size: int = 10 * MEGABYTE  # any other part: the shared strings, styles, other sheets

    @classmethod
    def current(cls) -> "Limits":
        """The limits in force, from the settings (read per upload, so tests may change them)."""
        defaults = cls()
        return cls(
            rows=getattr(settings, "IMPORT_MAX_ROWS", defaults.rows),
            file_size=getattr(settings, "IMPORT_MAX_FILE_SIZE", defaults.file_size),
            columns=getattr(settings, "IMPORT_MAX_COLUMNS", defaults.columns),
            expanded_size=getattr(
                settings, "IMPORT_MAX_XLSX_EXPANDED_SIZE", defaults.expanded_size
            ),
            sheet_size=getattr(settings, "IMPORT_MAX_XLSX_SHEET_SIZE", defaults.sheet_size),
            part_size=getattr(settings, "IMPORT_MAX_XLSX_PART_SIZE", defaults.part_size),
        )

    @property
    def cells(self) -> int:
        """Cells a sheet may hold: the header and every row, each as wide as the column limit."""
        return (self.rows + 1) * self.columns


def megabytes(size: int) -> str:
    return f"{size / MEGABYTE:.1f} MB"


def too_many_rows(limits: Limits) -> UploadRefused:
    return UploadRefused(
        f"This file has more than {limits.rows:,} rows; an import takes at most "
        f"{limits.rows:,}. Split it into files of {limits.rows:,} rows or fewer (blank rows "
        "count too: delete any below your records)."
    )


def normalise_header(value) -> str:
    """`Said on ` and `said_on` name the same column."""
    return re.sub(r"\s+", "_", str(value if value is not None else "").strip().lower())


def is_blank(values) -> bool:
    return all(value is None or str(value).strip() == "" for value in values)


# Reading files --------------------------------------------------------------------------------


def csv_rows(data: bytes):
    """Yield the rows of a UTF-8 CSV file, refusing binary files and other encodings."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UploadRefused(f"This file is saved as UTF-16 text, not UTF-8. {SAVE_AS_UTF8}")
    if data.startswith(b"PK\x03\x04"):
        raise UploadRefused(
            "This file is a zip archive or an Excel workbook, not CSV text. For an .xlsx "
            "workbook choose the XLSX format."
        )
    if b"\x00" in data[:8192]:
        raise UploadRefused(
            "This file is not CSV text (it holds binary data). Choose the format that matches "
            "the file, or save it as CSV UTF-8."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UploadRefused(
            f"This file is not UTF-8 text: byte 0x{data[error.start]:02x} on line {line} is not "
            f"valid UTF-8 (the file was probably saved as Latin-1 or Windows-1252, and its "
            f"accented letters would come out garbled). {SAVE_AS_UTF8}"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        yield from reader
    except csv.Error as error:
        raise UploadRefused(
            f"Line {reader.line_num} could not be read as CSV ({error}). Save the file as CSV "
            "UTF-8 from a spreadsheet and upload it again."
        ) from None


def rows_of(data: bytes, file_format, limits: Limits):
    """The file's rows, refused at the first one past the limit (the header, then limits.rows)."""
    if issubclass(file_format, base_formats.XLSX):
        from . import workbook  # here, as workbook.py imports this module

        rows = workbook.sheet_rows(data, limits)
    else:
        rows = csv_rows(data)
    for count, row in enumerate(rows):
        # Blank rows count: each is work, and a file of millions of blank lines is no smaller.
        if count > limits.rows:
            raise too_many_rows(limits)
        yield row


def trimmed_headers(row) -> list:
    """The header row without the empty cells a spreadsheet leaves after the last column."""
    headers = list(row or [])
    while headers and (headers[-1] is None or str(headers[-1]).strip() == ""):
        headers.pop()
    return headers


def build_dataset(rows) -> tablib.Dataset:
    """A dataset with normalised headers, short rows padded, trailing blank rows dropped.

    Blank rows in the middle stay, so that row numbers match the spreadsheet's; the resource
    skips them.
    """
    rows = iter(rows)
    headers = trimmed_headers(next(rows, None))
    width = len(headers)
    dataset = tablib.Dataset(headers=[normalise_header(h) for h in headers])
    pending_blank = []
    for row in rows:
        values = list(row)[:width]
        values += [None] * (width - len(values))
        if is_blank(values):
            pending_blank.append(values)
            continue
        for blank in pending_blank:
            dataset.append(blank)
        pending_blank = []
        dataset.append(values)
    return dataset


class CSVFormat(base_formats.CSV):
    def create_dataset(self, in_stream):
        if isinstance(in_stream, str):
            in_stream = in_stream.encode("utf-8")
        return build_dataset(rows_of(in_stream, type(self), Limits.current()))


class XLSXFormat(base_formats.XLSX):
    def create_dataset(self, in_stream):
        return build_dataset(rows_of(in_stream, type(self), Limits.current()))


FORMATS = [CSVFormat, XLSXFormat]


# Checking an upload ---------------------------------------------------------------------------


def inspect_upload(data: bytes, file_format, resource_class, limits: Limits | None = None) -> None:
    """Refuse a file that cannot be imported, reading at most the header and limits.rows rows.

    Raises UploadRefused with a message for the editor: empty, unreadable, too large, too many
    rows, ragged rows, missing, unknown, repeated or unnamed columns.
    """
    limits = limits or Limits.current()
    if not data:
        raise UploadRefused("The file is empty.")
    rows = rows_of(data, file_format, limits)
    headers = trimmed_headers(next(rows, None))
    if not headers:
        raise UploadRefused(
            "The file is empty: its first row should name the columns (see the list below)."
        )
    records = 0
    for line, row in enumerate(rows, start=2):
        if is_blank(row):
            continue
        extra = [v for v in list(row)[len(headers) :] if v is not None and str(v).strip()]
        if extra:
            raise UploadRefused(
                f"Row {line} has more cells than the header row has columns ({len(headers)}). "
                "Give every column a name in the first row, or remove the extra cells."
            )
        records += 1
    if records == 0:
        raise UploadRefused("The file has a header row but no records under it.")
    check_columns([normalise_header(h) for h in headers], resource_class)


def check_columns(headers: list[str], resource_class) -> None:
    """Refuse unnamed, repeated, unknown and missing columns, naming the columns expected."""
    resource = resource_class()
    known = [field.column_name for field in resource.get_export_fields()]
    problems = []
    unnamed = [str(i) for i, header in enumerate(headers, start=1) if not header]
    if unnamed:
        problems.append(f"Column(s) {', '.join(unnamed)} have no name in the header row.")
    repeated = sorted({h for h in headers if h and headers.count(h) > 1})
    if repeated:
        problems.append(f"Column(s) named more than once: {', '.join(repeated)}.")
    unknown = [h for h in headers if h and h not in known]
    if unknown:
        problems.append(f"Unknown column(s): {', '.join(unknown)}.")
    missing = [c for c in resource_class.required_columns if c not in headers]
    if missing:
        problems.append(f"Missing column(s): {', '.join(missing)}.")
    for group in resource_class.required_one_of:
        if not any(c in headers for c in group):
            problems.append(f"Give at least one of the columns {' or '.join(group)}.")
    if problems:
        name = resource_class.get_display_name()
        raise UploadRefused(
            " ".join(problems) + f" The columns for {name} are: {', '.join(known)}."
        )

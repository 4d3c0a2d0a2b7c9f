"""The first sheet of an .xlsx workbook, measured before it is read.

An .xlsx is a zip of XML parts, and a few kilobytes of zip can stand for gigabytes of cells.
Before openpyxl parses anything:

- each part's expanded size is read from the zip's directory: the sheet to import, the shared
  strings (the text of the cells) and the other parts each have a cap, and so does their sum.
  zipfile never expands more than the directory states (it stops there and checks the CRC), so
  a part that lies about its size is refused as a damaged file, not read on;
- the sheet is streamed through expat, counting its rows (by their numbers: blank rows count,
  as in a CSV) and cells, and stopping at the first past a limit. What the sheet says of its
  own size (`<dimension ref="A1:XFD1048576">`) is never relied on: a claim past the limits
  refuses the file at once, and openpyxl is told to forget any claim, reading only the rows
  that are there.
"""

import io
import posixpath
import zipfile
import zlib
from xml.parsers import expat

from .readers import Limits, UploadRefused, megabytes, too_many_rows

CHUNK = 64 * 1024
# Namespaced names come out of expat as "namespace local-name"; the parts' namespaces differ
# between the transitional and strict flavours of the format, so only local names are compared.
SEPARATOR = " "


def not_a_workbook() -> UploadRefused:
    return UploadRefused(
        "This file is not an Excel workbook (.xlsx): it could not be opened as one (is it a "
        "text or CSV file renamed to .xlsx?). Save it from Excel or LibreOffice as an Excel "
        "Workbook (.xlsx), or upload it as CSV."
    )


# What goes wrong reading a damaged or foreign zip of XML.
DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    ValueError,
    RuntimeError,  # an encrypted part
    NotImplementedError,  # a compression method zipfile lacks
    OSError,
    expat.ExpatError,
)


def sheet_rows(data: bytes, limits: Limits):
    """Yield the rows of the workbook's first sheet as tuples of values, once the workbook's
    parts and the sheet's rows, columns and cells are within `limits`."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UploadRefused(
            "This is an old Excel 97–2003 (.xls) file. Save it as an Excel Workbook (.xlsx) "
            "or as CSV UTF-8 and upload it again."
        )
    if not data.startswith(b"PK\x03\x04"):
        raise not_a_workbook()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            title, path = first_sheet(archive, limits)
            check_sizes(archive, path, limits)
            count = SheetCount(limits)
            stream_xml(archive, path, limits.sheet_size, count.start, count.end)
    except DAMAGED:
        raise not_a_workbook() from None
    yield from sheet_values(data, title)


def sheet_values(data: bytes, title: str):
    """The sheet's rows through openpyxl, which converts dates and looks up shared strings."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise not_a_workbook() from None
    try:
        sheet = book[title]
        # Read the rows that exist, not the rectangle the sheet claims (already checked).
        sheet.reset_dimensions()
        yield from sheet.iter_rows(values_only=True)
    except Exception:
        raise not_a_workbook() from None
    finally:
        book.close()


# The zip's parts ------------------------------------------------------------------------------


def check_sizes(archive: zipfile.ZipFile, sheet_path: str, limits: Limits) -> None:
    """Refuse a workbook whose parts, by the zip's directory, expand past the limits."""
    parts = archive.infolist()
    for part in parts:
        limit = limits.sheet_size if part.filename == sheet_path else limits.part_size
        if part.file_size > limit:
            raise part_too_large(part, limit)
    expanded = sum(part.file_size for part in parts)
    if expanded > limits.expanded_size:
        raise UploadRefused(
            f"This workbook expands to {megabytes(expanded)}, more than the "
            f"{megabytes(limits.expanded_size)} an import reads. Split it into smaller files."
        )


def part_too_large(part: zipfile.ZipInfo, limit: int) -> UploadRefused:
    if "sharedstrings" in part.filename.lower():
        what = f"text of its cells ({part.filename})"
    else:
        what = f"part {part.filename}"
    return UploadRefused(
        f"This workbook's {what} expands to {megabytes(part.file_size)}, more than the "
        f"{megabytes(limit)} an import reads. Copy the records alone into a new workbook, or "
        "save them as CSV UTF-8, and upload that."
    )


def stream_xml(archive: zipfile.ZipFile, path: str, limit: int, start, end=None) -> None:
    """Feed a part through expat in chunks, calling `start(local_name, attributes)` at each
    element (and `end(local_name)` after it); refuses the part if it expands past `limit`, or
    declares a DTD (no workbook does; entities are how a few bytes of XML become gigabytes)."""
    part = archive.getinfo(path)
    if part.file_size > limit:
        raise part_too_large(part, limit)
    parser = expat.ParserCreate(namespace_separator=SEPARATOR)
    parser.StartElementHandler = lambda name, attributes: start(local(name), attributes)
    if end is not None:
        parser.EndElementHandler = lambda name: end(local(name))
    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    with archive.open(part) as stream:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


def refuse_dtd(*args):
    raise not_a_workbook()


def local(name: str) -> str:
    return name.rpartition(SEPARATOR)[2]


def attribute(attributes: dict, name: str) -> str | None:
    """An attribute by its local name, whatever its namespace (`r:id` is `id`)."""
    for key, value in attributes.items():
        if local(key) == name:
            return value
    return None


# Which sheet ----------------------------------------------------------------------------------


class Found(Exception):
    """Stops streaming a part once what was looked for is found."""


def relationships(archive: zipfile.ZipFile, path: str, limits: Limits) -> dict[str, tuple]:
    """{id: (type, target part)} of a .rels part, targets resolved against the part's folder."""
    folder = posixpath.dirname(posixpath.dirname(path))  # "xl/_rels/x.rels" -> "xl"
    found = {}

    def start(name, attributes):
        if name == "Relationship" and attributes.get("TargetMode") != "External":
            target = attributes["Target"]
            if target.startswith("/"):
                target = target[1:]
            else:
                target = posixpath.normpath(posixpath.join(folder, target))
            found[attributes["Id"]] = (attributes.get("Type", ""), target)

    stream_xml(archive, path, limits.part_size, start)
    return found


def first_sheet(archive: zipfile.ZipFile, limits: Limits) -> tuple[str, str]:
    """(title, part path) of the workbook's first worksheet, as Excel lists its tabs."""
    package = relationships(archive, "_rels/.rels", limits)
    book = next((t for kind, t in package.values() if kind.endswith("/officeDocument")), None)
    if book is None:
        raise not_a_workbook()
    book_folder, book_name = posixpath.split(book)
    parts = relationships(
        archive, posixpath.join(book_folder, "_rels", f"{book_name}.rels"), limits
    )
    sheets = {rid: target for rid, (kind, target) in parts.items() if kind.endswith("/worksheet")}
    first = {}

    def start(name, attributes):
        if name == "sheet" and attribute(attributes, "id") in sheets:
            first.update(title=attributes["name"], path=sheets[attribute(attributes, "id")])
            raise Found

    try:
        stream_xml(archive, book, limits.part_size, start)
    except Found:
        return first["title"], first["path"]
    raise not_a_workbook()


# Counting the sheet ---------------------------------------------------------------------------


def column_number(reference: str) -> int:
    """1 for `A7`, 28 for `AB7`; past Excel's last column (XFD), any large number."""
    letters = reference.rstrip("0123456789").upper()
    if not letters or len(letters) > 3 or not letters.isalpha() or not letters.isascii():
        raise ValueError(f"not a cell reference: {reference[:20]}")
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def row_number(reference: str) -> int:
    return int(reference[len(reference.rstrip("0123456789")) :])


class SheetCount:
    """Counts a sheet's rows, columns and cells as expat reads them; refuses at the first
    past a limit, so the work done is bounded by the limits, not by the file."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.rows = self.row = self.column = self.cells = 0
        # Rows and cells are those of <sheetData>; other parts of a sheet may reuse the names.
        self.in_data = False

    def start(self, name: str, attributes: dict) -> None:
        if name == "sheetData":
            self.in_data = True
        elif name == "dimension":
            # What the sheet claims: past the limits, refused now; within them, not relied on.
            claim = attributes.get("ref") or "A1"
            last = claim.rpartition(":")[2]
            if row_number(last) > self.limits.rows + 1 or column_number(last) > self.limits.columns:
                raise UploadRefused(
                    f"This sheet says it spans {claim[:30]}: more than {self.limits.rows:,} rows "
                    f"or {self.limits.columns} columns, the most an import reads. If your records "
                    "are fewer, the sheet holds formatting or stray cells below or beside them: "
                    "copy the records alone into a new workbook and upload that."
                )
        elif not self.in_data:
            return
        elif name == "row":
            self.rows += 1
            self.row = int(attributes["r"]) if "r" in attributes else self.row + 1
            self.column = 0
            if max(self.rows, self.row) > self.limits.rows + 1:
                raise too_many_rows(self.limits)
        elif name == "c":
            self.cells += 1
            if self.cells > self.limits.cells:
                raise UploadRefused(
                    f"This sheet holds more than {self.limits.cells:,} cells, more than an "
                    f"import of {self.limits.rows:,} rows reads. Copy the records alone into a "
                    "new workbook, or save them as CSV UTF-8, and upload that."
                )
            reference = attributes.get("r")
            self.column = column_number(reference) if reference else self.column + 1
            self.check_columns(self.column)

    def end(self, name: str) -> None:
        if name == "sheetData":
            self.in_data = False

    def check_columns(self, column: int) -> None:
        if column > self.limits.columns:
            raise UploadRefused(
                f"This sheet reaches past column {self.limits.columns}, more than an import "
                "reads. Delete the cells to the right of your last column (or copy the records "
                "alone into a new workbook) and upload it again."
            )

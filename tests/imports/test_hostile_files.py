"""Files built to make an import do unbounded work, and a confirmation that names another file.

Each hostile file is made here, byte by byte where it must be. Each is refused with a message
(HTTP 400), and the work done before the refusal is bounded by the import's limits, not by what
the file claims or holds: the tests count the rows read and the memory used, never the clock.
"""

import io
import os
import struct
import tempfile
import tracemalloc
import zipfile

import pytest
from django.test import Client

from cities.models import Jurisdiction
from tests.imports.conftest import CSV, XLSX, csv_file, xlsx_file
from tracker.imports import readers, workbook

SHEET = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def refusal(response) -> str:
    assert response.status_code == 400
    assert "confirm_form" not in response.context
    return " ".join(response.context["form"].errors["import_file"])


@pytest.fixture
def jurisdictions(importer):
    return importer("cities_jurisdiction")


def workbook_with(parts: dict) -> bytes:
    """A real two-row workbook (name, state / Denver, CO) with some parts replaced or added;
    a part is bytes, or an iterable of byte chunks streamed into the zip."""
    original = zipfile.ZipFile(io.BytesIO(xlsx_file([["name", "state"], ["Denver", "CO"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in original.infolist():
            if info.filename not in parts:
                archive.writestr(info.filename, original.read(info.filename))
        for name, content in parts.items():
            if isinstance(content, bytes):
                archive.writestr(name, content)
                continue
            with archive.open(name, "w", force_zip64=True) as part:
                for chunk in content:
                    part.write(chunk)
    return buffer.getvalue()


def content_types_with_shared_strings() -> bytes:
    """The workbook's manifest, listing a shared strings part so that openpyxl reads it."""
    workbook = zipfile.ZipFile(io.BytesIO(xlsx_file([["name"]])))
    return workbook.read("[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )


def sheet_xml(rows: str, dimension: str = "A1:B2") -> bytes:
    return (
        f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/>'
        f"<sheetData>{rows}</sheetData></worksheet>"
    ).encode()


TWO_ROWS = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>state</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>Denver</t></is></c>'
    '<c r="B2" t="inlineStr"><is><t>CO</t></is></c></row>'
)


@pytest.fixture
def openpyxl_never_opens_it(monkeypatch):
    """Fails the test if the workbook reaches openpyxl: the refusal must come before parsing."""
    import openpyxl

    def load_workbook(*args, **kwargs):
        raise AssertionError("openpyxl parsed a workbook that should have been refused first")

    monkeypatch.setattr(openpyxl, "load_workbook", load_workbook)


@pytest.fixture
def rows_counted(monkeypatch):
    """How many rows (and cells) the sheet's streaming count read before it stopped."""
    counts = []
    start = workbook.SheetCount.start

    def counting(self, name, attributes):
        if not counts or counts[-1] is not self:
            counts.append(self)
        return start(self, name, attributes)

    monkeypatch.setattr(workbook.SheetCount, "start", counting)
    return counts


# A sheet that claims to be, or is, far larger than it looks


def test_a_tiny_workbook_claiming_every_cell_of_a_sheet_is_refused_before_it_is_parsed(
    jurisdictions, openpyxl_never_opens_it
):
    content = workbook_with({SHEET: sheet_xml(TWO_ROWS, dimension="A1:XFD1048576")})
    assert len(content) < 6 * 1024, "a few kilobytes that claim 17 billion cells"

    message = refusal(jurisdictions.upload(content, name="claim.xlsx", file_format=XLSX))

    assert message.startswith(
        "This sheet says it spans A1:XFD1048576: more than 1,000 rows or 100 columns, the most "
        "an import reads."
    )
    assert Jurisdiction.objects.count() == 0


def test_a_far_row_behind_a_modest_claim_is_counted_as_it_comes(
    jurisdictions, openpyxl_never_opens_it, rows_counted
):
    """The dimension says A1:B2, but a last row sits at the bottom of the sheet, far right."""
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    content = workbook_with({SHEET: sheet_xml(TWO_ROWS + far)})

    message = refusal(jurisdictions.upload(content, name="far.xlsx", file_format=XLSX))

    assert "more than 1,000 rows" in message
    (count,) = rows_counted
    assert (count.rows, count.cells) == (3, 4), "stopped at the row past the limit"


def test_rows_without_numbers_or_a_dimension_are_counted_and_reading_stops_at_the_limit(
    jurisdictions, rows_counted
):
    rows = (b"<row><c><v>1</v></c></row>" for _ in range(100_000))
    start = f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()
    content = workbook_with({SHEET: [start, *rows, b"</sheetData></worksheet>"]})

    message = refusal(jurisdictions.upload(content, name="rows.xlsx", file_format=XLSX))

    assert "more than 1,000 rows" in message
    (count,) = rows_counted
    assert count.rows == 1_002, "the header and 1,000 rows, then the first one past"


def test_cells_crammed_into_one_row_are_counted_too(jurisdictions, rows_counted):
    cells = (b'<c r="A1"><v>1</v></c>' for _ in range(200_000))
    start = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">'.encode()
    content = workbook_with({SHEET: [start, *cells, b"</row></sheetData></worksheet>"]})

    message = refusal(jurisdictions.upload(content, name="cells.xlsx", file_format=XLSX))

    assert "This sheet holds more than 100,100 cells" in message
    (count,) = rows_counted
    assert count.cells == 100_101


def test_a_workbook_that_only_claims_a_large_size_with_rows_within_the_limit_imports(
    jurisdictions,
):
    """openpyxl is told to forget the claim once it is checked: two rows are read, not a sheet."""
    content = workbook_with({SHEET: sheet_xml(TWO_ROWS, dimension="A1:B900")})

    preview = jurisdictions.upload(content, name="claim.xlsx", file_format=XLSX)

    assert "confirm_form" in preview.context
    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["new"]


# Shared strings that expand to far more than the upload


def test_a_workbook_whose_shared_strings_expand_to_95_mb_is_refused_in_little_memory(
    jurisdictions, openpyxl_never_opens_it
):
    strings = b"<si><t>" + b"A" * 1008 + b"</t></si>"  # 1 KB a string
    chunks = [
        f'<sst xmlns="{MAIN}" count="97280" uniqueCount="97280">'.encode(),
        *(strings * 1024 for _ in range(95)),
        b"</sst>",
    ]
    content = workbook_with(
        {"[Content_Types].xml": content_types_with_shared_strings(), "xl/sharedStrings.xml": chunks}
    )
    assert len(content) < 400 * 1024, f"the upload is {len(content) / 1024:.0f} KB"

    tracemalloc.start()
    response = jurisdictions.upload(content, name="strings.xlsx", file_format=XLSX)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    message = refusal(response)
    assert (
        "This workbook's text of its cells (xl/sharedStrings.xml) expands to 95.0 MB, more "
        "than the 10.0 MB an import reads." in message
    )
    assert peak < 20 * 1024 * 1024, f"refusing peaked at {peak / 1e6:.0f} MB"


def stating_size(content: bytes, member: str, size: int) -> bytes:
    """The zip with `member`'s expanded size stated as `size` in both of its headers."""
    data = bytearray(content)
    header = zipfile.ZipFile(io.BytesIO(content)).getinfo(member).header_offset
    struct.pack_into("<I", data, header + 22, size)  # the local file header's
    entry = data.find(b"PK\x01\x02")
    while data[entry + 46 : entry + 46 + len(member)] != member.encode():
        entry = data.find(b"PK\x01\x02", entry + 4)
    struct.pack_into("<I", data, entry + 24, size)  # the central directory's
    return bytes(data)


def test_shared_strings_that_lie_about_their_size_are_refused_as_damaged_without_expanding(
    jurisdictions,
):
    strings = b"<si><t>" + b"A" * 1008 + b"</t></si>"
    chunks = [f'<sst xmlns="{MAIN}">'.encode(), *(strings * 1024 for _ in range(5)), b"</sst>"]
    honest = workbook_with(
        {
            "[Content_Types].xml": content_types_with_shared_strings(),
            "xl/sharedStrings.xml": b"".join(chunks),
        }
    )
    assert "confirm_form" in jurisdictions.upload(honest, file_format=XLSX).context, (
        "within the limits, the honest workbook (its strings unused) imports"
    )
    content = stating_size(honest, "xl/sharedStrings.xml", 1024)

    tracemalloc.start()
    response = jurisdictions.upload(content, name="lying.xlsx", file_format=XLSX)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert "This file is not an Excel workbook (.xlsx)" in refusal(response)
    assert peak < 4 * 1024 * 1024, "5 MB of strings were not expanded"


def test_a_part_that_declares_a_dtd_is_refused(jurisdictions, openpyxl_never_opens_it):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>'
        + f'<worksheet xmlns="{MAIN}"><sheetData/></worksheet>'.encode()
    )
    content = workbook_with({SHEET: laughs})

    message = refusal(jurisdictions.upload(content, name="dtd.xlsx", file_format=XLSX))

    assert "This file is not an Excel workbook (.xlsx)" in message


# A CSV of blank lines


def test_a_csv_of_millions_of_blank_lines_is_refused_after_reading_1001_rows(
    jurisdictions, monkeypatch
):
    content = b"name,state\n" + b"\n" * 4_900_000
    assert len(content) < 5 * 1024 * 1024, "under the size limit: the row limit must catch it"
    read = []
    csv_rows = readers.csv_rows

    def counted(data):
        for row in csv_rows(data):
            read.append(row)
            yield row

    monkeypatch.setattr(readers, "csv_rows", counted)

    message = refusal(jurisdictions.upload(content))

    assert "This file has more than 1,000 rows; an import takes at most 1,000." in message
    assert "blank rows count too" in message
    assert len(read) == 1_002, "the header, 1,000 rows, and the first one past the limit"


def test_a_few_blank_lines_under_the_records_still_import(jurisdictions):
    preview = jurisdictions.upload(b"name,state\nDenver,CO\n\n\n")

    assert "confirm_form" in preview.context


# A confirmation that names a file of its choosing


@pytest.fixture
def victim():
    """A readable CSV in the temporary folder that no upload made: it must survive."""
    descriptor, path = tempfile.mkstemp(suffix=".csv")
    with os.fdopen(descriptor, "wb") as file:
        file.write(csv_file([["name", "state"], ["Gotham", "NJ"]]))
    yield path
    if os.path.exists(path):
        os.remove(path)


@pytest.mark.parametrize("name", ["absolute", "relative", "bare", "traversal"])
def test_a_confirmation_naming_any_other_file_is_refused_and_the_file_is_untouched(
    jurisdictions, editor_client, victim, name
):
    file_name = os.path.basename(victim)
    posted = {
        "absolute": victim,
        "relative": os.path.join("..", os.path.basename(tempfile.gettempdir()), file_name),
        "bare": file_name,
        "traversal": os.path.join("tracker-import-" + "0" * 32, "..", file_name),
    }[name]

    response = editor_client.post(
        jurisdictions.url("process_import"),
        {"import_file_name": posted, "original_file_name": "x.csv", "format": CSV},
    )

    assert response.status_code == 400
    assert "names no upload previewed in this session, so nothing was imported" in (
        response.content.decode()
    )
    assert os.path.exists(victim)
    assert Jurisdiction.objects.count() == 0


def test_another_editors_upload_cannot_be_confirmed_or_deleted_from_this_session(
    jurisdictions, django_user_model, editor
):
    preview = jurisdictions.upload(csv_file([["name", "state"], ["Denver", "CO"]]))
    stored = preview.context["confirm_form"].initial["import_file_name"]
    assert stored.startswith("tracker-import-") and os.sep not in stored
    other = Client()
    other.force_login(editor)  # the same editor in another browser: another session

    response = other.post(
        jurisdictions.url("process_import"), preview.context["confirm_form"].initial
    )

    assert response.status_code == 400
    assert os.path.exists(os.path.join(tempfile.gettempdir(), stored))
    assert Jurisdiction.objects.count() == 0
    jurisdictions.confirm(preview)
    assert list(Jurisdiction.objects.values_list("name", flat=True)) == ["Denver"]
    assert not os.path.exists(os.path.join(tempfile.gettempdir(), stored))

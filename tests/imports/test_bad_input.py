"""Files an import cannot take: each gets a message that says why and what to do, and a 4xx.

Nothing of such a file reaches the database, and no upload is left waiting for a confirmation.
"""

import io
import time
import tracemalloc
import zipfile

import pytest

from cities.models import Jurisdiction
from statements.models import Statement
from tests.imports.conftest import CSV, XLSX, csv_file, xlsx_file


def refusal(response) -> str:
    assert response.status_code == 400
    assert "confirm_form" not in response.context
    return " ".join(response.context["form"].errors["import_file"])


@pytest.fixture
def jurisdictions(importer):
    return importer("cities_jurisdiction")


def test_missing_and_unknown_columns_are_named(importer):
    rows = [["jurisdiction", "speaker", "said_on", "quote"], ["chicago-il", "x", "2025-01-01", "q"]]

    message = refusal(importer("statements_statement").upload(csv_file(rows)))

    assert "Unknown column(s): speaker." in message
    assert "Missing column(s): medium." in message
    assert "Give at least one of the columns official or agency." in message
    assert "The columns for statements are: id, jurisdiction, official, agency" in message
    assert Statement.objects.count() == 0


def test_headers_are_matched_without_regard_to_case_and_spaces(jurisdictions):
    preview = jurisdictions.upload(csv_file([[" Name ", "STATE"], ["Denver", "CO"]]))

    assert "confirm_form" in preview.context


def test_a_column_named_twice_is_refused(jurisdictions):
    message = refusal(jurisdictions.upload(csv_file([["name", "state", "name"], ["a", "CO", "b"]])))

    assert "Column(s) named more than once: name." in message


def test_a_latin_1_csv_is_refused_with_a_hint_to_save_as_utf_8(jurisdictions):
    content = csv_file([["name", "state"], ["San José", "CA"]], encoding="latin-1")

    message = refusal(jurisdictions.upload(content))

    assert "This file is not UTF-8 text: byte 0xe9 on line 2 is not valid UTF-8" in message
    assert "Save it as “CSV UTF-8”" in message
    assert Jurisdiction.objects.count() == 0


def test_a_utf_8_csv_with_a_byte_order_mark_keeps_its_accents(jurisdictions):
    content = "\ufeffname,state\nSan José,CA\n".encode()

    jurisdictions.confirm(jurisdictions.upload(content))

    assert Jurisdiction.objects.get().name == "San José"


def test_a_text_file_renamed_to_xlsx_is_refused(jurisdictions):
    content = csv_file([["name", "state"], ["Denver", "CO"]])

    message = refusal(jurisdictions.upload(content, name="records.xlsx", file_format=XLSX))

    assert "This file is not an Excel workbook (.xlsx)" in message
    assert "renamed to .xlsx" in message


def test_a_zip_that_is_not_a_workbook_is_refused(jurisdictions):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")

    message = refusal(jurisdictions.upload(buffer.getvalue(), name="x.xlsx", file_format=XLSX))

    assert "This file is not an Excel workbook (.xlsx)" in message


def test_a_workbook_uploaded_as_csv_is_refused(jurisdictions):
    content = xlsx_file([["name", "state"], ["Denver", "CO"]])

    message = refusal(jurisdictions.upload(content, name="records.csv", file_format=CSV))

    assert "not CSV text. For an .xlsx workbook choose the XLSX format." in message


def test_an_empty_file_is_refused(jurisdictions):
    assert refusal(jurisdictions.upload(b"")) in (
        "The file is empty.",
        "The submitted file is empty.",
    )


def test_a_header_without_records_is_refused(jurisdictions):
    message = refusal(jurisdictions.upload(b"name,state\n\n\n"))

    assert message == "The file has a header row but no records under it."


def test_a_row_with_more_cells_than_columns_is_refused(jurisdictions):
    message = refusal(jurisdictions.upload(b"name,state\nDenver,CO,extra\n"))

    assert "Row 2 has more cells than the header row has columns (2)." in message


def test_a_file_above_the_size_limit_is_refused_before_it_is_read(jurisdictions, settings):
    content = csv_file([["name", "state"]] + [["Springfield", "IL"]] * 10)
    settings.IMPORT_MAX_FILE_SIZE = len(content) - 1

    message = refusal(jurisdictions.upload(content))

    assert "an import takes at most" in message
    assert "Split it into smaller files." in message


def test_100000_rows_are_refused_quickly_and_in_little_memory(jurisdictions):
    content = b"name,state\n" + b"Springfield,IL\n" * 100_000
    assert len(content) < 5 * 1024 * 1024, "under the size limit: the row limit must catch it"

    tracemalloc.start()
    started = time.perf_counter()
    response = jurisdictions.upload(content)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    message = refusal(response)
    assert "This file has more than 1,000 rows; an import takes at most 1,000." in message
    assert elapsed < 5, f"refusing took {elapsed:.1f} s"
    assert peak < 40 * 1024 * 1024, f"refusing peaked at {peak / 1e6:.0f} MB"
    assert Jurisdiction.objects.count() == 0


def test_100000_rows_in_a_workbook_are_refused_too(jurisdictions):
    content = xlsx_file([["name", "state"]] + [["Springfield", "IL"]] * 100_000)

    message = refusal(jurisdictions.upload(content, name="big.xlsx", file_format=XLSX))

    assert "more than 1,000 rows" in message


def test_a_confirmation_without_its_upload_says_to_upload_again(jurisdictions, editor_client):
    preview = jurisdictions.upload(csv_file([["name", "state"], ["Denver", "CO"]]))
    first = jurisdictions.confirm(preview)
    assert Jurisdiction.objects.count() == 1

    again = jurisdictions.confirm(preview)

    assert again.status_code == 200
    assert "The uploaded file is no longer here" in again.content.decode()
    assert Jurisdiction.objects.count() == 1
    assert first.status_code == 200


def test_a_tampered_confirmation_is_refused_without_an_error_page(jurisdictions, editor_client):
    response = editor_client.post(
        jurisdictions.url("process_import"),
        {"import_file_name": "x", "original_file_name": "x.csv", "format": "7"},
        follow=True,
    )

    assert response.status_code == 200
    assert "The import form was incomplete." in response.content.decode()


def test_a_preview_with_errors_leaves_no_upload_behind(jurisdictions):
    import os
    import tempfile

    before = set(os.listdir(tempfile.gettempdir()))
    preview = jurisdictions.upload(csv_file([["name", "state"], ["Denver", "ZZ"]]))

    assert preview.context["result"].has_validation_errors()
    assert set(os.listdir(tempfile.gettempdir())) - before == set()

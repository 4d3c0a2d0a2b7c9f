"""Export every kind of record, import the files into an empty tracker, get the same records back.

Statements and stances come back as drafts: an import never publishes.
"""

import datetime
import io

import openpyxl
import pytest

from cities.models import Agency, Jurisdiction, Official, Role
from statements.models import Source, Stance, Statement, Status
from tests.imports.conftest import XLSX, exported_rows

# In the order an empty tracker needs them: what a row names must exist before it.
ADMINS = [
    "cities_jurisdiction",
    "cities_agency",
    "cities_official",
    "cities_role",
    "statements_source",
    "statements_statement",
    "statements_stance",
]


@pytest.fixture
def newsroom(
    jurisdiction_factory,
    agency_factory,
    official_factory,
    role_factory,
    source_factory,
    event_factory,
    statement_factory,
    stance_factory,
):
    cook = jurisdiction_factory(name="Cook County", state="IL", level="county", geoid="17031")
    chicago = jurisdiction_factory(name="Chicago", state="IL", parent=cook, population=2_746_388)
    police = agency_factory(jurisdiction=chicago, name="Chicago Police Department")
    mayor = official_factory(name="Brandon Johnson")
    role_factory(
        official=mayor, title="Mayor", jurisdiction=chicago, started_on=datetime.date(2023, 5, 15)
    )
    role_factory(official=mayor, title="Spokesperson", jurisdiction=chicago, agency=police)
    article = source_factory(url="https://news.example.org/raids", publisher="HuffPost")
    relayed = source_factory(url="", publisher="Denver Post", cited_in=article, title="")
    operation = event_factory(slug="operation-midway")
    statement_factory(
        jurisdiction=chicago,
        official=mayor,
        agency=police,
        quote="=We will not help.",  # a would-be formula: exported with a quote before it
        summary="The mayor refused.",
        event=operation,
        sources=[article, relayed],
        status=Status.PUBLISHED,
    )
    statement_factory(jurisdiction=cook, official=None, agency=agency_factory(jurisdiction=cook))
    stance_factory(
        jurisdiction=chicago,
        agency=police,
        level="refuses",
        honours_detainers="no",
        summary="Welcoming City Ordinance.",
        sources=[article],
        status=Status.PUBLISHED,
    )


def export_all(importer):
    return {model: exported_rows(importer(model).export()) for model in ADMINS}


def empty_the_tracker():
    # A fresh copy of the tracker, not an editor's deletion: published claims are never deleted,
    # so they are made drafts first.
    Stance.objects.update(status=Status.DRAFT)
    Statement.objects.update(status=Status.DRAFT)
    Stance.objects.all().delete()
    Statement.objects.all().delete()
    Role.objects.all().delete()
    Agency.objects.all().delete()
    Official.objects.all().delete()
    Source.objects.filter(cited_in__isnull=False).delete()
    Source.objects.all().delete()
    Jurisdiction.objects.filter(parent__isnull=False).delete()
    Jurisdiction.objects.all().delete()


def without(rows, *columns):
    """The rows without the columns that an import may not keep (ids, status), sorted."""
    keep = [i for i, name in enumerate(rows[0]) if name not in columns]
    return [[row[i] for i in keep] for row in rows[:1]] + sorted(
        [row[i] for i in keep] for row in rows[1:]
    )


def test_export_then_import_into_an_empty_tracker_gives_the_same_records_as_drafts(
    importer, newsroom, editor
):
    before = export_all(importer)
    assert before["statements_statement"][0] == [
        "id",
        "jurisdiction",
        "official",
        "agency",
        "said_on",
        "said_on_basis",
        "medium",
        "quote",
        "summary",
        "sources",
        "event",
        "status",
    ]
    empty_the_tracker()

    for model in ADMINS:
        file_rows = before[model]
        preview, confirmed = importer(model).import_rows(file_rows)
        assert preview.context["result"].totals["new"] == len(file_rows) - 1, model
    after = export_all(importer)

    for model in ADMINS:
        assert without(after[model], "id", "status") == without(before[model], "id", "status")
    assert set(Statement.objects.values_list("status", flat=True)) == {Status.DRAFT}
    assert set(Stance.objects.values_list("status", flat=True)) == {Status.DRAFT}
    assert Statement.objects.filter(quote="=We will not help.").exists()
    assert set(Statement.objects.values_list("created_by", flat=True)) == {editor.pk}
    relayed = Source.objects.get(publisher="Denver Post")
    assert relayed.cited_in.url == "https://news.example.org/raids"


def test_exported_csv_neutralises_formula_cells(importer, newsroom):
    rows = exported_rows(importer("statements_statement").export())

    header, *records = rows
    quotes = {record[header.index("quote")] for record in records}
    assert "'=We will not help." in quotes
    sources = next(r for r in records if r[header.index("quote")].startswith("'="))[
        header.index("sources")
    ]
    assert (
        sources
        == "Denver Post (cited in https://news.example.org/raids)|https://news.example.org/raids"
    )


def test_export_as_xlsx_has_the_same_columns_and_no_formulas(importer, newsroom):
    response = importer("statements_statement").export(file_format=XLSX)

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0])[:4] == ["id", "jurisdiction", "official", "agency"]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert "'=We will not help." in {row[7] for row in rows[1:]}


def test_an_exported_workbook_imports_back(importer, newsroom):
    jurisdictions = importer("cities_jurisdiction")
    workbook = jurisdictions.export(file_format=XLSX).content
    Jurisdiction.objects.update(population=None)

    preview = jurisdictions.upload(workbook, name="jurisdictions.xlsx", file_format=XLSX)
    assert [r.import_type for r in preview.context["result"].valid_rows()] == ["update", "update"]
    jurisdictions.confirm(preview)

    assert Jurisdiction.objects.get(slug="chicago-il").population == 2_746_388

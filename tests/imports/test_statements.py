"""An editor imports statements and stances from a spreadsheet: preview, confirm, drafts only."""

import datetime

import pytest

from cities.models import Jurisdiction, Official
from statements.models import Stance, Statement, Status
from tests.imports.conftest import csv_file

HEADER = ["jurisdiction", "official", "said_on", "medium", "quote", "sources"]


@pytest.fixture
def chicago(jurisdiction_factory, official_factory, source_factory):
    jurisdiction_factory(name="Chicago", state="IL")
    official_factory(name="Brandon Johnson")
    source_factory(url="https://news.example.org/chicago-raids")
    source_factory(url="https://news.example.org/chicago-follow-up")


def test_editor_previews_then_imports_statements_as_their_drafts(importer, chicago, editor):
    statements = importer("statements_statement")
    rows = [
        HEADER,
        [
            "chicago-il",
            "brandon-johnson",
            "2025-01-21",
            "press_statement",
            "Chicago will not help.",
            "https://news.example.org/chicago-raids|https://news.example.org/chicago-follow-up",
        ],
        ["chicago-il", "brandon-johnson", "2025-02-03", "Interview", "We stand firm.", ""],
    ]

    preview = statements.upload(csv_file(rows))

    assert preview.status_code == 200
    assert Statement.objects.count() == 0, "the preview must not save anything"
    result = preview.context["result"]
    assert [row.import_type for row in result.valid_rows()] == ["new", "new"]
    assert "Chicago will not help." in preview.content.decode()
    assert "Confirm import" in preview.content.decode()

    confirmed = statements.confirm(preview)

    assert "Import finished: 2 new" in confirmed.content.decode()
    assert "is a draft" in confirmed.content.decode()
    first, second = Statement.objects.order_by("said_on")
    assert (first.quote, first.said_on) == ("Chicago will not help.", datetime.date(2025, 1, 21))
    assert sorted(s.url for s in first.sources.all()) == [
        "https://news.example.org/chicago-follow-up",
        "https://news.example.org/chicago-raids",
    ]
    assert second.medium == "interview"
    assert {s.status for s in (first, second)} == {Status.DRAFT}
    assert {(s.created_by, s.updated_by) for s in (first, second)} == {(editor, editor)}


def test_a_file_that_says_published_still_imports_drafts_and_says_so(importer, chicago):
    statements = importer("statements_statement")
    rows = [
        [*HEADER, "status"],
        ["chicago-il", "brandon-johnson", "2025-01-21", "interview", "We refuse.", "", "published"],
    ]

    preview, confirmed = statements.import_rows(rows)

    assert "status “published” ignored: imported as a draft." in preview.content.decode()
    assert Statement.objects.get().status == Status.DRAFT
    assert not Statement.objects.published().exists()


def test_editor_updates_a_draft_by_its_id_and_sees_it_as_an_update(
    importer, chicago, statement_factory
):
    draft = statement_factory(
        status=Status.DRAFT, official__slug="someone-else", quote="Old words."
    )
    rows = [
        ["id", *HEADER],
        [
            draft.pk,
            "chicago-il",
            "brandon-johnson",
            "2025-01-21",
            "interview",
            "New words.",
            "",
        ],
    ]

    preview, _ = importer("statements_statement").import_rows(rows)

    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["update"]
    assert "Update" in preview.content.decode()
    draft.refresh_from_db()
    assert (draft.quote, draft.official.slug, draft.status) == (
        "New words.",
        "brandon-johnson",
        Status.DRAFT,
    )
    assert Statement.objects.count() == 1


def test_an_import_cannot_change_a_published_statement(importer, chicago, statement_factory):
    published = statement_factory(status=Status.PUBLISHED, quote="Published words.")
    rows = [
        ["id", *HEADER],
        [published.pk, "chicago-il", "brandon-johnson", "2025-01-21", "interview", "Edit.", ""],
    ]

    preview = importer("statements_statement").upload(csv_file(rows))

    page = preview.content.decode()
    assert "confirm_form" not in preview.context
    assert f"Statement #{published.pk} is published: an import changes drafts only." in page
    published.refresh_from_db()
    assert (published.quote, published.status) == ("Published words.", Status.PUBLISHED)


def test_errors_name_the_row_and_the_column(importer, chicago):
    rows = [
        HEADER,
        ["chicago-il", "brandon-johnson", "2025-01-21", "interview", "Fine.", ""],
        ["chicago-il", "nobody-at-all", "2025-01-22", "interview", "Who?", ""],
        ["chicago-il", "brandon-johnson", "21/13/2025", "shouting", "", "https://nowhere.example"],
    ]

    preview = importer("statements_statement").upload(csv_file(rows))

    assert "confirm_form" not in preview.context
    errors = {
        (row.number + 1, column): " ".join(messages)
        for row in preview.context["result"].invalid_rows
        for column, messages in row.field_specific_errors.items()
    }
    assert errors == {
        (3, "official"): "No official with slug “nobody-at-all”. Import or add the official first.",
        (4, "said_on"): "“21/13/2025” is not a date: write it as YYYY-MM-DD, e.g. 2025-01-31.",
        (4, "medium"): "“shouting” is not one of: press_statement, social_media, interview, "
        "press_conference, order, letter, other, not_stated.",
        (4, "quote"): "Give the verbatim quote, a summary, or both.",
        (4, "sources"): "No source recorded with URL “https://nowhere.example”. Import or add "
        "the source(s) first, and separate several with |.",
    }
    page = preview.content.decode()
    assert "2 rows cannot be imported, so nothing was imported" in page
    assert "<td>3</td><td>official</td>" in page
    assert Statement.objects.count() == 0


def test_one_bad_row_imports_nothing_even_when_the_records_change_before_confirming(
    importer, chicago, official_factory
):
    """The preview passed, then someone removed an official: the confirmed import saves nothing."""
    doomed = official_factory(name="Gone Soon")
    rows = [
        HEADER,
        ["chicago-il", "brandon-johnson", "2025-01-21", "interview", "Row one.", ""],
        ["chicago-il", "gone-soon", "2025-01-22", "interview", "Row two.", ""],
    ]
    statements = importer("statements_statement")
    preview = statements.upload(csv_file(rows))
    assert "confirm_form" in preview.context
    doomed.delete()

    confirmed = statements.confirm(preview)

    assert confirmed.status_code == 409
    assert "Nothing was imported" in confirmed.content.decode()
    assert Statement.objects.count() == 0


def test_likely_duplicates_are_flagged_in_the_preview_not_dropped(
    importer, chicago, statement_factory
):
    existing = statement_factory(
        jurisdiction=Jurisdiction.objects.get(slug="chicago-il"),
        official=Official.objects.get(slug="brandon-johnson"),
        said_on=datetime.date(2025, 1, 21),
        quote="We will not  help.",
    )
    rows = [
        HEADER,
        ["chicago-il", "brandon-johnson", "2025-01-21", "interview", "We will not help.", ""],
        ["chicago-il", "brandon-johnson", "2025-03-01", "interview", "Something new.", ""],
        ["chicago-il", "brandon-johnson", "2025-03-01", "interview", "something NEW.", ""],
    ]

    preview, confirmed = importer("statements_statement").import_rows(rows)

    warnings = dict(preview.context["result"].warnings)
    assert warnings == {
        1: [
            f"Likely duplicate of statement #{existing.pk} (published) "
            "(same speaker, date and quote)."
        ],
        3: ["Likely duplicate of row 3 of this file (same speaker, date and quote)."],
    }
    page = preview.content.decode()
    assert "Check 2 flagged rows before you confirm" in page
    assert "Row 4: Likely duplicate of row 3 of this file" in page
    assert Statement.objects.count() == 4, "flagged rows are imported once the editor confirms"
    assert "2 imported row(s) were flagged" in confirmed.content.decode()


def test_editor_imports_stances_as_drafts_that_leave_the_headline_alone(
    importer, jurisdiction_factory, agency_factory, source_factory, editor
):
    chicago = jurisdiction_factory(name="Chicago", state="IL")
    agency_factory(jurisdiction=chicago, name="Chicago Police Department")
    source_factory(url="https://news.example.org/policy")
    rows = [
        [
            "jurisdiction",
            "agency",
            "level",
            "effective_from",
            "honours_detainers",
            "sources",
            "status",
        ],
        [
            "chicago-il",
            "Chicago Police Department",
            "Refuses cooperation",
            "2025-01-01",
            "no",
            "https://news.example.org/policy",
            "published",
        ],
    ]

    importer("statements_stance").import_rows(rows)

    stance = Stance.objects.get()
    assert (stance.level, stance.agency.name, stance.honours_detainers) == (
        "refuses",
        "Chicago Police Department",
        "no",
    )
    assert stance.shares_databases == "unknown"
    assert (stance.status, stance.created_by) == (Status.DRAFT, editor)
    chicago.refresh_from_db()
    assert chicago.stance_level == "unknown"


def test_an_agency_is_found_only_within_the_rows_jurisdiction(
    importer, jurisdiction_factory, agency_factory
):
    jurisdiction_factory(name="Chicago", state="IL")
    denver = jurisdiction_factory(name="Denver", state="CO")
    agency_factory(jurisdiction=denver, name="Police Department")
    rows = [
        ["jurisdiction", "agency", "level", "effective_from"],
        ["chicago-il", "Police Department", "limited", "2025-01-01"],
    ]

    preview = importer("statements_stance").upload(csv_file(rows))

    (row,) = preview.context["result"].invalid_rows
    assert row.field_specific_errors == {
        "agency": [
            "No agency named “Police Department” in jurisdiction “chicago-il”. "
            "Add it to the jurisdiction (or import agencies) first."
        ]
    }

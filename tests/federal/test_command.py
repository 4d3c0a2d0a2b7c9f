"""An editor runs import_287g: sees the difference first, writes only with --commit, all or
nothing."""

import io

import pytest
from django.core.management import CommandError, call_command

from cities.models import Agency, Jurisdiction
from federal.models import Agreement, Listing, ListSnapshot
from statements.models import Source, Stance
from tests.federal.conftest import row, write_sheet
from tracker.page_tags import SITE, bump_generation, tag_versions

pytestmark = pytest.mark.django_db


def import_287g(*args) -> str:
    out = io.StringIO()
    call_command("import_287g", *map(str, args), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Agreement, Listing, ListSnapshot, Agency, Jurisdiction, Stance, Source)
    }


def test_a_dry_run_shows_the_difference_and_writes_nothing(sheet, florida):
    path = sheet("05162025am", [
        row("Bay County Sheriff's Office", county="Bay County"),
        row("Sanford Airport Police Department", type_="Municipality"),
        row("City of Miami Springs Police Department", type_="Municipality"),
    ])  # fmt: skip
    before = counts()

    output = import_287g(path)

    assert counts() == before
    assert "participatingAgencies05162025am.xlsx: ICE's participating list of 2025-05-16" in output
    assert "3 rows read (0 blank rows skipped), 2 matched, 1 unmatched." in output
    assert "  Added: 2\n" in output
    assert (
        "    Bay County Sheriff's Office (Bay County, FL): Task Force Model, signed 2025-02-26 "
        "[row 2]\n" in output
    )
    assert (
        "    row 3: Sanford Airport Police Department: no place named “Sanford Airport” in "
        "Florida in the gazetteer\n" in output
    )
    assert "    Miami Springs, FL (miami-springs-fl)\n" in output
    assert output.endswith("Dry run: nothing was written. Run again with --commit to write.\n")


def test_commit_writes_and_a_second_run_finds_nothing_to_change(sheet, florida):
    path = sheet("05162025am", [row("Bay County Sheriff's Office", county="Bay County")])

    assert import_287g(path, "--commit").endswith("Written.\n")
    written = counts()
    again = import_287g(path, "--commit")

    assert "Already imported (same SHA-256): nothing to change." in again
    assert counts() == written
    assert written["Agreement"] == written["ListSnapshot"] == 1


def test_commit_is_all_or_nothing(sheet, florida, tmp_path):
    good = sheet("05162025am", [row("Bay County Sheriff's Office", county="Bay County")])
    (tmp_path / "late").mkdir()
    clash = write_sheet(tmp_path / "late" / "participatingAgencies05162025pm.xlsx",
                        [row("Escambia County Sheriff's Office", county="Escambia County")])  # fmt: skip
    before = counts()

    with pytest.raises(CommandError, match="already imported from .* Nothing was written."):
        import_287g(good, clash, "--commit")

    assert counts() == before


def test_a_sheet_without_icees_name_needs_its_date_and_address(florida, tmp_path):
    path = write_sheet(tmp_path / "ice.xlsx", [row("Bay County Sheriff's Office",
                                                   county="Bay County")])  # fmt: skip

    with pytest.raises(CommandError, match="--listed-on"):
        import_287g(path, "--commit")
    with pytest.raises(CommandError, match="--source-url"):
        import_287g(path, "--listed-on", "2025-08-01", "--commit")
    import_287g(path, "--listed-on", "2025-08-01", "--source-url",
                "https://archive.example.org/ice.xlsx", "--commit")  # fmt: skip

    snapshot = ListSnapshot.objects.get()
    assert (str(snapshot.listed_on), snapshot.source.url) == (
        "2025-08-01",
        "https://archive.example.org/ice.xlsx",
    )


def test_a_committed_import_makes_every_page_read_the_lists_again(
    sheet, florida, django_capture_on_commit_callbacks
):
    """Listings are written in bulk, which sends no save signal: the import itself says that
    every page and every list's counts kept at versions are stale."""
    path = sheet("05162025am", [row("Bay County Sheriff's Office", county="Bay County")])
    before = tag_versions([SITE])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        import_287g(path, "--commit")

    assert bump_generation in callbacks
    assert tag_versions([SITE])[SITE] > before[SITE]

"""A backup carries the federal lists too: agreements, ICE's rows, names, stances, designations."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from federal.models import Agreement, Designation, Listing, ReviewItem
from federal.services import designations_import
from tests.federal.conftest import row, run_import
from tests.tracker.backup.test_dataset import empty_the_database, snapshot

pytestmark = pytest.mark.django_db


def test_a_backup_restores_the_federal_lists_unchanged(sheet, florida, tmp_path):
    run_import(sheet("05162025am", [
        row("City of St. Cloud Police Department", type_="Municipality"),
        row("St. Cloud Police Department", type_="Municipality"),
        row("Bay County Sheriff's Office", county="Bay County"),
        row("Sanford Airport Police Department", type_="Municipality"),
    ]))  # fmt: skip
    run_import(sheet("07182025pm", [row("St. Cloud Police Department", type_="Municipality")]))
    csv = tmp_path / "doj.csv"
    csv.write_text(
        "level,name,state,designated_on,designated_by,source_url\n"
        "county,Bay County,FL,2025-08-05,US Department of Justice,https://www.justice.gov/x\n",
        encoding="utf-8",
    )
    designations_import(path=csv, load_counties=False)
    assert (Agreement.objects.count(), Listing.objects.count(), ReviewItem.objects.count()) == (
        2,
        5,
        1,
    )
    before = snapshot()
    call_command("export_dataset", tmp_path / "tracker.json", verbosity=0)

    empty_the_database()
    Group.objects.get(name="Editors").permissions.clear()
    call_command("import_dataset", tmp_path / "tracker.json", verbosity=0)

    assert snapshot() == before
    bay = Designation.objects.get()
    assert (bay.jurisdiction.slug, bay.designated_on) == (
        "bay-county-fl",
        datetime.date(2025, 8, 5),
    )

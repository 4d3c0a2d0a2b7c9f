"""The Justice Department's list lands on the jurisdictions it means, however DOJ names them."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from cities.models import Jurisdiction, JurisdictionLevel
from federal.models import Designation
from federal.services import designations_import
from tests.federal.conftest import DOJ

pytestmark = pytest.mark.django_db

DOJ_URL = (
    "https://www.justice.gov/ag/us-sanctuary-jurisdiction-list-following-executive-order-14287"
    "-protecting-american-communities"
)


@pytest.fixture
def national(seeded):
    """The founding article's places, then every state and county, as `make run` loads them."""
    call_command("import_counties", stdout=io.StringIO())


def designated(slug: str) -> list[tuple]:
    return list(
        Designation.objects.filter(jurisdiction__slug=slug).values_list(
            "designated_by", "label", "designated_on", "source__url"
        )
    )


def test_the_doj_list_lands_on_the_jurisdictions_it_names(national):
    output = io.StringIO()
    call_command("import_designations", str(DOJ), stdout=output)

    assert output.getvalue() == (
        "35 lines read: 34 designations recorded, 0 already recorded, 1 on a jurisdiction "
        "another line names, 0 unmatched.\n"
        "  line 36: San Francisco → san-francisco-ca, as line 18 (San Francisco County)\n"
    )
    entry = [("US Department of Justice", "sanctuary jurisdiction", datetime.date(2025, 8, 5),
              DOJ_URL)]  # fmt: skip
    # DOJ's "New York City", "District of Columbia" and "San Francisco County" are the places
    # the tracker already holds, not twins of them.
    assert designated("new-york-ny") == entry
    assert designated("washington-dc") == entry
    assert designated("san-francisco-ca") == entry
    assert not Jurisdiction.objects.filter(slug__in=["new-york-city-ny", "san-francisco-county-ca"])
    # New York State is the state, with its own slug, not New York City's.
    state = Jurisdiction.objects.get(slug="new-york")
    assert (state.level, state.name) == (JurisdictionLevel.STATE, "New York")
    assert designated("new-york") == entry
    assert designated("baltimore-county-md") == entry
    assert designated("baltimore-md") == []
    assert Designation.objects.count() == 34
    source = Designation.objects.first().source
    assert (source.publisher, source.title) == (
        "US Department of Justice",
        "U.S. Sanctuary Jurisdiction List Following Executive Order 14287: Protecting American "
        "Communities",
    )


def test_importing_the_list_again_changes_nothing(national):
    designations_import(path=DOJ)
    history = Designation.history.count()

    report = designations_import(path=DOJ)

    assert (report.created, report.unchanged) == ([], 35)
    assert Designation.history.count() == history


def test_a_line_that_matches_no_jurisdiction_is_reported_never_guessed(seeded, tmp_path):
    path = tmp_path / "doj.csv"
    path.write_text(
        "level,name,state,designated_on,designated_by,source_url\n"
        f"city,Springfield,IL,2025-08-05,US Department of Justice,{DOJ_URL}\n"
        f"city,Emerald City,KS,2025-08-05,US Department of Justice,{DOJ_URL}\n"
        f"city,Portland,ME,2025-08-05,US Department of Justice,{DOJ_URL}\n"
        f"county,Gotham County,NY,2025-08-05,US Department of Justice,{DOJ_URL}\n"
        f"town,Chicago,IL,2025-08-05,US Department of Justice,{DOJ_URL}\n",
        encoding="utf-8",
    )

    report = designations_import(path=path, load_counties=False)

    assert report.unmatched == [
        (3, "Emerald City", "no place named “Emerald City” in Kansas in the gazetteer"),
        (5, "Gotham County", "no county named “Gotham County” in New York"),
        (6, "Chicago", "unknown level “town”"),
    ]
    assert [d.jurisdiction.slug for d in Designation.objects.order_by("jurisdiction__slug")] == [
        "portland-me",
        "springfield-il",
    ]


def test_a_designation_is_withdrawn_after_it_was_made(national):
    designations_import(path=DOJ)
    baltimore = Designation.objects.get(jurisdiction__slug="baltimore-county-md")
    baltimore.withdrawn_on = datetime.date(2025, 8, 1)

    with pytest.raises(ValidationError, match="withdrawn on or after it was made"):
        baltimore.full_clean()

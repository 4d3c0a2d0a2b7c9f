"""A journalist reads the national data on the public pages: each place's 287(g) agreements as
ICE lists them, outside designations kept apart from our record (and the page saying where they
disagree), the list filtered and downloaded by them, and the home page showing the country.

The records are made the way the site makes them: small ICE sheets and a small DOJ list
imported through `federal.services`, an editor's stance published through
`statements.services`."""

import re

import pytest
from django.urls import reverse

from cities.models import StanceLevel
from federal.models import (
    Agreement,
    AgreementStatus,
    Designation,
    Listing,
    ReviewItem,
    ReviewKind,
)
from statements import services
from statements.models import Stance
from tests import factories

from .conftest import csv_rows, json_rows
from .national_data import DOJ_URL, MOA, D, build_national, page_of, section, visible


@pytest.fixture
def national(db, tmp_path):
    return build_national(tmp_path)


# -- A place's page --------------------------------------------------------------------------------
def test_a_county_page_keeps_dojs_label_apart_from_our_record_and_says_they_disagree(
    client, national
):
    page = page_of(client, "escambia-county-fl")

    ours, others = section(page, "stance-title"), section(page, "others-title")
    assert ours.startswith("Our record")
    assert "Current stance: Cooperates" in ours
    assert "Escambia County Sheriff's Office: Cooperates, since February 26, 2025" in ours
    assert "sanctuary jurisdiction" not in ours
    assert others.startswith("What others say")
    assert "They are not our finding." in others
    assert "US Department of Justice: “sanctuary jurisdiction”" in others
    assert "Designated on August 5, 2025" in others
    assert "Not withdrawn, as far as we know" in others
    assert "Escambia County's reply No reply recorded." in others
    assert f'href="{DOJ_URL}"' in page
    assert (
        "They disagree. US Department of Justice calls Escambia County a “sanctuary "
        "jurisdiction” (August 5, 2025), while our record shows it cooperates with ICE "
        "through a 287(g) agreement: Escambia County Sheriff's Office (Task Force Model, "
        "signed February 26, 2025), on ICE's list of July 18, 2025."
    ) in visible(page)


def test_an_agency_with_an_agreement_contradicts_the_label_even_under_an_editors_headline(
    client, national
):
    # An editor's stance for the whole county, newer than the sheriff's: the headline follows it.
    factories.PublishedStanceFactory(
        jurisdiction=national["Escambia"], level=StanceLevel.LIMITED, effective_from=D(2025, 6, 1)
    )

    page = page_of(client, "escambia-county-fl")

    assert "Current stance: Limited cooperation" in section(page, "stance-title")
    assert (
        "They disagree. US Department of Justice calls Escambia County a “sanctuary "
        "jurisdiction” (August 5, 2025), while ICE lists an agency of it as cooperating through "
        "a 287(g) agreement: Escambia County Sheriff's Office (Task Force Model, signed "
        "February 26, 2025), on ICE's list of July 18, 2025."
    ) in visible(page)


def test_an_imported_stance_an_editor_unpublished_leaves_our_record_but_not_ices(client, national):
    stance = Stance.objects.get(agency__name="Escambia County Sheriff's Office")
    services.stance_unpublish(stance=stance)

    page = page_of(client, "escambia-county-fl")

    ours = section(page, "stance-title")
    assert "Current stance: Not recorded" in ours
    assert "Escambia County Sheriff's Office: Cooperates" not in ours
    assert "Cooperates" not in section(page, "timeline-title")
    assert "Listed, in force, on ICE's list of July 18, 2025" in section(page, "agreements-title")
    assert "while ICE lists an agency of it as cooperating through a 287(g) agreement" in (
        visible(page)
    )


def test_a_county_page_lists_its_agencies_agreements_as_ice_lists_them(client, national):
    page = page_of(client, "escambia-county-fl")

    agreements = section(page, "agreements-title")
    assert (
        "Escambia County Sheriff's Office Listed, in force, on ICE's list of July 18, 2025 "
        "Task Force Model February 26, 2025 Agreement (MOA), Escambia County Sheriff's Office, "
        "Task Force Model May 16, 2025 July 18, 2025"
    ) in agreements
    assert "not the county government" in agreements
    assert f'<a href="{MOA}">Agreement (MOA)' in page


def test_an_agreement_ice_no_longer_lists_reads_as_ended_never_as_in_force(client, national):
    page = page_of(client, "bay-county-fl")

    agreements = section(page, "agreements-title")
    assert "Ended: no longer listed by ICE on July 18, 2025" in agreements
    assert "Listed, in force" not in agreements
    assert "Current stance: Not recorded" in section(page, "stance-title")
    # The stance the agreement made has ended; our record has nothing current to compare.
    assert "They disagree" not in page
    assert (
        "Nothing of ours to compare. US Department of Justice calls Bay County a “sanctuary "
        "jurisdiction” (August 5, 2025); we have no published stance of our own"
    ) in visible(page)
    timeline = section(page, "timeline-title")
    assert "March 1, 2024 to July 18, 2025: Bay County Sheriff's Office, Cooperates" in timeline


def test_a_pending_application_is_shown_as_pending_and_makes_no_stance(client, national):
    page = page_of(client, "osceola-county-fl")

    agreements = section(page, "agreements-title")
    assert (
        "Osceola County Sheriff's Office Pending: an application on ICE's list of July 18, "
        "2025, not in force Jail Enforcement Model Not signed No link on ICE's list"
    ) in agreements
    assert "Listed, in force" not in agreements
    assert "Current stance: Not recorded" in section(page, "stance-title")
    assert national["Osceola"].stance_level == StanceLevel.UNKNOWN


def test_where_our_record_limits_cooperation_too_the_page_says_they_agree(client, national):
    page = page_of(client, "miami-dade-county-fl")

    assert (
        "They agree. US Department of Justice calls Miami-Dade County a “sanctuary "
        "jurisdiction” (August 5, 2025); our record also shows it limits its cooperation "
        "(current stance: Refuses cooperation)."
    ) in visible(page)
    assert "ICE's lists that we hold show no 287(g) agreement or application" in page


def test_a_withdrawn_designation_shows_its_date_and_the_places_reply_and_is_not_compared(
    client, national
):
    designation = Designation.objects.get(jurisdiction=national["Miami-Dade"])
    reply = factories.SourceFactory(
        publisher="Miami-Dade County", title="The county answers the Justice Department"
    )
    designation.withdrawn_on = D(2025, 9, 1)
    designation.reply = "Our inclusion on this list was an error."
    designation.reply_source = reply
    designation.save()

    page = page_of(client, "miami-dade-county-fl")

    others = section(page, "others-title")
    assert "Withdrawn on September 1, 2025" in others
    assert (
        "Miami-Dade County's reply Our inclusion on this list was an error. Miami-Dade County, "
        "“The county answers the Justice Department”"
    ) in others
    assert "They agree" not in page
    listed = client.get(reverse("cities:list"), {"designation": "any"})
    assert "Miami-Dade County" not in [j.name for j in listed.context["object_list"]]


def test_a_state_page_counts_the_places_in_it_whose_agencies_hold_an_agreement(client, national):
    page = page_of(client, "florida")

    assert "<h1>Florida</h1>" in page
    agreements = section(page, "agreements-title")
    assert (
        "Elsewhere in Florida, 1 place (counties and cities) have an agency with an agreement "
        "on ICE's latest list; each binds that agency, not the state government."
    ) in agreements
    assert 'href="/cities/?state=FL&amp;agreement=listed"' in page


def test_review_notes_and_unmatched_rows_stay_in_the_admin(client, national):
    unmatched = Listing.objects.get(agency_name="Atlantis County Sheriff's Office")
    assert unmatched.problem  # kept for an editor, with the reason
    ReviewItem.objects.create(
        kind=ReviewKind.STANCE_DISAGREES, key="test", message="Zqx: an editor's working note."
    )
    urls = [
        reverse("cities:home"),
        reverse("cities:list"),
        reverse("cities:list") + "?format=csv",
        reverse("cities:list") + "?format=json",
        reverse("pages:methodology"),
        *(place.get_absolute_url() for place in national.values()),
    ]
    for url in urls:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert "Atlantis" not in body.decode(), url
        assert "Zqx" not in body.decode(), url


# -- The list ----------------------------------------------------------------------------------------
def names(response) -> list[str]:
    return [j.name for j in response.context["object_list"]]


def test_a_journalist_lists_the_places_doj_designated_and_those_with_an_agreement(client, national):
    cities = reverse("cities:list")

    designated = client.get(cities, {"designation": "us-department-of-justice"})
    assert names(designated) == ["Bay County", "Escambia County", "Miami-Dade County"]
    assert names(client.get(cities, {"designation": "any", "agreement": "listed"})) == [
        "Escambia County"
    ]
    assert names(client.get(cities, {"agreement": "pending"})) == ["Osceola County"]
    assert names(client.get(cities, {"agreement": "no_longer_listed"})) == ["Bay County"]
    assert names(client.get(cities, {"designation": "none", "level": "county"})) == [
        "Osceola County"
    ]
    by_label = client.get(
        cities, {"designation": "us-department-of-justice-sanctuary-jurisdiction"}
    )
    assert len(names(by_label)) == 3
    assert "Designated by others: US Department of Justice: “sanctuary jurisdiction”" in (
        by_label.context["filterset"].describe()
    )


def test_the_list_counts_each_designation_and_agreement_status_beside_the_filter(client, national):
    facets = client.get(reverse("cities:list"), {"level": "county"}).context["facets"]

    designation = {o.label: o.count for o in facets["designation"].options}
    assert designation == {
        "Designated by any outside body": 3,
        "Not designated": 1,
        "US Department of Justice": 3,
    }
    agreement = {o.value: o.count for o in facets["agreement"].options}
    assert agreement == {"listed": 1, "pending": 1, "no_longer_listed": 1, "none": 1}
    level = {o.value: o.count for o in facets["level"].options}
    assert level == {"county": 4, "state": 1}


def test_the_list_rows_show_agreements_and_designations_apart_from_the_stance(client, national):
    page = client.get(reverse("cities:list"), {"state": "FL"}).content.decode()

    rows = {
        visible(cells).split(" ")[0]: visible(cells)
        for cells in re.findall(r"<tr>\s*<th scope=\"row\"[^>]*>(.*?)</tr>", page, re.S)
    }
    assert rows["Escambia"] == (
        "Escambia County County Florida Cooperates 1 “sanctuary jurisdiction” US Department of "
        "Justice, 2025 None yet"
    )
    assert rows["Osceola"] == "Osceola County County Florida Not recorded 0 +1 pending None yet"


def test_a_bad_designation_is_refused_with_a_message(client, national):
    response = client.get(reverse("cities:list"), {"designation": "doj-2031"})

    assert response.status_code == 400
    assert "No outside body's designation is called “doj-2031”" in visible(
        response.content.decode()
    )
    download = client.get(reverse("cities:list"), {"designation": "doj-2031", "format": "csv"})
    assert download.status_code == 400


def test_the_downloads_carry_agreement_counts_and_designations_at_the_end(client, national):
    rows = csv_rows(client.get(reverse("cities:list"), {"state": "FL", "format": "csv"}))

    header = list(rows[0])
    # The earlier columns keep their names and places; the new ones come after them.
    assert header[:20] == [
        "slug", "name", "state", "state_name", "level", "population", "latitude", "longitude",
        "stance", "stance_label", "stance_effective_from", "statement_count",
        "latest_statement_on", "url", "stance_source_publishers", "stance_source_titles",
        "stance_source_urls", "stance_source_dates", "stance_source_archived_urls",
        "stance_source_cited_in",
    ]  # fmt: skip
    assert header[20:] == [
        "agreements_287g_listed",
        "agreements_287g_pending",
        "agreements_287g_no_longer_listed",
        "designations_in_force",
        "designated_by",
        "designation_labels",
        "designation_dates",
        "designation_withdrawn_on",
        "designation_source_urls",
    ]
    by_slug = {r["slug"]: r for r in rows}
    escambia = by_slug["escambia-county-fl"]
    assert {k: escambia[k] for k in header[20:]} == {
        "agreements_287g_listed": "1",
        "agreements_287g_pending": "0",
        "agreements_287g_no_longer_listed": "0",
        "designations_in_force": "1",
        "designated_by": "US Department of Justice",
        "designation_labels": "sanctuary jurisdiction",
        "designation_dates": "2025-08-05",
        "designation_withdrawn_on": "",
        "designation_source_urls": DOJ_URL,
    }
    assert by_slug["bay-county-fl"]["agreements_287g_no_longer_listed"] == "1"
    assert by_slug["osceola-county-fl"]["agreements_287g_pending"] == "1"
    assert by_slug["osceola-county-fl"]["designated_by"] == ""


def test_the_json_download_holds_each_designation_with_its_reply(client, national):
    designation = Designation.objects.get(jurisdiction=national["Bay"])
    designation.reply = "We cooperate with ICE."
    designation.save()

    rows = json_rows(client.get(reverse("cities:list"), {"state": "FL", "format": "json"}))

    bay = next(r for r in rows if r["slug"] == "bay-county-fl")
    assert bay["agreements_287g_no_longer_listed"] == 1
    assert bay["designations_in_force"] == 1
    assert bay["designations"] == [
        {
            "designated_by": "US Department of Justice",
            "label": "sanctuary jurisdiction",
            "designated_on": "2025-08-05",
            "withdrawn_on": None,
            "source": {
                "publisher": "US Department of Justice",
                "title": designation.source.title,
                "url": DOJ_URL,
                "published_on": "2025-08-05",
                "archived_url": "",
                "cited_in": None,
            },
            "reply": "We cooperate with ICE.",
            "reply_source": None,
        }
    ]


# -- The home page ------------------------------------------------------------------------------------
def test_the_home_page_shows_the_country_with_links_into_the_lists(client, national):
    page = client.get(reverse("cities:home")).content.decode()

    country = section(page, "country-title")
    assert "1 jurisdiction with a 287(g) agreement" in country
    assert "on ICE's list of July 18, 2025: 1 counties, 0 cities, 0 states." in country
    assert "1 agreement in all, and 1 pending application." in country
    assert "3 jurisdictions designated “sanctuary jurisdiction”" in country
    assert "By the US Department of Justice, on August 5, 2025: its label, not our finding." in (
        country
    )
    assert 'href="/cities/?agreement=listed"' in page
    assert 'href="/cities/?agreement=listed&amp;level=county"' in page
    assert 'href="/cities/?designation=us-department-of-justice-sanctuary-jurisdiction"' in page
    assert "4 counties" in country


def test_no_agreement_counts_on_the_home_page_until_ice_lists_it(client, national):
    Agreement.objects.filter(status=AgreementStatus.LISTED).update(
        status=AgreementStatus.NO_LONGER_LISTED, ended_on=D(2025, 9, 1)
    )

    country = section(client.get(reverse("cities:home")).content.decode(), "country-title")

    assert "0 jurisdictions with a 287(g) agreement" in country


def test_the_designation_filter_offers_todays_choices_after_a_schema_read_the_class(
    client, national
):
    """The API's schema generator (and `check --deploy`) builds the class's form field once;
    a later request must still offer the designations that exist now, not that moment's."""
    from public.places.filters import JurisdictionFilter

    JurisdictionFilter.base_filters["designation"].field  # noqa: B018  (what the schema does)

    listed = client.get(reverse("cities:list"), {"designation": "any"})

    assert listed.status_code == 200
    assert "Miami-Dade County" in [j.name for j in listed.context["object_list"]]

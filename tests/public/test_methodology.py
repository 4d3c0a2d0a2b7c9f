"""A journalist reads how the tracker works before quoting it: what each stance means, how an
ICE agreement becomes one, what a designation is not, where each source stops, and whom to
write to about an error; the figures cited are the records' own."""

import pytest
from django.urls import reverse

from federal.models import Designation
from tests import factories

from .national_data import build_national, section, visible

METHODOLOGY = "/methodology/"


@pytest.fixture
def national(db, tmp_path):
    return build_national(tmp_path)


def read(client) -> str:
    response = client.get(reverse("pages:methodology"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_methodology_page_is_linked_from_every_pages_footer(client, national):
    pages = [
        reverse("cities:home"),
        reverse("cities:list"),
        national["Escambia"].get_absolute_url(),
        reverse("statements:list"),
        reverse("statements:changes"),
        METHODOLOGY,
    ]
    assert reverse("pages:methodology") == METHODOLOGY
    for url in pages:
        page = client.get(url).content.decode()
        footer = page[page.index('<footer class="site-footer">') :]
        assert (
            f'<a href="{METHODOLOGY}">Methodology: how we work and how to report an error</a>'
            in (footer)
        ), url


def test_it_says_what_each_stance_level_means(client, db):
    stances = section(read(client), "stances")

    assert "Refuses cooperation The sources show the police declining to help ICE" in stances
    assert "Limited cooperation The police help ICE in some ways and not in others" in stances
    assert "Cooperates The police help ICE as ICE asks, or by agreement" in stances
    assert (
        "No public position We have found no published source stating a position. It is not a "
        "finding that the place cooperates or refuses"
    ) in stances


def test_it_gives_the_importers_rule_for_turning_an_agreement_into_a_stance(client, db):
    rule = section(read(client), "agreements")

    assert (
        "An agency on ICE's latest list of participating agencies has a published stance "
        "Cooperates, with “has a 287(g) agreement: yes”, effective from the earliest signing "
        "date of its agreements"
    ) in rule
    assert "When ICE stops listing its last agreement, that stance ends" in rule
    assert "“no longer listed by ICE on” that date" in rule
    assert "A pending application makes no stance" in rule
    assert "The import never overwrites a stance an editor wrote." in rule
    for model in ("Jail Enforcement Model", "Task Force Model", "Warrant Service Officer"):
        assert model in rule


def test_it_says_what_a_designation_is_not(client, db):
    designations = section(read(client), "designations")

    assert "A designation is not our finding." in designations
    assert "What others say, beside Our record" in designations
    assert "It said the list is not exhaustive and would be reviewed" in designations
    assert "Baltimore County's executive said the county's inclusion was an error." in (
        designations
    )


def test_it_names_each_sources_limits_with_the_dates_of_the_lists_we_hold(client, national):
    limits = section(read(client), "limits")

    assert "ICE overwrites its list in place, without earlier versions or identifiers." in limits
    assert (
        "“First listed” and “last listed” are the dates of the copies we hold (May 16, 2025 and "
        "July 18, 2025)"
    ) in limits
    assert "A sheriff's agreement binds the sheriff's office, not the county government" in limits
    assert (
        "1 row of the sheets (0 of 1 in the participating agencies list of July 18, 2025; 0 of 1 "
        "in the pending agencies list of July 18, 2025; 1 of 3 in the participating agencies "
        "list of May 16, 2025) could not be matched"
    ) in limits
    assert "docs/national-data.md" in limits


def test_the_figures_are_counted_from_the_records(client, national):
    figures = section(read(client), "figures")

    assert (
        "ICE's 287(g) lists we hold: participating agencies of July 18, 2025; pending agencies "
        "of July 18, 2025; participating agencies of May 16, 2025."
    ) in figures
    assert (
        "1 agreement of 1 agency on ICE's latest list (July 18, 2025): 0 Jail Enforcement "
        "Model, 1 Task Force Model, 0 Warrant Service Officer. 1 more is no longer listed; 1 "
        "application pending on the list of July 18, 2025."
    ) in figures
    assert "Places with an agency on ICE's latest list: 1 of 4 counties, 0 cities and 0 states" in (
        figures
    )
    assert (
        "US Department of Justice, “sanctuary jurisdiction”, August 5, 2025: 3 jurisdictions"
    ) in figures

    # A withdrawal and a new designation change the figures: nothing is written into the page.
    withdrawn = Designation.objects.get(jurisdiction=national["Bay"])
    withdrawn.withdrawn_on = withdrawn.designated_on
    withdrawn.save()
    Designation.objects.create(
        jurisdiction=national["Osceola"],
        designated_by="Center for Example Studies",
        label="sanctuary county",
        designated_on=withdrawn.designated_on,
        source=factories.SourceFactory(),
    )
    figures = section(read(client), "figures")
    assert "2 jurisdictions, and 1 withdrawn since" in figures
    assert "Center for Example Studies, “sanctuary county”, August 5, 2025: 1 jurisdiction" in (
        figures
    )
    page = read(client)
    assert 'href="/cities/?designation=center-for-example-studies-sanctuary-county"' in page
    assert 'href="/cities/?agreement=listed&amp;level=county"' in page


def test_with_nothing_imported_the_figures_say_so(client, db):
    figures = section(read(client), "figures")

    assert "ICE's 287(g) lists we hold: none yet." in figures
    assert "No outside body's designation is recorded yet." in figures
    assert "Places with an agency on ICE's latest list: 0 of 0 counties, 0 cities and 0 states" in (
        figures
    )


def test_a_reader_knows_where_to_report_an_error(client, db, settings):
    assert settings.CORRECTIONS_EMAIL == "corrections@example.org"  # a safe default
    settings.CORRECTIONS_EMAIL = "desk@newsroom.example"

    page = read(client)

    corrections = section(page, "corrections")
    assert corrections.startswith("How to report an error Write to desk@newsroom.example")
    assert "what is wrong, and a source that shows it" in corrections
    assert '<a href="mailto:desk@newsroom.example?subject=Correction">' in page
    assert f'href="{reverse("statements:changes")}"' in page
    assert "Methodology" in visible(page)

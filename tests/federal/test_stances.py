"""Stances follow the agreements: a journalist sees an agency ICE lists as cooperating, from its
signing date, citing ICE; an editor's own stance is never overwritten."""

import datetime

import pytest

from cities.models import Agency, StanceLevel
from federal.models import ImportedStance, ReviewItem, ReviewKind
from federal.stances import agency_stances_sync
from statements import services
from statements.models import Practice, Stance, Status
from tests.factories import AgencyFactory, SourceFactory, StanceFactory
from tests.federal.conftest import row, run_import, safelink

pytestmark = pytest.mark.django_db

D = datetime.date
T = datetime.datetime
MOA = "https://www.ice.gov/doclib/287gMOA/escambiaCo_TFM_MOA_02.26.2025.pdf"
MAY_LIST = "https://www.ice.gov/doclib/about/offices/ero/287g/participatingAgencies05162025am.xlsx"
JULY_LIST = "https://www.ice.gov/doclib/about/offices/ero/287g/participatingAgencies07182025pm.xlsx"


def stance_of(name: str) -> Stance:
    return Stance.objects.get(agency__name=name)


def test_an_agency_ice_lists_cooperates_from_its_earliest_signing_date(sheet, florida):
    run_import(sheet("05162025am", [
        row("Escambia County Sheriff's Office", county="Escambia County", signed=T(2025, 2, 26),
            moa=safelink(MOA)),
        row("Escambia County Sheriff's Office", county="Escambia County",
            support="Warrant Service Officer", signed=T(2019, 10, 15)),
    ]))  # fmt: skip

    stance = stance_of("Escambia County Sheriff's Office")
    assert (stance.level, stance.has_287g_agreement, stance.status) == (
        StanceLevel.COOPERATES,
        Practice.YES,
        Status.PUBLISHED,
    )
    assert (stance.effective_from, stance.ended_on) == (D(2019, 10, 15), None)
    assert stance.jurisdiction == florida["Escambia"]
    assert sorted(stance.sources.values_list("url", flat=True)) == [MOA, MAY_LIST]
    assert stance.summary == (
        "ICE lists Escambia County Sheriff's Office as a 287(g) participating agency (Task "
        "Force Model, signed 2025-02-26; Warrant Service Officer, signed 2019-10-15)."
    )
    florida["Escambia"].refresh_from_db()
    assert florida["Escambia"].stance_level == StanceLevel.COOPERATES
    assert ImportedStance.objects.get().stance == stance


def test_when_its_last_agreement_ends_the_stance_ends_that_day_and_the_headline_follows(
    sheet, florida
):
    run_import(sheet("05162025am", [row("Bay County Sheriff's Office", county="Bay County")]))
    report = run_import(sheet("07182025pm", [
        row("Escambia County Sheriff's Office", county="Escambia County"),
    ]))  # fmt: skip

    stance = stance_of("Bay County Sheriff's Office")
    assert (stance.effective_from, stance.ended_on, stance.status) == (
        D(2025, 2, 26),
        D(2025, 7, 18),
        Status.PUBLISHED,
    )
    assert stance.summary.endswith("its list of 2025-07-18 no longer does.")
    assert JULY_LIST in stance.sources.values_list("url", flat=True)
    assert stance.history.first().history_change_reason == "No longer listed by ICE on 2025-07-18"
    assert report.stances.ended == [stance]
    florida["Bay"].refresh_from_db()
    assert florida["Bay"].stance_level == StanceLevel.UNKNOWN


def test_an_editors_stance_is_never_overwritten_and_the_disagreement_is_listed_for_review(
    sheet, florida
):
    sheriff = AgencyFactory(
        jurisdiction=florida["Escambia"], name="Escambia County Sheriff's Office", kind="sheriff"
    )
    editors = StanceFactory(
        jurisdiction=florida["Escambia"],
        agency=sheriff,
        level=StanceLevel.REFUSES,
        effective_from=D(2024, 1, 10),
        sources=[SourceFactory()],
    )
    services.stance_publish(stance=editors)

    run_import(sheet("05162025am", [
        row("Escambia County Sheriff's Office", county="Escambia County"),
    ]))  # fmt: skip

    editors.refresh_from_db()
    assert (editors.level, editors.effective_from, editors.ended_on, editors.status) == (
        StanceLevel.REFUSES,
        D(2024, 1, 10),
        None,
        Status.PUBLISHED,
    )
    assert list(Stance.objects.filter(agency=sheriff)) == [editors]
    assert not ImportedStance.objects.exists()
    item = ReviewItem.objects.get()
    assert (item.kind, item.agency, item.stance) == (ReviewKind.STANCE_DISAGREES, sheriff, editors)
    assert "says “Refuses cooperation”" in item.message


def test_an_editors_stance_that_agrees_is_left_alone_without_a_review(sheet, florida):
    sheriff = AgencyFactory(
        jurisdiction=florida["Bay"], name="Bay County Sheriff's Office", kind="sheriff"
    )
    editors = StanceFactory(
        jurisdiction=florida["Bay"], agency=sheriff, level=StanceLevel.COOPERATES,
        effective_from=D(2025, 3, 1), has_287g_agreement=Practice.YES,
    )  # fmt: skip
    services.stance_publish(stance=editors)

    run_import(sheet("05162025am", [row("Bay County Sheriff's Office", county="Bay County")]))

    assert list(Stance.objects.filter(agency=sheriff)) == [editors]
    assert not ReviewItem.objects.exists()


def test_an_imported_stance_an_editor_retracted_stays_retracted(sheet, florida):
    run_import(sheet("05162025am", [row("Bay County Sheriff's Office", county="Bay County")]))
    stance = stance_of("Bay County Sheriff's Office")
    services.stance_retract(stance=stance, reason="The sheriff ended the agreement in May.")

    run_import(sheet("07182025pm", [row("Bay County Sheriff's Office", county="Bay County")]))

    stance.refresh_from_db()
    assert (stance.status, stance.ended_on) == (Status.RETRACTED, None)
    assert Stance.objects.filter(agency__name="Bay County Sheriff's Office").count() == 1


def test_syncing_again_writes_nothing(sheet, florida):
    run_import(sheet("05162025am", [row("Bay County Sheriff's Office", county="Bay County")]))
    history = Stance.history.count()

    report = agency_stances_sync()

    assert (report.created, report.updated, report.ended) == ([], [], [])
    assert Stance.history.count() == history
    assert Agency.objects.get().imported_stance.stance.is_published

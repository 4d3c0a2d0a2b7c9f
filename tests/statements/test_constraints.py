"""The database refuses bad statements, stances, sources and events written around the forms;
model validation says the same rules, each with its message on its field."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from statements.models import Event, Source, Stance, Statement, Status
from tests.factories import (
    AgencyFactory,
    EventFactory,
    JurisdictionFactory,
    OfficialFactory,
    SourceFactory,
    StanceFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

JUNE_21 = datetime.date(2019, 6, 21)


def refused(write) -> bool:
    """Run `write` in its own savepoint; True when the database refused it."""
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


def said(**fields):
    values = {
        "jurisdiction": JurisdictionFactory(),
        "official": OfficialFactory(),
        "said_on": JUNE_21,
        "medium": "press_statement",
        "quote": "We will not help.",
    }
    return Statement.objects.create(**{**values, **fields})


def stance(**fields):
    values = {
        "jurisdiction": JurisdictionFactory(),
        "level": "refuses",
        "effective_from": JUNE_21,
        "status": Status.PUBLISHED,
    }
    return Stance.objects.create(**{**values, **fields})


# Statements


def test_database_refuses_a_statement_with_no_speaker():
    assert refused(lambda: said(official=None, agency=None))
    assert not Statement.objects.exists()


def test_an_agency_alone_may_speak():
    police = AgencyFactory()
    said(official=None, agency=police, jurisdiction=police.jurisdiction)
    assert Statement.objects.get().speaker_name == police.name


def test_database_refuses_a_statement_with_neither_quote_nor_summary():
    assert refused(lambda: said(quote="", summary=""))
    assert not Statement.objects.exists()


def test_database_refuses_erasing_the_only_words_of_a_statement():
    statement = said(quote="", summary="Warned residents of the raids.")
    assert refused(lambda: Statement.objects.filter(pk=statement.pk).update(summary=""))
    statement.refresh_from_db()
    assert statement.summary == "Warned residents of the raids."


@pytest.mark.parametrize(
    "bad", [{"medium": "carrier_pigeon"}, {"status": "pending"}], ids=["medium", "status"]
)
def test_database_refuses_a_statement_choice_outside_the_list(bad):
    assert refused(lambda: said(**bad))
    assert not Statement.objects.exists()


# Stances


def test_database_refuses_a_stance_that_ends_before_it_starts():
    assert refused(lambda: stance(ended_on=datetime.date(2019, 6, 20)))
    assert not Stance.objects.exists()


def test_a_stance_may_end_the_day_it_starts():
    stance(ended_on=JUNE_21)
    assert Stance.objects.get().is_current is False


def test_one_current_published_stance_per_jurisdiction_and_agency():
    police = AgencyFactory()
    stance(jurisdiction=police.jurisdiction, agency=police)
    assert refused(
        lambda: stance(
            jurisdiction=police.jurisdiction,
            agency=police,
            level="limited",
            effective_from=datetime.date(2019, 7, 1),
        )
    )
    assert list(Stance.objects.values_list("level", flat=True)) == ["refuses"]


def test_one_current_published_jurisdiction_wide_stance_even_with_no_agency():
    # NULL agencies are never equal to each other; the constraint coalesces them so it still holds.
    gotham = JurisdictionFactory()
    stance(jurisdiction=gotham, agency=None)
    assert refused(lambda: stance(jurisdiction=gotham, agency=None, level="cooperates"))
    assert Stance.objects.filter(jurisdiction=gotham).count() == 1


def test_reopening_an_ended_stance_beside_the_current_one_is_refused():
    gotham = JurisdictionFactory()
    old = stance(jurisdiction=gotham, ended_on=datetime.date(2019, 7, 1))
    stance(jurisdiction=gotham, level="limited", effective_from=datetime.date(2019, 7, 1))
    assert refused(lambda: Stance.objects.filter(pk=old.pk).update(ended_on=None))
    old.refresh_from_db()
    assert old.ended_on == datetime.date(2019, 7, 1)


def test_current_stances_may_coexist_for_different_agencies_drafts_and_ended_ones():
    gotham = JurisdictionFactory()
    police = AgencyFactory(jurisdiction=gotham)
    sheriff = AgencyFactory(jurisdiction=gotham, kind="sheriff")
    stance(jurisdiction=gotham)  # jurisdiction-wide
    stance(jurisdiction=gotham, agency=police)
    stance(jurisdiction=gotham, agency=sheriff)
    stance(jurisdiction=gotham, agency=police, status=Status.DRAFT, level="limited")
    stance(jurisdiction=gotham, agency=police, ended_on=datetime.date(2019, 6, 22))
    assert Stance.objects.filter(jurisdiction=gotham).count() == 5


@pytest.mark.parametrize(
    "bad",
    [
        {"level": "sometimes"},
        {"status": "pending"},
        {"joins_ice_operations": "maybe"},
        {"shares_databases": "maybe"},
        {"honours_detainers": "maybe"},
        {"notifies_releases": "maybe"},
        {"has_287g_agreement": "maybe"},
        {"declared_sanctuary": "maybe"},
    ],
    ids=lambda bad: next(iter(bad)),
)
def test_database_refuses_a_stance_choice_outside_the_list(bad):
    assert refused(lambda: stance(**bad))
    assert not Stance.objects.exists()


# Sources


def test_database_refuses_a_source_with_neither_url_nor_citing_source():
    assert refused(lambda: Source.objects.create(publisher="Word of mouth", url=""))
    assert not Source.objects.exists()


def test_a_source_known_only_through_another_needs_no_url():
    huffpost = SourceFactory(publisher="HuffPost")
    Source.objects.create(publisher="The Denver Post", url="", cited_in=huffpost)
    assert Source.objects.get(publisher="The Denver Post").cited_in == huffpost


def test_two_sources_cannot_share_a_url():
    SourceFactory(url="https://news.example.org/raids")
    assert refused(
        lambda: Source.objects.create(publisher="Copycat", url="https://news.example.org/raids")
    )
    assert Source.objects.count() == 1


def test_an_outlet_is_recorded_once_per_citing_source():
    huffpost = SourceFactory(publisher="HuffPost")
    Source.objects.create(publisher="CBS Baltimore", url="", cited_in=huffpost)
    assert refused(
        lambda: Source.objects.create(publisher="CBS Baltimore", url="", cited_in=huffpost)
    )
    assert Source.objects.filter(publisher="CBS Baltimore").count() == 1


def test_a_source_cannot_cite_itself():
    source = SourceFactory()
    assert refused(lambda: Source.objects.filter(pk=source.pk).update(cited_in=source))


# Events


def test_database_refuses_an_event_that_ends_before_it_starts():
    assert refused(
        lambda: Event.objects.create(
            name="Raids",
            slug="raids",
            starts_on=datetime.date(2019, 6, 23),
            ends_on=datetime.date(2019, 6, 22),
        )
    )
    assert not Event.objects.exists()


def test_two_events_cannot_share_a_slug():
    EventFactory(slug="raids")
    assert refused(
        lambda: Event.objects.create(name="Other raids", slug="raids", starts_on=JUNE_21)
    )
    assert Event.objects.count() == 1


def test_factories_build_valid_published_statements_and_draft_stances():
    statement, draft = StatementFactory(), StanceFactory()
    assert statement.status == Status.PUBLISHED and statement.sources.count() == 1
    assert draft.status == Status.DRAFT and draft.sources.count() == 1


# The same rules, as an editor meets them: model validation gives each its message on its field,
# the one the admin's forms and the import's rows both show.


def messages_of(record) -> dict:
    with pytest.raises(ValidationError) as refused_by:
        record.full_clean()
    return refused_by.value.message_dict


def test_model_validation_asks_who_spoke_and_what_was_said():
    statement = StatementFactory.build(
        jurisdiction=JurisdictionFactory(), official=None, agency=None, quote="", summary=""
    )
    assert messages_of(statement) == {
        "official": ["Say who spoke: choose an official, an agency, or both."],
        "quote": ["Give the verbatim quote, a summary, or both."],
    }


def test_model_validation_asks_a_source_for_a_url_or_a_citing_source():
    assert messages_of(Source(publisher="Word of mouth", url="")) == {
        "url": ["Give the URL, or choose under “cited in” the source that names this one."]
    }


def test_model_validation_says_a_source_cannot_be_cited_in_itself():
    source = SourceFactory()
    source.cited_in = source
    assert messages_of(source) == {"cited_in": ["A source cannot be cited in itself."]}


def test_model_validation_says_stances_and_events_cannot_end_before_they_start():
    draft = Stance(
        jurisdiction=JurisdictionFactory(),
        level="refuses",
        effective_from=JUNE_21,
        ended_on=datetime.date(2019, 6, 20),
    )
    assert messages_of(draft) == {"ended_on": ["A stance cannot end before it takes effect."]}
    raids = Event(name="Raids", slug="raids", starts_on=JUNE_21, ends_on=datetime.date(2019, 6, 1))
    assert messages_of(raids) == {"ends_on": ["An event cannot end before it starts."]}


def test_model_validation_says_another_stance_is_current():
    police = AgencyFactory()
    stance(jurisdiction=police.jurisdiction, agency=police)
    rival = Stance(
        jurisdiction=police.jurisdiction,
        agency=police,
        level="limited",
        effective_from=datetime.date(2019, 7, 1),
        status=Status.PUBLISHED,
    )
    assert messages_of(rival) == {
        "ended_on": [
            "Another published stance for this jurisdiction and agency is current. Give this "
            "one an end date, or record a new stance and publish it instead."
        ]
    }


def test_a_valid_stance_meets_its_eleven_check_constraints_in_one_query(
    django_assert_num_queries,
):
    """One query (in a savepoint) for all check constraints, one for the unique one: not a
    query and a savepoint for each of twelve, on every import row."""
    draft = StanceFactory()
    with django_assert_num_queries(6):
        draft.validate_constraints()

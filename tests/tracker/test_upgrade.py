"""A newsroom's database at the last release upgrades to today's code with every row intact.

The test rewinds the test database to the release's migrations, writes a newsroom's records
with the models as they were then, migrates forward to today's migrations and compares every
row of every table of the curated apps, field by field. Then today's code reads the records and
today's constraints hold. Plain ORM calls only, so it runs alike on SQLite and PostgreSQL.
"""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from tracker.apps import DATA_APPS

# The migration leaves of the last release. A project app not named here had no migrations
# then (federal, tracker), so it is rewound to none.
RELEASE = {
    "cities": "0002_gazetteer_places_versions_synthetic_flag",
    "statements": "0007_statement_medium_index",
}
PROJECT_APPS = ("tracker", *DATA_APPS)
# Tables whose rows the release held and the upgrade must keep.
KEPT_APPS = ("cities", "statements")

# Statement.search_vector is PostgreSQL's index of the quote, summary and (since statements
# 0009) the speaker's and place's names: the upgrade recomputes it.
DERIVED_COLUMNS = {"search_vector"}

SAID_ON = datetime.date(2019, 6, 21)
WHEN = datetime.datetime(2019, 6, 22, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def executor():
    """A migration executor; the database is back at today's migrations when the test ends,
    whatever happened in it."""
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        yield executor
    finally:
        executor.loader.build_graph()
        executor.migrate(latest)


def release_targets(executor) -> list[tuple[str, str | None]]:
    migrated_apps = {app for app, _ in executor.loader.graph.nodes}
    return [(app, RELEASE.get(app)) for app in PROJECT_APPS if app in migrated_apps]


def snapshot(apps, labels=None) -> dict[str, list[dict]]:
    """Every row of the kept apps' tables (many-to-many and history tables included), by model
    label, in primary-key order: one query per table."""
    models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in KEPT_APPS
        or model._meta.label_lower == settings.AUTH_USER_MODEL.lower()
    ]
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in models
        if labels is None or model._meta.label in labels
    }


def newsroom_at_release(apps) -> dict[str, int]:
    """Write one of each kind of record with the release's models; return their ids by name."""
    User = apps.get_model(settings.AUTH_USER_MODEL)
    Place = apps.get_model("cities", "Place")
    Jurisdiction = apps.get_model("cities", "Jurisdiction")
    Agency = apps.get_model("cities", "Agency")
    Official = apps.get_model("cities", "Official")
    Role = apps.get_model("cities", "Role")
    Source = apps.get_model("statements", "Source")
    Event = apps.get_model("statements", "Event")
    Statement = apps.get_model("statements", "Statement")
    Stance = apps.get_model("statements", "Stance")
    Correction = apps.get_model("statements", "Correction")
    HistoricalStatement = apps.get_model("statements", "HistoricalStatement")
    HistoricalStatementSources = apps.get_model("statements", "HistoricalStatement_sources")

    editor = User.objects.create(username="editor", password="!", is_staff=True)
    place = Place.objects.create(
        geonameid=5809844,
        name="Seattle",
        state="WA",
        latitude=47.60621,
        longitude=-122.33207,
        population=737015,
        timezone="America/Los_Angeles",
    )
    king = Jurisdiction.objects.create(
        name="King County", slug="king-county-wa", state="WA", level="county", geoid="53033"
    )
    seattle = Jurisdiction.objects.create(
        name="Seattle",
        slug="seattle-wa",
        state="WA",
        level="city",
        population=737015,
        latitude=47.60621,
        longitude=-122.33207,
        place=place,
        parent=king,
        geoid="5363000",
        stance_level="refuses",
        version=3,
    )
    police = Agency.objects.create(
        jurisdiction=seattle, name="Seattle Police Department", kind="police"
    )
    mayor = Official.objects.create(name="Jenny Durkan", slug="jenny-durkan")
    role = Role.objects.create(
        official=mayor,
        title="Mayor",
        jurisdiction=seattle,
        started_on=datetime.date(2017, 11, 28),
        ended_on=datetime.date(2022, 1, 1),
    )
    times = Source.objects.create(
        publisher="The Seattle Times",
        title="Seattle will not help ICE",
        url="https://news.example.org/seattle-ice",
        published_on=SAID_ON,
        archived_url="https://archive.example.org/seattle-ice",
    )
    relayed = Source.objects.create(publisher="KING 5", cited_in=times)
    raid = Event.objects.create(
        name="Operation Summer Sweep",
        slug="operation-summer-sweep",
        starts_on=datetime.date(2019, 6, 23),
        ends_on=datetime.date(2019, 6, 30),
        description="Announced raids in ten cities.",
    )
    raid.targeted_jurisdictions.add(seattle)
    raid.sources.add(times)
    statement = Statement.objects.create(
        official=mayor,
        agency=police,
        jurisdiction=seattle,
        said_on=SAID_ON,
        said_on_basis="reported",
        medium="press_statement",
        quote="Seattle police will not take part.",
        summary="The mayor said the police would stay out of the raids.",
        event=raid,
        status="published",
        created_by=editor,
        updated_by=editor,
        version=2,
    )
    statement.sources.add(times, relayed)
    retracted = Statement.objects.create(
        agency=police,
        jurisdiction=seattle,
        said_on=SAID_ON,
        medium="interview",
        summary="A quote later found to be of another city.",
        status="retracted",
        retracted_at=WHEN,
        retraction_reason="Misattributed.",
    )
    retracted.sources.add(times)
    earlier = Stance.objects.create(
        jurisdiction=seattle,
        level="limited",
        effective_from=datetime.date(2010, 1, 1),
        ended_on=datetime.date(2019, 6, 21),
        status="published",
    )
    current = Stance.objects.create(
        jurisdiction=seattle,
        level="refuses",
        effective_from=SAID_ON,
        status="published",
        joins_ice_operations="no",
        honours_detainers="no",
        declared_sanctuary="yes",
        summary="Welcoming City ordinance.",
        announced_by=statement,
        created_by=editor,
    )
    current.sources.add(times)
    draft = Stance.objects.create(
        jurisdiction=seattle, agency=police, level="cooperates", effective_from=WHEN.date()
    )
    correction = Correction.objects.create(
        statement=statement, corrected_at=WHEN, note="The date is the report's.", created_by=editor
    )
    history = HistoricalStatement.objects.create(
        **{
            field.attname: getattr(statement, field.attname)
            for field in HistoricalStatement._meta.concrete_fields
            if not field.attname.startswith("history_")
        },
        history_date=WHEN,
        history_type="+",
        history_change_reason="Published",
        history_user=editor,
    )
    for link in Statement.sources.through.objects.filter(statement=statement):
        HistoricalStatementSources.objects.create(
            id=link.pk, history=history, statement_id=link.statement_id, source_id=link.source_id
        )
    records = {
        "editor": editor,
        "place": place,
        "king": king,
        "seattle": seattle,
        "police": police,
        "mayor": mayor,
        "role": role,
        "times": times,
        "relayed": relayed,
        "raid": raid,
        "statement": statement,
        "retracted": retracted,
        "earlier": earlier,
        "current": current,
        "draft": draft,
        "correction": correction,
        "history": history,
    }
    return {name: record.pk for name, record in records.items()}


@pytest.mark.django_db(transaction=True)
def test_a_database_at_the_last_release_upgrades_with_every_row_intact(executor):
    targets = release_targets(executor)
    executor.migrate(targets)
    release_apps = executor.loader.project_state(
        [target for target in targets if target[1] is not None]
    ).apps
    ids = newsroom_at_release(release_apps)
    before = snapshot(release_apps)
    assert {label for label, rows in before.items() if rows} >= {
        "cities.Place",
        "cities.Jurisdiction",
        "cities.Agency",
        "cities.Official",
        "cities.Role",
        "statements.Source",
        "statements.Event",
        "statements.Event_targeted_jurisdictions",
        "statements.Statement",
        "statements.Statement_sources",
        "statements.Stance",
        "statements.Stance_sources",
        "statements.Correction",
        "statements.HistoricalStatement",
        "statements.HistoricalStatement_sources",
    }

    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    executor.loader.build_graph()

    after = snapshot(executor.loader.project_state().apps, labels=before)
    assert set(after) == set(before), "a table of the release is gone"
    for label, rows in before.items():
        # A column added since the release may hold its default; every old one is unchanged,
        # except what the database derives from the others (rebuilt by the upgrade on purpose).
        names = [name for name in (rows[0] if rows else ()) if name not in DERIVED_COLUMNS]
        kept = [{name: row[name] for name in names} for row in after[label]]
        assert kept == [{name: row[name] for name in names} for row in rows], label

    today_reads_the_records(ids)
    todays_constraints_hold(ids)


def today_reads_the_records(ids: dict[str, int]) -> None:
    from cities.models import Jurisdiction
    from statements import services
    from statements.models import Stance, Statement

    statement = Statement.objects.published().get()
    assert statement.pk == ids["statement"]
    assert statement.speaker_name == "Jenny Durkan"
    assert sorted(source.publisher for source in statement.sources.all()) == [
        "KING 5",
        "The Seattle Times",
    ]
    assert [correction.note for correction in statement.corrections.all()] == [
        "The date is the report's."
    ]
    assert statement.history.get().history_change_reason == "Published"
    assert Statement.objects.get(pk=ids["retracted"]).is_retracted
    assert Stance.objects.get(pk=ids["current"]).announced_by_id == ids["statement"]
    seattle = Jurisdiction.objects.get(pk=ids["seattle"])
    assert (seattle.parent.name, seattle.place.geonameid) == ("King County", 5809844)
    # Today's headline rule, run on the release's stances, agrees with the stored level.
    assert services.jurisdiction_refresh_stance(jurisdiction=seattle) == "refuses"


def todays_constraints_hold(ids: dict[str, int]) -> None:
    from statements.models import Stance, Statement

    seattle, police = ids["seattle"], ids["police"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Stance.objects.create(
            jurisdiction_id=seattle, level="limited", effective_from=WHEN.date(), status="published"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Statement.objects.create(
            jurisdiction_id=seattle, said_on=SAID_ON, medium="interview", quote="Nobody said it."
        )
    unspoken = Statement(
        jurisdiction_id=seattle, agency_id=police, said_on=SAID_ON, medium="interview"
    )
    with pytest.raises(ValidationError, match="Give the verbatim quote, a summary, or both."):
        unspoken.validate_constraints()

"""An editor backs the tracker up to one file and restores it, identical, into an empty database."""

import datetime
import gzip
import json

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from cities.models import Place
from statements.models import Correction, Statement, Status
from tests.factories import SourceFactory, StatementFactory
from tracker.backup import DATA_APPS, data_models
from tracker.page_tags import current_generation

pytestmark = pytest.mark.django_db


def every_table():
    """Every model whose rows a backup restores, the auto-created m2m tables included."""
    user_model = apps.get_model("auth", "User")
    models = [user_model, user_model.groups.through, user_model.user_permissions.through]
    for app in DATA_APPS:
        models += apps.get_app_config(app).get_models(include_auto_created=True)
    return models


def snapshot():
    """Every row of every restored table, plus each group's permissions, as plain values."""
    rows = {}
    for model in every_table():
        values = model._base_manager.values()
        if model._meta.auto_created:
            # The id of an m2m link is not part of the record; the pair is.
            rows[model._meta.label] = sorted(
                tuple(sorted((k, v) for k, v in row.items() if k != "id")) for row in values
            )
        else:
            rows[model._meta.label] = list(values.order_by("pk"))
    rows["groups"] = {
        group.name: sorted(group.permissions.values_list("codename", "content_type__app_label"))
        for group in Group.objects.all()
    }
    return rows


def empty_the_database():
    """What a freshly migrated database holds: no records, no users, the migrations' groups."""
    with connection.cursor() as cursor:
        for model in every_table():
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def read_dataset(path):
    """The file is one JSON document: any JSON tool reads it whole."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as file:
        document = json.load(file)
    return document["header"], document["records"]


def record_counts():
    return {model._meta.label: model._base_manager.count() for model in every_table()}


@pytest.fixture
def newsroom(seeded, editor):
    """The seed, plus what a working newsroom adds: drafts, edits, a retraction, a correction."""
    draft = StatementFactory(
        status=Status.DRAFT,
        quote="We are reviewing the request.",
        created_by=editor,
        updated_by=editor,
        sources=[SourceFactory(title="Council minutes")],
    )
    edited = Statement.objects.filter(status=Status.PUBLISHED).order_by("pk").first()
    for quote in ["First correction of the quote.", "Second wording."]:
        edited.quote = quote
        edited.updated_by = editor
        edited._history_user = editor
        edited.save()
    retracted = StatementFactory(
        status=Status.RETRACTED,
        retraction_reason="The speaker was misidentified.",
        retracted_at=timezone.now(),
        created_by=editor,
    )
    Correction.objects.create(
        statement=edited,
        corrected_at=timezone.now(),
        note="The quote was transcribed from the video, not the press release.",
        created_by=editor,
    )
    Place.objects.create(
        geonameid=4887398, name="Chicago", state="IL", latitude=41.85003, longitude=-87.65005
    )
    return {"draft": draft, "edited": edited, "retracted": retracted}


def test_restoring_a_backup_brings_back_every_record_and_its_history_unchanged(
    newsroom, editor, tmp_path
):
    edited = newsroom["edited"]
    assert edited.history.count() >= 3
    before = snapshot()
    call_command("export_dataset", tmp_path / "tracker.json", verbosity=0)

    empty_the_database()
    # A migrated database has the role groups; the backup's permissions win.
    Group.objects.get(name="Editors").permissions.clear()
    assert not Statement.objects.exists()
    call_command("import_dataset", tmp_path / "tracker.json", verbosity=0)

    assert snapshot() == before
    restored = Statement.objects.get(pk=edited.pk)
    assert restored.quote == "Second wording."
    assert restored.version == edited.version  # two edits after publishing: 1 -> 2 -> 3 -> 4
    assert restored.updated_by.username == "editor"
    assert restored.updated_at == edited.updated_at  # auto_now kept the exported value
    assert [h.quote for h in restored.history.order_by("history_id")][-2:] == [
        "First correction of the quote.",
        "Second wording.",
    ]
    assert {h.history_user for h in restored.history.all()[:2]} == {editor}
    assert Statement.objects.get(pk=newsroom["retracted"].pk).status == Status.RETRACTED
    assert restored.corrections.get().note.startswith("The quote was transcribed")

    # Exported again, the restored database gives the same file, header timestamp aside.
    call_command("export_dataset", tmp_path / "again.json", verbosity=0)
    first_header, first_records = read_dataset(tmp_path / "tracker.json")
    second_header, second_records = read_dataset(tmp_path / "again.json")
    assert second_records == first_records
    assert first_header.pop("created_at") and second_header.pop("created_at")
    assert second_header == first_header


def test_the_file_holds_the_history_the_users_and_a_header_counting_each_model(
    newsroom, editor, django_user_model, tmp_path
):
    django_user_model.objects.create_user("reader-who-never-edited")
    call_command("export_dataset", tmp_path / "tracker.json", verbosity=0)

    header, records = read_dataset(tmp_path / "tracker.json")
    assert header["format"] == "sanctuary-tracker-dataset"
    assert header["format_version"] == 1
    assert set(header["migrations"]) == {"auth", "contenttypes", *DATA_APPS}
    assert header["migrations"]["statements"].startswith("00")
    models = [record["model"] for record in records]
    assert header["counts"] == {label: models.count(label) for label in header["counts"]}
    assert header["counts"]["statements.historicalstatement"] == (Statement.history.count())
    assert header["counts"]["cities.place"] == 1
    users = [record for record in records if record["model"] == "auth.user"]
    assert [user["fields"]["username"] for user in users] == ["editor"]
    assert users[0]["fields"]["password"] == editor.password
    assert users[0]["fields"]["groups"] == [["Editors"]]
    # Microseconds survive: a backup does not round timestamps as dumpdata's JSON does.
    statement = next(r for r in records if r["model"] == "statements.statement")
    stored = Statement.objects.get(pk=statement["pk"]).created_at
    assert datetime.datetime.fromisoformat(statement["fields"]["created_at"]) == stored


def test_a_gzipped_backup_restores_the_same_records(newsroom, tmp_path):
    before = snapshot()
    call_command("export_dataset", tmp_path / "tracker.json.gz", verbosity=0)
    assert (tmp_path / "tracker.json.gz").read_bytes()[:2] == b"\x1f\x8b"

    empty_the_database()
    call_command("import_dataset", tmp_path / "tracker.json.gz", verbosity=0)

    assert snapshot() == before


def test_new_records_after_a_restore_get_fresh_ids(few_records, tmp_path):
    call_command("export_dataset", tmp_path / "tracker.json", verbosity=0)
    empty_the_database()
    call_command("import_dataset", tmp_path / "tracker.json", verbosity=0)
    largest = Statement.objects.order_by("-pk").values_list("pk", flat=True).first()
    largest_history = Statement.history.order_by("-history_id").first().history_id

    added = StatementFactory(quote="Said after the restore.")

    assert added.pk > largest
    assert min(added.history.values_list("history_id", flat=True)) > largest_history


def test_import_refuses_a_database_that_already_holds_records(few_records, tmp_path):
    call_command("export_dataset", tmp_path / "tracker.json", verbosity=0)
    before = record_counts()

    with pytest.raises(CommandError, match="already holds records"):
        call_command("import_dataset", tmp_path / "tracker.json", verbosity=0)

    assert record_counts() == before


def test_import_refuses_a_database_with_users_in_it(few_records, django_user_model, tmp_path):
    call_command("export_dataset", tmp_path / "tracker.json", verbosity=0)
    empty_the_database()
    django_user_model.objects.create_superuser("admin", password="a-long-admin-password")

    with pytest.raises(CommandError, match=r"already holds records \(1 auth.user\)"):
        call_command("import_dataset", tmp_path / "tracker.json", verbosity=0)

    assert not Statement.objects.exists()


@pytest.fixture
def few_records(editor):
    statement = StatementFactory(created_by=editor)
    statement.quote = "We will not help with these raids, ever."
    statement._history_user = editor
    statement.save()
    Correction.objects.create(
        statement=statement, corrected_at=timezone.now(), note="Quote completed.", created_by=editor
    )


@pytest.fixture
def backup(few_records, tmp_path):
    """A good backup and an emptied database to restore it into."""
    path = tmp_path / "tracker.json"
    call_command("export_dataset", path, verbosity=0)
    empty_the_database()
    return path


def assert_nothing_imported():
    assert {label: count for label, count in record_counts().items() if count} == {}


def rewrite_header(source, target, **changes):
    header, records = read_dataset(source)
    header.update(changes)
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    prefix = '{"header": '
    lines[0] = prefix + json.dumps(header) + ', "records": [\n'
    target.write_text("".join(lines), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Minutes of the council meeting, June 2019\n", "does not begin with a dataset header"),
        (b"", "does not begin with a dataset header"),
        (b'{"header": {"format": "sanctuary-tracker-dataset", oops', "header"),
        (b'[{"model": "statements.statement", "pk": 1}]', "does not begin with a dataset header"),
        (b"\x1f\x8b\x08\x00garbage that is not deflate", "neither JSON text nor a gzipped"),
        (bytes(range(256)), "neither JSON text nor a gzipped"),
    ],
    ids=["plain-text", "empty", "bad-json", "dumpdata-json", "gzip-garbage", "binary"],
)
def test_import_refuses_a_file_that_is_not_a_dataset(backup, tmp_path, content, message):
    path = tmp_path / "not-a-dataset.json.gz"
    path.write_bytes(content)

    with pytest.raises(CommandError, match=message) as refusal:
        call_command("import_dataset", path, verbosity=0)

    assert str(path) in str(refusal.value)
    assert_nothing_imported()


def test_import_refuses_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="There is no file at"):
        call_command("import_dataset", tmp_path / "nowhere.json", verbosity=0)


def test_import_refuses_another_format_version(backup, tmp_path):
    path = rewrite_header(backup, tmp_path / "future.json", format_version=2)

    with pytest.raises(CommandError, match="format version 2.*reads format version 1"):
        call_command("import_dataset", path, verbosity=0)

    assert_nothing_imported()


def test_import_refuses_a_file_from_another_migration_state_and_names_the_app(backup, tmp_path):
    header, _ = read_dataset(backup)
    migrations = {**header["migrations"], "cities": "0001_jurisdictions_agencies_officials"}
    path = rewrite_header(backup, tmp_path / "older.json", migrations=migrations)

    with pytest.raises(CommandError, match="cities: the file is at 0001_jurisdictions") as refusal:
        call_command("import_dataset", path, verbosity=0)

    assert "statements" not in str(refusal.value)
    assert_nothing_imported()


def test_a_truncated_backup_imports_nothing_at_all(backup, tmp_path):
    lines = backup.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "truncated.json"
    path.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")

    with pytest.raises(CommandError, match="the file is incomplete"):
        call_command("import_dataset", path, verbosity=0)

    assert_nothing_imported()


def test_a_record_pointing_at_a_missing_row_imports_nothing_at_all(backup, tmp_path):
    lines = backup.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(
        n for n, line in enumerate(lines) if line.startswith('{"model": "statements.statement",')
    )
    record = json.loads(lines[number].rstrip().removesuffix(","))
    record["fields"]["jurisdiction"] = 999_999
    lines[number] = json.dumps(record) + ",\n"
    path = tmp_path / "dangling.json"
    path.write_text("".join(lines), encoding="utf-8")

    with pytest.raises(CommandError, match="the database refused a record"):
        call_command("import_dataset", path, verbosity=0)

    assert_nothing_imported()


def test_import_refuses_a_record_of_a_model_outside_the_dataset(backup, tmp_path):
    text = backup.read_text(encoding="utf-8").splitlines(keepends=True)
    text.insert(1, '{"model": "sessions.session", "pk": "x", "fields": {}},\n')
    path = tmp_path / "sessions.json"
    path.write_text("".join(text), encoding="utf-8")

    with pytest.raises(CommandError, match="'sessions.session' record, not part of a dataset"):
        call_command("import_dataset", path, verbosity=0)

    assert_nothing_imported()


def test_export_refuses_a_folder_that_does_not_exist(db, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("export_dataset", tmp_path / "missing" / "tracker.json", verbosity=0)
    assert not (tmp_path / "missing").exists()


def test_the_commands_report_what_they_did(few_records, tmp_path, capsys):
    call_command("export_dataset", tmp_path / "tracker.json")
    models = len(data_models()) + 2
    assert f"records of {models} models to {tmp_path / 'tracker.json'}" in capsys.readouterr().out
    empty_the_database()
    call_command("import_dataset", tmp_path / "tracker.json")
    assert "Imported" in capsys.readouterr().out


def test_a_restore_drops_the_pages_cached_while_the_database_was_empty(
    backup, django_capture_on_commit_callbacks
):
    generation_before, _ = current_generation()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_dataset", backup, verbosity=0)

    assert current_generation()[0] != generation_before

"""The search index stays true to the statements through edits and migrations."""

import pytest
from django.core.management import call_command
from django.db import connection

from statements import search
from statements.models import Statement
from tests import factories


def test_a_deleted_statement_leaves_the_index(db):
    statement = factories.StatementFactory(status="draft", quote="Sanctuary means safety.")
    assert list(Statement.objects.search("safety")) == [statement]

    statement.delete()

    assert list(Statement.objects.search("safety")) == []


def test_a_statement_moved_to_another_speaker_is_found_by_the_new_name(db):
    statement = factories.StatementFactory(status="draft")
    statement.official = factories.OfficialFactory(name="Muriel Bowser")
    statement.save()

    assert list(Statement.objects.search("Bowser")) == [statement]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index is SQLite's")
def test_migrate_puts_back_triggers_a_table_rebuild_dropped(db):
    # What a migration that rebuilds statements_statement on SQLite does to its triggers.
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER statements_statement_fts_insert")
    missed = factories.StatementFactory(status="draft", quote="Written while the trigger was gone.")
    assert list(Statement.objects.search("trigger")) == []

    call_command("migrate", verbosity=0)

    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
    assert {name for name, _event, _body in search.SQLITE_TRIGGERS} <= present
    assert list(Statement.objects.search("trigger")) == [missed]
    added = factories.StatementFactory(status="draft", quote="Written after the repair.")
    assert list(Statement.objects.search("repair")) == [added]

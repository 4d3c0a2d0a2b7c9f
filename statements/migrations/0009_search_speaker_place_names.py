from django.db import migrations

from statements import search

# Search reads the speaker's and the place's names beside the quote and the summary, on both
# databases (statements/search.py holds the SQL): PostgreSQL's trigger adds them to
# `search_vector` (same GIN index); SQLite gains an FTS5 table kept current by triggers, in place
# of substring matching. On SQLite the triggers that keep it current are put in place after
# `migrate` (statements.apps: post_migrate), since a table rebuilt by a later migration could not
# be renamed into place while a trigger names it.


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(search.POSTGRES_INSTALL)
    elif vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            search.sqlite_fill(cursor)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(search.POSTGRES_UNINSTALL)
    elif vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            search.sqlite_uninstall(cursor)


class Migration(migrations.Migration):
    dependencies = [("statements", "0008_constraint_messages")]

    operations = [migrations.RunPython(forward, backward)]

from django.db import migrations

# PostgreSQL keeps statements.search_vector current with a trigger and searches it through a GIN
# index. SQLite has neither, so these run only on PostgreSQL (see StatementQuerySet.search).
FORWARD = """
CREATE FUNCTION statements_statement_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('english', coalesce(NEW.quote, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(NEW.summary, '')), 'B');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER statements_statement_search_vector_update
BEFORE INSERT OR UPDATE OF quote, summary ON statements_statement
FOR EACH ROW EXECUTE FUNCTION statements_statement_search_vector();

UPDATE statements_statement SET quote = quote;

CREATE INDEX statement_search_vector_gin ON statements_statement USING gin (search_vector);
"""

BACKWARD = """
DROP INDEX IF EXISTS statement_search_vector_gin;
DROP TRIGGER IF EXISTS statements_statement_search_vector_update ON statements_statement;
DROP FUNCTION IF EXISTS statements_statement_search_vector();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("statements", "0002_editors_group")]

    operations = [migrations.RunPython(forward, backward)]

"""Export the published statements, joined with their place and speaker, to one SQLite table with
full-text search (FTS5), the way a data journalist would publish them with Datasette.

Needs Django set up. Reuses the file when the statements have not changed since the last export.
"""

import json
import sqlite3
import time
from pathlib import Path

TABLE = "statements"
COLUMNS = [
    "id",
    "said_on",
    "medium",
    "speaker",
    "jurisdiction",
    "state",
    "stance",
    "event",
    "quote",
    "summary",
]
SELECT = """
SELECT s.id, s.said_on, s.medium, COALESCE(o.name, a.name, ''), j.name, j.state, j.stance_level,
       COALESCE(e.name, ''), s.quote, s.summary
FROM statements_statement s
JOIN cities_jurisdiction j ON j.id = s.jurisdiction_id
LEFT JOIN cities_official o ON o.id = s.official_id
LEFT JOIN cities_agency a ON a.id = s.agency_id
LEFT JOIN statements_event e ON e.id = s.event_id
WHERE s.status = 'published'
ORDER BY s.said_on DESC, s.id DESC
"""


def fingerprint() -> str:
    from django.db.models import Count, Max

    from statements.models import Statement

    stats = Statement.objects.published().aggregate(
        n=Count("pk"), last=Max("updated_at"), top=Max("pk")
    )
    return json.dumps(stats, default=str, sort_keys=True)


def export(path: Path, *, log=print) -> Path:
    """Write `path` (SQLite) unless it already holds the current published statements."""
    from django.db import connection

    stamp = path.with_suffix(".fingerprint")
    current = fingerprint()
    if path.exists() and stamp.exists() and stamp.read_text() == current:
        log(f"SQLite export is current: {path}")
        return path
    started = time.monotonic()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    db = sqlite3.connect(partial)
    db.execute(
        f"CREATE TABLE {TABLE} (id INTEGER, said_on TEXT, medium TEXT, speaker TEXT, "
        "jurisdiction TEXT, state TEXT, stance TEXT, event TEXT, quote TEXT, summary TEXT)"
    )
    insert = f"INSERT INTO {TABLE} VALUES ({', '.join('?' * len(COLUMNS))})"
    rows = 0
    with connection.chunked_cursor() as cursor:
        cursor.execute(SELECT)
        while batch := cursor.fetchmany(5000):
            db.executemany(insert, [(r[0], r[1].isoformat(), *r[2:]) for r in batch])
            rows += len(batch)
    # What `sqlite-utils enable-fts` and `create-index` would do: FTS5 over the text, and indexes
    # on the faceted columns so that Datasette filters and counts them at its best.
    db.execute(
        f"CREATE VIRTUAL TABLE {TABLE}_fts USING fts5(quote, summary, "
        f'content="{TABLE}", content_rowid="rowid")'
    )
    db.execute(f"INSERT INTO {TABLE}_fts({TABLE}_fts) VALUES ('rebuild')")
    for column in ("state", "stance", "said_on"):
        db.execute(f"CREATE INDEX {TABLE}_{column} ON {TABLE}({column})")
    db.commit()
    db.execute("VACUUM")
    db.close()
    partial.replace(path)
    stamp.write_text(current)
    log(f"Exported {rows:,} statements to {path} in {time.monotonic() - started:.0f} s")
    return path

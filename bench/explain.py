"""EXPLAIN every SQL query the benchmark pages run, and flag sequential scans of the statements.

    DATABASE_URL=postgres://... SECRET_KEY=x .venv/bin/python bench/explain.py [--analyze]

Renders each benchmark page once in this process (page cache off, the cache generation bumped so
that nothing cached by generation is warm), captures its queries, and prints the plan of each
distinct one. Exits with status 1 when a plan reads the statements table with a Seq Scan.
"""

import argparse
import os
import re
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

FLAGGED_TABLE = "statements_statement"


def shape(sql: str) -> str:
    """The query with its literal values blanked, to explain each kind of query once."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--analyze", action="store_true", help="run each query (EXPLAIN ANALYZE)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    import targets as target_module
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from tracker.page_tags import bump_generation

    if connection.vendor != "postgresql":
        print("EXPLAIN is read on PostgreSQL: set DATABASE_URL to the demo database.")
        return 2
    flagged, seen = [], set()
    bump_generation()
    with override_settings(PAGE_CACHE_SECONDS=0):
        client = Client(HTTP_HOST="127.0.0.1")
        for target in target_module.choose():
            with CaptureQueriesContext(connection) as captured:
                response = client.get(target.path)
                if response.streaming:
                    b"".join(response.streaming_content)
            print(f"\n{'=' * 100}\n{target.label}: {target.path}  ({len(captured)} queries)")
            for query in captured.captured_queries:
                sql = query["sql"]
                if shape(sql) in seen:
                    print(f"\n-- (same plan as above) {sql[:100]}...")
                    continue
                seen.add(shape(sql))
                options = "ANALYZE, BUFFERS, " if args.analyze else ""
                with connection.cursor() as cursor:
                    cursor.execute(f"EXPLAIN ({options}COSTS) {sql}")
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                seq = re.search(rf"Seq Scan on {FLAGGED_TABLE}\b", plan)
                print(f"\n-- {sql[:300]}{'...' if len(sql) > 300 else ''}")
                print(plan)
                if seq:
                    flagged.append((target.label, sql[:200]))
                    print(f"!! SEQ SCAN ON {FLAGGED_TABLE}")
    print(f"\n{'=' * 100}")
    if flagged:
        print(f"{len(flagged)} plan(s) scan {FLAGGED_TABLE} sequentially:")
        for label, sql in flagged:
            print(f"- {label}: {sql}")
        return 1
    print(f"No plan scans {FLAGGED_TABLE} sequentially ({len(seen)} distinct queries).")
    return 0


if __name__ == "__main__":
    sys.exit(main())

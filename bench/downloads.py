"""Downloads: rows per second and memory of the statements and jurisdictions files, beside the
issue's target (the full 500,000-row CSV at 50,000 rows/s or more, in constant memory).

    .venv/bin/python bench/downloads.py                                  # SQLite, 50,000 statements
    .venv/bin/python bench/downloads.py --database-url postgres://postgres@127.0.0.1:5432/h9dl
    .venv/bin/python bench/downloads.py --statements 500000 --jurisdictions 20000 --officials 50000

The database is filled with the demo generator (seed 1) only when it holds no jurisdiction; one
that already has data is measured as it is. Each measurement runs in a child process of its own,
so that its peak memory (the growth of ru_maxrss past what Django and the first query cost) is
its own:

- `bulk statements`: what `build_bulk_downloads` does for the statements, the CSV, the JSON and
  the long CSV of sources written gzipped in one pass over every published statement;
- `bulk statements csv`: the same pass writing the CSV only (the issue's figure);
- `stream statements csv|json`: the on-request download of every published statement
  (/statements/?format=csv, no filter, the row limit lifted), its StreamingHttpResponse read
  to the end;
- `bulk cities`, `stream cities csv`: the same for the jurisdictions.

Queries are counted per measurement (an execute wrapper on every connection, the read-ahead
thread's included; no log kept).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'bench' / '.data' / 'downloads.sqlite3'}"
TARGET_ROWS_PER_SECOND = 50_000
MEASUREMENTS = (
    "bulk statements",
    "bulk statements csv",
    "stream statements csv",
    "stream statements json",
    "bulk cities",
    "stream cities csv",
)


def environment(database_url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-secret"),
        "DEBUG": "false",
        "RATE_LIMITS": "false",
        "DOWNLOAD_MAX_ROWS": str(10**9),  # the whole list on request, for the measurement
        "PAGE_CACHE_SECONDS": "0",
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
    }


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], env=env, cwd=ROOT, check=True)


def prepare(env: dict, args) -> None:
    """Migrate, and fill the database with the demo generator when it holds no jurisdiction."""
    url = env["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    probe = "from cities.models import Jurisdiction; print(int(Jurisdiction.objects.exists()))"
    filled = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", probe],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.strip().endswith("1")  # fmt: skip
    if not filled:
        print(
            f"Generating demo data ({args.jurisdictions:,} places, {args.officials:,} officials, "
            f"{args.statements:,} statements)…",
            flush=True,
        )
        manage(env, "generate_demo_data", "--jurisdictions", str(args.jurisdictions),
               "--officials", str(args.officials), "--statements", str(args.statements),
               "--seed", "1")  # fmt: skip


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def maxrss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux gives KiB


def measure(name: str, chunk_size: int) -> dict:
    """One measurement, in this (child) process: rows, seconds, queries, memory growth."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from public.management.commands.build_bulk_downloads import Command, SiteRequest
    from public.places.views import JurisdictionListView
    from statements.models import Statement

    Statement.objects.published().count()  # the connection opened before the baseline
    baseline = maxrss_bytes()
    counter = QueryCounter()
    from django.db.backends.signals import connection_created

    def count_there_too(sender, connection, **kwargs):  # the read-ahead thread's connection
        connection.execute_wrappers.append(counter)

    connection_created.connect(count_there_too, weak=False)
    kind, target, *fmt = name.split()
    rows = 0
    with connection.execute_wrapper(counter), tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        if kind == "bulk":
            from public.claims.views import StatementListView

            view_class = StatementListView if target == "statements" else JurisdictionListView
            command = Command()
            command.verbosity = 0
            command.built_at = None
            request = SiteRequest("https://tracker.example.org")
            options = {"formats": ("csv",)} if fmt else {}  # the CSV alone
            with command.one_snapshot():  # as the command reads: one snapshot, read ahead
                files = command.build(view_class, request, Path(folder), chunk_size=chunk_size,
                                      **options)  # fmt: skip
            rows = files[0].rows
            size = sum(f.bytes for f in files)
        else:
            path = "/statements/" if target == "statements" else "/cities/"
            response = Client().get(path, {"format": fmt[0]}, HTTP_HOST="localhost")
            assert response.status_code == 200, response.content[:500]
            size = 0
            content = response.streaming_content if response.streaming else [response.content]
            lines = 0
            for chunk in content:
                size += len(chunk)
                lines += chunk.count(b"\n")
            if fmt[0] == "csv":
                rows = lines - 1  # the header (a quote's own line breaks are counted: see below)
            else:
                rows = Statement.objects.published().count() if target == "statements" else None
        seconds = time.perf_counter() - started
    if kind == "stream" and target == "statements":
        rows = Statement.objects.published().count()  # exact, whatever the quotes hold
    elif kind == "stream":
        from cities.models import Jurisdiction

        rows = Jurisdiction.objects.count()
    return {
        "name": name,
        "rows": rows,
        "seconds": seconds,
        "queries": counter.count,
        "bytes": size,
        "memory": max(0, maxrss_bytes() - baseline),
    }


def run_child(env: dict, name: str, chunk_size: int) -> dict:
    child = subprocess.run(
        [sys.executable, __file__, "--child", name, "--chunk-size", str(chunk_size)],
        env=env, cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    if child.returncode:
        sys.exit(f"{name} failed:\n{child.stderr[-3000:]}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def print_table(results: list[dict]) -> None:
    print(f"{'measurement':<26}{'rows':>10}{'seconds':>9}{'rows/s':>10}{'target':>9}"
          f"{'queries':>9}{'MB out':>8}{'peak MB':>9}")  # fmt: skip
    for r in results:
        rate = r["rows"] / max(r["seconds"], 1e-9)
        mark = "ok" if rate >= TARGET_ROWS_PER_SECOND else "below"
        print(
            f"{r['name']:<26}{r['rows']:>10,}{r['seconds']:>9.2f}{rate:>10,.0f}"
            f"{mark:>9}{r['queries']:>9,}{r['bytes'] / 1e6:>8.1f}{r['memory'] / 1e6:>9.1f}"
        )
    print(
        f"target: {TARGET_ROWS_PER_SECOND:,} rows/s in constant memory (peak MB: growth of the "
        "process's maximum resident size past Django's start and one query)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DOWNLOADS_DATABASE_URL", DEFAULT_DATABASE_URL),
    )
    parser.add_argument("--statements", type=int, default=50_000)
    parser.add_argument("--jurisdictions", type=int, default=2_000)
    parser.add_argument("--officials", type=int, default=5_000)
    parser.add_argument("--chunk-size", type=int, default=2_000)
    parser.add_argument("--only", nargs="+", choices=MEASUREMENTS, default=list(MEASUREMENTS))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.chunk_size)))
        return
    env = environment(args.database_url)
    prepare(env, args)
    print(f"database: {args.database_url}")
    results = []
    for name in args.only:
        results.append(run_child(env, name, args.chunk_size))
        print(f"  {name}: {results[-1]['seconds']:.1f} s", flush=True)
    print_table(results)


if __name__ == "__main__":
    main()

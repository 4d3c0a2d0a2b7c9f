"""Benchmark the public pages under load, beside Datasette and a static file. See bench/README.md.

    .venv/bin/python bench/run.py            # full run on the demo database (bash bench/run.sh)
    .venv/bin/python bench/run.py --smoke    # tiny SQLite data, a second per page, no Datasette

Steps: migrate and collect static files; choose the pages from the data (targets.py); count each
page's SQL queries in this process with Django's test client, not under load, and keep a copy
of its body (pages.py); serve the app with gunicorn twice, page cache off then on, and load each
page with wrk from a separate process (wrk.py); in the second server also load the static
copies; serve the same statements exported to SQLite with Datasette and load its equivalent
views (datasette_server.py); print the table, the ratios and the targets (report.py).
"""

import argparse
import json
import os
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

import datasette_server
import pages as page_module
from report import Report, Row, checks_for, print_report
from servers import Server, fetch, free_port, gunicorn_command, log, manage, setup_django
from wrk import Wrk, require_wrk

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/1"
SMOKE_SIZES = ("--jurisdictions", "30", "--officials", "60", "--statements", "300")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Benchmark the tracker's public pages.")
    parser.add_argument("--smoke", action="store_true", help="tiny SQLite data, few requests")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help=f"the database with the demo data ({DEFAULT_DATABASE_URL})",
    )
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL))
    parser.add_argument("--duration", type=int, help="whole seconds of load per page (10)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, help="concurrent connections (16)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (gunicorn.conf.py's default)")
    parser.add_argument("--port", type=int, default=8201, help="first loopback port to try")
    parser.add_argument("--skip-datasette", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the results here as JSON")
    return parser.parse_args(argv)


def environment(args, workdir: Path) -> dict:
    """The environment of every process of the run: production settings on loopback."""
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY", "benchmark-only-" + os.urandom(16).hex()),
        "STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "WARNING",
        "GUNICORN_ACCESS_LOG": str(workdir / "access.log"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HTTPS": "false",
        # One address sends all the load: the per-client limits would measure themselves.
        "RATE_LIMITS": "false",
    }
    for name in ("GUNICORN_BIND", "PAGE_CACHE_SECONDS"):
        env.pop(name, None)
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    elif args.smoke:
        env["GUNICORN_WORKERS"] = "1"
    if args.smoke:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'smoke.sqlite3'}"
        env.pop("REDIS_URL", None)  # the smoke run needs no Redis: each process's own memory
    else:
        env["DATABASE_URL"] = args.database_url or DEFAULT_DATABASE_URL
        env["REDIS_URL"] = args.redis_url
    return env


def measure(load: Wrk, row: Row, *, gzip_ok: bool = True) -> Row:
    """`row` filled with wrk's figures for its address, after checking that it answers 200."""
    status, _, _ = fetch(row.url, accept_gzip=gzip_ok)
    if status != 200:
        raise SystemExit(f"{row.url} answered {status}, not 200: fix that before benchmarking.")
    log(f"{row.server:<16} {row.label} ({row.url})")
    result = load.run(row.url, headers={"Accept-Encoding": "gzip" if gzip_ok else "identity"})
    row.requests, row.rps = result.requests, result.rps
    row.p50_ms, row.p99_ms = result.p50_ms, result.p99_ms
    row.errors = result.socket_errors + result.status_errors
    row.bytes = result.bytes // max(result.requests, 1)
    return row


def load_app(targets, pages: dict, static_paths: dict, *, load: Wrk, env, args, workdir) -> list:
    """The app's rows, page by page: page cache off, page cache on, static copy. Each gunicorn is
    stopped before the next starts, so that they never share the CPUs."""
    rows = []
    for server_name, cache_seconds in (("app, cache off", "0"), ("app, cache on", "300")):
        suffix = "off" if cache_seconds == "0" else "on"
        port = free_port(args.port, args.port + 49)
        server = Server(
            f"gunicorn-cache-{cache_seconds}",
            gunicorn_command(port),
            env={**env, "PAGE_CACHE_SECONDS": cache_seconds},
            port=port,
            logdir=workdir,
        )
        try:
            server.wait_ready(static_paths[targets[0].key])
            for target in targets:
                fetch(server.base + target.path)  # warm this worker's connection and cache
                row = Row(
                    target.key,
                    target.label,
                    server_name,
                    server.base + target.path,
                    queries=pages[target.key][f"queries_{suffix}"],
                    alone_ms=pages[target.key][f"alone_{suffix}"],
                    note=target.note,
                )
                rows.append(measure(load, row))
            if cache_seconds != "0":
                for target in targets:
                    url = server.base + static_paths[target.key]
                    rows.append(measure(load, Row(target.key, target.label, "static copy", url)))
        finally:
            server.stop()
    order = {target.key: index for index, target in enumerate(targets)}
    return sorted(rows, key=lambda row: order[row.page])  # stable: servers stay in order


def load_datasette(targets, *, load: Wrk, args, workdir: Path) -> list[Row]:
    """Datasette's rows: its views equivalent to our filtered list and our search."""
    server = datasette_server.start(first_port=args.port + 50, logdir=workdir)
    try:
        rows = []
        for reference, path in datasette_server.views(targets).items():
            note = datasette_server.describe_view(server.base, path)
            label = datasette_server.LABELS[reference]
            row = Row(f"datasette-{reference}", label, "datasette", server.base + path, note=note)
            rows.append(measure(load, row))
        return rows
    finally:
        server.stop()


def main(argv=None) -> Report:
    args = parse_args(argv)
    require_wrk()
    load = Wrk(
        duration=args.duration or (1 if args.smoke else 10),
        connections=args.connections or (2 if args.smoke else 16),
        threads=args.threads,
    )
    workdir = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    env = environment(args, workdir)
    report = Report(
        mode="smoke" if args.smoke else "full",
        load_tool="wrk",
        settings={
            "duration s": load.duration,
            "connections": load.connections,
            "threads": load.threads,
            "gunicorn workers": env.get("GUNICORN_WORKERS", "gunicorn.conf.py default"),
            "cpus": os.cpu_count(),
            "database": env["DATABASE_URL"].split("@")[-1],
            "cache": "Redis" if env.get("REDIS_URL") else "local memory",
        },
    )
    succeeded = False
    try:
        log("Applying migrations (the indexes the pages need)")
        manage(env, "migrate", "--no-input", "--verbosity", "0")
        if args.smoke:
            log(f"Smoke mode: a tiny SQLite database in {workdir}")
            manage(env, "generate_demo_data", *SMOKE_SIZES, "--seed", "1", "--verbosity", "0")
        manage(env, "collectstatic", "--no-input", "--verbosity", "0")
        setup_django(env)
        import targets as target_module

        from statements.models import Statement

        if not Statement.objects.exists():
            raise SystemExit("The database holds no statements: run `make demo` first.")
        page_module.analyze_if_stale()
        targets = target_module.choose(csv_rows=100 if args.smoke else target_module.CSV_ROWS)
        log("Counting queries per page (Django test client, not under load)")
        pages = page_module.inspect_pages(targets)
        static_paths = page_module.write_static_copies(pages, workdir / "static")
        report.rows += load_app(
            targets, pages, static_paths, load=load, env=env, args=args, workdir=workdir
        )
        if args.smoke or args.skip_datasette:
            why = "smoke mode" if args.smoke else "--skip-datasette"
            note = f"Datasette skipped ({why}): run `bash bench/run.sh` for the comparison."
            log(note)
            report.notes.append(note)
        else:
            report.rows += load_datasette(targets, load=load, args=args, workdir=workdir)
        report.checks = checks_for(report.rows, targets)
        report.notes += [
            f"{t.label}: {t.path} ({t.note})" if t.note else f"{t.label}: {t.path}" for t in targets
        ]
        succeeded = True
    finally:
        if succeeded:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            log(f"Stopped early: the servers' logs are in {workdir}")
    print_report(report)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(asdict(report), indent=2))
    return report


if __name__ == "__main__":
    main()

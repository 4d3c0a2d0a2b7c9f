"""Benchmark the public pages under load, beside Datasette and a static file. See bench/README.md.

    .venv/bin/python bench/run.py            # full run on the demo database (bash bench/run.sh)
    .venv/bin/python bench/run.py --smoke    # tiny SQLite data, a few requests, no wrk/Datasette

Steps: migrate and collect static files; choose the pages from the data; count each page's SQL
queries in this process with Django's test client (not under load) and keep a copy of its body;
serve the app with gunicorn twice, page cache off then on, and load each page from a separate
process (wrk, else bench/loadgen.py); in the second server also load the static copies; serve
the same statements exported to SQLite with Datasette and load its equivalent views; print the
table, the ratios and the targets.
"""

import argparse
import gzip
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VENV_BIN = Path(sys.executable).parent
DATASETTE_VENV = BENCH / ".venv-datasette"
DATA_DIR = BENCH / ".data"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/1"
SQLITE_NAME = "tracker"

# Targets, checked and printed at the end.
P50_TARGET_MS = 50.0
DATASETTE_TARGET = 20.0
STATIC_TARGET = 0.5

TABLE_COLUMNS = [
    "page",
    "server",
    "req/s",
    "p50 ms",
    "p99 ms",
    "errors",
    "SQL/req",
    "alone ms",
    "KB",
]


@dataclass
class Row:
    page: str  # target key
    label: str
    server: str  # "app, cache off" | "app, cache on" | "static copy" | "datasette"
    url: str
    requests: int = 0
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    queries: int | None = None
    alone_ms: float | None = None  # one request in-process, no load (cold: caches emptied)
    bytes: int = 0  # body size as sent (gzip when the server compresses)
    note: str = ""

    def cells(self) -> list[str]:
        return [
            self.label,
            self.server,
            f"{self.rps:,.1f}",
            f"{self.p50_ms:,.1f}",
            f"{self.p99_ms:,.1f}",
            str(self.errors),
            "" if self.queries is None else str(self.queries),
            "" if self.alone_ms is None else f"{self.alone_ms:,.1f}",
            f"{self.bytes / 1024:,.0f}",
        ]


@dataclass
class Report:
    mode: str
    load_tool: str
    settings: dict
    rows: list[Row] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# -- servers ----------------------------------------------------------------------------------
def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(first: int, last: int) -> int:
    for port in range(first, last + 1):
        if port_is_free(port):
            return port
    raise SystemExit(f"No free loopback port between {first} and {last}.")


class Server:
    """A child process in its own process group, stopped with SIGTERM then SIGKILL."""

    def __init__(self, name: str, command: list[str], *, env: dict, port: int, logdir: Path):
        self.name, self.port = name, port
        self.logfile = open(logdir / f"{name}.log", "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            command,
            env=env,
            cwd=ROOT,
            stdout=self.logfile,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, path: str, *, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited early; see {self.logfile.name}")
            try:
                with urllib.request.urlopen(self.base + path, timeout=30) as response:
                    response.read()
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise SystemExit(f"{self.name} did not answer {path} within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=25)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.logfile.close()


def fetch(url: str, *, accept_gzip: bool = True) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(
        url, headers={"Accept-Encoding": "gzip"} if accept_gzip else {}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


# -- load -------------------------------------------------------------------------------------
class Load:
    def __init__(self, *, tool: str, duration: float, threads: int, connections: int):
        self.tool, self.duration, self.threads, self.connections = (
            tool,
            duration,
            threads,
            connections,
        )

    def run(self, url: str, *, gzip_ok: bool = True) -> dict:
        header = "Accept-Encoding: gzip" if gzip_ok else "Accept-Encoding: identity"
        if self.tool == "wrk":
            command = [
                "wrk",
                f"-t{self.threads}",
                f"-c{self.connections}",
                f"-d{self.duration:g}s",
                "--timeout",
                "30s",
                "-s",
                str(BENCH / "report.lua"),
                "-H",
                header,
                url,
            ]
        else:
            command = [
                sys.executable,
                str(BENCH / "loadgen.py"),
                url,
                "--duration",
                f"{self.duration:g}",
                "--connections",
                str(self.connections),
                "--header",
                header,
            ]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        line = [ln for ln in output.splitlines() if ln.startswith("{")][-1]
        result = json.loads(line)
        seconds = result["duration_us"] / 1e6
        return {
            "requests": result["requests"],
            "rps": result["requests"] / seconds if seconds else 0.0,
            "p50_ms": result["p50_us"] / 1000,
            "p99_ms": result["p99_us"] / 1000,
            "errors": sum(result[k] for k in ("connect", "read", "write", "timeout", "status")),
            "bytes": result["bytes"] // max(result["requests"], 1),
        }


def measure(load: Load, row: Row, *, gzip_ok: bool = True) -> Row:
    status, _, _ = fetch(row.url, accept_gzip=gzip_ok)
    if status != 200:
        raise SystemExit(f"{row.url} answered {status}, not 200: fix that before benchmarking.")
    log(f"{row.server:<16} {row.label} ({row.url})")
    for key, value in load.run(row.url, gzip_ok=gzip_ok).items():
        setattr(row, key, value)
    return row


# -- Django, in this process ----------------------------------------------------------------------
def setup_django(env: dict) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def manage(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def inspect_pages(targets) -> dict[str, dict]:
    """{key: {"queries_off", "queries_on", "body", "content_type"}} from Django's test client.

    Page cache off: the queries a request runs when the page is not cached (after the cache
    generation is bumped, so nothing the app caches by generation is warm either). Page cache on:
    the queries of a repeat request.
    """
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from tracker.cache import bump_generation

    def get(client, path):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
            body = b"".join(response.streaming_content) if response.streaming else response.content
        elapsed_ms = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code} in the test client.")
        return len(queries), elapsed_ms, body, response.get("Content-Type", "")

    pages = {}
    bump_generation()
    with override_settings(PAGE_CACHE_SECONDS=0):
        client = Client(HTTP_HOST="127.0.0.1")
        for target in targets:
            queries, elapsed_ms, body, content_type = get(client, target.path)
            pages[target.key] = {
                "queries_off": queries,
                "alone_off": elapsed_ms,
                "body": body,
                "type": content_type,
            }
    with override_settings(PAGE_CACHE_SECONDS=300):
        client = Client(HTTP_HOST="127.0.0.1")
        for target in targets:
            get(client, target.path)
            queries, elapsed_ms, _, _ = get(client, target.path)
            pages[target.key] |= {"queries_on": queries, "alone_on": elapsed_ms}
    return pages


def analyze_if_stale() -> None:
    """VACUUM ANALYZE a PostgreSQL database whose statistics were never gathered (bulk-loaded
    demo data that autovacuum has not reached yet): without them the planner guesses."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'statements_statement' "
            "AND (n_mod_since_analyze > n_live_tup / 10 OR "
            "coalesce(last_analyze, last_autoanalyze) IS NULL)"
        )
        if cursor.fetchone()[0]:
            log("Gathering planner statistics (VACUUM ANALYZE): they were missing or stale")
            cursor.execute("VACUUM ANALYZE")


def write_static_copies(pages: dict, static_root: Path) -> dict[str, str]:
    """Each page's body as a static file (with the .gz whitenoise serves): {key: URL path}."""
    folder = static_root / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for key, page in pages.items():
        ext = "csv" if "csv" in page["type"] else "html"
        name = f"{key}.{ext}"
        (folder / name).write_bytes(page["body"])
        (folder / f"{name}.gz").write_bytes(gzip.compress(page["body"], compresslevel=6))
        paths[key] = f"/static/bench/{name}"
    return paths


# -- Datasette ------------------------------------------------------------------------------------
def ensure_datasette() -> Path:
    executable = DATASETTE_VENV / "bin" / "datasette"
    requirements = BENCH / "requirements-datasette.txt"
    stamp = DATASETTE_VENV / ".installed"
    if executable.exists() and stamp.exists() and stamp.read_text() == requirements.read_text():
        return executable
    log(f"Installing Datasette into {DATASETTE_VENV} (pinned in {requirements.name})")
    python = getattr(sys, "_base_executable", None) or sys.executable
    subprocess.run([python, "-m", "venv", str(DATASETTE_VENV)], check=True)
    subprocess.run(
        [str(DATASETTE_VENV / "bin" / "pip"), "install", "--quiet", "-r", str(requirements)],
        check=True,
    )
    stamp.write_text(requirements.read_text())
    return executable


def check_datasette_view(base: str, path: str) -> str:
    """A note on what Datasette computed for the view (row count, facets), from its JSON."""
    table_path, _, query = path.partition("?")
    status, body, _ = fetch(f"{base}{table_path}.json?{query}", accept_gzip=False)
    if status != 200:
        raise SystemExit(f"Datasette answered {status} for {path}")
    data = json.loads(body)
    facets = data.get("facet_results", {})
    timed_out = data.get("facets_timed_out") or []
    count = data.get("filtered_table_rows_count")
    note = f"{count:,} rows" if count is not None else "row count timed out"
    if facets:
        note += f", facets {'+'.join(sorted(facets))}"
    if timed_out:
        note += f" (timed out: {', '.join(timed_out)})"
    return note


# -- output -------------------------------------------------------------------------------------
def markdown_table(rows: list[Row]) -> str:
    lines = [
        "| " + " | ".join(TABLE_COLUMNS) + " |",
        "|" + "|".join("---" if i < 2 else "---:" for i in range(len(TABLE_COLUMNS))) + "|",
    ]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def checks_for(report: Report, targets) -> list[dict]:
    rows = {(r.page, r.server): r for r in report.rows}
    checks = []
    for target in targets:
        for server in ("app, cache off", "app, cache on"):
            row = rows.get((target.key, server))
            if row:
                checks.append(
                    {
                        "check": f"p50 < {P50_TARGET_MS:g} ms: {target.label}, {server}",
                        "value": row.p50_ms,
                        "target": P50_TARGET_MS,
                        "met": row.p50_ms < P50_TARGET_MS,
                        "shown": f"{row.p50_ms:.1f} ms",
                    }
                )
    for target in targets:
        reference = rows.get((f"datasette-{target.reference}", "datasette"))
        if not target.reference or not reference or not reference.rps:
            continue
        for server in ("app, cache off", "app, cache on"):
            ours = rows[(target.key, server)]
            ratio = ours.rps / reference.rps
            checks.append(
                {
                    "check": f">= {DATASETTE_TARGET:g}x Datasette req/s: {target.label}, {server}",
                    "value": ratio,
                    "target": DATASETTE_TARGET,
                    "met": ratio >= DATASETTE_TARGET,
                    "shown": f"{ratio:.1f}x ({ours.rps:,.0f} vs {reference.rps:,.1f})",
                }
            )
    for target in targets:
        ours, static = (
            rows.get((target.key, "app, cache on")),
            rows.get((target.key, "static copy")),
        )
        if not ours or not static or not static.rps:
            continue
        ratio = ours.rps / static.rps
        checks.append(
            {
                "check": f">= {STATIC_TARGET:g}x static req/s: {target.label}, cache on",
                "value": ratio,
                "target": STATIC_TARGET,
                "met": ratio >= STATIC_TARGET,
                "shown": f"{ratio:.2f}x ({ours.rps:,.0f} vs {static.rps:,.0f})",
            }
        )
    return checks


def print_report(report: Report) -> None:
    print(f"\n## Benchmark ({report.mode}, load by {report.load_tool})\n")
    print(", ".join(f"{k}: {v}" for k, v in report.settings.items()))
    print()
    print(markdown_table(report.rows))
    print("\n### Targets\n")
    for check in report.checks:
        print(f"- [{'x' if check['met'] else ' '}] {check['check']}: {check['shown']}")
    if report.notes:
        print("\n### Notes\n")
        for note in report.notes:
            print(f"- {note}")
    print()


# -- the run ------------------------------------------------------------------------------------
def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Benchmark the tracker's public pages.")
    parser.add_argument("--smoke", action="store_true", help="tiny SQLite data, few requests")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help=f"the database with the demo data ({DEFAULT_DATABASE_URL})",
    )
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL))
    parser.add_argument("--duration", type=float, help="seconds of load per page (10)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, help="concurrent connections (16)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (gunicorn.conf.py's default)")
    parser.add_argument("--port", type=int, default=8201, help="first loopback port to try")
    parser.add_argument("--loadgen", choices=["wrk", "python"], help="force a load generator")
    parser.add_argument("--skip-datasette", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the results here as JSON")
    return parser.parse_args(argv)


def smoke_database(workdir: Path, env: dict) -> None:
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    manage(
        env,
        "generate_demo_data",
        "--jurisdictions",
        "30",
        "--officials",
        "60",
        "--statements",
        "300",
        "--seed",
        "1",
        "--verbosity",
        "0",
    )


def main(argv=None) -> Report:
    args = parse_args(argv)
    smoke = args.smoke
    duration = args.duration or (0.25 if smoke else 10.0)
    connections = args.connections or (2 if smoke else 16)
    tool = args.loadgen or ("wrk" if shutil.which("wrk") and not smoke else "python")
    workdir = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    static_root = workdir / "static"
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY", "benchmark-only-" + os.urandom(16).hex()),
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "WARNING",
        "GUNICORN_ACCESS_LOG": str(workdir / "access.log"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HTTPS": "false",
    }
    for name in ("GUNICORN_BIND", "PAGE_CACHE_SECONDS"):
        env.pop(name, None)
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    elif smoke:
        env["GUNICORN_WORKERS"] = "1"
    if smoke:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'smoke.sqlite3'}"
        env.pop("REDIS_URL", None)  # the smoke run needs no Redis: each process's own memory
    else:
        env["DATABASE_URL"] = args.database_url or DEFAULT_DATABASE_URL
        env["REDIS_URL"] = args.redis_url
    report = Report(
        mode="smoke" if smoke else "full",
        load_tool=tool,
        settings={
            "duration s": duration,
            "connections": connections,
            "threads": args.threads if tool == "wrk" else connections,
            "gunicorn workers": env.get("GUNICORN_WORKERS", "gunicorn.conf.py default"),
            "cpus": os.cpu_count(),
            "database": env["DATABASE_URL"].split("@")[-1],
            "cache": "Redis" if env.get("REDIS_URL") else "local memory",
        },
    )
    servers: list[Server] = []
    succeeded = False
    try:
        if smoke:
            log(f"Smoke mode: a tiny SQLite database in {workdir}")
            smoke_database(workdir, env)
        else:
            log("Applying migrations (the indexes the pages need)")
            manage(env, "migrate", "--no-input", "--verbosity", "0")
        manage(env, "collectstatic", "--no-input", "--verbosity", "0")
        setup_django(env)
        import targets as target_module

        from statements.models import Statement

        if not Statement.objects.exists():
            raise SystemExit("The database holds no statements: run `make demo` first.")
        analyze_if_stale()
        targets = target_module.choose(csv_rows=100 if smoke else target_module.CSV_ROWS)
        log("Counting queries per page (Django test client, not under load)")
        pages = inspect_pages(targets)
        static_paths = write_static_copies(pages, static_root)
        load = Load(tool=tool, duration=duration, threads=args.threads, connections=connections)
        gunicorn = [str(VENV_BIN / "gunicorn"), "--config", "gunicorn.conf.py"]

        rows_by_mode = {}
        for mode, cache_seconds in (("app, cache off", "0"), ("app, cache on", "300")):
            port = free_port(args.port, args.port + 49)
            server = Server(
                f"gunicorn-cache-{cache_seconds}",
                [*gunicorn, "--bind", f"127.0.0.1:{port}"],
                env={**env, "PAGE_CACHE_SECONDS": cache_seconds},
                port=port,
                logdir=workdir,
            )
            servers.append(server)
            server.wait_ready(static_paths[targets[0].key])
            rows = []
            for target in targets:
                page = pages[target.key]
                fetch(server.base + target.path)  # warm this worker's connection and cache
                row = Row(
                    target.key,
                    target.label,
                    mode,
                    server.base + target.path,
                    queries=page["queries_off" if cache_seconds == "0" else "queries_on"],
                    alone_ms=page["alone_off" if cache_seconds == "0" else "alone_on"],
                    note=target.note,
                )
                rows.append(measure(load, row))
            if cache_seconds != "0":
                for target in targets:
                    row = Row(
                        target.key,
                        target.label,
                        "static copy",
                        server.base + static_paths[target.key],
                    )
                    rows.append(measure(load, row))
            rows_by_mode[mode] = rows
            server.stop()
            servers.remove(server)
        for target in targets:
            for mode_rows in rows_by_mode.values():
                report.rows += [r for r in mode_rows if r.page == target.key]

        if smoke or args.skip_datasette:
            why = "smoke mode" if smoke else "--skip-datasette"
            note = f"Datasette skipped ({why}): run `bash bench/run.sh` for the comparison."
            log(note)
            report.notes.append(note)
        else:
            report.rows += run_datasette(targets, load, args, workdir, servers)
        report.checks = checks_for(report, targets)
        report.notes += [
            f"{t.label}: {t.path} ({t.note})" if t.note else f"{t.label}: {t.path}" for t in targets
        ]
        succeeded = True
    finally:
        for server in servers:
            server.stop()
        if succeeded:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            log(f"Stopped early: the servers' logs are in {workdir}")
    print_report(report)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(asdict(report), indent=2))
    return report


def run_datasette(targets, load: Load, args, workdir: Path, servers: list) -> list[Row]:
    import export_sqlite
    import targets as target_module

    executable = ensure_datasette()
    database = export_sqlite.export(DATA_DIR / f"{SQLITE_NAME}.db", log=log)
    port = free_port(args.port + 50, args.port + 98)
    command = [
        str(executable),
        "serve",
        "--immutable",
        str(database),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        # As many rows per page as ours; facets and counts allowed to finish so that the view
        # shows what ours shows; no facet suggestions (extra queries a journalist did not ask for).
        "--setting",
        "default_page_size",
        "50",
        "--setting",
        "suggest_facets",
        "off",
        "--setting",
        "facet_time_limit_ms",
        "5000",
        "--setting",
        "sql_time_limit_ms",
        "5000",
    ]
    server = Server("datasette", command, env=dict(os.environ), port=port, logdir=workdir)
    servers.append(server)
    server.wait_ready("/-/versions.json")
    rows = []
    labels = {"filtered": "Datasette: state + stance, facets", "search": "Datasette: search"}
    for reference, path in target_module.datasette_paths(
        targets, database=SQLITE_NAME, table=export_sqlite.TABLE
    ).items():
        note = check_datasette_view(server.base, path)
        row = Row(
            f"datasette-{reference}", labels[reference], "datasette", server.base + path, note=note
        )
        rows.append(measure(load, row))
    server.stop()
    servers.remove(server)
    return rows


if __name__ == "__main__":
    main()

"""Datasette, the reference the benchmark compares with: installed into its own virtualenv
(bench/.venv-datasette, never the app's), serving the published statements exported to SQLite
(bench/export_sqlite.py)."""

import json
import subprocess
import sys
from pathlib import Path

from servers import Server, fetch, free_port, log

BENCH = Path(__file__).resolve().parent
VENV = BENCH / ".venv-datasette"
REQUIREMENTS = BENCH / "requirements-datasette.txt"
DATA_DIR = BENCH / ".data"
DATABASE_NAME = "tracker"
LABELS = {"filtered": "Datasette: state + stance, facets", "search": "Datasette: search"}


def ensure_datasette() -> Path:
    """The datasette executable, installed at the pinned versions unless it already is."""
    executable = VENV / "bin" / "datasette"
    stamp = VENV / ".installed"
    if executable.exists() and stamp.exists() and stamp.read_text() == REQUIREMENTS.read_text():
        return executable
    log(f"Installing Datasette into {VENV} (pinned in {REQUIREMENTS.name})")
    python = getattr(sys, "_base_executable", None) or sys.executable
    subprocess.run([python, "-m", "venv", str(VENV)], check=True)
    subprocess.run(
        [str(VENV / "bin" / "pip"), "install", "--quiet", "-r", str(REQUIREMENTS)], check=True
    )
    stamp.write_text(REQUIREMENTS.read_text())
    return executable


def start(*, first_port: int, logdir: Path) -> Server:
    """Datasette serving the exported statements on a free loopback port, ready to answer."""
    import export_sqlite

    executable = ensure_datasette()
    database = export_sqlite.export(DATA_DIR / f"{DATABASE_NAME}.db", log=log)
    port = free_port(first_port, first_port + 48)
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
    server = Server("datasette", command, env=None, port=port, logdir=logdir)
    server.wait_ready("/-/versions.json")
    return server


def views(targets) -> dict[str, str]:
    """{reference: path} of the Datasette views equivalent to our filtered list and search."""
    import export_sqlite
    import targets as target_module

    return target_module.datasette_paths(targets, database=DATABASE_NAME, table=export_sqlite.TABLE)


def describe_view(base: str, path: str) -> str:
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

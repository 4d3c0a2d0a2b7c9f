"""The benchmark runs end to end on tiny data: its table has every page and server, no errors.

Timings are not checked: on tiny data and a busy test machine they mean nothing. The load comes
from wrk: without it the test skips, except in CI, where it must run.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    shutil.which("wrk") is None and os.environ.get("CI", "").lower() != "true",
    reason="the benchmark's load comes from wrk (apt-get install -y wrk)",
)

ROOT = Path(__file__).resolve().parents[2]
PAGES = [
    "Statements, state + stance, with facets",
    "Statements, full-text search",
    "Jurisdictions, filtered by stance",
    "Jurisdiction page (busiest)",
    "Map",
    "CSV download",
]
SERVERS = ["app, cache off", "app, cache on", "static copy"]


def test_smoke_benchmark_prints_a_table_of_every_page_without_errors(tmp_path):
    results = tmp_path / "bench.json"
    completed = subprocess.run(
        [sys.executable, "bench/run.py", "--smoke", "--json", str(results)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    output = completed.stdout

    header = "| page | server | req/s | p50 ms | p99 ms | errors | SQL/req | alone ms | KB |"
    assert header in output
    table = [line for line in output.splitlines() if line.startswith("| ") and line != header]
    assert [line.split(" | ")[0].lstrip("| ") for line in table] == [
        page for page in PAGES for _ in SERVERS
    ]
    assert all(line.count("|") == 10 for line in table)

    report = json.loads(results.read_text())
    assert report["mode"] == "smoke"
    assert report["load_tool"] == "wrk"
    assert "## Benchmark (smoke, load by wrk)" in output
    assert [(row["label"], row["server"]) for row in report["rows"]] == [
        (page, server) for page in PAGES for server in SERVERS
    ]
    for row in report["rows"]:
        assert row["requests"] > 0, row
        assert row["errors"] == 0, row
        assert row["bytes"] > 0, row
    cached = [row for row in report["rows"] if row["server"] == "app, cache on"]
    assert [row["queries"] for row in cached if row["page"] != "csv"] == [0] * 5
    assert all(row["queries"] > 0 for row in report["rows"] if row["server"] == "app, cache off")

    # The Datasette comparison is left out, and the output says so.
    assert "Datasette skipped (smoke mode)" in output
    assert not any(row["server"] == "datasette" for row in report["rows"])
    assert "### Targets" in output
    assert "p50 < 50 ms: Map, app, cache on" in output

"""The load-with-writes benchmark, in its tiny mode: a few seconds of concurrent reads on gunicorn
while an editor process publishes and edits; no error, no 5xx, no lost edit. The load comes from
wrk (bench/wrk.py)."""

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
def test_a_few_seconds_of_load_with_writes_lose_nothing(db):
    if not (shutil.which("psql") and shutil.which("createdb")):
        pytest.skip("psql and createdb are needed to create the benchmark's database")
    if not shutil.which("wrk") and os.environ.get("CI", "").lower() != "true":
        pytest.skip("the load comes from wrk (apt-get install -y wrk)")
    settings = connection.settings_dict
    database_url = (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}_load"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    # With the shared page cache, as in production, when this machine runs Redis (CI does).
    shared_cache = ["--redis-url", REDIS_URL] if redis_answers() else []
    result = subprocess.run(
        [sys.executable, "bench/load_with_writes.py", "--tiny", "--prepare", "--compare",
         "--database-url", database_url, "--port", "8311", "--workers", "2", *shared_cache],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "OK: no errors, no 5xx, nothing lost." in result.stdout
    assert "lost edits 0" in result.stdout
    assert result.stdout.count("errors 0, 5xx 0") == 2  # the quiet run and the one with writes
    assert "throughput while editing:" in result.stdout
    if shared_cache:
        assert "a publish visible to readers after:" in result.stdout


REDIS_URL = "redis://127.0.0.1:6379/13"


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False

"""One log line per request, whichever server runs the site: runserver as `make run` starts it
(DEBUG on) and gunicorn as `make serve` does (DEBUG off), each answering a page and an unknown
address once. Before, runserver printed each of Django's records twice (plain text, then JSON) and
a 404 under gunicorn showed as Django's warning and again as the access line."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def serve_and_log(command: list[str], env: dict, port: int, paths: list[str]) -> list[str]:
    """Start the server, request each path once, stop it; the lines it printed."""
    server = subprocess.Popen(
        command,
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "the server did not start within 30 s"
                time.sleep(0.2)
        statuses = [get(f"http://127.0.0.1:{port}{path}") for path in paths]
        time.sleep(0.5)  # the access line is written after the response
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    return [statuses, output.splitlines()]


def lines_about(lines: list[str], path: str) -> list[str]:
    return [line for line in lines if f"{path} " in line or f'{path}"' in line]


@pytest.fixture
def server_env(tmp_path):
    # An empty database: these addresses answer without reading any table.
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}", "LOG_LEVEL": "INFO"}


def test_runserver_as_make_run_starts_it_prints_one_json_line_per_request(server_env):
    port = free_port()
    env = {**server_env, "DEBUG": "true"}
    env.pop("SECRET_KEY", None)
    command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]

    statuses, lines = serve_and_log(command, env, port, ["/api/v1/", "/no-such-page/"])

    assert statuses == [200, 404]
    for path in ("/api/v1/", "/no-such-page/"):
        about = lines_about(lines, path)
        assert len(about) == 1, f"{path} logged {len(about)} times:\n" + "\n".join(about)
        assert json.loads(about[0])["message"]  # the project's JSON, not Django's plain text


def test_gunicorn_as_make_serve_starts_it_prints_one_line_per_request(server_env):
    port = free_port()
    env = {**server_env, "DEBUG": "false", "SECRET_KEY": "test-only-not-secret"}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    command = [gunicorn, "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
    env["GUNICORN_WORKERS"] = "1"

    statuses, lines = serve_and_log(command, env, port, ["/api/v1/", "/api/v1/nothing-here/"])

    assert statuses == [200, 404]
    for path in ("/api/v1/", "/api/v1/nothing-here/"):
        about = lines_about(lines, path)
        assert len(about) == 1, f"{path} logged {len(about)} times:\n" + "\n".join(about)
        assert "rid=" in about[0]  # the access line carries the request id

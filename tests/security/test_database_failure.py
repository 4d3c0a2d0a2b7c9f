"""Failure: a database outage gets a clear 503 and the site recovers by itself; unknown pages get
the 404 page, errors the 500 page, never a traceback; every error is logged as one JSON line
with the request id the response carries."""

import glob
import io
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import path

BASE_DIR = Path(__file__).resolve().parents[2]


# -- a test-only URLconf with a view that fails --------------------------------------------------
def broken_view(request):
    raise RuntimeError("boom: a bug in a view")


urlpatterns = [path("broken/", broken_view)]


@pytest.fixture
def json_log():
    """The lines the project's JSON log handler writes while the test runs."""
    root = logging.getLogger()
    console = next(
        h
        for h in root.handlers
        if type(h) is logging.StreamHandler and h.formatter and "Json" in type(h.formatter).__name__
    )
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(console.formatter)
    for log_filter in console.filters:
        handler.addFilter(log_filter)
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines() if line]
    finally:
        root.removeHandler(handler)


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_failing_view_gets_the_500_page_and_one_json_log_line_with_the_request_id(db, json_log):
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "Something went wrong on our side" in text
    assert "Traceback" not in text and "boom" not in text and "RuntimeError" not in text
    errors = [line for line in json_log() if line["level"] == "ERROR"]
    assert len(errors) == 1
    assert errors[0]["logger"] == "django.request"
    assert errors[0]["request_id"] == response["X-Request-ID"]
    assert "RuntimeError: boom" in errors[0]["message"]  # the traceback goes to the log


def test_an_unknown_page_gets_the_404_page_logged_with_its_request_id(db, json_log):
    response = Client().get("/no-such-page/", headers={"X-Request-ID": "reader-supplied-id-42"})
    assert response.status_code == 404
    assert "<title>Not found · Sanctuary Tracker</title>" in response.content.decode()
    assert response["X-Request-ID"] == "reader-supplied-id-42"
    warnings = [line for line in json_log() if line["message"].startswith("Not Found")]
    assert [w["request_id"] for w in warnings] == ["reader-supplied-id-42"]


def test_a_forged_request_id_is_replaced_so_logs_cannot_be_forged(db, json_log):
    forged = 'x", "level": "CRITICAL'
    response = Client().get("/no-such-page/", headers={"X-Request-ID": forged})
    assert response["X-Request-ID"] != forged
    assert len(response["X-Request-ID"]) == 32
    assert [line["request_id"] for line in json_log() if line["level"] == "WARNING"] == [
        response["X-Request-ID"]
    ]


def test_a_database_error_gets_the_503_page_with_the_reference(db, monkeypatch, json_log):
    from cities.models import Jurisdiction

    def unreachable(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr(type(Jurisdiction.objects.all()), "stance_counts", unreachable)
    response = Client().get("/")
    assert response.status_code == 503
    text = response.content.decode()
    assert "temporarily unavailable" in text
    assert response["X-Request-ID"] in text
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert "Traceback" not in text and "Connection refused" not in text
    logged = [line for line in json_log() if line["message"].startswith("database unavailable")]
    assert [line["request_id"] for line in logged] == [response["X-Request-ID"]]


# -- a real outage: a PostgreSQL cluster of the test's own, stopped and started ------------------
def _postgres_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _free_port() -> int:
    for port in range(8340, 8399):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8340-8398")


def _cluster_unavailable_reason() -> str:
    if not _postgres_bin("initdb") or not _postgres_bin("pg_ctl"):
        return "PostgreSQL's initdb/pg_ctl are not installed"
    if not shutil.which("runuser"):
        return "runuser is not available to run initdb as the postgres user"
    if os.geteuid() != 0:
        return "starting a throwaway PostgreSQL cluster needs root (runuser -u postgres)"
    return ""


@pytest.fixture
def throwaway_cluster():
    """A PostgreSQL cluster in a temporary directory; yields (start, stop, database URL)."""
    reason = _cluster_unavailable_reason()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must run the outage test: {reason}")
        pytest.skip(reason)
    directory = tempfile.mkdtemp(prefix="tracker-outage-")
    shutil.chown(directory, "postgres", "postgres")
    data = f"{directory}/data"
    port = _free_port()

    def as_postgres(*args, check=True):
        return subprocess.run(
            ["runuser", "-u", "postgres", "--", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=check,
        )

    as_postgres(_postgres_bin("initdb"), "-D", data, "-A", "trust", "-U", "postgres")
    pg_ctl = _postgres_bin("pg_ctl")

    def start():
        as_postgres(
            pg_ctl,
            "-D",
            data,
            "-o",
            f"-p {port} -k {directory}",
            "-l",
            f"{data}/log",
            "-w",
            "start",
        )

    def stop():
        as_postgres(pg_ctl, "-D", data, "-m", "immediate", "-w", "stop")

    start()
    try:
        yield start, stop, f"postgres://postgres@127.0.0.1:{port}/postgres"
    finally:
        as_postgres(pg_ctl, "-D", data, "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(directory, ignore_errors=True)


def _get(url: str):
    """(status, headers, body) of a GET, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=15) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.mark.postgres
def test_a_database_outage_gets_a_503_and_the_site_recovers_when_it_returns(throwaway_cluster):
    start, stop, database_url = throwaway_cluster
    static_root = tempfile.mkdtemp(prefix="tracker-outage-static-")
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "outage-test-" + "k" * 50,
        "STATIC_ROOT": static_root,
        "PAGE_CACHE_SECONDS": "0",  # every page is built by the app
        "CONN_MAX_AGE": "60",  # a kept connection that the outage breaks
        "GUNICORN_WORKERS": "1",
        "GUNICORN_ACCESS_LOG": "/dev/null",
    }
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--no-input"], ["load_seed"], ["collectstatic", "--no-input"]):
        subprocess.run(
            manage + command, cwd=BASE_DIR, env=env, check=True, capture_output=True, timeout=300
        )
    port = _free_port()
    server_log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115  (lives as long as the server)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=server_log,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        status = None
        deadline = time.monotonic() + 60
        while status is None and server.poll() is None and time.monotonic() < deadline:
            try:
                status = _get(base + "/cities/")[0]
            except (ConnectionError, urllib.error.URLError):
                time.sleep(0.2)
        server_log.seek(0)
        assert status == 200, server_log.read()[-3000:]

        stop()
        # A list read before is answered from the rows and counts kept at its versions, with
        # no query (tracker/fragments.py); one nobody asked for needs the database.
        assert _get(base + "/cities/")[0] == 200
        status, headers, body = _get(base + "/cities/?state=IL")
        assert status == 503
        assert "temporarily unavailable" in body
        assert headers["Retry-After"] == "30"
        assert headers["X-Request-ID"] in body
        assert "Traceback" not in body and "OperationalError" not in body
        # It stays a clear 503, quickly, while the database is away.
        started = time.monotonic()
        assert _get(base + "/statements/")[0] == 503
        assert time.monotonic() - started < 5

        start()
        deadline = time.monotonic() + 15
        while (status := _get(base + "/cities/")[0]) != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert status == 200, "the site did not recover when the database returned"
        status, _, body = _get(base + "/cities/chicago-il/")
        assert status == 200 and "Chicago" in body
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(static_root, ignore_errors=True)

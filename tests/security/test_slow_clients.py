"""Slow clients cannot take the site down: nginx (deploy/nginx.conf) holds them, not gunicorn.

The finding: two sockets sending one header line every 5 s to the gunicorn port (`make serve`
bound it directly) held both workers; a normal `/cities/` took 29.7 s, then both workers were
killed. Here gunicorn (the project's gunicorn.conf.py, two sync workers, a 5 s timeout) runs
behind nginx with the project's config, both on free ports; slow-loris sockets trickle headers
and bodies to nginx while a normal request is timed, and the workers must all survive.
"""

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
IN_CI = os.environ.get("CI", "").lower() == "true"
SLOW_SECONDS = 7  # longer than gunicorn's timeout below: a worker held this long is killed
WORKER_TIMEOUT = 5


def missing() -> str:
    if not NGINX:
        return "nginx is not installed (apt-get install -y nginx)"
    if not os.access(GUNICORN, os.X_OK):
        return f"gunicorn is not installed at {GUNICORN}"
    return ""


pytestmark = pytest.mark.skipif(bool(missing()) and not IN_CI, reason=missing() or "ready")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{what} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{what} did not listen on {port} within {seconds} s")


def children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (gunicorn's workers), from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def wait_for_workers(master: int, count: int, seconds: float = 20) -> set[int]:
    deadline = time.monotonic() + seconds
    while len(found := children(master)) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


def nginx_prefix(tmp_path: Path, *, listen: int, upstream: int) -> Path:
    """A prefix holding the project's nginx.conf with only its two addresses changed."""
    config = (ROOT / "deploy" / "nginx.conf").read_text()
    for old, new in (
        ("listen 127.0.0.1:8000;", f"listen 127.0.0.1:{listen};"),
        ("server 127.0.0.1:8001;", f"server 127.0.0.1:{upstream};"),
    ):
        assert config.count(old) == 1, f"deploy/nginx.conf no longer has {old!r}"
        config = config.replace(old, new)
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "nginx.conf").write_text(config)
    (tmp_path / "var" / "nginx").mkdir(parents=True)
    return tmp_path


@pytest.fixture
def site(tmp_path):
    """gunicorn with two workers behind nginx; yields (nginx port, gunicorn's pid)."""
    assert not missing(), missing()
    app_port, site_port = free_port(), free_port()
    env = {
        **os.environ,
        "SECRET_KEY": "slow-clients-test",
        # The request timed below needs no database and no collected static files.
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_TIMEOUT": str(WORKER_TIMEOUT),
        "PROXY_COUNT": "1",
    }
    env.pop("REDIS_URL", None)
    logs = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115 (closed below)
    gunicorn = subprocess.Popen(
        [GUNICORN, "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{app_port}"],
        cwd=ROOT,
        env=env,
        stdout=logs,
        stderr=subprocess.STDOUT,
    )
    prefix = nginx_prefix(tmp_path, listen=site_port, upstream=app_port)
    nginx = subprocess.Popen(
        [NGINX, "-p", f"{prefix}/", "-c", "deploy/nginx.conf", "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(app_port, gunicorn, "gunicorn")
        wait_for_port(site_port, nginx, "nginx")
        yield site_port, gunicorn.pid
    finally:
        for process in (nginx, gunicorn):
            process.send_signal(signal.SIGTERM)
        for process in (nginx, gunicorn):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        logs.close()


def trickle(port: int, *, body: bool, stop: threading.Event) -> None:
    """A slow-loris client: one header line (or one body byte) a second until told to stop."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        method = "POST /admin/login/" if body else "GET /cities/"
        sock.sendall(f"{method} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())
        if body:
            sock.sendall(
                b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n"
            )
        n = 0
        while not stop.wait(1):
            n += 1
            try:
                sock.sendall(b"a" if body else f"X-Slow-{n}: {n}\r\n".encode())
            except OSError:
                return  # nginx cut it off: what it should do in the end


def timed_get(port: int, path: str) -> tuple[int, float]:
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        status = connection.getresponse().status
    finally:
        connection.close()
    return status, time.monotonic() - started


def test_slow_clients_do_not_hold_the_workers_behind_nginx(site):
    port, master = site
    workers = wait_for_workers(master, 2)
    assert len(workers) == 2, workers
    stop = threading.Event()
    # One slow header and one slow body per worker: enough to take every worker directly.
    slow = [
        threading.Thread(target=trickle, args=(port,), kwargs={"body": body, "stop": stop})
        for body in (False, True, False, True)
    ]
    for thread in slow:
        thread.start()
    timings = []
    try:
        deadline = time.monotonic() + SLOW_SECONDS
        while time.monotonic() < deadline:
            timings.append(timed_get(port, "/favicon.ico"))
            time.sleep(0.5)
    finally:
        stop.set()
        for thread in slow:
            thread.join(timeout=5)

    # Every normal request was answered by Django (a redirect to the hashed favicon), at once.
    assert {status for status, _ in timings} == {301}
    assert max(seconds for _, seconds in timings) < 2, timings
    # No worker was held past its timeout and killed: the same two are still there.
    assert children(master) == workers

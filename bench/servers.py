"""The processes a benchmark run starts (gunicorn, Datasette, manage.py), plain HTTP requests to
them, and Django set up in the run's own process."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(first: int, last: int) -> int:
    """The first loopback port from `first` to `last` that nothing listens on."""
    for port in range(first, last + 1):
        if port_is_free(port):
            return port
    raise SystemExit(f"No free loopback port between {first} and {last}.")


def gunicorn_command(port: int) -> list[str]:
    """gunicorn as production runs it (gunicorn.conf.py), bound to a loopback port."""
    return [
        str(VENV_BIN / "gunicorn"),
        "--config",
        "gunicorn.conf.py",
        "--bind",
        f"127.0.0.1:{port}",
    ]


class Server:
    """A child process in its own process group, stopped with SIGTERM then SIGKILL."""

    def __init__(self, name: str, command: list[str], *, env: dict | None, port: int, logdir: Path):
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
        """Return once `path` answers below 400; exit if the server dies or stays silent."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited early; see {self.logfile.name}")
            try:
                if fetch(self.base + path)[0] < 400:
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
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
    """(status, body, headers) of one GET; an error status is returned, not raised."""
    request = urllib.request.Request(
        url, headers={"Accept-Encoding": "gzip"} if accept_gzip else {}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def manage(env: dict, *args: str) -> None:
    """Run `manage.py *args` in a child process with `env`; its output is discarded."""
    subprocess.run(
        [sys.executable, "manage.py", *args],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def setup_django(env: dict) -> None:
    """Set up Django in this process with the run's environment (its database, its cache)."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    # After bench/ (first on the path when a bench script runs), so bench's modules stay found.
    sys.path.insert(1, str(ROOT))
    import django

    django.setup()

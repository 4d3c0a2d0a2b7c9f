"""The drill's handle on a running one-machine cluster (deploy/cluster/) and its report, which
is printed as it goes (with -s) and again in the run's summary."""

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "deploy" / "cluster"
PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))
# A database number apart from `make cluster`'s (14) and everything else's (0).
REDIS_URL = os.environ.get("CLUSTER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
NEEDS = {
    "initdb": (PGBIN / "initdb", "PostgreSQL 15 server binaries"),
    "pg_basebackup": (PGBIN / "pg_basebackup", "PostgreSQL 15 server binaries"),
    "nginx": (Path(shutil.which("nginx") or "/usr/sbin/nginx"), "apt-get install -y nginx"),
}

_lines: list[str] = []


def report(line: str = "") -> None:
    """Print a line of the drill's output now (seen with -s) and again in the run's summary."""
    print(line, flush=True)
    _lines.append(line)


def reported_lines() -> list[str]:
    return list(_lines)


def skip_unless_ci(reason: str) -> None:
    """Skip with the reason, except in CI, where a missing part must fail the run."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@dataclass
class Cluster:
    """A running cluster: its ports and URLs (cluster.env) and its control script."""

    directory: Path
    state: dict[str, str]
    env: dict[str, str] = field(repr=False)

    @property
    def address(self) -> str:
        return self.state["ADDRESS"].rstrip("/")

    def app(self, number: int) -> str:
        return f"http://127.0.0.1:{self.state[f'APP{number}_PORT']}"

    def port(self, name: str) -> int:
        return int(self.state[f"{name.upper()}_PORT"])

    def ctl(self, *args: str) -> float:
        """Run deploy/cluster/ctl.sh; returns the seconds it took."""
        started = time.monotonic()
        subprocess.run(
            ["bash", str(SCRIPTS / "ctl.sh"), *args],
            env=self.env,
            check=True,
            capture_output=True,
            timeout=90,
        )
        return time.monotonic() - started

    def app_env(self) -> dict[str, str]:
        """The environment of the app servers, for a manage.py command of the drill's own."""
        return {
            **os.environ,
            "DATABASE_URL": self.state["DATABASE_URL"],
            "REPLICA_DATABASE_URL": self.state["REPLICA_DATABASE_URL"],
            "REDIS_URL": self.state["REDIS_URL"],
            "SECRET_KEY": self.state["SECRET_KEY"],
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
        }

    def shell(self, code: str) -> str:
        """`manage.py shell -c code` against the cluster's primary; returns what it printed."""
        completed = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=self.app_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert completed.returncode == 0, completed.stderr
        return completed.stdout

    def sql(self, database: str, query: str, params=()) -> list[tuple]:
        """Rows of one query on the primary or the replica, as the postgres user."""
        import psycopg2

        connection = psycopg2.connect(
            host="127.0.0.1", port=self.port(database), user="postgres", dbname="tracker"
        )
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(query, params)
                return cursor.fetchall()
        finally:
            connection.close()

    def forget_pages(self) -> None:
        """Empty the cluster's page cache, so the next pages are built from the database."""
        import redis

        client = redis.Redis.from_url(self.state["REDIS_URL"])
        keys = list(client.scan_iter("tracker:*"))
        if keys:
            client.delete(*keys)
        client.close()


def leftover_processes(directory: Path) -> list[str]:
    """Command lines of processes that name the cluster's folder (postgres -D, gunicorn --pid,
    nginx -p): none once down.sh has run."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(directory) in command:
            found.append(f"{cmdline.parent.name}: {command.strip()}")
    return found

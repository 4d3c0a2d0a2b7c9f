"""The one-machine cluster for the drill: started once per run, always torn down (even when a
test fails), and the drill's figures printed in the run's summary even when output is captured."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from .drill import (
    NEEDS,
    PGBIN,
    REDIS_URL,
    SCRIPTS,
    Cluster,
    leftover_processes,
    report,
    reported_lines,
    skip_unless_ci,
)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    lines = reported_lines()
    if lines and config.getoption("capture") != "no":
        terminalreporter.section("cluster drill")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def cluster():
    missing = [f"{name} ({hint})" for name, (path, hint) in NEEDS.items() if not path.exists()]
    if missing:
        skip_unless_ci(f"the cluster drill needs {', '.join(missing)}")
    if subprocess.run(["redis-cli", "-u", REDIS_URL, "ping"], capture_output=True).returncode:
        skip_unless_ci(f"the cluster drill needs a Redis at {REDIS_URL}")

    directory = Path(tempfile.mkdtemp(prefix="sanctuary-cluster-", dir=ram_folder()))
    env = {
        **os.environ,
        "CLUSTER_DIR": str(directory),
        "CLUSTER_REDIS_URL": REDIS_URL,
        "PYTHON": sys.executable,
        "PGBIN": str(PGBIN),
    }
    try:
        started = time.monotonic()
        completed = subprocess.run(
            ["bash", str(SCRIPTS / "up.sh")], env=env, capture_output=True, text=True, timeout=300
        )
        if completed.returncode:
            pytest.fail(f"deploy/cluster/up.sh failed:\n{completed.stderr[-4000:]}", pytrace=False)
        state = dict(
            line.split("=", 1)
            for line in (directory / "cluster.env").read_text().splitlines()
            if "=" in line
        )
        report(f"cluster up in {time.monotonic() - started:.0f} s (deploy/cluster/up.sh):")
        for line in completed.stdout.splitlines():
            report(f"  {line}")
        yield Cluster(directory, state, env)
    finally:
        started = time.monotonic()
        down = subprocess.run(
            ["bash", str(SCRIPTS / "down.sh")], env=env, capture_output=True, text=True, timeout=120
        )
        left = leftover_processes(directory)
        report(f"cluster down in {time.monotonic() - started:.0f} s (deploy/cluster/down.sh):")
        for line in down.stderr.splitlines():
            report(f"  {line}")
        assert down.returncode == 0, down.stderr
        assert not left, f"still running after down.sh: {left}"
        assert not directory.exists(), f"down.sh left {directory}"


def ram_folder() -> str | None:
    """/dev/shm when it has room, else None (the usual temporary folder): the two clusters write
    and then delete some 200 MB, which on a busy shared disk takes longer than the drill."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 2**30:
        return str(shm)
    return None

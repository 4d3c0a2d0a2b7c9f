"""The benchmark's one load generator: wrk, run with bench/wrk.lua.

wrk is a C program (`apt-get install -y wrk`; bench/run.sh installs it when run as root). It
loads a server from a separate process without being the bottleneck, which a Python generator on
the same small machine would be. The read benchmark (bench/run.py) loads one address at a time;
the load-with-writes run (bench/load_with_writes.py) loads a random mix of addresses and counts
each status.
"""

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "wrk.lua"
INSTALL_HINT = "wrk is not installed: apt-get install -y wrk (bash bench/run.sh does it as root)"


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    bytes: int  # every response, headers included, as sent (gzip when the server compresses)
    socket_errors: int  # connect, read, write and timeout errors
    status_errors: int  # responses with a status of 400 or above
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    statuses: dict[int, int] = field(default_factory=dict)  # {status: count}, mix mode only

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def server_errors(self) -> int:
        """Responses with a 5xx status (counted in mix mode only)."""
        return sum(count for status, count in self.statuses.items() if status >= 500)


def require_wrk() -> str:
    """wrk's path; exits with the install command when it is missing."""
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit(INSTALL_HINT)
    return path


@dataclass(frozen=True)
class Wrk:
    """wrk's settings for one run. wrk spreads the connections evenly over its threads (give a
    multiple of `threads`) and counts time in whole seconds."""

    duration: int
    connections: int
    threads: int = 2
    timeout: int = 30  # seconds; a slower response counts as a timeout error

    def run(
        self, url: str, *, headers: dict[str, str] | None = None, paths: list[str] | None = None
    ) -> LoadResult:
        """Load `url` for `duration` seconds; with `paths`, each request picks one at random on
        the same server instead."""
        command = [
            require_wrk(),
            f"-t{min(self.threads, self.connections)}",
            f"-c{self.connections}",
            f"-d{self.duration}s",
            f"--timeout={self.timeout}s",
            f"--script={SCRIPT}",
        ]
        for name, value in (headers or {}).items():
            command += ["-H", f"{name}: {value}"]
        command.append(url)
        with tempfile.NamedTemporaryFile("w", suffix=".paths", encoding="utf-8") as mix:
            if paths:
                mix.write("".join(f"{path}\n" for path in paths))
                mix.flush()
                command += ["--", mix.name]
            completed = subprocess.run(command, capture_output=True, text=True, check=False)
        lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
        if completed.returncode != 0 or not lines:
            raise SystemExit(f"wrk failed on {url}: {completed.stderr or completed.stdout}")
        return parse(lines[-1])


def parse(line: str) -> LoadResult:
    """The LoadResult in the JSON line that bench/wrk.lua prints."""
    data = json.loads(line)
    return LoadResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        bytes=data["bytes"],
        socket_errors=sum(data[key] for key in ("connect", "read", "write", "timeout")),
        status_errors=data["status"],
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        statuses={int(status): count for status, count in data["statuses"].items()},
    )

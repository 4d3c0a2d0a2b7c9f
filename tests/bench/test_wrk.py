"""The benchmark's load generator (wrk with bench/wrk.lua), on a throwaway server that answers
200, 404 or 500 by path.

The load-with-writes run reads a mix of addresses and fails on any 5xx but not on a 404 (a page
unpublished mid-run): wrk alone counts every status of 400 or above as one error, so the script
must count each status itself. Its own test runs only on PostgreSQL; this one runs everywhere.
"""

import importlib.util
import os
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    shutil.which("wrk") is None and os.environ.get("CI", "").lower() != "true",
    reason="the benchmark's load comes from wrk (apt-get install -y wrk)",
)

WRK_MODULE = Path(__file__).resolve().parents[2] / "bench" / "wrk.py"
STATUS_BY_PATH = {"/fine": 200, "/unpublished": 404, "/broken": 500}


def load_wrk_module():
    spec = importlib.util.spec_from_file_location("bench_wrk", WRK_MODULE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as gunicorn behind wrk

    def do_GET(self):
        body = self.path.encode()
        self.send_response(STATUS_BY_PATH.get(self.path, 400))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_mix_of_addresses_counts_each_status_so_a_404_is_not_a_5xx(server):
    wrk = load_wrk_module()
    load = wrk.Wrk(duration=1, connections=2)

    result = load.run(f"{server}/", paths=list(STATUS_BY_PATH))

    assert set(result.statuses) == {200, 404, 500}
    assert sum(result.statuses.values()) == result.requests > 0
    assert result.server_errors == result.statuses[500]
    assert result.status_errors == result.statuses[404] + result.statuses[500]
    assert result.socket_errors == 0
    assert 0 < result.p50_ms <= result.p95_ms <= result.p99_ms <= result.max_ms


def test_one_address_is_loaded_alone_and_its_statuses_are_not_counted(server):
    wrk = load_wrk_module()
    load = wrk.Wrk(duration=1, connections=2)

    result = load.run(f"{server}/fine", headers={"Accept-Encoding": "gzip"})

    assert result.requests > 0
    assert result.statuses == {}  # wrk's fast path: no response reaches the script
    assert result.status_errors == result.socket_errors == 0
    assert result.bytes > result.requests * len(b"/fine")

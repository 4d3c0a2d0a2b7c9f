"""A small HTTP load generator for when wrk is not installed (and for the smoke run).

Runs as its own process: `python bench/loadgen.py URL --duration 10 --connections 16`. Each
connection is a thread that sends GETs back to back over a kept-alive connection (reopened when
the server closes it) and records each latency. Prints one JSON line with the same keys as
bench/report.lua, so run.py reads either alike. Slower than wrk: Python threads share one core.
"""

import argparse
import http.client
import json
import threading
import time
from urllib.parse import urlsplit


def worker(url, headers, deadline, latencies, counts, lock):
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    connection = None
    local_latencies, local = [], {"requests": 0, "bytes": 0, "status": 0, "read": 0, "connect": 0}
    while time.monotonic() < deadline:
        try:
            if connection is None:
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            started = time.perf_counter()
            connection.request("GET", target, headers=headers)
            response = connection.getresponse()
            body = response.read()
            local_latencies.append(time.perf_counter() - started)
            local["requests"] += 1
            local["bytes"] += len(body)
            if response.status >= 400:
                local["status"] += 1
            if response.will_close:
                connection.close()
                connection = None
        except ConnectionRefusedError:
            local["connect"] += 1
            connection = None
            time.sleep(0.01)
        except (OSError, http.client.HTTPException):
            local["read"] += 1
            if connection is not None:
                connection.close()
            connection = None
    if connection is not None:
        connection.close()
    with lock:
        latencies.extend(local_latencies)
        for key, value in local.items():
            counts[key] += value


def percentile(sorted_values, fraction):
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))
    return sorted_values[index]


def run(url, *, duration, connections, headers):
    latencies, lock = [], threading.Lock()
    counts = {"requests": 0, "bytes": 0, "status": 0, "read": 0, "connect": 0}
    started = time.monotonic()
    deadline = started + duration
    threads = [
        threading.Thread(target=worker, args=(url, headers, deadline, latencies, counts, lock))
        for _ in range(connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        **counts,
        "duration_us": int(elapsed * 1e6),
        "write": 0,
        "timeout": 0,
        "p50_us": int(percentile(latencies, 0.50) * 1e6),
        "p99_us": int(percentile(latencies, 0.99) * 1e6),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--header", action="append", default=[], help="Name: value")
    args = parser.parse_args()
    headers = dict(h.split(": ", 1) for h in args.header)
    print(
        json.dumps(
            run(args.url, duration=args.duration, connections=args.connections, headers=headers)
        )
    )


if __name__ == "__main__":
    main()

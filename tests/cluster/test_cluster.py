"""The drill: the tracker grown past one machine, on this one (deploy/cluster/).

Two gunicorn app servers behind nginx, a PostgreSQL primary and its streaming read replica, one
Redis. An editor publishes through one app server and readers of the other see it within two
seconds; a short wrk run through nginx prints the cluster's figures; then readers keep getting
pages while the replica is stopped (and return to it when it is back) and when an app server
dies. The tests run in this order, on one cluster.
"""

import http.cookiejar
import importlib.util
import json
import os
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from .drill import ROOT, report, skip_unless_ci

pytestmark = [pytest.mark.postgres, pytest.mark.cluster]

WRK = "/usr/bin/wrk"
BENCH_PAGES = {"home": "/", "statements": "/statements/", "jurisdictions": "/cities/"}
# Built from the database whenever the page cache has been emptied.
READ_PAGES = ("/", "/statements/", "/cities/")
EDITOR = ("drill-editor", "a-long-drill-editor-password")


def fetch(url: str, *, opener=None, data: dict | None = None, timeout: float = 10):
    """(status, headers, body text) of one request; errors are answers, not exceptions."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body)
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode(errors="replace")


def wait_until(check, *, seconds: float, every: float = 0.05) -> float | None:
    """Seconds until check() held, or None if it did not within `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if check():
            return time.monotonic() - started
        time.sleep(every)
    return None


def reads_since(cluster, database: str, since) -> int:
    """How many app connections have queried the tracker's tables on `database` since `since`.

    pg_stat_activity keeps each connection's last query, cut at 1 kB: a long SELECT loses its
    FROM, but its columns name the tables."""
    return cluster.sql(
        database,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = 'tracker' "
        "AND backend_type = 'client backend' AND pid <> pg_backend_pid() "
        "AND query_start > %s AND query ~ '^SELECT .*\"(statements|cities)_[a-z_]+\"'",
        [since],
    )[0][0]


def database_now(cluster, database: str):
    return cluster.sql(database, "SELECT now()")[0][0]


def test_nginx_balances_two_app_servers_over_a_primary_and_its_streaming_replica(cluster):
    assert cluster.sql("replica", "SELECT pg_is_in_recovery()") == [(True,)]
    assert cluster.sql("primary", "SELECT state FROM pg_stat_replication") == [("streaming",)]

    answered_by = set()
    for _ in range(6):
        status, headers, body = fetch(cluster.address + "/")
        assert status == 200
        assert "Sanctuary Tracker" in body
        answered_by.add(headers["X-Upstream"])
    apps = {f"127.0.0.1:{cluster.port('app1')}", f"127.0.0.1:{cluster.port('app2')}"}
    assert answered_by == apps

    since = database_now(cluster, "replica")
    cluster.forget_pages()
    for path in READ_PAGES:
        assert fetch(cluster.address + path)[0] == 200
    assert reads_since(cluster, "replica", since) >= 1
    report("nginx answers from both app servers; anonymous pages are read from the replica")


def test_publish_through_one_app_server_is_seen_through_the_other_within_two_seconds(cluster):
    created = json.loads(
        cluster.shell(
            f"""
import json, uuid
from django.contrib.auth.models import Group, User
from statements.models import Statement
editor = User.objects.create_user({EDITOR[0]!r}, password={EDITOR[1]!r}, is_staff=True)
editor.groups.add(Group.objects.get(name="Editors"))
model = Statement.objects.published().first()
marker = f"Cluster drill statement {{uuid.uuid4().hex[:12]}}"
draft = Statement.objects.create(
    official=model.official, agency=model.agency, jurisdiction=model.jurisdiction,
    said_on=model.said_on, medium=model.medium, quote=marker,
)
draft.sources.set(model.sources.all())
print(json.dumps({{"pk": draft.pk, "marker": marker}}))
"""
        ).splitlines()[-1]
    )
    marker, listing = created["marker"], "/statements/?q=" + urllib.parse.quote("Cluster drill")
    readers = {"app server 2": cluster.app(2), "nginx": cluster.address}
    for base in readers.values():
        for _ in range(2):  # the second read comes from the page cache
            status, headers, body = fetch(base + listing)
            assert status == 200 and marker not in body
    assert headers["X-Page-Cache"] == "hit"

    editor = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(jar := http.cookiejar.CookieJar())
    )
    app1 = cluster.app(1)

    def csrf_token() -> str:
        return next(cookie.value for cookie in jar if cookie.name == "csrftoken")

    fetch(app1 + "/admin/login/", opener=editor)
    status, _, body = fetch(
        app1 + "/admin/login/?next=/admin/",
        opener=editor,
        data={
            "username": EDITOR[0],
            "password": EDITOR[1],
            "csrfmiddlewaretoken": csrf_token(),
            "next": "/admin/",
        },
    )
    assert status == 200 and "Log out" in body, body[:500]
    status, _, body = fetch(
        app1 + "/admin/statements/statement/",
        opener=editor,
        data={
            "action": "publish",
            "_selected_action": created["pk"],
            "index": "0",
            "csrfmiddlewaretoken": csrf_token(),
        },
    )
    published_at = time.monotonic()
    assert status == 200 and "1 statement(s) published." in body

    seen_after = {}
    while len(seen_after) < len(readers) and time.monotonic() - published_at < 2:
        for name, base in readers.items():
            if name not in seen_after and marker in fetch(base + listing)[2]:
                seen_after[name] = time.monotonic() - published_at
        time.sleep(0.05)
    report("publish through app server 1 (admin action), seen by readers of:")
    for name in readers:
        after = seen_after.get(name)
        report(f"  {name:<13} {'not within 2 s' if after is None else f'{after * 1000:.0f} ms'}")
    assert set(seen_after) == set(readers)
    status, _, body = fetch(f"{cluster.app(2)}/statements/{created['pk']}/")
    assert status == 200 and marker in body


def test_benchmark_through_nginx(cluster):
    if not os.path.exists(WRK) and not shutil.which("wrk"):
        skip_unless_ci("the cluster benchmark needs wrk (apt-get install -y wrk)")
    wrk = _load_wrk().Wrk(duration=5, connections=8, threads=2)
    results = {name: wrk.run(cluster.address + path) for name, path in BENCH_PAGES.items()}

    report("wrk through nginx, 2 threads, 8 connections, 5 s a page (page cache on, as served):")
    report(f"  {'page':<14}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for name, result in results.items():
        errors = result.status_errors + result.socket_errors
        report(
            f"  {name:<14}{result.rps:>8,.0f}{result.p50_ms:>9.1f}{result.p99_ms:>9.1f}{errors:>8}"
        )
    for name, result in results.items():
        assert result.requests > 0, name
        assert result.status_errors == 0, f"{name}: {result.status_errors} non-2xx/3xx answers"
        assert result.socket_errors == 0, f"{name}: {result.socket_errors} socket errors"


def test_readers_are_served_from_the_primary_while_the_replica_is_stopped(cluster):
    stopped_in = cluster.ctl("stop", "replica")
    since = database_now(cluster, "primary")
    cluster.forget_pages()
    timings = []
    for base in (cluster.address, cluster.app(1), cluster.app(2)):
        for path in READ_PAGES:
            started = time.monotonic()
            status, _, body = fetch(base + path)
            timings.append(time.monotonic() - started)
            assert status == 200, f"{base}{path} answered {status}"
            assert "Sanctuary Tracker" in body
    assert reads_since(cluster, "primary", since) >= 1
    report(
        f"replica stopped (pg_ctl stop -m fast, {stopped_in:.1f} s): {len(timings)} uncached "
        f"pages all 200 from the primary, slowest {max(timings) * 1000:.0f} ms"
    )

    cluster.ctl("start", "replica")
    assert wait_until(
        lambda: cluster.sql("primary", "SELECT state FROM pg_stat_replication") == [("streaming",)],
        seconds=15,
        every=0.2,
    )
    since = database_now(cluster, "replica")

    def back_on_replica() -> bool:
        cluster.forget_pages()
        fetch(cluster.address + "/statements/")
        return reads_since(cluster, "replica", since) >= 1

    back_after = wait_until(back_on_replica, seconds=15, every=0.5)
    assert back_after is not None
    report(f"replica started again: streaming, and serving readers again after {back_after:.1f} s")


def test_nginx_keeps_answering_when_an_app_server_dies(cluster):
    cluster.ctl("kill", "app1")
    survivor = f"127.0.0.1:{cluster.port('app2')}"
    statuses, retried = [], 0
    for index in range(20):
        status, headers, _ = fetch(cluster.address + READ_PAGES[index % len(READ_PAGES)])
        statuses.append(status)
        upstreams = headers["X-Upstream"].split(", ")
        retried += len(upstreams) > 1
        assert upstreams[-1] == survivor
    assert statuses == [200] * 20
    report(
        f"app server 1 killed (SIGKILL, master and workers): 20 of 20 requests through nginx "
        f"answered 200 by app server 2 ({retried} after a failed try on app server 1)"
    )


def _load_wrk():
    """bench/wrk.py, the benchmark's one load generator (bench/ is scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("bench_wrk", ROOT / "bench" / "wrk.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

"""Load with writes: public pages under concurrent load on gunicorn + PostgreSQL while an editor
publishes, edits and unpublishes records; then checks that every edit is present.

    .venv/bin/python bench/load_with_writes.py --prepare            # 32 connections, 60 s
    .venv/bin/python bench/load_with_writes.py --tiny --prepare     # 4 connections, 3 s
    .venv/bin/python bench/load_with_writes.py --compare --write-pause 1 --redis-url redis://...
        # the issue's case: the same load quiet, then with an edit a second; prints the ratio

After each publish the editor reads the place's page as a reader would until the new statement
shows, and reports how long that took (the "visible within" figures).

Exits 1 on any error, any 5xx or any lost edit. Loopback only. The load comes from wrk (wrk.py),
each request a random address of the mix; the editor is a separate process writing through
statements.services, as the admin does; the page cache is shared through Redis when REDIS_URL is
given (as in production), so a stale page would show as a lost edit.
"""

import argparse
import gzip
import json
import math
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from pathlib import Path

from servers import ROOT, Server, fetch, gunicorn_command, manage, setup_django
from wrk import LoadResult, Wrk, require_wrk

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sec_load"
MARK = "loadedit"  # every text the editor writes starts with this, then a unique token


# -- the editor ---------------------------------------------------------------------------------
def run_editor(args) -> None:
    """Publish, edit and unpublish until the time is up; write the final state to the ledger."""
    setup_django({"DATABASE_URL": args.database_url, "REDIS_URL": args.redis_url})
    from django.utils import timezone

    from cities.models import Jurisdiction, Official
    from statements import services
    from statements.models import Medium, Source, Stance, Statement, Status

    rng = random.Random(7)
    officials = list(Official.objects.order_by("pk").values_list("pk", flat=True)[:200])
    places = list(Jurisdiction.objects.order_by("pk")[:20])
    statements: dict[int, dict] = {}
    stances: dict[str, dict] = {}
    counts = Counter()
    today = timezone.localdate()
    visible_after: list[float] = []
    deadline = time.monotonic() + args.seconds
    n = 0
    while time.monotonic() < deadline:
        n += 1
        token = f"{MARK}{secrets.token_hex(6)}"
        action = n % 4
        if action in (0, 1) or not statements:
            # Write a draft with its source, then publish it.
            place = rng.choice(places)
            source = Source.objects.create(
                publisher="Load Desk", url=f"https://news.example.org/{token}"
            )
            statement = Statement.objects.create(
                official_id=rng.choice(officials),
                jurisdiction=place,
                said_on=today,
                medium=Medium.PRESS_STATEMENT,
                quote=f"{token} quote",
                summary=f"{token} summary",
            )
            statement.sources.add(source)
            services.statements_publish(statements=[statement])
            statements[statement.pk] = {"status": Status.PUBLISHED, "summary": f"{token} summary"}
            counts["published statements"] += 1
            if args.base:
                visible_after.append(
                    seconds_until_shown(f"{args.base}/cities/{place.slug}/", token)
                )
        elif action == 2:
            # Edit a published statement's summary (optimistic locking: read, change, save).
            pk = rng.choice([pk for pk, s in statements.items() if s["status"] == "published"])
            statement = Statement.objects.get(pk=pk)
            statement.summary = f"{token} edited summary"
            statement.save()
            statements[pk]["summary"] = statement.summary
            counts["edited statements"] += 1
        elif n % 8 == 3:
            pk = rng.choice([pk for pk, s in statements.items() if s["status"] == "published"])
            services.statements_unpublish(statements=Statement.objects.filter(pk=pk))
            statements[pk]["status"] = Status.DRAFT
            counts["unpublished statements"] += 1
        else:
            # A new stance for a place, published: its headline moves.
            place = rng.choice(places)
            level = rng.choice(["refuses", "limited", "cooperates"])
            source = Source.objects.create(
                publisher="Load Desk", url=f"https://news.example.org/{token}"
            )
            stance = Stance.objects.create(
                jurisdiction=place, level=level, effective_from=today, summary=token
            )
            stance.sources.add(source)
            services.stance_publish(stance=stance)
            stances[place.slug] = {"level": level, "pk": stance.pk}
            counts["published stances"] += 1
        if args.write_pause:
            time.sleep(args.write_pause)
    Path(args.ledger).write_text(
        json.dumps(
            {
                "statements": statements,
                "stances": stances,
                "counts": counts,
                "visible_after": visible_after,
            }
        )
    )


def seconds_until_shown(url: str, text: str, *, give_up: float = 30.0) -> float:
    """Seconds from now until a reader's GET of `url` (gzip, as browsers ask, so the same cached
    copy the crowd gets) shows `text`; `give_up` if it never does."""
    started = time.monotonic()
    while (elapsed := time.monotonic() - started) < give_up:
        _, body, headers = fetch(url)
        if headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        if text.encode() in body:
            return elapsed
        time.sleep(0.05)
    return give_up


# -- the addresses read -------------------------------------------------------------------------
def choose_urls() -> list[str]:
    from cities.models import Jurisdiction
    from statements.models import Statement

    places = list(Jurisdiction.objects.order_by("-population").values_list("slug", "state")[:20])
    statements = list(Statement.objects.published().order_by("-said_on").values_list("pk")[:20])
    state = places[0][1]
    urls = [
        "/",
        "/cities/",
        "/cities/?stance=refuses",
        f"/cities/?state={state}&sort=population",
        "/statements/",
        f"/statements/?state={state}&stance=limited",
        "/statements/?q=police",
        "/statements/?page=2",
        "/statements/feed/",
        "/map/",
        f"/map/?state={state}",
        f"/map/data.geojson?state={state}",
        f"/statements/?state={state}&said_after=2025-01-01&format=csv",
        f"/cities/?state={state}&format=json",
    ]
    urls += [f"/cities/{slug}/" for slug, _ in places]
    urls += [f"/statements/{pk}/" for (pk,) in statements]
    return urls


def get(base: str, path: str) -> tuple[int, str]:
    """(status, text) of one GET, uncompressed."""
    status, body, _ = fetch(base + path, accept_gzip=False)
    return status, body.decode("utf-8", "replace")


# -- checks afterwards ----------------------------------------------------------------------------
def lost_edits(ledger: dict, base: str) -> list[str]:
    """Every edit the editor made that the database or the public pages do not show."""
    from cities.models import Jurisdiction
    from statements.models import Statement

    lost = []
    rows = Statement.objects.in_bulk([int(pk) for pk in ledger["statements"]])
    for pk, expected in ledger["statements"].items():
        row = rows.get(int(pk))
        if row is None or row.status != expected["status"] or row.summary != expected["summary"]:
            lost.append(f"statement {pk}: database has {row and (row.status, row.summary)}")
            continue
        status, body = get(base, f"/statements/{pk}/")
        if expected["status"] == "published" and (status != 200 or expected["summary"] not in body):
            lost.append(f"statement {pk}: its page ({status}) does not show the edit")
        if expected["status"] == "draft" and status != 404:
            lost.append(f"statement {pk}: unpublished, but its page answers {status}")
    places = Jurisdiction.objects.filter(slug__in=ledger["stances"])
    levels = {p.slug: (p.stance_level, p.name) for p in places}
    for slug, expected in ledger["stances"].items():
        level, name = levels.get(slug, (None, ""))
        if level != expected["level"]:
            lost.append(f"{slug}: headline {level}, last published {expected['level']}")
        # The public list (and its cache) shows the new headline too.
        query = urllib.parse.urlencode({"q": name, "format": "json"})
        status, body = get(base, f"/cities/?{query}")
        shown = {row["slug"]: row["stance"] for row in json.loads(body)} if status == 200 else {}
        if shown.get(slug) != expected["level"]:
            lost.append(f"{slug}: /cities/ shows {shown.get(slug)}, not {expected['level']}")
    return lost


# -- the run --------------------------------------------------------------------------------------
def prepare(env, database_url, *, small: bool):
    name = database_url.rsplit("/", 1)[1]
    exists = subprocess.run(
        ["psql", database_url.rsplit("/", 1)[0] + "/postgres", "-Atc",
         f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    if not exists:
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True, timeout=60
        )
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    setup_django(env)
    from cities.models import Jurisdiction

    if not Jurisdiction.objects.exists():
        sizes = (200, 500, 5000) if small else (2000, 5000, 50000)
        print("Generating demo data ({:,} places, {:,} officials, {:,} statements)…".format(*sizes))
        manage(env, "generate_demo_data", "--jurisdictions", str(sizes[0]), "--officials",
               str(sizes[1]), "--statements", str(sizes[2]), "--seed", "1")  # fmt: skip


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=os.environ.get("LOAD_REDIS_URL", ""))
    parser.add_argument("--seconds", type=float, default=60, help="rounded up to whole seconds")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--port", type=int, default=8310)
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: conf)")
    parser.add_argument("--write-pause", type=float, default=0.05, help="seconds between edits")
    parser.add_argument("--prepare", action="store_true", help="create and fill the database")
    parser.add_argument("--tiny", action="store_true", help="3 s, 4 connections")
    parser.add_argument(
        "--compare", action="store_true", help="first the same load without writes, for the ratio"
    )
    parser.add_argument("--editor", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--ledger", help=argparse.SUPPRESS)
    parser.add_argument("--base", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.tiny:
        args.seconds, args.connections = 3, 4
    # wrk counts whole seconds; the editor writes for as long as the load lasts.
    args.seconds = max(1, math.ceil(args.seconds))
    return args


def environment(args, workdir: Path) -> dict:
    """The environment of gunicorn, the editor and this process: production settings."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "STATIC_ROOT": str(workdir / "static"),
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "LOG_LEVEL": "WARNING",
        # One address sends all the load: the per-client limits would measure themselves.
        "RATE_LIMITS": "false",
    }
    if not args.redis_url:
        # Each worker's own memory cache cannot hear of the editor's writes: without the shared
        # cache that production uses, serve every page fresh.
        env["PAGE_CACHE_SECONDS"] = "0"
        print("No --redis-url: page cache off (give one to load the site as in production).")
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    return env


def load_while_editing(args, env: dict, urls: list[str], base: str, ledger: Path) -> LoadResult:
    """wrk's figures for the mix of `urls`, loaded while the editor process writes; the editor's
    record of what it wrote is in `ledger` afterwards."""
    editor = subprocess.Popen(
        [sys.executable, __file__, "--editor", "--ledger", str(ledger),
         "--seconds", str(args.seconds), "--database-url", args.database_url,
         "--redis-url", args.redis_url, "--write-pause", str(args.write_pause),
         "--base", base],
        cwd=ROOT, env=env,
    )  # fmt: skip
    load = Wrk(duration=args.seconds, connections=args.connections, timeout=60)
    try:
        result = load.run(f"{base}/", headers={"Accept-Encoding": "gzip"}, paths=urls)
    finally:
        returncode = editor.wait(timeout=args.seconds + 120)
    if returncode != 0:
        raise SystemExit("The editor process failed.")
    return result


def print_load(title: str, result: LoadResult) -> None:
    print(f"{title}: {result.requests:,} requests ({result.rps:,.0f}/s), "
          f"statuses {result.statuses}")  # fmt: skip
    print(f"  latency ms: p50 {result.p50_ms:.0f}, p95 {result.p95_ms:.0f}, "
          f"p99 {result.p99_ms:.0f}, max {result.max_ms:.0f}")  # fmt: skip
    print(f"  errors {result.socket_errors}, 5xx {result.server_errors}")


def print_summary(
    args, urls, result: LoadResult, written: dict, lost: list[str], quiet: LoadResult | None
) -> bool:
    """Print the load's figures, the editor's counts and any lost edit; True when all is well."""
    total = result.requests
    print(f"Load: {args.connections} connections for {result.seconds:.1f} s, {len(urls)} addresses")
    if quiet is not None:
        print_load("Without writes", quiet)
    print_load(f"With an edit every {args.write_pause:g} s", result)
    if quiet is not None and quiet.rps:
        print(f"  throughput while editing: {result.rps / quiet.rps:.2f}x the quiet run "
              f"(target >= 0.5), p99 {result.p99_ms:.0f} ms (target < 500)")  # fmt: skip
    visible = sorted(written.get("visible_after", []))
    if visible:
        p95 = visible[min(len(visible) - 1, math.ceil(0.95 * len(visible)) - 1)]
        print(f"  a publish visible to readers after: median {visible[len(visible) // 2]:.2f} s, "
              f"p95 {p95:.2f} s, max {visible[-1]:.2f} s over {len(visible)} publishes "
              f"(target <= 2 s)")  # fmt: skip
    print(f"Editor: {dict(written['counts'])}")
    print(f"  statements checked {len(written['statements'])}, "
          f"places whose headline moved {len(written['stances'])}, lost edits {len(lost)}")  # fmt: skip
    for line in lost[:20]:
        print(f"  LOST {line}")
    return not result.socket_errors and not result.server_errors and not lost and total > 0


def main() -> int:
    args = parse_args()
    if args.editor:
        run_editor(args)
        return 0
    require_wrk()
    workdir = Path(tempfile.mkdtemp(prefix="load-with-writes-"))
    env = environment(args, workdir)
    if args.prepare:
        prepare(env, args.database_url, small=args.tiny)
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    setup_django(env)
    if args.redis_url:
        from tracker.page_tags import bump_generation

        bump_generation()  # pages an earlier run left in the shared cache are not this run's
    urls = choose_urls()
    server = Server(
        "gunicorn", gunicorn_command(args.port), env=env, port=args.port, logdir=workdir
    )
    try:
        server.wait_ready("/")
        ledger = workdir / "ledger.json"
        quiet = None
        if args.compare:
            for url in urls:  # both runs start from a warm cache
                fetch(server.base + url)
            quiet = Wrk(duration=args.seconds, connections=args.connections, timeout=60).run(
                f"{server.base}/", headers={"Accept-Encoding": "gzip"}, paths=urls
            )
        result = load_while_editing(args, env, urls, server.base, ledger)
        written = json.loads(ledger.read_text())
        time.sleep(2)  # the promise is "visible within 2 s", not at once (tracker/cache.py)
        lost = lost_edits(written, server.base)
    finally:
        server.stop()
    ok = print_summary(args, urls, result, written, lost, quiet)
    shutil.rmtree(workdir, ignore_errors=True)
    print("OK: no errors, no 5xx, nothing lost." if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

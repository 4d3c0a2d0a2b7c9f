"""Load with writes: public pages under concurrent load on gunicorn + PostgreSQL while an editor
publishes, edits and unpublishes records; then checks that every edit is present.

    .venv/bin/python bench/load_with_writes.py --prepare            # 32 connections, 60 s
    .venv/bin/python bench/load_with_writes.py --tiny --prepare     # 4 connections, 3 s

Exits 1 on any error, any 5xx or any lost edit. Loopback only. The editor is a separate process
writing through statements.services, as the admin does; the page cache is shared through Redis
when REDIS_URL is given (as in production), so a stale page would show as a lost edit.
"""

import argparse
import http.client
import json
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sec_load"
MARK = "loadedit"  # every text the editor writes starts with this, then a unique token


def setup_django(database_url: str, redis_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("SECRET_KEY", "load-with-writes-" + "k" * 40)
    os.environ["REDIS_URL"] = redis_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


# -- the editor ---------------------------------------------------------------------------------
def run_editor(args) -> None:
    """Publish, edit and unpublish until the time is up; write the final state to the ledger."""
    setup_django(args.database_url, args.redis_url)
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
        json.dumps({"statements": statements, "stances": stances, "counts": counts})
    )


# -- the load -------------------------------------------------------------------------------------
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


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = Counter()
        self.errors = Counter()
        self.latencies: list[float] = []
        self.fives: list[str] = []

    def add(self, url, status, seconds):
        with self.lock:
            self.statuses[status] += 1
            self.latencies.append(seconds)
            if status >= 500:
                self.fives.append(url)

    def error(self, url, error):
        with self.lock:
            self.errors[f"{type(error).__name__}: {error}"[:120]] += 1


def load_worker(port, urls, deadline, results, seed):
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.monotonic() < deadline:
        url = rng.choice(urls)
        started = time.monotonic()
        try:
            connection.request("GET", url, headers={"Accept-Encoding": "gzip"})
            response = connection.getresponse()
            response.read()
            results.add(url, response.status, time.monotonic() - started)
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
        except (OSError, http.client.HTTPException) as error:
            results.error(url, error)
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.close()


def get(port, url) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", url)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


# -- checks afterwards ------------------------------------------------------------------------------
def lost_edits(ledger: dict, port: int) -> list[str]:
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
        status, body = get(port, f"/statements/{pk}/")
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
        status, body = get(port, f"/cities/?{query}")
        shown = {row["slug"]: row["stance"] for row in json.loads(body)} if status == 200 else {}
        if shown.get(slug) != expected["level"]:
            lost.append(f"{slug}: /cities/ shows {shown.get(slug)}, not {expected['level']}")
    return lost


# -- the run ----------------------------------------------------------------------------------------
def manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True, timeout=1800
    )


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
    setup_django(database_url, env.get("REDIS_URL", ""))
    from cities.models import Jurisdiction

    if not Jurisdiction.objects.exists():
        sizes = (200, 500, 5000) if small else (2000, 5000, 50000)
        print("Generating demo data ({:,} places, {:,} officials, {:,} statements)…".format(*sizes))
        manage(env, "generate_demo_data", "--jurisdictions", str(sizes[0]), "--officials",
               str(sizes[1]), "--statements", str(sizes[2]), "--seed", "1")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=os.environ.get("LOAD_REDIS_URL", ""))
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--port", type=int, default=8310)
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: conf)")
    parser.add_argument("--write-pause", type=float, default=0.05, help="seconds between edits")
    parser.add_argument("--prepare", action="store_true", help="create and fill the database")
    parser.add_argument("--tiny", action="store_true", help="3 s, 4 connections")
    parser.add_argument("--editor", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--ledger", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.tiny:
        args.seconds, args.connections = 3, 4
    if args.editor:
        run_editor(args)
        return 0

    workdir = Path(tempfile.mkdtemp(prefix="load-with-writes-"))
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "STATIC_ROOT": str(workdir / "static"),
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "LOG_LEVEL": "WARNING",
    }
    if not args.redis_url:
        # Each worker's own memory cache cannot hear of the editor's writes: without the shared
        # cache that production uses, serve every page fresh.
        env["PAGE_CACHE_SECONDS"] = "0"
        print("No --redis-url: page cache off (give one to load the site as in production).")
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    os.environ.update({k: env[k] for k in ("SECRET_KEY", "LOG_LEVEL")})
    if args.prepare:
        prepare(env, args.database_url, small=args.tiny)
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    setup_django(args.database_url, args.redis_url)
    urls = choose_urls()

    server_log = open(workdir / "gunicorn.log", "w")  # noqa: SIM115  (open while it runs)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--config", "gunicorn.conf.py",
         "--bind", f"127.0.0.1:{args.port}"],
        cwd=BASE_DIR, env=env, stdout=server_log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(args.port, "/")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                print((workdir / "gunicorn.log").read_text()[-3000:])
                return 1
            time.sleep(0.2)

        ledger = workdir / "ledger.json"
        editor = subprocess.Popen(
            [sys.executable, __file__, "--editor", "--ledger", str(ledger),
             "--seconds", str(args.seconds), "--database-url", args.database_url,
             "--redis-url", args.redis_url, "--write-pause", str(args.write_pause)],
            cwd=BASE_DIR, env=env,
        )  # fmt: skip
        results = Results()
        load_deadline = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=load_worker, args=(args.port, urls, load_deadline, results, i))
            for i in range(args.connections)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        if editor.wait(timeout=args.seconds + 120) != 0:
            print("The editor process failed.")
            return 1
        written = json.loads(ledger.read_text())
        lost = lost_edits(written, args.port)
    finally:
        server.terminate()
        server.wait(timeout=30)
        server_log.close()

    total = sum(results.statuses.values())
    fives = sum(n for status, n in results.statuses.items() if status >= 500)
    latencies = sorted(results.latencies) or [0.0]
    quantile = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    print(f"Load: {args.connections} connections for {elapsed:.1f} s, {len(urls)} addresses")
    print(f"  requests {total:,} ({total / elapsed:,.0f}/s), statuses {dict(results.statuses)}")
    print(f"  latency ms: p50 {quantile[49] * 1000:.0f}, p95 {quantile[94] * 1000:.0f}, "
          f"p99 {quantile[98] * 1000:.0f}, max {latencies[-1] * 1000:.0f}")  # fmt: skip
    print(f"  errors {sum(results.errors.values())} {dict(results.errors) or ''}, 5xx {fives}")
    print(f"Editor: {dict(written['counts'])}")
    print(f"  statements checked {len(written['statements'])}, "
          f"places whose headline moved {len(written['stances'])}, lost edits {len(lost)}")  # fmt: skip
    for line in lost[:20]:
        print(f"  LOST {line}")
    shutil.rmtree(workdir, ignore_errors=True)
    ok = not results.errors and not fives and not lost and total > 0
    print("OK: no errors, no 5xx, nothing lost." if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""How long /map/ takes to build, uncached, and how many bytes it sends, with every county drawn.

    .venv/bin/python bench/map_build.py [--runs 20] [--places 20000] [--county-stances 1.0]

Builds a throwaway SQLite database (migrations, then `import_counties`' states and counties,
then places from the gazetteer, each with a published statement, most with a stance, and a
published stance for the given share of counties, so that every county is drawn and, at 1.0,
every one is coloured: the heaviest map), then, for each page, builds it once to warm the
per-process outlines and times `--runs` more builds with Django's test client: page cache off,
cache generation bumped before each request, so no cached page, facet or count is reused.
Prints the median and slowest build in milliseconds of wall time, the median in CPU time (the
same on an idle machine; on a shared one, the build's own cost, SQLite included, without the
waits for a CPU), the gzipped and raw size in KB and the number of SQL queries. `--keep PATH` keeps the database, and measures it again
without loading when it exists (serve it with `DATABASE_URL=sqlite:///PATH manage.py runserver`
to look at the map).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["/map/", "/map/?as_of=2020-01-01", "/map/?state=TX", "/"]
LEVELS = ["refuses", "limited", "cooperates"]
STATIC_STORAGE = "django.contrib.staticfiles.storage.StaticFilesStorage"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed builds per page")
    parser.add_argument("--places", type=int, default=20_000, help="places with records")
    parser.add_argument(
        "--county-stances",
        type=float,
        default=1.0,
        help="share of counties given a published stance (1.0: every one coloured)",
    )
    parser.add_argument(
        "--pages",
        nargs="+",
        default=PAGES,
        help=f"the addresses to build (default: {' '.join(PAGES)})",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        help="keep the database at this path; an existing one is measured as it is",
    )
    return parser.parse_args()


def setup_django(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("DEBUG", "false")
    # One client builds the map again and again: no per-client limit may answer 429 instead.
    os.environ["RATE_LIMITS"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def load(*, places: int, county_share: float) -> dict[str, int]:
    """Fill the empty database; returns what it holds."""
    from django.core.management import call_command

    from cities.counties import atlas_rows, jurisdictions_import_counties
    from cities.models import Jurisdiction, JurisdictionLevel, Official, jurisdiction_slug
    from cities.places import gazetteer_file_rows
    from statements.models import Stance, Statement, Status
    from statements.services import jurisdictions_refresh_stance

    call_command("migrate", verbosity=0)
    jurisdictions_import_counties(rows=atlas_rows())
    rng = random.Random(11)
    rows = sorted(gazetteer_file_rows(threshold=500), key=lambda row: row.geonameid)[:places]
    taken = set(Jurisdiction.objects.values_list("slug", flat=True))
    created = []
    for row in rows:
        slug = jurisdiction_slug(row.name, row.state)
        if slug in taken:  # a second place of that name in that state, or a county's city
            continue
        taken.add(slug)
        created.append(
            Jurisdiction(
                name=row.name,
                slug=slug,
                state=row.state,
                level=JurisdictionLevel.CITY,
                population=row.population,
                latitude=row.latitude,
                longitude=row.longitude,
            )
        )
    created = Jurisdiction.objects.bulk_create(created, batch_size=2000)
    official = Official.objects.create(name="Spokesperson")
    Statement.objects.bulk_create(
        (
            Statement(
                jurisdiction=place,
                official=official,
                said_on=datetime.date(2019, 6, 21),
                medium="press_statement",
                quote="We will not help.",
                status=Status.PUBLISHED,
            )
            for place in created
        ),
        batch_size=2000,
    )
    counties = list(Jurisdiction.objects.filter(level=JurisdictionLevel.COUNTY))
    coloured = rng.sample(counties, round(len(counties) * county_share))
    states = rng.sample(list(Jurisdiction.objects.filter(level=JurisdictionLevel.STATE)), 8)
    stances = [
        Stance(
            jurisdiction=jurisdiction,
            level=rng.choice(LEVELS),
            effective_from=datetime.date(2015 + rng.randrange(10), 1 + rng.randrange(12), 1),
            status=Status.PUBLISHED,
        )
        for jurisdiction in [*created[: len(created) * 3 // 4], *coloured, *states]
    ]
    Stance.objects.bulk_create(stances, batch_size=2000)
    jurisdictions_refresh_stance(jurisdictions=Jurisdiction.objects.all())
    return {
        "places": len(created),
        "counties": len(counties),
        "counties with a stance": len(coloured),
        "states with a stance": len(states),
    }


def measure(path: str, runs: int) -> dict[str, float]:
    """Median and slowest build (ms), gzipped and raw KB, and queries, of `runs` uncached builds."""
    import gzip

    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from tracker.page_tags import bump_generation

    client = Client(HTTP_HOST="127.0.0.1")
    timings, cpu_timings = [], []
    # Static files as in development: the manifest storage needs collectstatic.
    plain = {**settings.STORAGES, "staticfiles": {"BACKEND": STATIC_STORAGE}}
    with override_settings(PAGE_CACHE_SECONDS=0, STORAGES=plain):
        for run in range(runs + 1):
            bump_generation()
            started, cpu_started = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path, headers={"accept-encoding": "gzip"})
            elapsed = (time.perf_counter() - started) * 1000
            cpu = (time.process_time() - cpu_started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
            if run:  # the first build warms the outlines, built once per process
                timings.append(elapsed)
                cpu_timings.append(cpu)
    compressed = response.content
    raw = gzip.decompress(compressed) if response.get("Content-Encoding") == "gzip" else compressed
    return {
        "median ms": statistics.median(timings),
        "max ms": max(timings),
        "cpu ms": statistics.median(cpu_timings),
        "gzip KB": len(compressed) / 1024,
        "raw KB": len(raw) / 1024,
        "queries": len(queries),
    }


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = args.keep or Path(folder) / "map_build.sqlite3"
        reuse = database.exists()
        setup_django(database)
        if reuse:
            print(f"Measuring the database already at {database}.")
        else:
            started = time.perf_counter()
            held = load(places=args.places, county_share=args.county_stances)
            loaded = time.perf_counter() - started
            print(", ".join(f"{count:,} {what}" for what, count in held.items()), end="")
            print(f" (loaded in {loaded:.0f} s, SQLite)")
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(
            f"{'page':<26}{'median ms':>10}{'max ms':>9}{'cpu ms':>9}"
            f"{'gzip KB':>9}{'raw KB':>9}{'queries':>9}"
        )
        for path in args.pages:
            result = measure(path, args.runs)
            print(
                f"{path:<26}{result['median ms']:>10.0f}{result['max ms']:>9.0f}"
                f"{result['cpu ms']:>9.0f}{result['gzip KB']:>9.1f}{result['raw KB']:>9.1f}"
                f"{result['queries']:>9}"
            )


if __name__ == "__main__":
    main()

"""`make screenshots`: every public page at a phone's and a laptop's size, as PNG files to look at.

Seeds a database of its own as `make run` does (the founding article, the counties, ICE's 287(g)
lists, the Justice Department's designations) in var/screenshots-db/site.sqlite3, serves the site
with gunicorn as in production (DEBUG off, collected static files), opens each page of
tests/public_pages.py in Chromium and writes var/screenshots/<size>/<page>.png (the whole page)
and <page>.first-screen.png (what shows before any scrolling). The database is kept for the next
run; pass --fresh to seed it again.

    .venv/bin/python scripts/screenshots.py [--fresh] [--out DIR] [--only NAME ...]
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(*args: str, env: dict) -> None:
    subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def seed(env: dict, database: Path, *, fresh: bool) -> None:
    # Seeding stopped half-way (or an older schema) starts again from an empty database.
    seeded = database.with_suffix(".seeded")
    new = fresh or not seeded.exists()
    if new:
        database.unlink(missing_ok=True)
        seeded.unlink(missing_ok=True)
        print(f"Seeding {database} (about a minute)", flush=True)
    manage("migrate", "--no-input", env=env)
    if new:
        manage("load_seed", env=env)
        manage("import_counties", env=env)
        sheets = sorted(str(p) for p in (ROOT / "federal/data/ice-287g").glob("*.xlsx"))
        manage("import_287g", *sheets, "--commit", "-v0", env=env)
        manage(
            "import_designations",
            "federal/data/doj/doj-2025-08-05-sanctuary-jurisdictions.csv",
            env=env,
        )
        seeded.touch()
    manage("collectstatic", "--no-input", "--verbosity", "0", env=env)


def wait_for(url: str, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server stopped (exit {server.returncode}); see its output above")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (our own loopback address)
            return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"the server did not answer at {url} within {seconds:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--fresh", action="store_true", help="seed the database again")
    parser.add_argument("--out", default=str(ROOT / "var/screenshots"), help="where PNGs go")
    parser.add_argument("--only", nargs="*", help="only the pages with these names")
    args = parser.parse_args()

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    database = ROOT / "var/screenshots-db/site.sqlite3"
    database.parent.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "screenshots-only-not-secret",
        "DEBUG": "false",
        "STATIC_ROOT": str(database.parent / "static"),
        "RATE_LIMITS": "false",
        "PAGE_CACHE_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
    }
    seed(env, database, fresh=args.fresh)

    # This process looks records up (a statement's id) in the same database.
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from playwright.sync_api import sync_playwright

    from tests.chromium import CHROMIUM, CHROMIUM_ARGS
    from tests.public_pages import SIZES, public_pages

    # Looked up before Playwright starts: its event loop forbids the ORM's synchronous calls.
    pages = [(p, p.path()) for p in public_pages() if not args.only or p.name in args.only]
    base = f"http://127.0.0.1:{port}"
    gunicorn = shutil.which("gunicorn", path=str(Path(PY).parent)) or "gunicorn"
    server = subprocess.Popen(
        [gunicorn, "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(f"{base}/methodology/", server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for size, (width, height) in SIZES.items():
                folder = out / size
                folder.mkdir(exist_ok=True)
                context = browser.new_context(viewport={"width": width, "height": height})
                tab = context.new_page()
                for page, path in pages:
                    response = tab.goto(base + path, wait_until="networkidle")
                    status = response.status if response else "no response"
                    target = folder / f"{page.name}.png"
                    tab.screenshot(path=target, full_page=True)
                    # What a reader sees before scrolling, at a size that stays legible.
                    tab.screenshot(path=folder / f"{page.name}.first-screen.png")
                    note = "" if status == page.status else f"  (answered {status})"
                    print(
                        f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}"
                        f"{note}",
                        flush=True,
                    )
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()

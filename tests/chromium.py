"""Debian's Chromium and the flags it needs on these machines (no sandbox, no network of its
own): the browser tests (tests/conftest.py) and the screenshots (scripts/screenshots.py) launch
it alike. Imports nothing of Django."""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

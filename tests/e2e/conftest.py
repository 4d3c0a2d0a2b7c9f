"""The browser-test harness: a seeded live server shared by a module, a page that fails the test on
any console error, script error, Content-Security-Policy violation or failed sub-resource, and
helpers to download a file and scan a page with axe-core.

Chromium's launch arguments live in tests/conftest.py (browser_type_launch_args).
"""

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test.utils import modify_settings
from pytest_django.live_server_helper import LiveServer

SEEDED = "seeded_live_server"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """A test on the shared seeded server needs the test database set up (pytest-django sets up
    only the databases that marked tests use); without the mark it would reach the real one."""
    for item in items:
        if SEEDED in getattr(item, "fixturenames", ()) and not item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.django_db)


@pytest.fixture(scope="module")
def seeded_live_server(django_db_setup, django_db_blocker):
    """A live server over the founding article's records, seeded once for the module's tests.

    pytest-django's `live_server` pulls in `transactional_db`, which empties the database after
    every test, so each test would load the seed again (about 3 s on PostgreSQL). Tests that only
    read share this server instead. The records are committed, so the server sees them on every
    database; when the module ends the database is put back as it was before, for the
    tests that follow. Each test runs in the `db` fixture's transaction, so a test may read
    records to know where to go. A test that writes must use `live_server` instead.
    """
    from django.db import connection

    with django_db_blocker.unblock():
        before = connection.creation.serialize_db_to_string()
        call_command("load_seed", verbosity=0)
        server = LiveServer("localhost")
        try:
            with modify_settings(ALLOWED_HOSTS={"append": server.thread.host}):
                yield server
        finally:
            server.stop()
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(before)


# Console text that is not a defect of the page: Chromium repeats each failed response as a console
# error ("Failed to load resource"); the response itself is checked below, where a document's
# expected 400 or 404 is told apart from a broken sub-resource.
IGNORED_CONSOLE = re.compile(r"^Failed to load resource: the server responded with a status of")


@dataclass
class BrowserProblems:
    """What went wrong in the browser while a test ran, in the words a developer needs."""

    messages: list[str] = field(default_factory=list)

    def add(self, message: str) -> None:
        self.messages.append(message)

    def take(self) -> list[str]:
        taken, self.messages = self.messages, []
        return taken

    def assert_none(self, where: str = "") -> None:
        problems = self.take()
        assert not problems, f"Browser problems{f' on {where}' if where else ''}:\n" + "\n".join(
            problems
        )


def watch(page) -> BrowserProblems:
    """Record console errors and warnings, CSP violations, uncaught script errors and
    sub-resources (styles, scripts, images, data) that answered with an error status."""
    problems = BrowserProblems()

    def on_console(message):
        text = message.text
        if IGNORED_CONSOLE.match(text):
            return
        if "Content Security Policy" in text or message.type in ("error", "warning"):
            problems.add(f"console {message.type} at {message.location.get('url')}: {text}")

    def on_response(response):
        if response.status >= 400 and response.request.resource_type != "document":
            problems.add(
                f"{response.request.resource_type} {response.url} answered {response.status}"
            )

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.add(f"script error: {error}"))

    def on_request_failed(request):
        # A request cancelled by leaving the page or by its script (select2 drops its pending
        # search on submit) is no defect; a missing file shows as an error status instead.
        if request.failure == "net::ERR_ABORTED":
            return
        problems.add(f"request failed: {request.url} ({request.failure})")

    page.on("requestfailed", on_request_failed)
    page.on("response", on_response)
    return problems


@pytest.fixture
def browser_problems(page) -> BrowserProblems:
    """The problems seen so far on `page`; tests may check them between steps."""
    return page._browser_problems


@pytest.fixture
def page(page):
    """pytest-playwright's page, failing the test on any console error, script error, CSP
    violation or broken sub-resource seen while it ran."""
    problems = watch(page)
    page._browser_problems = problems
    yield page
    problems.assert_none()


def visit(page, url: str, *, status: int = 200):
    """Open `url`, check the document's status, and fail on anything the browser reported."""
    response = page.goto(url)
    assert response is not None, f"no response for {url}"
    assert response.status == status, f"{url} answered {response.status}, not {status}"
    page._browser_problems.assert_none(url)
    return response


@dataclass
class Downloaded:
    filename: str
    text: str

    def rows(self) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(self.text)))

    def header(self) -> list[str]:
        return next(csv.reader(io.StringIO(self.text)))


def download(page, link) -> Downloaded:
    """Click `link` (a locator) and return the file the browser saved, read as UTF-8."""
    with page.expect_download() as info:
        link.click()
    saved = info.value
    assert saved.failure() is None, saved.failure()
    return Downloaded(saved.suggested_filename, Path(saved.path()).read_text(encoding="utf-8"))


SERIOUS = ("serious", "critical")
# axe-core reports as "incomplete" what it could not decide alone. Those results count too (a
# duplicate id that ARIA refers to is one), except colour contrast, which axe cannot measure on SVG
# text or on a button holding only a symbol such as "−"; site.css and map.css set those colours.
UNDECIDABLE = {"color-contrast"}


def axe_violations(page, impacts=SERIOUS) -> list[dict]:
    """axe-core's violations on the page as it is now, and the results it could not decide
    (except those in UNDECIDABLE), of the given impacts."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page).response
    undecided = [r for r in results["incomplete"] if r["id"] not in UNDECIDABLE]
    return [r for r in results["violations"] + undecided if r.get("impact") in impacts]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary']}")
    return "\n".join(lines)

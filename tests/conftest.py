import datetime
import os
import shutil

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test.signals import template_rendered
from pytest_factoryboy import register

from tests import factories
from tests.chromium import CHROMIUM, CHROMIUM_ARGS

# live_server runs Django in a thread beside sync Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# Each registered factory gives two fixtures: `jurisdiction_factory` (the class) and
# `jurisdiction` (one saved record), and so on for each model.
REGISTERED_FACTORIES = (
    factories.JurisdictionFactory,
    factories.AgencyFactory,
    factories.OfficialFactory,
    factories.RoleFactory,
    factories.SourceFactory,
    factories.EventFactory,
    factories.StatementFactory,
    factories.StanceFactory,
)
for factory_class in REGISTERED_FACTORIES:
    register(factory_class)

FACTORY_FIXTURES = frozenset(
    name
    for factory_class in REGISTERED_FACTORIES
    for name in (
        factory_class._meta.model._meta.model_name,
        f"{factory_class._meta.model._meta.model_name}_factory",
    )
)


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests skip on SQLite; browser tests skip without Chromium, except in CI;
    a test that takes a factory fixture gets the database."""
    from django.db import connection

    on_postgres = connection.vendor == "postgresql"
    have_chromium = shutil.which(CHROMIUM) is not None
    in_ci = os.environ.get("CI", "").lower() == "true"
    for item in items:
        # pytest-factoryboy's fixtures do not ask for `db`; the ones they replaced did.
        if item.get_closest_marker("django_db") is None and _uses_factories(item):
            item.add_marker(pytest.mark.django_db)
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)"))
        # In CI a missing browser must fail the run, so the tests run and fail at launch.
        if "e2e" in item.keywords and not have_chromium and not in_ci:
            item.add_marker(
                pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install -y chromium)")
            )


def _uses_factories(item) -> bool:
    parametrized = item.callspec.params if hasattr(item, "callspec") else {}
    requested = set(getattr(item, "fixturenames", ())) - set(parametrized)
    return not FACTORY_FIXTURES.isdisjoint(requested)


@pytest.fixture(autouse=True)
def _empty_cache():
    # The page cache outlives a test's rolled-back transaction; start each test without it, and
    # without what this process kept of the shared cache (tracker/local_first.py).
    from django.core.cache import caches

    caches["versioned"].clear()


@pytest.fixture(scope="session")
def _page_body_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("page-bodies")


@pytest.fixture(autouse=True)
def _page_bodies_apart(settings, _page_body_dir):
    # Large cached pages are sent from files (tracker/page_bodies.py), kept out of the checkout's
    # var/; tests read a page's `.content`, so only tests/tracker/test_page_bodies.py lowers the
    # size from which a page is one.
    settings.PAGE_BODY_DIR = _page_body_dir
    settings.PAGE_BODY_FILE_BYTES = 100 * 1024 * 1024


@pytest.fixture(autouse=True)
def _changes_show_at_once(settings):
    # A test reads its own writes on the next request; the page cache's grace after a change
    # (PAGE_CACHE_STALE_SECONDS) has tests of its own in tests/tracker/test_page_cache.py, and
    # counts shown from before a change (COUNTS_LAG_SECONDS) in tests/public/test_counts_lag.py.
    settings.PAGE_CACHE_STALE_SECONDS = 0
    settings.COUNTS_LAG_SECONDS = 0


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    # Tests send many requests from one address at once; tests about rate limits turn them on.
    settings.RATELIMIT_ENABLE = False


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage needs collectstatic; tests render templates without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def seeded(db):
    """The founding article's records, as `make run` loads them."""
    call_command("load_seed", verbosity=0)


@pytest.fixture
def editor(db, django_user_model):
    user = django_user_model.objects.create_user(
        username="editor", password="a-long-editor-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


# -- rows drawn and reused (tracker/fragments.py) ---------------------------------------------


@pytest.fixture
def page_cache_off(settings):
    """Every request renders its page, so what it draws and what it reuses can be counted."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def drawn():
    """The names of the templates rendered since the fixture started, one per rendering."""
    names = []

    def remember(sender, template, **kwargs):
        names.append(template.name)

    template_rendered.connect(remember)
    yield names
    template_rendered.disconnect(remember)


@pytest.fixture
def three_said(jurisdiction_factory, official_factory, statement_factory, source_factory):
    """Three statements in Tacoma, WA, by three speakers, each with its own source."""
    tacoma = jurisdiction_factory(name="Tacoma", state="WA")
    return [
        statement_factory(
            jurisdiction=tacoma,
            official=official_factory(name=f"Speaker {n}"),
            quote=f"Quote number {n}.",
            said_on=datetime.date(2025, 1, n),
            sources=[source_factory(publisher=f"Publisher {n}")],
        )
        for n in (1, 2, 3)
    ]

"""Who reads from the read replica: anonymous readers; editors, writes, transactions and
management commands use the primary; a replica that is down, lagging or failing sends its
readers to the primary without an error page.

A "replica" database is added for each test: a second connection to the test database (so
reads from it see the rows the test wrote) or one that cannot connect. The rules run the same
on SQLite and PostgreSQL; the real streaming replica is driven in tests/cluster.
"""

import copy
import runpy
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import MiddlewareNotUsed
from django.db import OperationalError, connections, transaction
from django.db.utils import load_backend
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from statements.models import Statement
from tracker import db_router
from tracker.db_router import PRIMARY, REPLICA, PrimaryReplicaRouter, ReadRoutingMiddleware
from tracker.page_tags import bump_generation

SETTINGS_FILE = Path(db_router.__file__).with_name("settings.py")
QUOTE = "We will not help with these raids."


@pytest.fixture(autouse=True)
def _router(settings):
    settings.DATABASE_ROUTERS = ["tracker.db_router.PrimaryReplicaRouter"]
    db_router.health.reset()
    yield
    db_router.health.reset()


def _add_replica(config: dict):
    # Made here rather than listed in DATABASES, which Django's test case would refuse to open.
    connections[REPLICA] = load_backend(config["ENGINE"]).DatabaseWrapper(config, REPLICA)


def _remove_replica():
    if hasattr(connections._connections, REPLICA):
        db_router.close_quietly(REPLICA)
        del connections[REPLICA]


@pytest.fixture
def replica(transactional_db):
    """A replica that is a second connection to the test database: always caught up."""
    _add_replica(copy.deepcopy(connections[PRIMARY].settings_dict))
    yield connections[REPLICA]
    _remove_replica()


@pytest.fixture
def unreachable_replica(transactional_db, tmp_path):
    """A replica whose every connection attempt fails, counted in `attempts`."""
    config = copy.deepcopy(connections[PRIMARY].settings_dict)
    if connections[PRIMARY].vendor == "sqlite":
        config["NAME"] = str(tmp_path / "no-such-folder" / "replica.sqlite3")
    else:
        config |= {"HOST": "127.0.0.1", "PORT": "1", "OPTIONS": {"connect_timeout": 2}}
    _add_replica(config)
    connection = connections[REPLICA]
    connection.attempts = 0
    real_connect = connection.connect

    def counting_connect():
        connection.attempts += 1
        real_connect()

    connection.connect = counting_connect
    yield connection
    _remove_replica()


@pytest.fixture
def no_replica(settings):
    settings.DATABASE_ROUTERS = []


def _database_for_a_read(method="GET", *, signed_in=False, then=None) -> str:
    """Which database a request's read of a statement goes to, through the middleware."""
    request = getattr(RequestFactory(), method.lower())("/statements/")
    request.user = _SignedIn() if signed_in else AnonymousUser()

    def view(request):
        chosen = PrimaryReplicaRouter().db_for_read(Statement)
        if then is not None:
            chosen = then()
        return HttpResponse(headers={"X-Read-From": chosen})

    return ReadRoutingMiddleware(view)(request)["X-Read-From"]


class _SignedIn:
    is_authenticated = True


def _queries_on(captured: CaptureQueriesContext, table: str) -> int:
    return sum(table in query["sql"] for query in captured.captured_queries)


# -- Who reads from where ----------------------------------------------------------------------


def test_anonymous_reader_reads_the_statements_from_the_replica(replica, statement, client):
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections[PRIMARY]) as on_primary,
    ):
        response = client.get(reverse("statements:list"))

    assert QUOTE in response.content.decode()
    assert _queries_on(on_replica, "statements_statement") >= 1
    assert _queries_on(on_primary, "statements_statement") == 0


def test_signed_in_editor_reads_their_own_writes_from_the_primary(
    replica, statement, client, editor
):
    client.force_login(editor)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = client.get(reverse("statements:list"))

    assert QUOTE in response.content.decode()
    assert on_replica.captured_queries == []


def test_only_anonymous_reading_methods_may_use_the_replica(replica, monkeypatch):
    monkeypatch.setattr(db_router.health, "usable", lambda: True)

    assert _database_for_a_read("GET") == REPLICA
    assert _database_for_a_read("HEAD") == REPLICA
    assert _database_for_a_read("POST") == PRIMARY
    assert _database_for_a_read("GET", signed_in=True) == PRIMARY


def test_reads_outside_a_request_use_the_primary(replica):
    # Management commands and the shell read back what they have just written.
    assert PrimaryReplicaRouter().db_for_read(Statement) == PRIMARY


def test_reads_inside_a_transaction_use_the_primary(replica, monkeypatch):
    monkeypatch.setattr(db_router.health, "usable", lambda: True)

    def read_in_a_transaction():
        with transaction.atomic():
            return PrimaryReplicaRouter().db_for_read(Statement)

    assert _database_for_a_read("GET", then=read_in_a_transaction) == PRIMARY


def test_a_request_that_writes_reads_the_rest_from_the_primary(replica, monkeypatch):
    monkeypatch.setattr(db_router.health, "usable", lambda: True)
    router = PrimaryReplicaRouter()

    def write_then_read():
        assert router.db_for_write(Statement) == PRIMARY
        return router.db_for_read(Statement)

    assert _database_for_a_read("GET", then=write_then_read) == PRIMARY


def test_sessions_and_login_attempts_are_read_from_the_primary(replica, monkeypatch):
    from django.contrib.sessions.models import Session

    monkeypatch.setattr(db_router.health, "usable", lambda: True)

    def read_a_session():
        return PrimaryReplicaRouter().db_for_read(Session)

    assert _database_for_a_read("GET", then=read_a_session) == PRIMARY


def test_writes_and_migrations_go_to_the_primary_and_rows_relate_across_both(replica, statement):
    router = PrimaryReplicaRouter()
    read_on_replica = Statement.objects.using(REPLICA).get(pk=statement.pk)

    assert router.db_for_write(Statement) == PRIMARY
    assert router.allow_migrate(PRIMARY, "statements") is True
    assert router.allow_migrate(REPLICA, "statements") is False
    assert router.allow_relation(read_on_replica.jurisdiction, statement) is True


# -- A replica that is down, lagging or failing ------------------------------------------------


def test_unreachable_replica_sends_readers_to_the_primary(unreachable_replica, statement, client):
    response = client.get(reverse("statements:list"))

    assert response.status_code == 200
    assert QUOTE in response.content.decode()
    assert unreachable_replica.attempts == 1
    assert db_router.health.is_marked_down()


def test_readers_do_not_each_pay_for_a_replica_known_to_be_down(
    unreachable_replica, statement, client, monkeypatch
):
    now = [1000.0]
    monkeypatch.setattr(db_router.health, "clock", lambda: now[0])
    for _ in range(3):
        assert QUOTE in client.get(reverse("statements:list")).content.decode()
    assert unreachable_replica.attempts == 1

    now[0] += db_router.RETRY_AFTER_SECONDS + 1
    bump_generation()  # a page not cached yet, so it reads the database again
    assert QUOTE in client.get(reverse("statements:list")).content.decode()
    assert unreachable_replica.attempts == 2


def test_replica_failing_mid_request_is_retried_on_the_primary(replica, statement, client):
    def replica_dies(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    with (
        replica.execute_wrapper(replica_dies),
        CaptureQueriesContext(connections[PRIMARY]) as on_primary,
    ):
        response = client.get(reverse("statements:list"))

    assert response.status_code == 200
    assert QUOTE in response.content.decode()
    assert _queries_on(on_primary, "statements_statement") >= 1
    assert db_router.health.is_marked_down()


def test_lagging_replica_is_skipped_until_it_has_replayed_the_last_change(replica, monkeypatch):
    """A page built from a replica behind the last public change would be cached, stale, under
    the change's new generation: until the replica has caught up, readers use the primary."""
    checks = []
    caught_up = [False]
    monkeypatch.setattr(db_router, "primary_position", lambda: "0/3000060")
    monkeypatch.setattr(
        db_router, "replica_has_replayed", lambda position: checks.append(position) or caught_up[0]
    )
    bump_generation()

    assert _database_for_a_read("GET") == PRIMARY
    caught_up[0] = True
    assert _database_for_a_read("GET") == REPLICA
    assert _database_for_a_read("GET") == REPLICA
    assert len(checks) == 2  # checked until caught up, then not again for the same generation

    bump_generation()
    assert _database_for_a_read("GET") == REPLICA
    assert len(checks) == 3


def test_a_page_reads_from_one_database_only(replica, monkeypatch):
    answers = iter([True, False])
    monkeypatch.setattr(db_router.health, "usable", lambda: next(answers))
    router = PrimaryReplicaRouter()

    def read_twice():
        return router.db_for_read(Statement) + "," + router.db_for_read(Statement)

    assert _database_for_a_read("GET", then=read_twice) == f"{REPLICA},{REPLICA}"


# -- Without a replica nothing changes ---------------------------------------------------------


def test_without_a_replica_the_middleware_steps_aside(no_replica):
    with pytest.raises(MiddlewareNotUsed):
        ReadRoutingMiddleware(lambda request: HttpResponse())


def test_settings_add_the_replica_and_router_only_when_a_replica_is_given(monkeypatch):
    monkeypatch.delenv("REPLICA_DATABASE_URL", raising=False)
    single = runpy.run_path(str(SETTINGS_FILE))
    assert list(single["DATABASES"]) == ["default"]
    assert "DATABASE_ROUTERS" not in single

    monkeypatch.setenv("REPLICA_DATABASE_URL", "postgres://reader@127.0.0.1:5433/tracker")
    both = runpy.run_path(str(SETTINGS_FILE))
    replica = both["DATABASES"]["replica"]
    assert (replica["HOST"], replica["PORT"], replica["NAME"]) == ("127.0.0.1", 5433, "tracker")
    # Skipped after 2 s when it does not answer; no JIT, as on the primary.
    assert replica["OPTIONS"] == {"connect_timeout": 2, "options": "-c jit=off"}
    assert replica["TEST"] == {"MIRROR": "default"}
    assert both["DATABASE_ROUTERS"] == ["tracker.db_router.PrimaryReplicaRouter"]


def test_postgresql_connections_run_without_jit(monkeypatch):
    """The JIT compiles any query the planner costs high, such as the map's counts over every
    place, and spent longer compiling them than running them."""
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker")
    configured = runpy.run_path(str(SETTINGS_FILE))
    assert configured["DATABASES"]["default"]["OPTIONS"]["options"] == "-c jit=off"

    monkeypatch.setenv("DATABASE_URL", "sqlite:///tracker.sqlite3")
    sqlite = runpy.run_path(str(SETTINGS_FILE))["DATABASES"]["default"]
    assert "options" not in sqlite.get("OPTIONS", {})

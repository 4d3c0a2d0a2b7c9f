"""Reads from a streaming read replica for anonymous readers; everything else on the primary.

With `REPLICA_DATABASE_URL` set, settings add a "replica" database and this router:

- anonymous GET, HEAD and OPTIONS requests read from the replica (ReadRoutingMiddleware marks
  them); a signed-in user's request, any other method, management commands, the shell and
  anything outside a request read from the primary, so an editor always reads their own writes;
- every write, every read inside a transaction, and every migration go to the primary, as do
  sessions and login-attempt records (read back at once after they are written);
- a request decides once, at its first read, so one page never mixes the two databases;
- the replica is skipped while it is down (a connection error marks it down for
  RETRY_AFTER_SECONDS in this process, so readers do not each pay the connect timeout) and while
  it has not replayed the primary's write-ahead log as far as the last public change: the page
  cache keys pages by a generation that every public change bumps, and a page built from a
  replica that lags behind that change would be cached, stale, under the new generation;
- a replica that fails in the middle of a request is retried once, whole, on the primary.

Without REPLICA_DATABASE_URL there is no router and the middleware removes itself.
"""

import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse

from .page_tags import GENERATION_KEY

logger = logging.getLogger("tracker.db_router")

PRIMARY = "default"
REPLICA = "replica"
# Written and read back within a moment (a login's session, axes' failure counts).
PRIMARY_ONLY_APPS = frozenset({"sessions", "axes"})
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# How long a process keeps reading from the primary after the replica failed it.
RETRY_AFTER_SECONDS = 5.0

_UNCHECKED = object()


def replica_configured() -> bool:
    """Whether settings installed this router, which they do exactly when a replica is given."""
    return f"{__name__}.PrimaryReplicaRouter" in settings.DATABASE_ROUTERS


@dataclass
class RequestRouting:
    """What one request may read from, and what it did; lives in a ContextVar for the request."""

    replica_allowed: bool
    chosen: str | None = None  # the database this request reads from, once decided
    replica_failed: bool = False

    @property
    def used_replica(self) -> bool:
        return self.chosen == REPLICA

    def pin_to_primary(self) -> None:
        self.replica_allowed = False
        self.chosen = PRIMARY


# Outside a request (None) every read goes to the primary.
_routing: ContextVar[RequestRouting | None] = ContextVar("db_routing", default=None)


class ReplicaHealth:
    """This process's view of the replica: down until a moment, and the last cache generation
    at which it was found to have replayed everything the primary had written."""

    def __init__(self):
        self.clock = time.monotonic
        self.down_until = 0.0
        self.fresh_generation = _UNCHECKED

    def reset(self) -> None:
        self.down_until = 0.0
        self.fresh_generation = _UNCHECKED

    def is_marked_down(self) -> bool:
        return self.clock() < self.down_until

    def mark_down(self, error: Exception) -> None:
        logger.warning(
            "read replica unavailable, reading from the primary for %.0f s: %s: %s",
            RETRY_AFTER_SECONDS,
            error.__class__.__name__,
            str(error).strip().splitlines()[0] if str(error).strip() else "",
        )
        self.down_until = self.clock() + RETRY_AFTER_SECONDS
        self.fresh_generation = _UNCHECKED
        close_quietly(REPLICA)

    def usable(self) -> bool:
        """Whether the replica can serve this request's reads: not marked down, reachable, and
        caught up with the last public change.

        Queries: none while marked down; Django's own health check of a kept connection (once per
        request) or a new connection; after each public change, one query on each database.
        """
        if self.is_marked_down():
            return False
        generation = cache.get(GENERATION_KEY)
        # Read after the generation, so the position covers the change that set it. A primary
        # that cannot answer is the primary's failure, not the replica's: it is not caught here.
        position = None if generation == self.fresh_generation else primary_position()
        try:
            replica = connections[REPLICA]
            replica.close_if_health_check_failed()
            replica.ensure_connection()
            if position is not None and not replica_has_replayed(position):
                return False
        except (OperationalError, InterfaceError) as error:
            self.mark_down(error)
            return False
        self.fresh_generation = generation
        return True


def primary_position() -> str | None:
    """How far the primary has written its log (one query), or None where there is no log."""
    if connections[PRIMARY].vendor != "postgresql":
        return None
    with connections[PRIMARY].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def replica_has_replayed(position: str) -> bool:
    """Whether the replica has replayed the log up to `position` (one query); a database that
    is not a standby (a test's mirror of the primary) has nothing to replay."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT NOT pg_is_in_recovery() OR pg_last_wal_replay_lsn() >= %s::pg_lsn",
            [position],
        )
        return cursor.fetchone()[0]


health = ReplicaHealth()


def close_quietly(alias: str) -> None:
    """Drop a connection that may already be broken, so the next use opens a fresh one."""
    try:
        connections[alias].close()
    except DatabaseError:
        connections[alias].connection = None


class PrimaryReplicaRouter:
    """Writes and migrations to the primary; reads as the request's RequestRouting allows."""

    def db_for_read(self, model, **hints):
        routing = _routing.get()
        if (
            routing is None
            or not routing.replica_allowed
            or model._meta.app_label in PRIMARY_ONLY_APPS
            or connections[PRIMARY].in_atomic_block
        ):
            return PRIMARY
        if routing.chosen is None:
            routing.chosen = REPLICA if health.usable() else PRIMARY
        return routing.chosen

    def db_for_write(self, model, **hints):
        routing = _routing.get()
        if routing is not None:
            # A request that writes reads its own write back from the primary.
            routing.pin_to_primary()
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica is a byte-for-byte copy of the primary, migrated through it.
        return db == PRIMARY


class ReadRoutingMiddleware:
    """Let an anonymous reader's GET read from the replica; pin every other request to the
    primary. When the replica fails during a request, run the request once more on the primary.

    Goes after AuthenticationMiddleware (it asks whether the user is signed in). Removes itself
    when no replica is configured.
    """

    def __init__(self, get_response):
        if not replica_configured():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        routing = RequestRouting(replica_allowed=self.may_read_replica(request))
        token = _routing.set(routing)
        try:
            response = self.get_response(request)
            if routing.replica_failed:
                routing.pin_to_primary()
                response = self.get_response(request)
        finally:
            _routing.reset(token)
        return response

    @staticmethod
    def may_read_replica(request) -> bool:
        user = getattr(request, "user", None)
        return (
            request.method in READ_ONLY_METHODS and user is not None and not user.is_authenticated
        )

    def process_exception(self, request, exception):
        routing = _routing.get()
        if (
            routing is None
            or routing.replica_failed
            or not routing.used_replica
            or not isinstance(exception, OperationalError | InterfaceError)
        ):
            return None
        routing.replica_failed = True
        health.mark_down(exception)
        # Stands in for the view's response; __call__ replaces it with the retry's.
        return HttpResponse(status=503)

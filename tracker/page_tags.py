"""What each public page shows and what each change touches, as tags with versions.

Each public page names what it shows as tags (`depends_on`): a place's page `place:<id>`, a
statement's `statement:<id>` and its place's, the lists and the map every statement and stance.
Every tag has a version number in the cache. A save, delete or relation change the public can see
bumps the tags the record names (`page_cache_tags()` on the model; a model without one bumps
`site`, on which every page depends) and `any`, on which a page that names nothing depends. So
a new statement in Chicago rebuilds Chicago's page, its speaker's, the lists and the map, and
leaves the other places' and statements' pages cached. A draft's save, which no reader sees, and
the history rows every save writes bump nothing.

A public change bumps its tags when it writes and again at commit, so a page rendered while the
transaction was open is not kept. The page cache (tracker/cache.py) stores each page with the
versions of its tags.
"""

import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .apps import DATA_APPS
from .local_first import versioned_cache
from .models import CuratedModel, Status

# -- the tags ---------------------------------------------------------------------------------
# Every public change bumps ANY; a page that names no tags depends on it alone.
ANY = "any"
# Bumped by every change that names no narrower tags; every page that names tags depends on it.
SITE = "site"
# Any published statement or stance (the lists, the map, the home page, the feeds).
STATEMENTS = "statements"
STANCES = "stances"
# An edit of a published statement that the lists of places and the map cannot show: its words,
# speaker, medium or sources, not its place, day or status (Statement.page_cache_tags).
STATEMENT_TEXTS = "statement-texts"
# What the lists of places and the map show: which places have published records, how many and
# how recent, and their stances.
PLACE_LISTS = frozenset({SITE, STATEMENTS, STANCES})
# What the lists of statements, the feeds and the home page show: that, and the statements' words.
LISTS = PLACE_LISTS | {STATEMENT_TEXTS}

# How long a figure computed at some versions is kept (`computed_at_versions`).
COMPUTED_SECONDS = 3600

# ANY's version under the key the replica's freshness check reads (tracker/db_router.py).
GENERATION_KEY = "site:generation"
CHANGED_AT_KEY = "site:changed-at"


def place_tag(pk) -> str:
    return f"place:{pk}"


def place_stance_tag(pk) -> str:
    """A place's stance alone, which its statements' pages show beside them."""
    return f"place-stance:{pk}"


def official_tag(pk) -> str:
    return f"official:{pk}"


def statement_tag(pk) -> str:
    return f"statement:{pk}"


def _tag_key(tag: str) -> str:
    return GENERATION_KEY if tag == ANY else f"tag:{tag}"


def tag_versions(tags: Iterable[str]) -> dict[str, int]:
    """The current version of each tag (one cache round trip; two the first time a tag is seen,
    or after the cache lost it: it starts from the clock, so it never repeats an old number)."""
    return get_with_versions(None, tags)[1]


def get_with_versions(key: str | None, tags: Iterable[str]) -> tuple[Any, dict[str, int]]:
    """The cache's value under `key` (None when absent or no key) and the current version of
    each tag, in one cache round trip (see tag_versions)."""
    keys = {_tag_key(tag): tag for tag in tags}
    found = cache.get_many([*keys, key] if key is not None else keys)
    value = found.pop(key, None) if key is not None else None
    missing = [key for key in keys if key not in found]
    if missing:
        start = int(time.time() * 1000)
        for key in missing:
            cache.add(key, start, timeout=None)
        found |= cache.get_many(missing)
    return value, {keys[key]: version for key, version in found.items()}


def tags_signature(tags: Iterable[str]) -> str:
    """The versions of `tags` as one string, for keys of what is computed from those records."""
    return signature_of(tag_versions(tags))


def signature_of(versions: dict[str, int]) -> str:
    return ".".join(f"{versions[tag]}" for tag in sorted(versions))


class AtVersions:
    """The versions of `tags`, read once (one cache round trip): what a page keeps under them
    (`key`, `computed`) is read from the database after they were, so never older than they
    say, and all of it is at the same versions."""

    def __init__(self, tags: Iterable[str]):
        self.signature = tags_signature(tags)

    @classmethod
    def of(cls, versions: dict[str, int]) -> "AtVersions":
        """At versions read already (before the request's first query, as they must be)."""
        at = cls.__new__(cls)
        at.signature = signature_of(versions)
        return at

    def key(self, name: str) -> str:
        """A cache key for `name` at these versions: a change to one of those records gives a
        new key, and the old entry is never read again."""
        return f"computed:{name}:{self.signature}"

    def computed(
        self, name: str, compute: Callable[[], Any], *, may_lag: bool = False, request=None
    ) -> Any:
        """What `compute` gives, computed once per these versions (an hour at most); counts
        that `may_lag` may be those of a moment before (`earlier`), shown on `request`'s page."""
        key = self.key(name)
        value = versioned_cache.get(key)
        if value is None:
            if may_lag and (value := earlier(name, request)) is not None:
                return value
            value = compute()
            versioned_cache.set(key, value, COMPUTED_SECONDS)
            if may_lag:
                keep_as_latest(name, value)
        return value


def computed_at_versions(
    name: str, tags: Iterable[str], compute: Callable[[], Any], **options
) -> Any:
    """What `compute` gives, computed once per versions of `tags` (an hour at most): figures
    drawn from records, reused by every request until one of those records changes."""
    return AtVersions(tags).computed(name, compute, **options)


# -- counts from a moment before ---------------------------------------------------------------
# While editors publish, counts (a list's facets, the map's census) are counted again at most
# once in COUNTS_LAG_SECONDS, not on every change: what was counted last, whatever the versions,
# is shown meanwhile on pages kept already stale (tracker/cache.py), which are drawn again once
# the counts are due. Then one request counts again while the others still show the last counts,
# so none waits for it. Rows, and what colours the map, are never held back.
#
# How long the last counts are kept, in COUNTS_LAG_SECONDS: after a quiet spell that long, the
# first change is counted at once.
LATEST_KEPT_LAGS = 4


def _latest_key(name: str) -> str:
    return f"latest:{name}"


def _recount_key(name: str) -> str:
    return f"recounting:{name}"


def earlier(name: str, request) -> Any:
    """What was counted last for `name`, at any versions, or None when it is to be counted now:
    none was kept, or those kept are COUNTS_LAG_SECONDS old and no other request is counting
    them again (this one is to, then `keep_as_latest`). `request`'s page is noted as showing
    counts from before."""
    lag = settings.COUNTS_LAG_SECONDS
    if lag <= 0:
        return None
    kept = cache.get(_latest_key(name))
    if kept is None:
        return None
    counted_at, value = kept
    if time.time() - counted_at >= lag and cache.add(_recount_key(name), 1, lag):
        return None
    show_earlier_counts(request)
    return value


def has_earlier(name: str) -> bool:
    """Whether `earlier(name)` would give counts now (without taking the recount on)."""
    lag = settings.COUNTS_LAG_SECONDS
    if lag <= 0 or (kept := cache.get(_latest_key(name))) is None:
        return False
    return time.time() - kept[0] < lag or cache.has_key(_recount_key(name))


def keep_as_latest(name: str, value: Any) -> None:
    lag = settings.COUNTS_LAG_SECONDS
    if lag > 0:
        cache.set(_latest_key(name), (time.time(), value), lag * LATEST_KEPT_LAGS)
        cache.delete(_recount_key(name))


def bump_tags(tags: Iterable[str], *, record: tuple[str, Any] | None = None) -> None:
    """Mark every page that depends on one of `tags`, and every page that names none, stale.
    `record` (model label, primary key): the one record whose change this is, noted under each
    new version (`records_changed`)."""
    # ANY first: a render that read ANY unchanged also read the other tags unchanged (see
    # tracker.cache.AnonymousPageCacheMiddleware._versions_to_store).
    bumped = {}
    for tag in [ANY, *sorted(set(tags) - {ANY})]:
        try:
            bumped[tag] = cache.incr(_tag_key(tag))
        except ValueError:
            cache.set(_tag_key(tag), int(time.time() * 1000), timeout=None)
    if record is not None:
        notes = {_change_key(tag, version): record for tag, version in bumped.items()}
        cache.set_many(notes, CHANGES_KEPT_SECONDS)
    cache.set(CHANGED_AT_KEY, time.time(), timeout=None)


# -- which records a run of versions changed ---------------------------------------------------
# A bump caused by one record's save or delete names that record under each tag's new version,
# for an hour, so that what is ordered by what each record holds alone (a search's best matches:
# public/kept_order.py) can be brought up to date from the records changed since, rather than
# sorted again. A bump that names no record (a relation changed, a bulk change, a restore), or a
# run of versions longer than MAX_CHANGES_READ, leaves a gap: the caller sorts again.
CHANGES_KEPT_SECONDS = COMPUTED_SECONDS
MAX_CHANGES_READ = 100


def _change_key(tag: str, version: int) -> str:
    return f"changed:{tag}:{version}"


def records_changed(since: dict[str, int], now: dict[str, int]) -> dict[str, set[Any]] | None:
    """{model label: primary keys} of the records whose changes took the tags of `since` to the
    versions `now` holds (one cache round trip), or None when some of those changes named no
    single record, or are no longer noted."""
    keys = []
    for tag, version in since.items():
        newer = now.get(tag)
        if newer is None or not 0 <= newer - version <= MAX_CHANGES_READ:
            return None
        keys += [_change_key(tag, v) for v in range(version + 1, newer + 1)]
    noted = cache.get_many(keys) if keys else {}
    if len(noted) < len(keys):
        return None
    changed: dict[str, set[Any]] = {}
    for label, pk in noted.values():
        changed.setdefault(label, set()).add(pk)
    return changed


def bump_generation() -> None:
    """Mark every page stale (a restore, a bulk load: too much changed to name)."""
    bump_tags({SITE})


def current_generation() -> tuple[int, float]:
    """ANY's version and the time of the last public change (one cache round trip)."""
    values = cache.get_many([GENERATION_KEY, CHANGED_AT_KEY])
    if GENERATION_KEY not in values or CHANGED_AT_KEY not in values:
        values = {GENERATION_KEY: int(time.time() * 1000), CHANGED_AT_KEY: time.time()}
        cache.set_many(values, timeout=None)
    return values[GENERATION_KEY], values[CHANGED_AT_KEY]


def depends_on(request, *tags: str) -> None:
    """Declare what the page being rendered for `request` shows, beyond `site`: it is served
    from the cache until one of these tags, or `site`, changes."""
    request.page_cache_tags = getattr(request, "page_cache_tags", frozenset()) | {SITE, *tags}


def show_earlier_counts(request) -> None:
    """Note that the page being rendered for `request` shows counts from before the latest change
    (public/facets.py): the page cache keeps it already stale, to be drawn again."""
    if request is not None:
        request.page_shows_earlier_counts = True


def shows_earlier_counts(request) -> bool:
    return getattr(request, "page_shows_earlier_counts", False)


def page_tags(request) -> frozenset[str]:
    return frozenset(getattr(request, "page_cache_tags", None) or {ANY})


# -- what a change touches ----------------------------------------------------------------------
def is_public_change(sender, instance) -> bool:
    """Whether saving, deleting or relinking `instance` can change what a reader sees.

    History rows are bookkeeping. A record with a workflow (CuratedModel) is public when it is
    published or retracted now, or was when it was read (so an unpublish counts).
    """
    if sender._meta.app_label not in DATA_APPS or hasattr(sender, "instance_type"):
        return False
    if not isinstance(instance, CuratedModel):
        return True
    shown = {Status.PUBLISHED, Status.RETRACTED}
    return instance.status in shown or instance.loaded_status in shown


def changed_tags(instance, *, created: bool = False, deleted: bool = False) -> set[str]:
    """The tags a public change of `instance` touches: what its model names, else `site`."""
    named = getattr(instance, "page_cache_tags", None)
    return set(named(created=created, deleted=deleted)) if named else {SITE}


def _record_changed(sender, instance=None, **kwargs):
    if kwargs.get("signal") is m2m_changed:
        if not kwargs["action"].startswith("post_"):
            return  # the same change comes again once made (post_add, post_remove, post_clear)
        sender = type(instance)
    public = is_public_change(sender, instance)
    if public:
        tags = changed_tags(
            instance,
            created=kwargs.get("created", False),
            deleted=kwargs.get("signal") is post_delete,
        )
    if isinstance(instance, CuratedModel) and kwargs.get("signal") is post_save:
        instance.remember_loaded()
    if not public:
        return
    # A relation's change is not noted as the record's own: what it touches is not one row.
    record = None
    if kwargs.get("signal") in (post_save, post_delete):
        record = (instance._meta.label_lower, instance.pk)
    bump_tags(tags, record=record)
    # Bump again after commit so a page rendered while the transaction was open is not kept.
    transaction.on_commit(lambda: bump_tags(tags, record=record))


def connect_signals() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_record_changed, dispatch_uid=f"page-cache-{signal}")

"""Rows rendered once per state of what they show, shared by every page that lists them.

A list page is mostly its fifty rows, and a row's HTML depends only on its record, the records it
shows beside it (a statement's speaker, place and sources) and the reader's language. Each row is
stored under a key built from exactly those: the values loaded into its record and into every
record loaded with it (`loaded_state`), the language, the row's template and what the page
passes it, and the release (a digest of the code, templates and translations, so a deploy never
serves rows drawn by the previous one). An edit changes what is loaded, hence the key: the
edited row is drawn again on its next showing and every other row is reused. Nothing is
invalidated; old keys expire. A whole list reads its rows in one round trip to the cache.

A list page keeps, with its rows' ids at the list's versions, their state digests
(`KnownRows`): while nothing the list shows has changed, its rows are read from the cache by
those alone, and no record is loaded unless a row was evicted.

This is not the page cache: it works with the page cache off, and a list whose filters, counts
or order change still reuses the rows it shares with others.
"""

import functools
import hashlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .local_first import versioned_cache
from .page_tags import COMPUTED_SECONDS, AtVersions

# Rows are keyed by the values they show, never invalidated: an old key is merely never asked
# for again, and expires.
ROW_CACHE_SECONDS = 24 * 60 * 60

# What can change a row's HTML without changing any record: the code, templates, translations.
_RELEASE_SUFFIXES = (".py", ".html", ".mo")


@functools.cache
def release() -> str:
    """A digest of this project's code, templates and compiled translations, and Django's
    version: equal on every app server running the same release, different after a deploy that
    could draw a row otherwise."""
    roots = [Path(d) for template in settings.TEMPLATES for d in template.get("DIRS", ())]
    roots += [Path(p) for p in settings.LOCALE_PATHS]
    roots += [
        Path(config.path)
        for config in apps.get_app_configs()
        if "site-packages" not in Path(config.path).parts  # installed: named by version below
    ]
    digest = hashlib.sha256(django.get_version().encode())
    for root in sorted(set(roots)):
        for path in sorted(root.rglob("*")):
            if path.suffix in _RELEASE_SUFFIXES and path.is_file():
                digest.update(str(path.relative_to(root.parent)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def loaded_state(record: models.Model) -> tuple:
    """Everything a rendering of `record` can show without a query: the values loaded into it
    (its fields and what the query annotated) and the same of each record joined or prefetched
    with it. Values, not version numbers, since some fields are kept by UPDATE statements that
    leave the version alone (a place's stance level). A row template shows only what its query
    loaded (the tests count queries), so this names all it can show."""
    return _state_of(record, set())


def _state_of(record: models.Model, seen: set) -> tuple:
    identity = (record._meta.label, record.pk)
    if identity in seen:
        return identity
    seen.add(identity)
    state = [identity]
    for name, value in record.__dict__.items():
        if not name.startswith("_"):
            state.append(_value_state(value, seen))
    for related in record._state.fields_cache.values():
        state.append(_value_state(related, seen))
    for related in getattr(record, "_prefetched_objects_cache", {}).values():
        state.append(_value_state(list(related), seen))
    return tuple(state)


def _value_state(value, seen: set):
    if isinstance(value, models.Model):
        return _state_of(value, seen)
    if isinstance(value, list | tuple):
        return tuple(_value_state(item, seen) for item in value)
    if isinstance(value, dict):
        return None  # what a record remembers of itself (loaded_values), not what it shows
    return value


def state_digest(record: models.Model) -> str:
    """A short digest of `loaded_state(record)`: what a row's key is made of."""
    return hashlib.sha256(repr(loaded_state(record)).encode()).hexdigest()[:40]


def row_key(template_name: str, digest: str, options: dict) -> str:
    """The cache key of one row: its template, what the page passed it, the digest of the values
    loaded into its records, the reader's language and the release."""
    described = repr((template_name, sorted(options.items()), digest))
    return f"row:{release()}:{get_language()}:{hashlib.sha256(described.encode()).hexdigest()[:40]}"


class KnownRows(Sequence):
    """A page of rows known by their primary keys and state digests, as kept with the page's ids
    at the list's versions (`kept_rows`): the rows whose HTML is stored are shown without
    loading their records, and only the others are read (`load(pks)` gives {pk: record}).

    Kept at the same versions as the page cache's entries, so as current as they are: a change
    a list can show bumps its versions, and the page's ids and digests are read again."""

    def __init__(self, pks: list, digests: list[str], load: Callable[[list], dict]):
        self.pks, self._load = pks, load
        self._digests = dict(zip(pks, digests, strict=True))
        self._records: dict = {}

    @classmethod
    def of(cls, records: list[models.Model], load: Callable[[list], dict] | None = None):
        """The rows of `records` in hand; `load` reads any of them again (without it, none is
        read again: all are in hand)."""
        rows = cls(
            [r.pk for r in records], [state_digest(r) for r in records], load or _all_in_hand
        )
        rows._records = {r.pk: r for r in records}
        return rows

    @property
    def digests(self) -> list[str]:
        return [self._digests[pk] for pk in self.pks]

    def digest(self, pk) -> str:
        """The digest of what row `pk` shows: as kept, or as read now if its record was read."""
        return self._digests[pk]

    def records(self, pks: Iterable) -> dict:
        """{pk: record} of `pks` on this page, read in one query the first time they are asked;
        a record read now is what its row shows, so its digest is taken again."""
        missing = [pk for pk in pks if pk not in self._records]
        if missing:
            loaded = self._load(missing)
            self._records |= loaded
            self._digests |= {pk: state_digest(record) for pk, record in loaded.items()}
        return {pk: self._records[pk] for pk in pks if pk in self._records}

    def only(self, pks: Iterable) -> "KnownRows":
        """Those of these rows whose keys are in `pks`, in this page's order, sharing what is
        read of them: one query serves both."""
        wanted = set(pks)
        shown = [pk for pk in self.pks if pk in wanted]
        part = KnownRows(shown, [self._digests[pk] for pk in shown], self._load)
        part._digests, part._records = self._digests, self._records
        return part

    def __len__(self) -> int:
        return len(self.pks)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return list(self)[index]
        return self.records([self.pks[index]])[self.pks[index]]

    def __iter__(self):
        by_pk = self.records(self.pks)
        return (by_pk[pk] for pk in self.pks if pk in by_pk)


def _all_in_hand(pks: list) -> dict:
    """The loader of rows whose records were all given: none is missing, none is read."""
    return {}


def by_pk(rows: models.QuerySet) -> Callable[[list], dict]:
    """A `load` for KnownRows: the records of `rows` with these primary keys, in one query."""
    return lambda pks: {record.pk: record for record in rows.filter(pk__in=pks).order_by()}


def kept_rows(
    key: str | None, first: Callable[[], list], load: Callable[[list], dict], seconds: int
) -> KnownRows:
    """A page of rows whose ids and digests are kept under `key` (a key naming the versions of
    what the page shows): the first reader reads the records (`first()`) and keeps their ids
    and digests; the next ones get KnownRows that load a record only for a row not stored. No
    key (a form in error): the records are read every time."""
    known = versioned_cache.get(key) if key else None
    if known is not None:
        pks, digests = known
        return KnownRows(pks, digests, load)
    rows = KnownRows.of(first(), load)
    if key:
        versioned_cache.set(key, (rows.pks, rows.digests), seconds)
    return rows


def rows_at_versions(
    versions: AtVersions, name: str, rows: models.QuerySet, limit: int | None
) -> KnownRows:
    """The first `limit` of `rows` (all with None) as KnownRows, their ids and digests kept at
    `versions` (a place's stances, roles and statements, a speaker's statements, on their
    page)."""
    return kept_rows(versions.key(name), lambda: list(rows[:limit]), by_pk(rows), COMPUTED_SECONDS)


def rendered_rows(template, context, objects: Iterable, name: str, **options) -> SafeString:
    """`template` rendered for each of `objects` (as `name`, with `options`, in `context`),
    reading stored rows in one round trip and storing the rows it had to draw. Of `KnownRows`,
    only the records of rows not stored are read."""
    template_name = template.origin.template_name
    if not isinstance(objects, KnownRows):
        objects = KnownRows.of(list(objects))
    keys = [row_key(template_name, digest, options) for digest in objects.digests]
    stored = versioned_cache.get_many(keys) if keys else {}
    missing = [pk for pk, key in zip(objects.pks, keys, strict=True) if key not in stored]
    records = objects.records(missing) if missing else {}
    drawn = {}
    parts = []
    for pk, key in zip(objects.pks, keys, strict=True):
        html = stored.get(key)
        if html is None:
            record = records.get(pk)
            if record is None:
                continue  # gone since the page's ids were kept (deleted, unpublished)
            # Stored under what was read now, which is what it shows.
            key = row_key(template_name, objects.digest(pk), options)
            with context.push({name: record, **options}):
                html = drawn[key] = template.render(context)
        parts.append(html)
    if drawn:
        versioned_cache.set_many(drawn, ROW_CACHE_SECONDS)
    return mark_safe("".join(parts))

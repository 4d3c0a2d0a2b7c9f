"""Rows rendered once per state of what they show, shared by every page that lists them.

A list page is mostly its fifty rows, and a row's HTML depends only on its record, the records it
shows beside it (a statement's speaker, place and sources) and the reader's language. Each row is
stored under a key built from exactly those: the values loaded into its record and into every
record loaded with it (`loaded_state`), the language, the row's template and what the page
passes it, and the release (a digest of the code, templates and translations, so a deploy never
serves rows drawn by the previous one). An edit changes what is loaded, hence the key: the
edited row is drawn again on its next showing and every other row is reused. Nothing is
invalidated; old keys expire. A whole list reads its rows in one round trip to the cache.

This is not the page cache: it works with the page cache off, and a list whose filters, counts
or order change still reuses the rows it shares with others.
"""

import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

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


def row_key(template_name: str, state: tuple, options: dict) -> str:
    """The cache key of one row: its template, what the page passed it, the values loaded into
    its records, the reader's language and the release."""
    described = repr((template_name, sorted(options.items()), state))
    digest = hashlib.sha256(described.encode()).hexdigest()[:40]
    return f"row:{release()}:{get_language()}:{digest}"


def rendered_rows(template, context, objects: Iterable, name: str, **options) -> SafeString:
    """`template` rendered for each of `objects` (as `name`, with `options`, in `context`),
    reading stored rows in one round trip and storing the rows it had to draw."""
    objects = list(objects)
    keys = [row_key(template.origin.template_name, loaded_state(obj), options) for obj in objects]
    stored = cache.get_many(keys) if keys else {}
    drawn = {}
    parts = []
    for obj, key in zip(objects, keys, strict=True):
        html = stored.get(key)
        if html is None:
            with context.push({name: obj, **options}):
                html = drawn[key] = template.render(context)
        parts.append(html)
    if drawn:
        cache.set_many(drawn, ROW_CACHE_SECONDS)
    return mark_safe("".join(parts))

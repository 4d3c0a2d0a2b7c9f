"""A list's first pages in an order that each row holds alone (a search's best matches), kept and
brought up to date from the records changed since, instead of sorted again.

A search ranks every match to find its best fifty: on the demo data "police" matches 150,000
statements, a third of a second of PostgreSQL's time. While editors publish, each change of any
statement would rank them all again. But a statement's rank (PostgreSQL's ts_rank reads the
statement's own words, not the others') and whether it passes the filters depend on that
statement alone, as long as nothing else changes: after changes to some statements and nothing
else, the new order is the kept one without them, merged with those of them that match now.

The order kept is the first KEPT_ROWS rows' sort values, at the versions of what the list shows.
It is sorted again when anything else changed (a stance, a place, a role, a source), when a
change named no single record or is no longer noted (tracker/page_tags.records_changed), on a
new day (what is in force changes at midnight), a minute after it was last sorted, and for a
page past what is kept. SQLite's bm25 weighs each word by how many statements hold it, so a
change moves every rank: there a search is sorted again on each change, as before.
"""

import datetime
import functools
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connections
from django.utils import timezone

from tracker.page_tags import records_changed

from .facets import LIST_CACHE_SECONDS

# Ten pages of fifty: readers of a search rarely go further; past them, a page is sorted anew.
KEPT_ROWS = 500
# How long an order is brought up to date before it is sorted anew, whatever changed: a change
# whose note was lost (the cache failed as it was bumped) is then out of the order within that
# time, and a sort a minute is nothing beside one a change.
SORTED_AGAIN_AFTER_SECONDS = 60


@functools.total_ordering
class _Descending:
    """A sort value compared the other way round."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __eq__(self, other):
        return self.value == other.value

    def __lt__(self, other):
        return other.value < self.value


@dataclass(frozen=True)
class KeptOrder:
    """The first rows of a list in order, as their sort values (the primary key last), at
    `versions` of what the list shows, on `day`; `complete` when they are all its rows;
    `sorted_at`: when they were last sorted from every match."""

    versions: dict[str, int]
    day: datetime.date
    rows: list[tuple]
    complete: bool
    sorted_at: float

    def covers(self, end: int) -> bool:
        return self.complete or len(self.rows) >= end


class Ordering:
    """A sort (order_by() arguments ending with the primary key) as fields to read and a key to
    sort their values by in Python as the database does."""

    def __init__(self, order_by: tuple[str, ...]):
        self.fields = [name.removeprefix("-") for name in order_by]
        self.descending = [name.startswith("-") for name in order_by]

    def key(self, values: tuple) -> tuple:
        return tuple(
            _Descending(v) if down else v for v, down in zip(values, self.descending, strict=True)
        )

    def values(self, rows) -> Any:
        # What the page's rows prefetch is for their records, not for their sort values.
        return rows.prefetch_related(None).values_list(*self.fields)


def page_ids(filterset, rows, number: int, per_page: int) -> list | None:
    """The primary keys of page `number` of `rows` (filtered and sorted by `filterset`), from
    the order kept for these filters; None where none is kept for this sort or page, or on a
    database whose ranks are not each row's own: the caller sorts as before."""
    sort = filterset.sort_value()
    end = number * per_page
    if (
        sort not in filterset.kept_orders
        or end > KEPT_ROWS
        or connections[rows.db].vendor != "postgresql"
    ):
        return None
    key = filterset.cache_key(f"order:{sort}", latest=True)
    if key is None:
        return None
    ordering = Ordering(filterset.sort_orders[sort])
    versions = filterset.lists_versions  # read before anything below is
    kept = cache.get(key)
    order = None
    if kept is not None:
        order = brought_up_to_date(kept, rows, ordering, versions, filterset._meta.model)
    if order is None or not order.covers(end):
        order = sorted_again(rows, ordering, versions)
    if order is not kept:
        cache.set(key, order, LIST_CACHE_SECONDS)
    return [values[-1] for values in order.rows[end - per_page : end]]


def sorted_again(rows, ordering: Ordering, versions: dict[str, int]) -> KeptOrder:
    first = list(ordering.values(rows)[: KEPT_ROWS + 1])
    return KeptOrder(
        versions, timezone.localdate(), first[:KEPT_ROWS], len(first) <= KEPT_ROWS, time.time()
    )


def brought_up_to_date(
    kept: KeptOrder, rows, ordering: Ordering, versions: dict[str, int], model
) -> KeptOrder | None:
    """`kept` at `versions`, if only records of `model` changed since: without them, merged
    with those of them among `rows` now (one query). As it is if no older than `versions` (a
    request that read them just before a change). None when it must be sorted again."""
    if kept.day != timezone.localdate():
        return None
    if time.time() - kept.sorted_at >= SORTED_AGAIN_AFTER_SECONDS:
        return None
    if all(kept.versions.get(tag, -1) >= version for tag, version in versions.items()):
        return kept
    changed = records_changed(kept.versions, versions)
    if changed is None or set(changed) - {model._meta.label_lower}:
        return None
    pks = changed.get(model._meta.label_lower, set())
    unchanged = [values for values in kept.rows if values[-1] not in pks]
    now = list(ordering.values(rows.filter(pk__in=pks))) if pks else []
    merged = sorted(unchanged + now, key=ordering.key)
    if not kept.complete:
        # Rows never kept all sort after the last one kept that did not change: the merge is
        # the order only up to it.
        if not unchanged:
            return None
        merged = merged[: merged.index(unchanged[-1]) + 1]
    complete = kept.complete and len(merged) <= KEPT_ROWS
    return KeptOrder(versions, kept.day, merged[:KEPT_ROWS], complete, kept.sorted_at)

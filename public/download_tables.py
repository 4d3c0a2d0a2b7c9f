"""Tables: a list's download read as plain values a chunk of rows at a time, and written a chunk
at a time (the statements' in public/claims/columns.py, the places' in public/places/columns.py).

A few queries per chunk, none per row: `values_list()` with the to-one relations joined, one
query per chunk for each to-many relation (`ids_in`), URLs formatted from a prefix reversed once
(`url_maker`), formula-like text neutralised without a call per cell where possible
(`safe_text`), lines made by one csv.writer into one buffer per chunk.
"""

import csv
import io
import json
import queue
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connections, transaction
from django.urls import reverse
from django.utils import translation

from tracker.spreadsheet import FORMULA_TRIGGERS

from .downloads import CSV_WRITER, JSON_ENCODER, JSON_END, JSON_SEPARATOR, JSON_START


class Table:
    """A list's download made from plain values (`values_list()`, joins in the same query, one
    query per chunk for each to-many relation), never from model instances: a few queries per
    chunk of rows, none per row. Subclasses set `csv_names` and implement `read()`,
    `csv_values()` and `json_item()`; the lines are made a chunk at a time with one csv.writer
    into one buffer.

    Only called while the file is made (inside `in_english` for a download on request), so
    what a table computes once per file (a URL's prefix, a label) is in the file's language.
    """

    csv_names: tuple[str, ...] = ()

    def read(self, queryset, *, full: bool) -> list:
        """The rows of `queryset` (one chunk of them, in its order); `full` when the JSON or the
        sources are made (their nested lists), not only the CSV."""
        raise NotImplementedError

    def csv_values(self, row) -> list:
        """The row's CSV cells, each text passed through `safe_text` (numbers, dates and None
        are written as they are, as `neutralise` leaves them)."""
        raise NotImplementedError

    def json_item(self, row) -> dict:
        raise NotImplementedError

    def pk_of(self, row):
        return row[0]

    # -- the chunks of rows -----------------------------------------------------------------------
    def chunks_in_order(self, queryset, *, count: int, chunk_size: int, full: bool):
        """The rows of the sorted `queryset` in its order, a chunk (list) at a time: one query
        plus the table's per-chunk queries for a result of one chunk; else one query for the
        ordered primary keys (at most DOWNLOAD_MAX_ROWS of them), then one per chunk by primary
        key. No cursor stays open while the response is sent."""
        if count <= chunk_size:
            yield self.read(queryset, full=full)
            return
        ids = list(queryset.values_list("pk", flat=True))
        yield from read_ahead(self._chunks_of(queryset.order_by(), ids, chunk_size, full=full))

    def _chunks_of(self, unordered, ids: list, chunk_size: int, *, full: bool):
        for start in range(0, len(ids), chunk_size):
            wanted = ids[start : start + chunk_size]
            chunk = self.read(ids_in(unordered, "pk", wanted), full=full)
            by_pk = {self.pk_of(row): row for row in chunk}
            yield [by_pk[pk] for pk in wanted if pk in by_pk]

    def chunks_by_keyset(
        self, queryset, *, chunk_size: int, full: bool, snapshot: str | None = None
    ):
        """Every row of `queryset` in primary-key order, a chunk at a time, each chunk the rows
        after the last one seen (an index range, however far in): constant memory. `snapshot`:
        the exported PostgreSQL snapshot of the caller's transaction, to read ahead in it."""
        return read_ahead(self._chunks_after(queryset, chunk_size, full=full), snapshot=snapshot)

    def _chunks_after(self, queryset, chunk_size: int, *, full: bool):
        last = None
        while True:
            chunk = queryset.order_by("pk")
            if last is not None:
                chunk = chunk.filter(pk__gt=last)
            rows = self.read(chunk[:chunk_size], full=full)
            if rows:
                yield rows
            if len(rows) < chunk_size:
                return
            last = self.pk_of(rows[-1])

    # -- the files' text --------------------------------------------------------------------------
    def csv_header(self) -> str:
        return CSV_WRITER.writerow(self.csv_names)

    def csv_text(self, rows) -> str:
        """The CSV lines of a chunk of rows, formula-like text neutralised, as one string."""
        buffer = io.StringIO()
        csv.writer(buffer).writerows(self.csv_values(row) for row in rows)
        return buffer.getvalue()

    def json_text(self, rows, *, first: bool) -> str:
        """A chunk of rows as the JSON array's items (a separator before each but the file's
        first)."""
        encode = JSON_ENCODER.encode
        items = [JSON_SEPARATOR + "\n" + encode(self.json_item(row)) for row in rows]
        if first and items:
            items[0] = items[0][len(JSON_SEPARATOR) :]
        return "".join(items)

    def lines(self, fmt: str, queryset, *, count: int, chunk_size: int) -> Iterator[str]:
        """The on-request file of the sorted `queryset`, "csv" or "json", a chunk at a time."""
        chunks = self.chunks_in_order(
            queryset, count=count, chunk_size=chunk_size, full=fmt == "json"
        )
        return self.csv_lines(chunks) if fmt == "csv" else self.json_chunks(chunks)

    def csv_lines(self, chunks) -> Iterator[str]:
        """The CSV: its header, then a chunk of lines at a time."""
        yield self.csv_header()
        for rows in chunks:
            yield self.csv_text(rows)

    def json_chunks(self, chunks) -> Iterator[str]:
        """The JSON array of objects, a chunk of objects at a time."""
        yield JSON_START
        first = True
        for rows in chunks:
            yield self.json_text(rows, first=first)
            first = first and not rows
        yield JSON_END


class _End:
    """What the reading thread puts last: the end of the chunks, or the error that ended them."""

    def __init__(self, error: BaseException | None = None):
        self.error = error


def read_ahead(
    chunks: Iterator[list], *, using: str = "default", snapshot: str | None = None
) -> Iterator[list]:
    """`chunks`, the next one read from the database by a thread of its own while this one is
    written out, so the database's work and the writing overlap; one chunk waits at most, so
    memory stays constant. The thread has its own connection, closed when it ends, and stops
    when the reader stops early (a download cancelled).

    Inside a transaction the chunks are read in turn instead, as another connection would not
    see what the transaction wrote (a test's records), unless the transaction exported its
    PostgreSQL `snapshot` (pg_export_snapshot()), which the thread's transaction then reads."""
    if connections[using].in_atomic_block and snapshot is None:
        yield from chunks
        return
    ready: queue.Queue = queue.Queue(maxsize=1)
    stopped = threading.Event()
    language = translation.get_language()

    def hand_over(item) -> bool:
        while not stopped.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            with translation.override(language), in_snapshot(snapshot, using):
                for chunk in chunks:
                    if not hand_over(chunk):
                        return
            hand_over(_End())
        except BaseException as error:  # handed to the writer, which raises it
            hand_over(_End(error))
        finally:
            connections.close_all()  # this thread's own

    reader = threading.Thread(target=read, name="download-read-ahead", daemon=True)
    reader.start()
    try:
        while not isinstance(item := ready.get(), _End):
            yield item
        if item.error is not None:
            raise item.error
    finally:
        stopped.set()
        reader.join(timeout=5)


@contextmanager
def in_snapshot(snapshot: str | None, using: str):
    """A read-only transaction that sees what the exporting transaction saw (no-op for None)."""
    if snapshot is None:
        yield
        return
    with transaction.atomic(using=using):
        with connections[using].cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
        yield


def plain_rows(queryset) -> list[tuple]:
    """The rows of a `values_list()` of plain columns and counts, as the database driver gives
    them: Django's per-row converters (an int() of each count, which the driver already gives
    as an int) cost more than the query over a chunk of rows. Not for dates on SQLite, which
    its driver gives as text."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def ids_in(queryset, field: str, ids: list):
    """`queryset.filter(<field>__in=ids)` with the ids as one parameter (an array on PostgreSQL,
    a JSON list on SQLite) instead of one each: Django prepares each of a chunk's thousands of
    ids in Python, which cost more than the chunk's small queries themselves. `ids` are the
    integer keys a query just returned."""
    meta = queryset.model._meta
    column = meta.pk.column if field == "pk" else meta.get_field(field).column
    quote = connections[queryset.db].ops.quote_name
    target = f"{quote(meta.db_table)}.{quote(column)}"
    vendor = connections[queryset.db].vendor
    if vendor == "postgresql":
        return queryset.extra(where=[f"{target} = ANY(%s)"], params=[list(ids)])
    if vendor == "sqlite":
        where = f"{target} IN (SELECT value FROM json_each(%s))"
        return queryset.extra(where=[where], params=[json.dumps(list(ids))])
    return queryset.filter(**{f"{field}__in": ids})


def safe_text(text: str | None) -> str | None:
    """`neutralise` for a cell known to hold text or None, at a fraction of its cost: text a
    spreadsheet would read as a formula gets a single quote first (None is written empty)."""
    if text and text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def source_fields(prefix: str) -> tuple[str, ...]:
    """The fields a source's citation is read from, through `prefix` ("source__"), in the order
    `source_values_json` and `source_values_cells` take them."""
    return tuple(
        prefix + name
        for name in (
            "publisher",
            "title",
            "url",
            "published_on",
            "archived_url",
            "cited_in_id",
            "cited_in__publisher",
            "cited_in__url",
        )
    )


def source_values_json(values) -> dict:
    """A source's full citation, read as `source_fields`, as a JSON object."""
    publisher, title, url, published_on, archived_url, cited_in_id, cited_by, cited_url = values
    return {
        "publisher": publisher,
        "title": title,
        "url": url,
        "published_on": iso(published_on),
        "archived_url": archived_url,
        "cited_in": {"publisher": cited_by, "url": cited_url} if cited_in_id is not None else None,
    }


def source_values_cells(position: int, values) -> list:
    """A source read as `source_fields` as the long CSV's cells after the record's own
    (SOURCE_ROW_COLUMNS), neutralised."""
    publisher, title, url, published_on, archived_url, cited_in_id, cited_by, cited_url = values
    cited = cited_in_id is not None
    return [
        position,
        safe_text(publisher),
        safe_text(title),
        safe_text(url),
        published_on.isoformat() if published_on else "",
        safe_text(archived_url),
        safe_text(cited_by) if cited else "",
        safe_text(cited_url) if cited else "",
    ]


def url_maker(absolute: Callable[[str], str], view_name: str, key: str) -> Callable:
    """`url(value)`: the absolute URL of `view_name` with `key=value`, reversed once with a
    placeholder and formatted per row; a value that reverse() would quote (not a plain slug or
    number) is reversed on its own."""

    def reversed_url(value) -> str:
        return absolute(reverse(view_name, kwargs={key: value}))

    parts = reversed_url(PLACEHOLDER).split(str(PLACEHOLDER))
    if len(parts) != 2:  # the placeholder's digits elsewhere in the address: no shortcut
        return reversed_url
    prefix, suffix = parts

    def url(value) -> str:
        text = str(value)
        if PLAIN.fullmatch(text):
            return f"{prefix}{text}{suffix}"
        return reversed_url(value)

    return url


# A value that both a number's and a slug's URL pattern take, found once in the reversed URL.
PLACEHOLDER = 987654321987
PLAIN = re.compile(r"[A-Za-z0-9_-]+")


def iso(day) -> str | None:
    """A date as the JSON encoder writes it (None stays null)."""
    return day.isoformat() if day is not None else None

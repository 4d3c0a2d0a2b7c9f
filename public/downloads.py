"""Streamed CSV and JSON downloads of a whole filtered result, in chunks, never all in memory;
or a small result's file, compressed once and kept in the cache, streamed from there."""

import csv
import gzip
from collections.abc import Callable, Iterable

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.cache import patch_vary_headers

from tracker.spreadsheet import neutralise


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
class _Echo:
    """csv.writer writes to this; each row comes back as a string to stream."""

    def write(self, value):
        return value


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


CSV_TYPE = "text/csv; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"
GZIP_CHUNK = 64 * 1024


def csv_lines(rows: Iterable, columns) -> Iterable[str]:
    """The CSV's lines: a header of the columns' names, then one line per row."""
    writer = csv.writer(_Echo())
    yield writer.writerow([c.name for c in columns])
    for row in rows:
        yield writer.writerow([neutralise(c.get(row)) for c in columns])


def json_chunks(rows: Iterable, columns, *, extra: Callable | None = None) -> Iterable[str]:
    """A JSON array of objects keyed by the columns' names, one object at a time."""
    encoder = DjangoJSONEncoder(ensure_ascii=False)
    yield "["
    for index, row in enumerate(rows):
        item = {c.name: c.get(row) for c in columns}
        if extra is not None:
            item |= extra(row)
        yield ("," if index else "") + "\n" + encoder.encode(item)
    yield "\n]\n"


def csv_response(rows: Iterable, columns, filename: str) -> StreamingHttpResponse:
    """A CSV with a header of the columns' names and one line per row, streamed."""
    response = StreamingHttpResponse(csv_lines(rows, columns), content_type=CSV_TYPE)
    return _attachment(response, filename)


def json_response(
    rows: Iterable, columns, filename: str, *, extra: Callable | None = None
) -> StreamingHttpResponse:
    """A JSON array of objects keyed by the columns' names, streamed one object at a time."""
    response = StreamingHttpResponse(
        json_chunks(rows, columns, extra=extra), content_type=JSON_TYPE
    )
    return _attachment(response, filename)


def compress(content: Iterable[str]) -> bytes:
    """A whole file, gzip-compressed: what `compressed_response` serves."""
    return gzip.compress("".join(content).encode("utf-8"), compresslevel=6)


def compressed_response(body: bytes, content_type: str, filename: str, *, accepts_gzip: bool):
    """A file kept gzip-compressed: sent as it is to a client that accepts gzip (whole, so that
    the page cache keeps it and no request compresses it again), streamed decompressed to one
    that does not."""
    if accepts_gzip:
        response = HttpResponse(body, content_type=content_type)
        response["Content-Encoding"] = "gzip"
    else:
        data = gzip.decompress(body)
        chunks = (data[i : i + GZIP_CHUNK] for i in range(0, len(data), GZIP_CHUNK))
        response = StreamingHttpResponse(chunks, content_type=content_type)
    patch_vary_headers(response, ("Accept-Encoding",))
    return _attachment(response, filename)


def source_json(source) -> dict:
    """A source's full citation as a JSON object (its `cited_in` must be joined)."""
    return {
        "publisher": source.publisher,
        "title": source.title,
        "url": source.url,
        "published_on": source.published_on,
        "archived_url": source.archived_url,
        "cited_in": (
            {"publisher": source.cited_in.publisher, "url": source.cited_in.url}
            if source.cited_in_id
            else None
        ),
    }


def source_field(source, attr: str) -> str:
    """One field of a source as text for a CSV cell; `cited_in` gives the citing publisher."""
    if attr == "cited_in":
        return source.cited_in.publisher if source.cited_in_id else ""
    if attr == "published_on":
        return source.published_on.isoformat() if source.published_on else ""
    return getattr(source, attr) or ""

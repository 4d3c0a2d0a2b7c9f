"""Downloads: CSV and JSON of a filtered list, streamed in chunks and never all in memory, or a
small result's file compressed once and kept in the cache; a refusal before the first byte for a
result too large to make on request; and the complete files of every published record, built
by `manage.py build_bulk_downloads` (docs/downloads.md)."""

import csv
import datetime
import gzip
import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from tracker.spreadsheet import neutralise

logger = logging.getLogger("public.downloads")


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
TEXT_TYPE = "text/plain; charset=utf-8"
GZIP_CHUNK = 64 * 1024

# What a stream that fails part-way ends with, so the file cannot pass for a whole one: a last
# CSV line no reader takes for data, and text that leaves the JSON array unclosed (invalid).
CSV_FAILED = "\r\n#DOWNLOAD FAILED: this file is incomplete; download it again.\r\n"
JSON_FAILED = "\n#DOWNLOAD FAILED: this file is incomplete; download it again.\n"


CSV_WRITER = csv.writer(_Echo())
JSON_ENCODER = DjangoJSONEncoder(ensure_ascii=False)


def csv_header(columns) -> str:
    return CSV_WRITER.writerow([c.name for c in columns])


def csv_line(row, columns) -> str:
    """One row as a CSV line, formula-like text neutralised for spreadsheets."""
    return csv_values_line(c.get(row) for c in columns)


def csv_values_line(values: Iterable) -> str:
    return CSV_WRITER.writerow([neutralise(value) for value in values])


def json_item(row, columns, *, extra: Callable | None = None) -> str:
    """One row as a JSON object keyed by the columns' names, plus `extra(row)`'s keys."""
    item = {c.name: c.get(row) for c in columns}
    if extra is not None:
        item |= extra(row)
    return JSON_ENCODER.encode(item)


JSON_START, JSON_SEPARATOR, JSON_END = "[", ",", "\n]\n"


def csv_lines(rows: Iterable, columns) -> Iterable[str]:
    """The CSV's lines: a header of the columns' names, then one line per row."""
    yield csv_header(columns)
    for row in rows:
        yield csv_line(row, columns)


def json_chunks(rows: Iterable, columns, *, extra: Callable | None = None) -> Iterable[str]:
    """A JSON array of objects keyed by the columns' names, one object at a time."""
    yield JSON_START
    for index, row in enumerate(rows):
        yield (JSON_SEPARATOR if index else "") + "\n" + json_item(row, columns, extra=extra)
    yield JSON_END


def rows_in_order(queryset, ids: list, *, chunk_size: int) -> Iterator:
    """The rows of `queryset` whose primary keys are `ids`, in the order of `ids`, fetched
    `chunk_size` at a time by primary key: one query per chunk plus its prefetches. No cursor
    stays open while the response is sent (a server-side cursor held across a response makes
    PostgreSQL materialise the whole result first), and memory holds one chunk."""
    queryset = queryset.order_by()
    for start in range(0, len(ids), chunk_size):
        wanted = ids[start : start + chunk_size]
        by_pk = {row.pk: row for row in queryset.filter(pk__in=wanted)}
        yield from (by_pk[pk] for pk in wanted if pk in by_pk)


def ending_in_failure_marker(chunks: Iterable[str], marker: str) -> Iterator[str]:
    """The chunks; if making them fails, the marker last, then the error again so that the
    server aborts the response instead of ending it as if it were whole."""
    try:
        yield from chunks
    except Exception:
        logger.exception("download failed part-way; ended with the failure marker")
        yield marker
        raise


def in_english(chunks: Iterable[str]) -> Iterator[str]:
    """The chunks made in English: a download is the same file from /es/ as from an English page
    (labels such as `state_name` and `stance_label` included), so scripts need no language."""
    with translation.override("en"):
        yield from chunks


def streamed_response(chunks: Iterable[str], fmt: str, filename: str) -> StreamingHttpResponse:
    """The file's chunks streamed as they are made; a failure part-way ends the body with the
    format's failure marker and aborts the response."""
    marker, content_type = (CSV_FAILED, CSV_TYPE) if fmt == "csv" else (JSON_FAILED, JSON_TYPE)
    response = StreamingHttpResponse(
        ending_in_failure_marker(in_english(chunks), marker), content_type=content_type
    )
    return _attachment(response, filename)


def compress(content: Iterable[str]) -> bytes:
    """A whole file, gzip-compressed: what `compressed_response` serves."""
    return gzip.compress("".join(in_english(content)).encode("utf-8"), compresslevel=6)


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


# The long CSV of sources (`?format=sources_csv`, docs/downloads.md): one row per record and
# source, so a record with three sources is three rows, never parallel pipe-joined cells.
SOURCES_FORMAT = "sources_csv"
SOURCES_FILE_SUFFIX = "sources.csv"
SOURCE_ROW_COLUMNS = (
    "position",
    "publisher",
    "title",
    "url",
    "published_on",
    "archived_url",
    "cited_in_publisher",
    "cited_in_url",
)


def source_csv_header(record_columns: Iterable[str]) -> str:
    return CSV_WRITER.writerow([*record_columns, *SOURCE_ROW_COLUMNS])


# -- The complete files ---------------------------------------------------------------------------
MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"
_manifest_cache: dict = {}  # the last manifest read, keyed by its path and modification time


@dataclass(frozen=True)
class BulkFile:
    """One complete file as the manifest lists it."""

    name: str  # "sanctuary-tracker-statements.csv.gz"
    kind: str  # the list it holds: "statements", "cities"
    format: str  # "csv" or "json"
    rows: int
    bytes: int
    sha256: str
    built_at: datetime.datetime

    @property
    def url(self) -> str:
        return settings.BULK_DOWNLOADS_URL + self.name

    def as_json(self) -> dict:
        return {**self.__dict__, "built_at": self.built_at.isoformat(timespec="seconds")}


def bulk_name(kind: str, fmt: str) -> str:
    return f"sanctuary-tracker-{kind}.{fmt}.gz"


def bulk_files() -> list[BulkFile]:
    """The complete files the last build wrote, from its manifest (no query; the file is read
    again only when it changes); empty before the first build."""
    path = Path(settings.BULK_DOWNLOADS_ROOT) / MANIFEST
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return []
    if _manifest_cache.get("key") != (path, stamp):
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))["files"]
            files = [
                BulkFile(**{**e, "built_at": datetime.datetime.fromisoformat(e["built_at"])})
                for e in entries
            ]
        except (OSError, ValueError, KeyError, TypeError):
            logger.exception("unreadable bulk download manifest %s", path)
            files = []
        _manifest_cache.update(key=(path, stamp), files=files)
    return _manifest_cache["files"]


def bulk_files_of(kind: str) -> dict[str, BulkFile]:
    """{format: BulkFile} for one list's complete files."""
    return {f.format: f for f in bulk_files() if f.kind == kind}


class HashingWriter:
    """A binary file that also counts and hashes what is written to it (the gzip stream)."""

    def __init__(self, raw):
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self.raw.write(data)

    def flush(self):
        self.raw.flush()


class GzippedFile:
    """Text written gzip-compressed to `path`, in constant memory; the old file is replaced only
    once the new one is whole (a reader never gets half a file), and left alone on an error.
    After the `with` block, `size` and `sha256` describe the compressed file."""

    def __init__(self, path: Path):
        self.path = path
        self.partial = path.with_name(f".{path.name}.partial")
        self.pending: list[str] = []
        self.pending_size = 0
        self.size = 0
        self.sha256 = ""

    def __enter__(self):
        self.raw = open(self.partial, "wb")
        self.hashing = HashingWriter(self.raw)
        # mtime=0: the same rows give the same bytes, so the checksum says whether data changed.
        self.gzip = gzip.GzipFile(
            filename="", mode="wb", fileobj=self.hashing, compresslevel=6, mtime=0
        )
        return self

    def write(self, text: str) -> None:
        self.pending.append(text)
        self.pending_size += len(text)
        if self.pending_size >= GZIP_CHUNK:
            self._flush_pending()

    def _flush_pending(self) -> None:
        self.gzip.write("".join(self.pending).encode("utf-8"))
        self.pending, self.pending_size = [], 0

    def __exit__(self, exc_type, exc, traceback):
        try:
            if exc_type is None:
                self._flush_pending()
            self.gzip.close()
            self.raw.flush()
            os.fsync(self.raw.fileno())
        finally:
            self.raw.close()
        if exc_type is None:
            os.replace(self.partial, self.path)
            self.size, self.sha256 = self.hashing.size, self.hashing.sha256.hexdigest()
        else:
            self.partial.unlink(missing_ok=True)
        return False


def write_manifest(root: Path, files: list[BulkFile]) -> None:
    """manifest.json and SHA256SUMS (`sha256sum -c SHA256SUMS` checks the files), each replaced
    whole."""
    manifest = {"files": [f.as_json() for f in files]}
    checksums = "".join(f"{f.sha256}  {f.name}\n" for f in files)
    for name, text in ((MANIFEST, json.dumps(manifest, indent=2) + "\n"), (CHECKSUMS, checksums)):
        partial = root / f".{name}.partial"
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, root / name)


def too_large_response(request, *, kind: str, count: int, limit: int) -> HttpResponse:
    """422 before the first byte, for a download over `limit` rows: it says how large it would
    be and names the complete files of the same list (a Link header each) when one is built."""
    absolute = request.build_absolute_uri
    lines = [
        f"This download would hold {count:,} rows, more than the {limit:,} that a download "
        "made on request may hold, so none was started.",
        "Narrow the list with filters (a state, a place, a range of dates) and download it "
        "again, or take the complete file of every published record instead:",
    ]
    files = bulk_files_of(kind)
    for fmt, bulk in sorted(files.items()):
        lines.append(
            f"  {fmt.upper()}: {absolute(bulk.url)} ({bulk.rows:,} rows, gzip-compressed, "
            f"built {bulk.built_at:%Y-%m-%d %H:%M} UTC, SHA-256 {bulk.sha256})"
        )
    if files:
        lines.append(f"Every complete file and its checksum: {absolute(bulk_manifest_url())}")
    else:
        lines.append(
            f"The complete files are published daily at {absolute(settings.BULK_DOWNLOADS_URL)}; "
            "none has been built on this server yet."
        )
    response = HttpResponse("\n".join(lines) + "\n", status=422, content_type=TEXT_TYPE)
    if files:
        response["Link"] = ", ".join(
            f'<{absolute(bulk.url)}>; rel="alternate"; type="application/gzip"'
            for _, bulk in sorted(files.items())
        )
    response["Cache-Control"] = "no-store"
    return response


def bulk_manifest_url() -> str:
    return settings.BULK_DOWNLOADS_URL + MANIFEST


def bulk_file(request, name: str):
    """/downloads/<name>: a complete file, the manifest or the checksums, streamed from disk in
    blocks (nginx serves the folder itself in production; this serves it without nginx). Only
    names the last build wrote; anything else is a 404."""
    root = Path(settings.BULK_DOWNLOADS_ROOT)
    known = {f.name: f for f in bulk_files()}
    if name in (MANIFEST, CHECKSUMS) and (root / name).is_file():
        content_type = "application/json" if name == MANIFEST else "text/plain; charset=utf-8"
        return FileResponse(open(root / name, "rb"), content_type=content_type)
    if name not in known:
        raise Http404("No such complete file: see manifest.json for the ones there are.")
    try:
        handle = open(root / name, "rb")  # noqa: SIM115 (FileResponse closes it when sent)
    except FileNotFoundError as error:
        raise Http404("That complete file is being rebuilt; try again shortly.") from error
    response = FileResponse(handle, content_type="application/gzip", as_attachment=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response

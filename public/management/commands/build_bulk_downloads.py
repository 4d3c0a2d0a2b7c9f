"""manage.py build_bulk_downloads: the complete files of every published record, for /downloads/."""

import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.http import HttpRequest, QueryDict
from django.utils import timezone

from public import downloads
from public.claims.views import StatementListView
from public.places.views import JurisdictionListView

# The lists whose complete files are built, as on-the-fly downloads of them with no filter.
VIEWS = (StatementListView, JurisdictionListView)


class SiteRequest(HttpRequest):
    """A request for the site's public address, so the files' links are absolute, as in a
    download made on the site (no Host header to check: the address is the operator's)."""

    def __init__(self, base_url: str):
        super().__init__()
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise CommandError(f"--base-url must look like https://example.org, not {base_url!r}.")
        self.method = "GET"
        self.site_scheme, self.site_host = parts.scheme, parts.netloc

    def _get_scheme(self):
        return self.site_scheme

    def get_host(self):
        return self.site_host


class Command(BaseCommand):
    help = (
        "Write gzipped CSV and JSON files of every published statement and every jurisdiction, "
        "with the columns of the site's downloads, into BULK_DOWNLOADS_ROOT (served at "
        "/downloads/), with manifest.json (rows, sizes, dates, SHA-256) and SHA256SUMS. "
        "Reads plain values in chunks by primary key (a few queries per chunk, none per row), "
        "in constant memory, from one consistent snapshot; "
        "each file replaces the old one only once whole. Run it daily (cron)."
    )

    # The exported PostgreSQL snapshot the files are read in (one_snapshot), if any.
    snapshot: str | None = None

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default=settings.SITE_URL,
            help="The site's public address, for the links in the files (default SITE_URL).",
        )
        parser.add_argument(
            "--output", default=str(settings.BULK_DOWNLOADS_ROOT), help="Folder to write to."
        )
        parser.add_argument("--chunk-size", type=int, default=2000)

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        request = SiteRequest(options["base_url"])
        root = Path(options["output"])
        root.mkdir(parents=True, exist_ok=True)
        # The moment of the snapshot the files hold, as the manifest gives it.
        self.built_at = timezone.now().replace(microsecond=0)
        built = []
        with self.one_snapshot():
            for view_class in VIEWS:
                built += self.build(view_class, request, root, chunk_size=options["chunk_size"])
        downloads.write_manifest(root, built)

    @contextmanager
    def one_snapshot(self):
        """A transaction whose snapshot every chunk and file is read in, so the files agree with
        each other; on PostgreSQL exported (`self.snapshot`), so that the thread reading the
        next chunk ahead (read_ahead) reads in it too. Inside a caller's transaction (a test, a
        script) that transaction's snapshot already holds."""
        own_snapshot = not connection.in_atomic_block
        self.snapshot = None
        with transaction.atomic():
            if connection.vendor == "postgresql" and own_snapshot:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    cursor.execute("SELECT pg_export_snapshot()")
                    self.snapshot = cursor.fetchone()[0]
            yield

    def build(
        self, view_class, request, root, *, chunk_size: int, formats=("csv", "json", "sources")
    ) -> list[downloads.BulkFile]:
        """The list's files (its CSV, its JSON and, for a list with sources, the long CSV of
        sources; `formats` picks fewer), written in one pass over its rows in primary-key order:
        the view's table reads a chunk of `chunk_size` rows as plain values in a few queries
        (public/claims/columns.py, public/places/columns.py), none per row."""
        view = view_class()
        view.setup(request)
        kind = view.download_kind
        filterset = view.filterset_class(QueryDict(), queryset=view.get_queryset(), request=request)
        if not filterset.is_valid():
            raise CommandError(f"The {kind} list refuses no filters: {filterset.errors}")
        queryset = view.annotate(filterset.qs)
        table = view.download_table()
        # A list whose records have sources in a long CSV (statements) gets that file too.
        has_sources = hasattr(table, "sources_text") and "sources" in formats
        paths = {
            fmt: root / downloads.bulk_name(kind, suffix)
            for fmt, suffix in (
                ("csv", "csv"),
                ("json", "json"),
                (downloads.SOURCES_FORMAT, downloads.SOURCES_FILE_SUFFIX),
            )
            if fmt in formats or (fmt == downloads.SOURCES_FORMAT and has_sources)
        }
        started, rows, source_rows = time.monotonic(), 0, 0
        with ExitStack() as stack:
            files = {fmt: stack.enter_context(downloads.GzippedFile(p)) for fmt, p in paths.items()}
            csv_file = files.get("csv")
            js = files.get("json")
            sources = files.get(downloads.SOURCES_FORMAT)
            if csv_file:
                csv_file.write(table.csv_header())
            if js:
                js.write(downloads.JSON_START)
            if sources:
                sources.write(table.sources_header())
            chunks = table.chunks_by_keyset(
                queryset, chunk_size=chunk_size, full=bool(js or sources), snapshot=self.snapshot
            )
            for chunk in chunks:
                if csv_file:
                    csv_file.write(table.csv_text(chunk))
                if js:
                    js.write(table.json_text(chunk, first=not rows))
                if sources:
                    text, lines = table.sources_text(chunk)
                    sources.write(text)
                    source_rows += lines
                rows += len(chunk)
            if js:
                js.write(downloads.JSON_END)
        seconds = time.monotonic() - started
        built = [
            downloads.BulkFile(
                name=paths[fmt].name,
                kind=kind,
                format=fmt,
                rows=source_rows if fmt == downloads.SOURCES_FORMAT else rows,
                bytes=written.size,
                sha256=written.sha256,
                built_at=self.built_at,
            )
            for fmt, written in files.items()
        ]
        if self.verbosity >= 1:
            sizes = ", ".join(f"{f.name} {f.bytes / 1e6:,.1f} MB" for f in built)
            self.stdout.write(
                f"{kind}: {rows:,} rows in {seconds:.1f} s ({rows / max(seconds, 1e-9):,.0f} "
                f"rows/s): {sizes}"
            )
        return built

"""Each benchmark page measured in this process, one request at a time and not under load: its SQL
queries, its time alone and its body, kept to serve as the page's static copy. Needs Django set
up (servers.setup_django)."""

import gzip
import time
from pathlib import Path

from servers import log


def inspect_pages(targets) -> dict[str, dict]:
    """{key: {"queries_off", "alone_off", "queries_on", "alone_on", "body", "type"}} from Django's
    test client.

    Page cache off: the queries a request runs when the page is not cached, after the
    benchmark's cache is emptied (its own Redis database), so nothing is warm: no counts, facets,
    markers or rows. Page cache on: the queries of a repeat request. `alone_*` is that
    request's time in milliseconds.
    """
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from tracker.page_tags import bump_generation

    def get(client, path):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
            body = b"".join(response.streaming_content) if response.streaming else response.content
        elapsed_ms = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code} in the test client.")
        return len(queries), elapsed_ms, body, response.get("Content-Type", "")

    pages = {}
    cache.clear()
    bump_generation()
    with override_settings(PAGE_CACHE_SECONDS=0):
        client = Client(HTTP_HOST="127.0.0.1")
        for target in targets:
            queries, elapsed_ms, body, content_type = get(client, target.path)
            pages[target.key] = {
                "queries_off": queries,
                "alone_off": elapsed_ms,
                "body": body,
                "type": content_type,
            }
    with override_settings(PAGE_CACHE_SECONDS=300):
        client = Client(HTTP_HOST="127.0.0.1")
        for target in targets:
            get(client, target.path)
            queries, elapsed_ms, _, _ = get(client, target.path)
            pages[target.key] |= {"queries_on": queries, "alone_on": elapsed_ms}
    return pages


def analyze_if_stale() -> None:
    """VACUUM ANALYZE a PostgreSQL database whose statistics were never gathered (bulk-loaded
    demo data that autovacuum has not reached yet): without them the planner guesses."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'statements_statement' "
            "AND (n_mod_since_analyze > n_live_tup / 10 OR "
            "coalesce(last_analyze, last_autoanalyze) IS NULL)"
        )
        if cursor.fetchone()[0]:
            log("Gathering planner statistics (VACUUM ANALYZE): they were missing or stale")
            cursor.execute("VACUUM ANALYZE")


def write_static_copies(pages: dict, static_root: Path) -> dict[str, str]:
    """Each page's body as a static file (with the .gz whitenoise serves): {key: URL path}."""
    folder = static_root / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for key, page in pages.items():
        ext = "csv" if "csv" in page["type"] else "html"
        name = f"{key}.{ext}"
        (folder / name).write_bytes(page["body"])
        (folder / f"{name}.gz").write_bytes(gzip.compress(page["body"], compresslevel=6))
        paths[key] = f"/static/bench/{name}"
    return paths

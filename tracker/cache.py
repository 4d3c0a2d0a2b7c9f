"""Whole-page cache for anonymous readers, invalidated the moment any curated record changes.

Every save, delete or relation change in the cities and statements apps bumps one "generation"
number in the cache; cached pages are keyed by it, so a publish or an edit shows at once on every
app server that shares the cache (Redis in production).
"""

import hashlib
import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.cache import patch_cache_control
from django.utils.http import http_date

from .apps import DATA_APPS

GENERATION_KEY = "site:generation"
CHANGED_AT_KEY = "site:changed-at"


def current_generation() -> tuple[int, float]:
    """The cache generation and the time of the last change (one cache round trip)."""
    values = cache.get_many([GENERATION_KEY, CHANGED_AT_KEY])
    generation = values.get(GENERATION_KEY)
    changed_at = values.get(CHANGED_AT_KEY)
    if generation is None or changed_at is None:
        generation, changed_at = int(time.time() * 1000), time.time()
        cache.set_many({GENERATION_KEY: generation, CHANGED_AT_KEY: changed_at}, timeout=None)
    return generation, changed_at


def bump_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, int(time.time() * 1000), timeout=None)
    cache.set(CHANGED_AT_KEY, time.time(), timeout=None)


def _record_changed(sender, **kwargs):
    if sender._meta.app_label not in DATA_APPS:
        return
    bump_generation()
    # Bump again after commit so a page rendered while the transaction was open is not kept.
    transaction.on_commit(bump_generation)


def connect_signals() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_record_changed, dispatch_uid=f"page-cache-{signal}")


class AnonymousPageCacheMiddleware:
    """Serve repeat GETs by anonymous readers from the cache, with ETag and Last-Modified.

    Sits outside GZipMiddleware so the compressed body is what gets stored.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        from django.conf import settings

        self.timeout = settings.PAGE_CACHE_SECONDS
        self.session_cookie = settings.SESSION_COOKIE_NAME

    def cacheable_request(self, request) -> bool:
        return (
            self.timeout > 0
            and request.method in ("GET", "HEAD")
            and self.session_cookie not in request.COOKIES
            and not request.path.startswith(("/admin/", "/static/"))
        )

    def __call__(self, request):
        if not self.cacheable_request(request):
            return self.get_response(request)
        generation, changed_at = current_generation()
        gzip = "gzip" in request.headers.get("Accept-Encoding", "")
        digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"page:{generation}:{int(gzip)}:{digest}"
        cached = cache.get(key)
        if cached is not None:
            response = _rebuild(cached)
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if self._storable(response):
            response["Last-Modified"] = http_date(changed_at)
            patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
            if not response.has_header("ETag"):
                response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            cache.set(key, _freeze(response), self.timeout)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _storable(response) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
        )


def _freeze(response) -> dict:
    return {
        "content": response.content,
        "status": response.status_code,
        "headers": dict(response.headers.items()),
    }


def _rebuild(frozen: dict):
    from django.http import HttpResponse

    response = HttpResponse(frozen["content"], status=frozen["status"])
    for header, value in frozen["headers"].items():
        response[header] = value
    return response

"""Whole-page cache for anonymous readers, invalidated by what changed.

Each stored page remembers the versions of the tags it names (tracker/page_tags.py) as they were
before it rendered; a hit checks them against the current versions in one round trip, so a
publish or an edit shows on the next request on every app server that shares the cache (Redis in
production), and only on the pages that show what changed.

When news breaks editors publish while readers pour in. A page built less than
PAGE_CACHE_STALE_SECONDS ago is served as it is, so each page is rendered at most once in that
time however fast the edits come. After that the first reader to find it stale gets the stale
copy at once too, and its worker renders the page again once that response is sent (a short
lock in the cache keeps it to one rebuild at a time): no reader waits for a rebuild, and a
publish reaches readers within that time plus one render. With PAGE_CACHE_STALE_SECONDS at 0
(the tests) a stale page is rendered for the reader who asked. Signed-in editors bypass the
cache, so they see their change at once.

A page is stored only under the validated host and scheme it was built for, and a hit checks the
host exactly as a miss does (`request.get_host()` against ALLOWED_HOSTS), so a forged Host header
can neither read nor poison another site's pages.
"""

import functools
import hashlib
import logging
import time
from collections.abc import Callable
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.http import FileResponse, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import http_date
from django.utils.translation import get_language_from_path

from . import page_bodies
from .page_tags import ANY, get_with_versions, page_tags, shows_earlier_counts, tag_versions

logger = logging.getLogger(__name__)

# Pages whose tags a process remembers, so that a hit reads the page and its tags' versions in
# one round trip; a few hundred bytes each.
TAGS_SEEN_MAX = 20_000
# In every page's key: a release that stores its entries differently changes it, so that during
# a rolling deploy, when two releases share one Redis, neither reads the other's entries (the
# previous release cannot read a body kept apart, tracker/page_bodies.py).
ENTRY_FORMAT = 2
# Longer than a page takes to render; if its holder dies, the next reader rebuilds after this.
REBUILD_LOCK_SECONDS = 2


def accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding header accepts gzip: a `gzip` or `*` coding with q above 0."""
    accepted = {}
    for part in header.lower().split(","):
        coding, _, params = part.strip().partition(";")
        quality = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
        accepted[coding.strip()] = quality
    return accepted.get("gzip", accepted.get("*", 0.0)) > 0


class AnonymousPageCacheMiddleware:
    """Serve repeat GETs by anonymous readers from the cache, with ETag and Last-Modified.

    Sits outside GZipMiddleware so the compressed body is what gets stored. A request carrying a
    session cookie is a reader's unless the session holds a logged-in user: a made-up cookie
    cannot opt out of the cache. Pages larger than PAGE_CACHE_MAX_BYTES are not stored.
    """

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.timeout = settings.PAGE_CACHE_SECONDS
        self.max_bytes = settings.PAGE_CACHE_MAX_BYTES
        self.stale_seconds = settings.PAGE_CACHE_STALE_SECONDS
        self.session_cookie = settings.SESSION_COOKIE_NAME
        self.session_store = import_module(settings.SESSION_ENGINE).SessionStore
        # {page key: its tags} as last read in this process, at most TAGS_SEEN_MAX pages.
        self.tags_seen: dict[str, tuple[str, ...]] = {}

    def _remember_tags(self, key: str, versions: dict) -> None:
        tags = tuple(versions)
        if tags and self.tags_seen.get(key) != tags:
            if len(self.tags_seen) >= TAGS_SEEN_MAX:
                self.tags_seen.clear()
            self.tags_seen[key] = tags

    def cacheable_request(self, request) -> bool:
        return (
            self.timeout > 0
            and request.method in ("GET", "HEAD")
            and not request.path.startswith(("/admin/", "/static/"))
            and not self._signed_in(request)
        )

    def _signed_in(self, request) -> bool:
        key = request.COOKIES.get(self.session_cookie)
        if not key:
            return False
        return bool(self.session_store(key).get(SESSION_KEY))

    def cache_key(self, request) -> str:
        """The page's key: coding, language, and the validated scheme, host and full path.

        The language is the address's (/es/ is Spanish, tracker/i18n.py), named in the key so
        that no change to how a language is chosen can serve one language's page to another.

        `get_host()` raises DisallowedHost for a host outside ALLOWED_HOSTS, which Django
        answers with a 400, on a hit exactly as on a miss.
        """
        gzip = accepts_gzip(request.headers.get("Accept-Encoding", ""))
        address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        digest = hashlib.sha256(address.encode()).hexdigest()
        language = get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        return f"page{ENTRY_FORMAT}:{int(gzip)}:{language}:{digest}"

    def __call__(self, request):
        if not self.cacheable_request(request):
            return self.get_response(request)
        key = self.cache_key(request)
        # The page and the versions of its tags in one round trip, when this process has seen
        # the page before (its tags are the same from one build to the next).
        cached, versions = get_with_versions(key, {ANY, *self.tags_seen.get(key, ())})
        if cached is not None and not cached.get("versions"):
            cached = None  # not an entry this release stored (a release before tags): rebuild it
        stored_versions = cached["versions"] if cached is not None else {}
        if unread := stored_versions.keys() - versions.keys():
            versions |= tag_versions(unread)
        self._remember_tags(key, stored_versions)
        if cached is not None:
            if all(versions[tag] == version for tag, version in stored_versions.items()):
                if response := _rebuild(cached, "hit"):
                    return response
            elif time.time() - cached.get("built_at", 0) < self.stale_seconds:
                if response := _rebuild(cached, "stale"):  # rebuilt at most once in that time
                    return response
            elif not cache.add(f"rebuild:{key}", 1, REBUILD_LOCK_SECONDS):
                if response := _rebuild(cached, "stale"):
                    return response
            elif self.stale_seconds > 0:
                # This reader gets the copy readers got a moment ago, at once; the worker renders
                # the page again once that response is sent, so no reader waits for a rebuild.
                rebuild = functools.partial(self._rebuild_after_response, request, key, versions)
                if response := _rebuild(cached, "stale", after_sent=rebuild):
                    return response
        try:
            return self._render_and_store(request, key, versions)
        finally:
            if cached is not None:
                cache.delete(f"rebuild:{key}")

    def _rebuild_after_response(self, request, key: str, before: dict[str, int]) -> None:
        try:
            response = self._render_and_store(request, key, before)
            if response.get("X-Page-Cache") != "miss":
                # No longer a page to keep (unpublished, too large): never serve the old copy.
                cache.delete(key)
        except Exception:
            cache.delete(key)
            logger.exception("rebuilding a cached page failed; the stale copy was dropped")
        finally:
            cache.delete(f"rebuild:{key}")

    def _render_and_store(self, request, key: str, before: dict[str, int]):
        response = self.get_response(request)
        if self._storable(response):
            built_at = time.time()
            response["Last-Modified"] = http_date(built_at)
            patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
            if not response.has_header("ETag"):
                response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            if len(response.content) <= self.max_bytes:
                versions = self._versions_to_store(page_tags(request), before)
                if shows_earlier_counts(request):
                    versions = dict.fromkeys(versions, -1)  # drawn again when counted anew
                frozen = _freeze(response, versions, built_at, timeout=self.timeout)
                cache.set(key, frozen, self.timeout)
                response["X-Page-Cache"] = "miss"
            else:
                response["X-Page-Cache"] = "too-large"
        return response

    @staticmethod
    def _versions_to_store(tags: frozenset[str], before: dict[str, int]) -> dict[str, int]:
        """The version of each of the page's tags as of before it rendered.

        Tags read before (the page's previous build named them too) are known. A tag new to the
        page is read now: its version then is the same as before when ANY has not moved, since
        every change bumps ANY first. When ANY has moved the page may hold data older than what
        is read now, so it is stored already stale, to be rebuilt after the stale time."""
        if tags <= before.keys():
            return {tag: before[tag] for tag in tags}
        now = tag_versions(tags | {ANY})
        if now[ANY] == before[ANY]:
            return {tag: now[tag] for tag in tags}
        return dict.fromkeys(tags, -1)

    @staticmethod
    def _storable(response) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
        )


def _freeze(response, versions: dict[str, int], built_at: float, *, timeout: int) -> dict:
    frozen = {
        "versions": versions,
        "built_at": built_at,
        "status": response.status_code,
        "headers": dict(response.headers.items()),
    }
    if len(response.content) > settings.PAGE_BODY_FILE_BYTES:
        frozen["body"] = page_bodies.store(response.content, timeout)
    else:
        frozen["content"] = response.content
    return frozen


class _AfterSent:
    """A stored page, with work to do once the server has sent it (`close()` is called then)."""

    after_sent: Callable[[], None] | None = None

    def close(self):
        try:
            if self.after_sent is not None:
                self.after_sent()
        finally:
            super().close()


class _CachedResponse(_AfterSent, HttpResponse):
    pass


class _CachedFileResponse(_AfterSent, FileResponse):
    pass


def _rebuild(frozen: dict, outcome: str, *, after_sent: Callable[[], None] | None = None):
    """The stored page as a response; None when its body, kept apart, has expired."""
    if "body" in frozen:
        file = page_bodies.open_body(frozen["body"])
        if file is None:
            return None
        response = _CachedFileResponse(file, status=frozen["status"])
        del response["Content-Disposition"]  # FileResponse's, from the file's name
    else:
        response = _CachedResponse(frozen["content"], status=frozen["status"])
    response.after_sent = after_sent
    for header, value in frozen["headers"].items():
        response[header] = value
    response["X-Page-Cache"] = outcome
    return response

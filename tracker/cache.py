"""Whole-page cache for anonymous readers, invalidated the moment anything public changes.

Every save, delete or relation change the public can see bumps one "generation" number in the
cache; each stored page remembers the generation it was built at, so a publish or an edit shows on
the next request on every app server that shares the cache (Redis in production). A draft's save,
which no reader sees, and the history rows every save writes bump nothing.

When news breaks editors publish while readers pour in, and a generation bump turns every cached
page stale at once (one publish bumps several times: each row it writes, and again at commit). So
a stale page is rebuilt by one request at a time (a short lock in the cache) while readers
arriving during that rebuild get the stale copy, and a page built less than
PAGE_CACHE_STALE_SECONDS ago is served as it is: each page is rendered at most once in that time
however fast the edits come, and a publish reaches readers within that time plus one render.
Signed-in editors bypass the cache, so they see their change at once.

A page is stored only under the validated host and scheme it was built for, and a hit checks the
host exactly as a miss does (`request.get_host()` against ALLOWED_HOSTS), so a forged Host header
can neither read nor poison another site's pages.
"""

import hashlib
import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.cache import patch_cache_control
from django.utils.http import http_date
from django.utils.translation import get_language_from_path

from .apps import DATA_APPS
from .models import CuratedModel, Status

GENERATION_KEY = "site:generation"
CHANGED_AT_KEY = "site:changed-at"
# Longer than a page takes to render; if its holder dies, the next reader rebuilds after this.
REBUILD_LOCK_SECONDS = 2


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


def is_public_change(sender, instance) -> bool:
    """Whether saving, deleting or relinking `instance` can change what a reader sees.

    History rows are bookkeeping. A record with a workflow (CuratedModel) is public when it is
    published or retracted now, or was when it was read (so an unpublish counts).
    """
    if sender._meta.app_label not in DATA_APPS or hasattr(sender, "instance_type"):
        return False
    if not isinstance(instance, CuratedModel):
        return True
    shown = {Status.PUBLISHED, Status.RETRACTED}
    return instance.status in shown or instance.loaded_status in shown


def _record_changed(sender, instance=None, **kwargs):
    if kwargs.get("signal") is m2m_changed:
        sender = type(instance)
    public = is_public_change(sender, instance)
    if isinstance(instance, CuratedModel) and kwargs.get("signal") is post_save:
        instance.loaded_status = instance.status
    if not public:
        return
    bump_generation()
    # Bump again after commit so a page rendered while the transaction was open is not kept.
    transaction.on_commit(bump_generation)


def connect_signals() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_record_changed, dispatch_uid=f"page-cache-{signal}")


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
        return f"page:{int(gzip)}:{language}:{digest}"

    def __call__(self, request):
        if not self.cacheable_request(request):
            return self.get_response(request)
        generation, changed_at = current_generation()
        key = self.cache_key(request)
        cached = cache.get(key)
        if cached is not None:
            if cached.get("generation") == generation:
                return _rebuild(cached, "hit")
            if time.time() - cached.get("built_at", 0) < self.stale_seconds:
                return _rebuild(cached, "stale")  # rebuilt at most once in that time
            if not cache.add(f"rebuild:{key}", 1, REBUILD_LOCK_SECONDS):
                return _rebuild(cached, "stale")
        try:
            return self._render_and_store(request, key, generation, changed_at)
        finally:
            if cached is not None:
                cache.delete(f"rebuild:{key}")

    def _render_and_store(self, request, key: str, generation: int, changed_at: float):
        response = self.get_response(request)
        if self._storable(response):
            response["Last-Modified"] = http_date(changed_at)
            patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
            if not response.has_header("ETag"):
                response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            if len(response.content) <= self.max_bytes:
                cache.set(key, _freeze(response, generation), self.timeout)
                response["X-Page-Cache"] = "miss"
            else:
                response["X-Page-Cache"] = "too-large"
        return response

    @staticmethod
    def _storable(response) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
        )


def _freeze(response, generation: int) -> dict:
    return {
        "generation": generation,
        "built_at": time.time(),
        "content": response.content,
        "status": response.status_code,
        "headers": dict(response.headers.items()),
    }


def _rebuild(frozen: dict, outcome: str):
    from django.http import HttpResponse

    response = HttpResponse(frozen["content"], status=frozen["status"])
    for header, value in frozen["headers"].items():
        response[header] = value
    response["X-Page-Cache"] = outcome
    return response

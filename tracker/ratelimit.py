"""Rate limits per client on the requests that cost the most: lists and searches that miss the
page cache, downloads, maps of past dates, and admin login attempts.

Counted by django-ratelimit in the shared cache (Redis in production, so every app server counts
together), per client address as `tracker.client_address` reads it. The middleware sits inside
the page cache: a page served from the cache costs nothing and is never counted. A request over
its limit gets 429 with Retry-After and a short page that says which limit and when to come back.
"""

import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.template.loader import render_to_string
from django_ratelimit.core import get_usage

logger = logging.getLogger("tracker.requests")

RATE = re.compile(r"^\d+/\d*[smhd]$")
PERIOD_WORDS = {"s": "second", "m": "minute", "h": "hour", "d": "day"}


@dataclass(frozen=True)
class Limit:
    group: str
    setting: str  # the setting that holds the rate, e.g. "60/m"
    what: str  # what is counted, for the 429 page: "downloads"

    @property
    def rate(self) -> str | None:
        return getattr(settings, self.setting, "") or None

    def describe(self) -> str:
        """ "10 downloads a minute" """
        count, _, period = self.rate.partition("/")
        multiple, unit = period[:-1], PERIOD_WORDS[period[-1]]
        article = "an" if unit == "hour" else "a"
        per = f"every {multiple} {unit}s" if multiple not in ("", "1") else f"{article} {unit}"
        return f"{count} {self.what} {per}"


PAGES = Limit("pages", "RATE_LIMIT_PAGES", "list pages or searches that are not cached")
DOWNLOADS = Limit("downloads", "RATE_LIMIT_DOWNLOADS", "downloads")
MAP_DATES = Limit("map-dates", "RATE_LIMIT_MAP_DATES", "maps of past dates")
LOGINS = Limit("logins", "RATE_LIMIT_LOGINS", "login attempts")
LIMITS = (PAGES, DOWNLOADS, MAP_DATES, LOGINS)

# Views whose cost grows with the data: filtered, counted and sorted lists, feeds, the map.
LIST_VIEWS = frozenset(
    {
        "cities:list",
        "statements:list",
        "statements:feed",
        "statements:changes",
        "statements:changes_feed",
        "maps:map",
        "maps:geojson",
        "maps:fragment",
    }
)
DOWNLOAD_VIEWS = frozenset({"cities:list", "statements:list"})
MAP_VIEWS = frozenset({"maps:map", "maps:geojson", "maps:fragment"})
LOGIN_VIEW = "admin:login"


def limit_for(request) -> Limit | None:
    """The limit a request counts against, or None (cheap pages, editors at work). No query,
    except the session lookup for an anonymous list request that carries a session cookie."""
    view = request.resolver_match.view_name if request.resolver_match else ""
    if view == LOGIN_VIEW:
        return LOGINS if request.method == "POST" else None
    if view not in LIST_VIEWS or request.method not in ("GET", "HEAD"):
        return None
    if request.user.is_authenticated:
        return None
    if view in DOWNLOAD_VIEWS and request.GET.get("format") in ("csv", "json", "sources_csv"):
        return DOWNLOADS
    if view in MAP_VIEWS and request.GET.get("as_of"):
        return MAP_DATES
    return PAGES


class RateLimitMiddleware:
    """Count each costly request against its client's limit; refuse it with 429 when over."""

    def __init__(self, get_response):
        self.get_response = get_response
        for limit in LIMITS:
            if limit.rate and not RATE.match(limit.rate):
                raise ImproperlyConfigured(
                    f"{limit.setting} must look like 60/m (a number per s, m, h or d), "
                    f"or be empty for no limit; it is {limit.rate!r}."
                )

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = limit_for(request)
        if limit is None or limit.rate is None:
            return None
        usage = get_usage(request, group=limit.group, key="ip", rate=limit.rate, increment=True)
        if usage is None or not usage["should_limit"]:
            return None
        logger.warning(
            "rate limited: %s over %s (%s)", limit.group, limit.rate, request.get_full_path()[:200]
        )
        # The window's last second still counts: the next one is the first that is free.
        return too_many_requests(request, limit, retry_after=max(1, usage["time_left"] + 1))


def too_many_requests(request, limit: Limit, *, retry_after: int) -> HttpResponse:
    """429 with Retry-After: plain text for a download (what a script reads), else a page."""
    message = (
        f"Too many requests: this site answers at most {limit.describe()} from one address. "
        f"Try again in {retry_after} seconds."
    )
    if limit is DOWNLOADS:
        message += (
            f" The complete files of every published record are at {settings.BULK_DOWNLOADS_URL}"
            " and are not limited."
        )
        response = HttpResponse(
            message + "\n", status=429, content_type="text/plain; charset=utf-8"
        )
    else:
        body = render_to_string(
            "429.html",
            {
                "message": message,
                "retry_after": retry_after,
                # Readers of the public pages are pointed to the files that are never limited.
                "bulk_url": "" if limit is LOGINS else settings.BULK_DOWNLOADS_URL,
                "request_id": getattr(request, "id", ""),
            },
        )
        response = HttpResponse(body, status=429)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response

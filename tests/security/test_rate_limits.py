"""Rate limits on expensive anonymous requests, per client, answered with 429 and Retry-After.

The finding: 24 distinct `/map/?as_of=` dates took 2.2 s each with no 429, and nothing bounded
uncached lists, searches or downloads. Now each client address gets RATE_LIMIT_* of each kind
(settings), counted in the shared cache; a page served from the page cache is never counted.
"""

import os
import time
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from tracker.ratelimit import RateLimitMiddleware

FIRST = {"REMOTE_ADDR": "198.51.100.20"}
SECOND = {"REMOTE_ADDR": "198.51.100.21"}


def statuses(client, requests, **headers):
    return [client.get(url, params, **headers).status_code for url, params in requests]


def dates(n):
    return [("/map/", {"as_of": f"2019-06-{day:02d}"}) for day in range(1, n + 1)]


class Clock:
    """The rate limiter's clock, standing still unless a test moves it: a test's requests fall
    in one counting window however slow the machine (windows are fixed, a minute long)."""

    def __init__(self):
        self.now = time.time()

    def time(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def clock(monkeypatch, settings):
    import django_ratelimit.core

    settings.RATELIMIT_ENABLE = True  # whatever the rest of the suite chooses

    frozen = Clock()
    monkeypatch.setattr(django_ratelimit.core, "time", frozen)
    return frozen


@pytest.fixture
def small_limits(settings):
    settings.RATE_LIMIT_MAP_DATES = "3/m"
    settings.RATE_LIMIT_PAGES = "4/m"
    settings.RATE_LIMIT_DOWNLOADS = "2/m"


def test_maps_of_many_past_dates_meet_the_limit_with_retry_after(db, small_limits):
    client = Client()
    assert statuses(client, dates(3), **FIRST) == [200, 200, 200]

    refused = client.get("/map/", {"as_of": "2019-06-04"}, **FIRST)

    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused["Cache-Control"] == "no-store"
    page = refused.content.decode()
    assert "<title>Too many requests · Sanctuary Tracker</title>" in page
    assert "at most 3 maps of past dates a minute from one address" in page
    assert f"Try again in {refused['Retry-After']} seconds" in page
    # Another reader is not held back by this one.
    assert client.get("/map/", {"as_of": "2019-06-05"}, **SECOND).status_code == 200


def test_pages_from_the_cache_are_never_counted(db, small_limits):
    client = Client()
    again = [("/cities/", {"state": "IL"})] * 30

    responses = [client.get(url, params, **FIRST) for url, params in again]

    assert {r.status_code for r in responses} == {200}
    assert [r["X-Page-Cache"] for r in responses[:2]] == ["miss", "hit"]


def test_uncached_searches_meet_the_page_limit(db, small_limits):
    searches = [("/statements/", {"q": f"word{n}"}) for n in range(5)]
    assert statuses(Client(), searches, **FIRST) == [200, 200, 200, 200, 429]


def test_downloads_meet_their_limit_with_a_plain_answer_naming_the_complete_files(db, small_limits):
    client = Client()
    downloads = [("/cities/", {"state": state, "format": "csv"}) for state in ("IL", "CO")]
    assert statuses(client, downloads, **FIRST) == [200, 200]

    refused = client.get("/statements/", {"format": "json"}, **FIRST)

    assert refused.status_code == 429
    assert refused["Content-Type"] == "text/plain; charset=utf-8"
    text = refused.content.decode()
    assert "at most 2 downloads a minute from one address" in text
    assert "The complete files of every published record are at /downloads/" in text


def test_the_limit_lifts_when_its_minute_is_over(db, small_limits, clock):
    client = Client()
    statuses(client, dates(3), **FIRST)
    refused = client.get("/map/", {"as_of": "2019-06-04"}, **FIRST)
    assert refused.status_code == 429

    clock.now += int(refused["Retry-After"])

    assert client.get("/map/", {"as_of": "2019-06-04"}, **FIRST).status_code == 200


def test_behind_a_proxy_each_client_has_its_own_count(db, settings, small_limits):
    settings.PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    client = Client()
    one = {**proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.30"}
    other = {**proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.31"}

    assert statuses(client, dates(4), **one) == [200, 200, 200, 429]
    assert statuses(client, dates(3), **other) == [200, 200, 200]


def test_editors_at_work_are_not_limited(editor_client, small_limits):
    searches = [("/statements/", {"q": f"word{n}"}) for n in range(6)]
    assert set(statuses(editor_client, searches, **FIRST)) == {200}


def test_detail_pages_and_the_home_page_are_not_limited(db, small_limits):
    pages = [("/", {"n": n}) for n in range(6)]
    assert set(statuses(Client(), pages, **FIRST)) == {200}


def test_rate_limits_can_be_turned_off(db, settings, small_limits):
    settings.RATELIMIT_ENABLE = False
    assert set(statuses(Client(), dates(5), **FIRST)) == {200}


def test_a_malformed_rate_stops_the_site_at_start_with_a_message(settings):
    settings.RATE_LIMIT_PAGES = "sixty a minute"
    with pytest.raises(ImproperlyConfigured, match="RATE_LIMIT_PAGES must look like 60/m"):
        RateLimitMiddleware(lambda request: None)


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_or_skip():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI", "").lower() == "true":
            raise
        pytest.skip(f"no Redis at {REDIS_URL} (redis-server deploy/redis.conf)")


def test_counts_are_shared_through_redis_by_every_app_server(db, settings, small_limits):
    """Two app servers are two cache connections to one Redis: a client's count is one."""
    redis_or_skip()
    from django.core.cache import caches

    prefix = f"test-ratelimit-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        },
        "versioned": settings.CACHES["versioned"],
    }
    settings.PAGE_CACHE_SECONDS = 0  # every map is worked out, as by a server that missed
    client = Client()
    try:
        assert statuses(client, dates(2), **FIRST) == [200, 200]
        caches["default"].close()
        del caches["default"]  # the next request connects anew, like another server
        assert statuses(client, dates(2), **FIRST) == [200, 429]
    finally:
        cache = caches["default"]
        cache.delete_pattern("*")
        cache.close()

"""gunicorn settings for production; every value can be overridden from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "sync" if threads == 1 else "gthread"
# A slow client or a runaway request must not hold a worker for long.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so that no leak can grow without bound. Not too often: a new
# worker spends its first requests compiling templates and opening connections, which at 2,000
# requests a second with 5,000 per worker was a restart every 12 s and a p99 of 850 ms.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = max_requests // 10
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'
preload_app = True

# Each worker has its own in-memory cache, and an edit can only invalidate the cache of the worker
# that saw it: without a shared Redis, several workers would serve stale pages, so cache nothing.
if not os.environ.get("REDIS_URL") and workers > 1:
    os.environ.setdefault("PAGE_CACHE_SECONDS", "0")
wsgi_app = "tracker.wsgi:application"


def when_ready(server):
    """In the master, the app loaded, before any worker is forked: draw the map's outlines once,
    which every worker then shares."""
    try:
        from public.maps.svg import prepare_outlines

        prepare_outlines()
    except Exception:  # the rest of the site must still start; the map will say what is wrong
        server.log.exception("drawing the map outlines at start failed")


def post_fork(server, worker):
    """One line per request: the access line records every response with its status and request
    id, so Django's warning for a 4xx response ("Not Found: /x") would repeat it. Errors stay: a
    5xx's traceback is what the access line cannot say."""
    import logging

    from tracker.logs import OnlyErrors

    if server.cfg.accesslog:
        logging.getLogger("django.request").addFilter(OnlyErrors())

"""Request ids for the logs, a Permissions-Policy header, a 400 page for input no page can use,
and a 503 page when the database is down."""

import logging
import re
import uuid
from contextvars import ContextVar
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.translation import gettext

from .text import CONTROL_CHARACTERS

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
logger = logging.getLogger("tracker.requests")

# A caller's id is reused only when it looks like one, so logs cannot be forged through it.
SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()"
)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        supplied = request.headers.get("X-Request-ID", "")
        request.id = supplied if SAFE_REQUEST_ID.match(supplied) else uuid.uuid4().hex
        token = request_id_var.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request.id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record):
        request_id = request_id_var.get()
        if request_id == "-":
            # Django logs a 4xx or 5xx response after the middleware has returned; the record
            # carries the request instead.
            request_id = getattr(getattr(record, "request", None), "id", "-")
        record.request_id = request_id
        return True


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
# More values than any filter has choices worth picking by hand; the page's removable filter
# chips cost time in the square of this number.
MAX_VALUES_PER_PARAMETER = 200


class BadInputMiddleware:
    """Refuse at once, with a 400 page that says why, a request no page could use: an address
    with too many parameters or text that is not UTF-8, or a form body too large to read.

    Django would replace undecodable bytes with U+FFFD and store the mangled text; a request
    this large would otherwise be read before being refused.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self.problem(request)
        if problem:
            logger.warning("bad request refused: %s", problem)
            body = render_to_string(
                "400.html", {"message": problem, "request_id": getattr(request, "id", "")}
            )
            return HttpResponse(body, status=400)
        return self.get_response(request)

    @staticmethod
    def problem(request) -> str:
        try:
            request.GET  # noqa: B018  (parses the query string, counting its fields)
        except TooManyFieldsSent:
            return gettext(
                "The address has more than %(limit)s parameters. Remove some filters and try again."
            ) % {"limit": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}
        if not _is_utf8(_wsgi_bytes(request.META.get("QUERY_STRING", ""))):
            return gettext(
                "The address contains text that is not valid UTF-8. "
                "Retype the search or filter values and try again."
            )
        for key, values in request.GET.lists():
            if len(values) > MAX_VALUES_PER_PARAMETER:
                return gettext(
                    "The address repeats “%(name)s” %(count)s times; a filter takes at most "
                    "%(limit)s values. Choose fewer and try again."
                ) % {
                    "name": key[:40],
                    "count": number_format(len(values), force_grouping=True),
                    "limit": MAX_VALUES_PER_PARAMETER,
                }
        texts = (text for key, values in request.GET.lists() for text in (key, *values))
        # NUL is left to the forms, whose message names the field that holds it.
        if any(CONTROL_CHARACTERS.search(text.replace("\x00", "")) for text in texts):
            return gettext(
                "The address contains control characters, which no search or filter can use. "
                "Retype the values and try again."
            )
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return "The request gives an unreadable Content-Length."
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return (
                f"The request is too large ({length:,} bytes; the limit is {limit:,}). "
                "Shorten the text and send it again."
            )
        form = request.content_type == FORM_CONTENT_TYPE and length
        if form and not _is_utf8(request.body):
            return (
                "The form contains text that is not valid UTF-8. Retype the text and send it again."
            )
        return ""


def _wsgi_bytes(text: str) -> bytes:
    """The bytes a WSGI server passed as a str (PEP 3333 decodes them as latin-1)."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8")


def _is_utf8(urlencoded: bytes) -> bool:
    try:
        unquote_to_bytes(urlencoded.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class DatabaseUnavailableMiddleware:
    """Answer a clear 503 while the database is unreachable; the next request reconnects."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable: %s: %s", exception.__class__.__name__, exception)
        _close_broken_connections()
        body = render_to_string("503.html", {"request_id": getattr(request, "id", "")})
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response


def _close_broken_connections() -> None:
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except DatabaseError:
            connection.connection = None

"""Errors as JSON that name the parameter at fault, and the per-client rate limit.

Every error the API answers has the body `{"errors": [{"field": ..., "label": ..., "message":
...}]}`: `field` is the query parameter at fault, or null when the request as a whole is refused
(an unknown record, a method the API does not take, too many requests).
"""

import math

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from public.filter_errors import FilterError
from tracker.client_address import client_address


class InvalidParameters(exceptions.APIException):
    """A 400 carrying the filter errors of the page's own forms, one per message."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(self, errors: list[FilterError]):
        self.errors = errors
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))


def invalid_parameter(field: str, label: str, message: str) -> InvalidParameters:
    return InvalidParameters([FilterError(field, label, message)])


def _messages(detail) -> list[str]:
    """The text of a DRF error detail (a string, a list or a dict of them), flattened."""
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _messages(value)]
    if isinstance(detail, list):
        return [m for value in detail for m in _messages(value)]
    return [str(detail)]


def exception_handler(exc, context):
    """DRF's handler, then the body reshaped to `{"errors": [...]}`; a 429 carries Retry-After
    in whole seconds (at least 1, so that a client never retries at once). No query."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: Django's 500 page, and the error is logged
    if isinstance(exc, InvalidParameters):
        errors = [error.as_json() for error in exc.errors]
    elif isinstance(exc, exceptions.Throttled):
        wait = max(1, math.ceil(exc.wait or 1))
        response["Retry-After"] = str(wait)
        errors = [
            {
                "field": None,
                "label": "",
                "message": f"Too many requests from your address: try again in {wait} "
                f"second{'s' if wait != 1 else ''}. The limit is "
                f"{api_settings.DEFAULT_THROTTLE_RATES.get('anon')} (docs/api.md).",
            }
        ]
    else:
        errors = [
            {"field": None, "label": "", "message": message} for message in _messages(response.data)
        ]
    response.data = {"errors": errors}
    # An error is about this request only: never kept by a cache on the way.
    response["Cache-Control"] = "no-store"
    return response


class ClientRateThrottle(AnonRateThrottle):
    """Requests per client address, at REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"]
    (RATE_LIMIT_API); none when that is empty or the site's rate limits are off (RATE_LIMITS).

    The rate is read per request, not once at import as DRF does, so that a changed setting
    applies at once; the address is the site's one reading of the client behind its proxies
    (tracker.client_address), so X-Forwarded-For cannot be forged to escape the limit. Counts
    live in the default cache (Redis in production, shared by every app server).
    """

    def get_rate(self):
        if not getattr(settings, "RATELIMIT_ENABLE", True):
            return None
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        return client_address(request)

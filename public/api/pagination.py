"""Pages by cursor: a list is read in a stable order (by id; the change log newest first), and a
page's `next` link stays right while records are added, unlike a page number.

Bad paging input is refused like a bad filter: 400, naming `cursor` or `page_size`.
"""

import base64
import bisect
import datetime
import json
import re

from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination, CursorPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .errors import invalid_parameter

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
# A page size as typed: digits only (int() would also take " 5" or Arabic-Indic digits).
PAGE_SIZE_PATTERN = re.compile(r"^[0-9]{1,3}$")
# A cursor's position is a record id: a positive 64-bit integer.
POSITION_PATTERN = re.compile(r"^[0-9]{1,18}$")

CURSOR_HELP = (
    "Where the page starts: copy it from the `next` or `previous` link of the page before; "
    "leave it out for the first page. Opaque: do not build one."
)
CURSOR_ERROR = (
    "This cursor was not made by this API. Follow the `next` or `previous` link of a page, "
    "or leave `cursor` out for the first page."
)
PAGE_SIZE_HELP = f"Records per page, 1 to {MAX_PAGE_SIZE} ({PAGE_SIZE} when left out)."


def page_size(request) -> int:
    """The `page_size` asked for, or the default (also for an empty value, as a form leaves
    it); a 400 for anything but 1 to MAX_PAGE_SIZE."""
    raw = request.query_params.get("page_size")
    if not raw:
        return PAGE_SIZE
    if not PAGE_SIZE_PATTERN.match(raw) or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise invalid_parameter(
            "page_size", "Page size", f"Page size must be a whole number from 1 to {MAX_PAGE_SIZE}."
        )
    return int(raw)


def _paging_parameters() -> list[dict]:
    return [
        {
            "name": "cursor",
            "required": False,
            "in": "query",
            "description": CURSOR_HELP,
            "schema": {"type": "string"},
            "allowEmptyValue": True,
        },
        {
            "name": "page_size",
            "required": False,
            "in": "query",
            "description": PAGE_SIZE_HELP,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            "allowEmptyValue": True,
        },
    ]


def _page_schema(schema: dict, example: str) -> dict:
    link = {"type": "string", "format": "uri", "nullable": True}
    return {
        "type": "object",
        "required": ["next", "previous", "results"],
        "properties": {
            "next": {
                **link,
                "description": "The next page, or null on the last one.",
                "example": f"https://tracker.example.org/api/v1/{example}/?cursor=cD00ODY%3D",
            },
            "previous": {
                **link,
                "description": "The page before, or null on the first one.",
                "example": None,
            },
            "results": schema,
        },
    }


class IdCursorPagination(CursorPagination):
    """Records in the order of their ids, `page_size` (default 50, at most 100) at a time."""

    ordering = "id"
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        return page_size(request)

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except NotFound as error:
            raise invalid_parameter("cursor", "Cursor", CURSOR_ERROR) from error
        # DRF would hand a forged position to the id lookup, which refuses text with a 500.
        position = cursor.position if cursor is not None else None
        if position is not None and not POSITION_PATTERN.match(position):
            raise invalid_parameter("cursor", "Cursor", CURSOR_ERROR)
        return cursor

    def get_schema_operation_parameters(self, view):
        return _paging_parameters()

    def get_paginated_response_schema(self, schema):
        return _page_schema(schema, getattr(self, "example_path", "statements"))


class ChangeCursorPagination(BasePagination):
    """The change log, newest first, by a cursor on (when, kind of record, id).

    `public_changes()` is a UNION, which Django cannot filter further, so the page is cut from
    its rows in Python: one query for every row's (kind, id, when), small tuples read from the
    indexes, then the page's records only (see `ChangeLogView`).
    """

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = page_size(request)
        rows = list(queryset)
        ranks = [self._rank(row) for row in rows]
        cursor = self._decode(request.query_params.get("cursor"))
        if cursor is None:
            start = 0
        elif cursor[0] == "a":
            start = bisect.bisect_right(ranks, cursor[1])
        else:
            start = max(0, bisect.bisect_left(ranks, cursor[1]) - self.page_size)
        self.page = rows[start : start + self.page_size]
        self.has_previous = start > 0
        self.has_next = start + self.page_size < len(rows)
        return self.page

    @staticmethod
    def _rank(row) -> tuple:
        source, pk, when = row
        return (-when.timestamp(), source, -pk)

    def _link(self, direction: str, row) -> str:
        source, pk, when = row
        token = json.dumps([direction, when.isoformat(), source, pk], separators=(",", ":"))
        encoded = base64.urlsafe_b64encode(token.encode()).decode()
        return replace_query_param(self.request.build_absolute_uri(), "cursor", encoded)

    def _decode(self, encoded: str | None) -> tuple[str, tuple] | None:
        if encoded is None:
            return None
        try:
            direction, when, source, pk = json.loads(base64.urlsafe_b64decode(encoded.encode()))
            when = datetime.datetime.fromisoformat(when)
            if direction not in ("a", "b") or not isinstance(source, str) or type(pk) is not int:
                raise ValueError(direction)
            return direction, self._rank((source, pk, when))
        except (ValueError, TypeError, OverflowError, OSError) as error:  # binascii, JSON, dates
            raise invalid_parameter("cursor", "Cursor", CURSOR_ERROR) from error

    def get_next_link(self) -> str | None:
        return self._link("a", self.page[-1]) if self.has_next and self.page else None

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        if not self.page:
            return remove_query_param(self.request.build_absolute_uri(), "cursor")
        return self._link("b", self.page[0])

    def get_paginated_response(self, data):
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def get_schema_operation_parameters(self, view):
        return _paging_parameters()

    def get_paginated_response_schema(self, schema):
        return _page_schema(schema, "changes")

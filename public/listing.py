"""The machinery shared by the public lists (/cities/, /statements/): pages of 50, the page's
context (count, chips, downloads) and whole-result downloads.

A list is a `FacetedFilterSet` (public/facets.py: what can be filtered, counted and sorted) plus
a `FacetedListView` (how the page, the CSV and the JSON are made). Bad input never gives an
empty list: it gives the page with the form's errors and status 400. No match is an answer,
not an error: the page says "0 ... match", with the filters as chips and the downloads.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import SimpleLazyObject, lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views import View

from tracker.cache import accepts_gzip
from tracker.fragments import KnownRows, by_pk, kept_rows
from tracker.page_tags import depends_on

from . import downloads, kept_order
from .facets import FACET_MODEL_OPTIONS, LIST_CACHE_SECONDS, FacetedFilterSet
from .filter_errors import filter_errors, filter_errors_text
from .filter_parts import (
    Q_MAX_LENGTH,
    Chip,
    ChoicesReadOnce,
    Facet,
    FacetOption,
    FacetSpec,
    SortFilter,
    search_text_filter,
)

# The filtering names, still importable from here (the list pages, the map and the API use them).
__all__ = [
    "FACET_MODEL_OPTIONS",
    "Q_MAX_LENGTH",
    "Chip",
    "ChoicesReadOnce",
    "Column",
    "Facet",
    "FacetOption",
    "FacetSpec",
    "FacetedFilterSet",
    "FacetedListView",
    "ListControlsForm",
    "SortFilter",
    "search_text_filter",
]

PAGE_SIZE = 50
FORMATS = ("html", "csv", "json")
# A download of at most this many rows is built whole once, compressed and kept in the cache
# per filters and versions of the records (10,000 statements are about 500 KB gzipped), so a
# repeat costs no query and the page cache serves it; a larger one (where DOWNLOAD_MAX_ROWS is
# raised above it) is streamed in chunks and never held in memory. Over DOWNLOAD_MAX_ROWS a
# download is refused (the complete files serve it). As many as the default limit.
CACHED_DOWNLOAD_ROWS = 10_000
# Pages beyond this are refused with a message: an offset this deep costs a sort of every match,
# and no reader pages this far (10,000 rows); filters or the complete files serve them better.
MAX_PAGE = 200


class SortedRowsPaginator(Paginator):
    """A Paginator of rows built only when read (a SimpleLazyObject): building a list's query,
    its annotations above all, cost a third of a place list's time, and a page whose rows are
    kept (tracker/fragments.py) never reads it. The rows are always sorted (the filter set's
    `sort` orders them), so the check that they are is skipped, as it would build them."""

    def _check_object_list_is_ordered(self):
        pass

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        return self._get_page(SimpleLazyObject(lambda: rows[bottom:top]), number, self)


class ListControlsForm(forms.Form):
    """What the list accepts beside the filters: the page and the download format."""

    page = forms.IntegerField(
        min_value=1,
        max_value=MAX_PAGE,
        required=False,
        error_messages={
            "invalid": _("Page must be a whole number, such as 2."),
            "min_value": _("Page must be 1 or more."),
            "max_value": format_lazy(
                _(
                    "Pages go up to {pages} ({results} results). Narrow the list with filters, "
                    "or download the complete files (linked below the list)."
                ),
                pages=MAX_PAGE,
                # Grouped the reader's way when shown: 10,000 or 10.000.
                results=lazy(number_format, str)(MAX_PAGE * PAGE_SIZE, force_grouping=True),
            ),
        },
    )
    format = forms.ChoiceField(
        choices=[(f, f) for f in FORMATS],
        required=False,
        error_messages={
            "invalid_choice": _("Format must be csv or json (or left out for the page).")
        },
    )


@dataclass(frozen=True)
class Column:
    """A download column: its stable name, how to read it from a row, and what it holds."""

    name: str
    get: Callable[[Any], Any]
    doc: str = ""


class FacetedListView(View):
    """GET-only list page with facets and chips, paginated by 50, downloadable as CSV or JSON.

    Subclasses set `filterset_class`, `template_name`, `download_kind` and `columns`, and
    implement `get_queryset()` (the published rows to filter) and `annotate(qs)` (what the rows
    need beyond filtering, e.g. joins and aggregates); `download_queryset(qs)` and
    `page_queryset(qs)` add what only the files or only the page's rows show.

    A valid filter with no match renders like any other result: `result_count` is 0, with the
    chips and the downloads (an empty CSV still has its header). Only invalid input leaves
    `result_count` out and answers 400 with the errors.
    """

    filterset_class: type[FacetedFilterSet]
    template_name: str
    download_kind: str
    columns: list[Column] = []
    json_extra: Callable[[Any], dict] | None = None
    paginate_by = PAGE_SIZE
    download_chunk_size = 2000

    def get_queryset(self):
        raise NotImplementedError

    def annotate(self, queryset):
        return queryset

    def download_queryset(self, queryset):
        return queryset

    def page_queryset(self, queryset):
        """What the HTML page's rows need beyond the download's (e.g. their sources shown)."""
        return queryset

    def get_extra_context(self) -> dict:
        return {}

    def get(self, request, *args, **kwargs):
        depends_on(request, *self.filterset_class.shows)
        filterset = self.filterset_class(request.GET, queryset=self.get_queryset(), request=request)
        # Before any query: a request reads from the replica only if it holds every change
        # before its first query (tracker/db_router.py), so what is kept at these versions
        # (counts, rows, a search's order) is never older than they say.
        filterset.read_versions()
        controls = ListControlsForm(request.GET)
        valid = filterset.is_valid() & controls.is_valid()
        fmt = controls.cleaned_data.get("format") if controls.is_valid() else ""
        wants_download = request.GET.get("format") in ("csv", "json")
        if not valid:
            if wants_download:
                return HttpResponseBadRequest(
                    filter_errors_text(filter_errors(filterset.form, controls), refused="download"),
                    content_type="text/plain; charset=utf-8",
                )
            return self.render(filterset, controls, status=400)

        def rows():
            return filterset.sort(self.annotate(filterset.qs))

        if fmt in ("csv", "json"):
            return self.download(fmt, filterset, rows())
        return self.render(filterset, controls, rows=SimpleLazyObject(rows))

    def render(self, filterset, controls, *, rows=None, status=200):
        context = {
            "filterset": filterset,
            "form": filterset.form,
            # Read only if drawn: the filters are mostly a stored fragment (filter_disclosure).
            "facets": SimpleLazyObject(filterset.facet_list),
            "controls": controls,
            "errors": filter_errors(filterset.form, controls),
            "view": self,
        }
        if rows is not None:
            shown = SimpleLazyObject(lambda: self.page_queryset(rows))
            page_obj = self.paginate(filterset, shown, controls.cleaned_data.get("page") or 1)
            paginator = page_obj.paginator
            page_obj.object_list = self.page_rows(filterset, shown, page_obj)
            context |= {
                "paginator": paginator,
                "page_obj": page_obj,
                "object_list": page_obj.object_list,
                "is_paginated": paginator.num_pages > 1,
                "result_count": paginator.count,
                "chips": filterset.chips(self.request.GET),
            }
        context |= filterset.filters_fragment(self.request.path, errors=context["errors"])
        context |= self.download_context(context.get("result_count"))
        context |= self.get_extra_context()
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def paginate(self, filterset, rows, number: int) -> Page:
        """Page `number` of `rows`. While editors publish, the number of rows may be the one
        counted a moment before, as the facets are (COUNTS_LAG_SECONDS), on a page that is full
        either way; the last page, or one past it, is counted exactly, so that the number
        shown never disagrees with the rows beside it and no page is cut short."""
        paginator = SortedRowsPaginator(rows, self.paginate_by)
        paginator.count = filterset.count(from_facets=True, may_lag=True)
        if "count" in filterset.from_before and number * self.paginate_by >= paginator.count:
            paginator = SortedRowsPaginator(rows, self.paginate_by)
            paginator.count = filterset.count(from_facets=True)
        if number > paginator.num_pages:
            raise Http404(f"There is no page {number}: these results have {paginator.num_pages}.")
        return paginator.page(number)

    @staticmethod
    def page_rows(filterset, rows, page_obj) -> KnownRows:
        """The page's rows. Their ids in order and the digests of what each shows are kept per
        filters, sort and versions of the records: a repeat neither sorts every match again (a
        search ranks all its matches to find the best 50) nor loads the records whose rows are
        stored (tracker/fragments.py); the others are read by primary key, in one query. After
        a change, a search's order is brought up to date from what changed (kept_order.py)."""
        load = by_pk(rows)

        def first() -> list:
            ids = kept_order.page_ids(filterset, rows, page_obj.number, page_obj.paginator.per_page)
            if ids is None:
                return list(page_obj.object_list)
            records = load(ids) if ids else {}
            return [records[pk] for pk in ids if pk in records]

        return kept_rows(
            filterset.cache_key(f"rows:{filterset.sort_value()}:{page_obj.number}"),
            first,
            load,
            LIST_CACHE_SECONDS,
        )

    # -- downloads ------------------------------------------------------------------------------
    def download_filename(self, filterset, ext: str) -> str:
        stem = filterset.file_stem()
        pieces = ["sanctuary-tracker", self.download_kind, stem, timezone.localdate().isoformat()]
        return "-".join(p for p in pieces if p) + f".{ext}"

    def download_rows(self, rows, *, count: int) -> Iterable:
        """The rows to download in the list's order: one query and its prefetches for a result
        of one chunk; else one query for the ordered primary keys (at most DOWNLOAD_MAX_ROWS of
        them), then one per chunk, fetched while the response is sent."""
        if count <= self.download_chunk_size:
            return iter(self.download_queryset(rows))
        ids = list(rows.values_list("pk", flat=True))
        return downloads.rows_in_order(
            self.download_queryset(rows), ids, chunk_size=self.download_chunk_size
        )

    def download_chunks(self, fmt: str, rows, *, count: int) -> Iterable[str]:
        rows = self.download_rows(rows, count=count)
        if fmt == "csv":
            return downloads.csv_lines(rows, self.columns)
        return downloads.json_chunks(rows, self.json_columns(), extra=self.json_extra)

    def download(self, fmt: str, filterset, rows):
        """The whole filtered result as a file, or 422 before the first byte when it would
        hold more than DOWNLOAD_MAX_ROWS rows (counted in one query, cached per filters)."""
        count = filterset.count()
        limit = settings.DOWNLOAD_MAX_ROWS
        if count > limit:
            return downloads.too_large_response(
                self.request, kind=self.download_kind, count=count, limit=limit
            )
        filename = self.download_filename(filterset, fmt)
        if count > CACHED_DOWNLOAD_ROWS:
            return downloads.streamed_response(
                self.download_chunks(fmt, rows, count=count), fmt, filename
            )

        def build() -> bytes:
            return downloads.compress(self.download_chunks(fmt, rows, count=count))

        # The rows hold absolute URLs, so the host is part of what is cached.
        body = filterset.cached(f"{self.download_kind}.{fmt}@{self.request.get_host()}", build)
        return downloads.compressed_response(
            body,
            downloads.CSV_TYPE if fmt == "csv" else downloads.JSON_TYPE,
            filename,
            accepts_gzip=accepts_gzip(self.request.headers.get("Accept-Encoding", "")),
        )

    def download_context(self, result_count: int | None) -> dict:
        """What the download block shows: whether this result can be downloaded on request,
        the limit, and the list's complete files (no query)."""
        limit = settings.DOWNLOAD_MAX_ROWS
        bulk = sorted(downloads.bulk_files_of(self.download_kind).values(), key=lambda f: f.name)
        return {
            "download_limit": limit,
            "downloadable": result_count is not None and result_count <= limit,
            "bulk_files": bulk,
            "bulk_rows": bulk[0].rows if bulk else None,
            "bulk_built_at": bulk[0].built_at if bulk else None,
            "bulk_manifest_url": downloads.bulk_manifest_url(),
        }

    def json_columns(self) -> list[Column]:
        return self.columns

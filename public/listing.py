"""The machinery shared by the public lists (/cities/, /statements/): strict filters, facet counts,
removable filter chips, pages of 50 and whole-result downloads.

A list is a `FacetedFilterSet` (what can be filtered, counted and sorted) plus a
`FacetedListView` (how the page, the CSV and the JSON are made). Bad input never gives an empty
list: it gives the page with the form's errors and status 400.
"""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count
from django.http import Http404, HttpResponseBadRequest, QueryDict
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import slugify
from django.views import View

from tracker.cache import accepts_gzip, current_generation

from . import downloads
from .filter_errors import filter_errors, filter_errors_text

PAGE_SIZE = 50
Q_MAX_LENGTH = 200
FORMATS = ("html", "csv", "json")
# Choices from a model (places, officials, events) beyond this many are left out of a facet,
# the most frequent kept: at national scale a search matches thousands of places.
FACET_MODEL_OPTIONS = 30
# Facet counts and row counts are cached per filter combination and cache generation (any edit
# starts a new generation), so a repeat of the same filters runs neither again.
LIST_CACHE_SECONDS = 3600
# A download of at most this many rows is built whole once, compressed and kept in the cache
# per filters and generation (a few hundred KB); a larger one is streamed in chunks and never
# held in memory. Over settings.DOWNLOAD_MAX_ROWS a download is refused (the complete files).
CACHED_DOWNLOAD_ROWS = 2_000
# Pages beyond this are refused with a message: an offset this deep costs a sort of every match,
# and no reader pages this far (10,000 rows); filters or the complete files serve them better.
MAX_PAGE = 200


class SortFilter(django_filters.ChoiceFilter):
    """A sort choice: validated with the other filters, applied by `FacetedFilterSet.sort`."""

    def filter(self, qs, value):
        return qs


def search_text_filter(*, method: str | None = None, field_name: str | None = None, label: str):
    """A `q` filter that refuses over-long text with a message instead of a slow query."""
    kwargs = (
        {"method": method} if method else {"field_name": field_name, "lookup_expr": "icontains"}
    )
    return django_filters.CharFilter(
        label=label,
        max_length=Q_MAX_LENGTH,
        error_messages={
            "max_length": "Search text is limited to %(limit_value)d characters "
            "(this one has %(show_value)d). Shorten it and search again."
        },
        **kwargs,
    )


@dataclass(frozen=True)
class FacetSpec:
    """How to count one filter's choices: group by `value` (a values() path), label each group
    from `label_fields` (paths, joined by ", ") or from the filter's choices."""

    value: str
    label_fields: tuple[str, ...] = ()
    show_zero: bool = False  # list every choice, even those no row has (small enumerations)
    # Count distinct rows: needed only when a filter or the value joins a to-many relation.
    distinct: bool = True


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    label: str
    multiple: bool
    options: list[FacetOption]
    errors: list[str] = field(default_factory=list)
    hidden: int = 0  # choices with a count left out (beyond FACET_MODEL_OPTIONS)

    @property
    def any_selected(self) -> bool:
        return any(option.selected for option in self.options)


@dataclass
class Chip:
    label: str
    value: str
    remove_url: str


class FacetedFilterSet(django_filters.FilterSet):
    """A FilterSet that also counts each facet's choices under the other active filters.

    Subclasses set `facets = {filter name: FacetSpec}` and `sort_orders = {sort value: ordering}`
    (an ordering is a tuple of order_by() arguments, or a callable taking the cleaned data).
    """

    facets: dict[str, FacetSpec] = {}
    sort_orders: dict[str, tuple] = {}
    default_sort: str = ""

    # -- filtering ----------------------------------------------------------------------------
    def filter_queryset(self, queryset, *, skip: str | None = None):
        """Apply every valid filter except `skip` (invalid fields are left out of cleaned_data)."""
        for name, value in self.form.cleaned_data.items():
            if name == skip or isinstance(self.filters[name], SortFilter):
                continue
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            self.form.is_valid()  # fills cleaned_data with the valid fields
            self._qs = self.filter_queryset(self.queryset.all())
        return self._qs

    def sort_value(self) -> str:
        data = getattr(self.form, "cleaned_data", {})
        return data.get("sort") or self.get_default_sort()

    def get_default_sort(self) -> str:
        return self.default_sort

    def sort(self, queryset):
        """Order `queryset` (already filtered and annotated) by the chosen sort."""
        ordering = self.sort_orders.get(self.sort_value())
        return queryset.order_by(*ordering) if ordering else queryset

    # -- cached per filter combination ----------------------------------------------------------
    def cache_key(self, kind: str) -> str | None:
        """A key for what these filters give (the page and the sort aside), in this cache
        generation; None when the form has errors (those pages are not cached)."""
        if not self.form.is_valid():
            return None

        items = sorted(
            (name, sorted(self.data.getlist(name)) if hasattr(self.data, "getlist") else [])
            for name, flt in self.filters.items()
            if not isinstance(flt, SortFilter) and name in self.data
        )
        digest = hashlib.sha256(repr(items).encode()).hexdigest()[:32]
        kind_of = f"{type(self).__module__}.{type(self).__qualname__}"
        return f"list:{kind}:{current_generation()[0]}:{kind_of}:{digest}"

    def cached(self, kind: str, compute: Callable[[], Any]) -> Any:
        key = self.cache_key(kind)
        if key is None:
            return compute()
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, LIST_CACHE_SECONDS)
        return value

    def count(self) -> int:
        """The number of filtered rows, counted without the page's joins and aggregates: one
        query, none when these filters were counted before in this cache generation."""
        return self.cached("count", lambda: self.qs.order_by().count())

    # -- facets -------------------------------------------------------------------------------
    def facet_list(self) -> dict[str, Facet]:
        """{filter name: Facet}; one query per facet, whatever the number of rows, and none when
        these filters were counted before in this cache generation."""
        self.form.is_valid()
        return self.cached(
            "facets", lambda: {name: self._facet(name, spec) for name, spec in self.facets.items()}
        )

    def _facet(self, name: str, spec: FacetSpec) -> Facet:
        flt = self.filters[name]
        multiple = isinstance(flt, django_filters.MultipleChoiceFilter)
        queryset = self.filter_queryset(self.queryset.all(), skip=name)
        rows = (
            queryset.order_by()
            .filter(**{f"{spec.value}__isnull": False})
            .values(spec.value, *spec.label_fields)
            # COUNT(*) needs no column of the rows, so an index-only scan can count them.
            .annotate(n=Count("pk", distinct=True) if spec.distinct else Count("*"))
        )
        counts, labels = {}, {}
        for row in rows:
            value = str(row[spec.value])
            counts[value] = row["n"]
            if spec.label_fields:
                labels[value] = ", ".join(str(row[f]) for f in spec.label_fields)
        selected = self.selected_values(name)
        choices = self._choices(flt)
        options, hidden = [], 0
        if choices is not None:
            for value, label in choices:
                value = str(value)
                if value == "":
                    continue
                count = counts.get(value, 0)
                if count or spec.show_zero or value in selected:
                    options.append(FacetOption(value, str(label), count, value in selected))
        else:
            # Choices from a model: the rows that have a count, plus the selected ones.
            for value, label in self.selected_labels(name).items():
                labels.setdefault(value, label)
            ranked = sorted(labels, key=lambda v: (-counts.get(v, 0), labels[v]))
            shown = set(ranked[:FACET_MODEL_OPTIONS]) | selected
            hidden = len(ranked) - len(shown & set(ranked))
            for value in ranked:
                if value in shown:
                    options.append(
                        FacetOption(value, labels[value], counts.get(value, 0), value in selected)
                    )
        errors = list(self.form.errors.get(name, [])) if self.is_bound else []
        return Facet(name, str(flt.label), multiple, options, errors, hidden)

    @staticmethod
    def _choices(flt) -> list | None:
        if isinstance(
            flt, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter
        ):
            return None
        return list(flt.extra.get("choices") or [])

    # -- what is active -------------------------------------------------------------------------
    def active(self) -> list[tuple[str, str, str]]:
        """(filter name, value as in the address, label) of each active filter value."""
        if hasattr(self, "_active"):
            return self._active
        self.form.is_valid()
        result = []
        for name, value in self.form.cleaned_data.items():
            flt = self.filters[name]
            if isinstance(flt, SortFilter) or value in (None, "", [], ()):
                continue
            values = list(value) if isinstance(value, models.QuerySet | list | tuple) else [value]
            for item in values:
                result.append((name, self._raw(flt, item), self._label(flt, item)))
        self._active = result
        return result

    def selected_values(self, name: str) -> set[str]:
        return {raw for fname, raw, _ in self.active() if fname == name}

    def selected_labels(self, name: str) -> dict[str, str]:
        return {raw: label for fname, raw, label in self.active() if fname == name}

    @staticmethod
    def _raw(flt, item) -> str:
        if isinstance(item, models.Model):
            return str(getattr(item, flt.field.to_field_name or "pk"))
        if hasattr(item, "isoformat"):
            return item.isoformat()
        return str(item)

    @staticmethod
    def _label(flt, item) -> str:
        if isinstance(item, models.Model):
            return str(item)
        choices = flt.extra.get("choices")
        if choices:
            return str(dict(choices).get(item, item))
        if hasattr(item, "isoformat"):
            return item.isoformat()
        return str(item)

    def chips(self, query: QueryDict) -> list[Chip]:
        """One removable chip per active filter value; its link drops that value and the page."""
        chips = []
        for name, raw, label in self.active():
            remaining = query.copy()
            remaining.pop("page", None)
            values = [v for v in query.getlist(name) if v != raw]
            remaining.setlist(name, values) if values else remaining.pop(name, None)
            chips.append(Chip(str(self.filters[name].label), label, "?" + remaining.urlencode()))
        return chips

    def file_stem(self) -> str:
        """`city-chicago-il-stance-refuses`: the active filters, for a download's file name."""
        parts = []
        for name, raw, _ in self.active():
            piece = slugify(raw)[:40]
            if parts and parts[-2:-1] == [name]:
                parts[-1] += f"-{piece}"
            else:
                parts += [name, piece]
        return "-".join(slugify(p) for p in parts)[:120].strip("-")

    def describe(self) -> str:
        """ "City: Chicago, IL; Stance: Refuses cooperation" for titles and feeds."""
        grouped: dict[str, list[str]] = {}
        for name, _, label in self.active():
            grouped.setdefault(str(self.filters[name].label), []).append(label)
        return "; ".join(f"{k}: {' or '.join(v)}" for k, v in grouped.items())


class ListControlsForm(forms.Form):
    """What the list accepts beside the filters: the page and the download format."""

    page = forms.IntegerField(
        min_value=1,
        max_value=MAX_PAGE,
        required=False,
        error_messages={
            "invalid": "Page must be a whole number, such as 2.",
            "min_value": "Page must be 1 or more.",
            "max_value": (
                f"Pages go up to {MAX_PAGE} ({MAX_PAGE * PAGE_SIZE:,} results). Narrow the list "
                "with filters, or download the complete files (linked below the list)."
            ),
        },
    )
    format = forms.ChoiceField(
        choices=[(f, f) for f in FORMATS],
        required=False,
        error_messages={"invalid_choice": "Format must be csv or json (or left out for the page)."},
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
    need beyond filtering, e.g. joins and aggregates).
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

    def get_extra_context(self) -> dict:
        return {}

    def get(self, request, *args, **kwargs):
        filterset = self.filterset_class(request.GET, queryset=self.get_queryset(), request=request)
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
        rows = filterset.sort(self.annotate(filterset.qs))
        if fmt in ("csv", "json"):
            return self.download(fmt, filterset, rows)
        return self.render(filterset, controls, rows=rows)

    def render(self, filterset, controls, *, rows=None, status=200):
        context = {
            "filterset": filterset,
            "form": filterset.form,
            "facets": filterset.facet_list(),
            "controls": controls,
            "errors": filter_errors(filterset.form, controls),
            "view": self,
        }
        if rows is not None:
            page = controls.cleaned_data.get("page") or 1
            paginator = Paginator(rows, self.paginate_by)
            paginator.count = filterset.count()
            if page > paginator.num_pages:
                raise Http404(f"There is no page {page}: these results have {paginator.num_pages}.")
            page_obj = paginator.page(page)
            page_obj.object_list = self.page_rows(filterset, rows, page_obj)
            context |= {
                "paginator": paginator,
                "page_obj": page_obj,
                "object_list": page_obj.object_list,
                "is_paginated": paginator.num_pages > 1,
                "result_count": paginator.count,
                "chips": filterset.chips(self.request.GET),
            }
        context |= self.download_context(context.get("result_count"))
        context |= self.get_extra_context()
        return TemplateResponse(self.request, self.template_name, context, status=status)

    @staticmethod
    def page_rows(filterset, rows, page_obj) -> list:
        """The page's rows, in one query. The ids of each page, in order, are cached per filters,
        sort and cache generation, so a repeat fetches its rows by primary key instead of sorting
        every match again (a search ranks all its matches to find the best 50)."""
        key = filterset.cache_key(f"ids:{filterset.sort_value()}:{page_obj.number}")
        ids = cache.get(key) if key else None
        if ids is None:
            objects = list(page_obj.object_list)
            if key:
                cache.set(key, [obj.pk for obj in objects], LIST_CACHE_SECONDS)
            return objects
        by_pk = {obj.pk: obj for obj in rows.filter(pk__in=ids).order_by()}
        return [by_pk[pk] for pk in ids if pk in by_pk]

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

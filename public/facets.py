"""Faceted filtering for the public lists: what can be filtered, counted and sorted, the count of
each facet's choices under the other active filters, kept per filters and versions of the records.

Made of the parts in `public.filter_parts`; what is active, as chips and words, is
`public.active_filters`. The list pages (`public.listing`) build on this; the map and the API
reuse the filters.
"""

import copy
import hashlib
import time
from collections.abc import Callable
from typing import Any

import django_filters
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.utils.functional import cached_property
from django.utils.translation import get_language

from tracker.fragments import release
from tracker.local_first import versioned_cache
from tracker.page_tags import (
    LISTS,
    earlier,
    has_earlier,
    keep_as_latest,
    signature_of,
    tag_versions,
)

from .active_filters import ActiveFilters
from .filter_parts import (
    ChoicesReadOnce,
    CopiedLightly,
    Facet,
    FacetOption,
    FacetSpec,
    SortFilter,
    collation_key,
    no_records,
)

# Choices from a model (places, officials, events) beyond this many are left out of a facet,
# the most frequent kept: at national scale a search matches thousands of places.
FACET_MODEL_OPTIONS = 30
# Facet counts and row counts are cached per filter combination and the versions of what the
# lists show (any statement or stance changed starts new ones: tracker/page_tags.py), so a
# repeat of the same filters runs neither again.
LIST_CACHE_SECONDS = 3600
# Longer than counting a list's facets takes on a busy server.
COMPUTING_WAIT_SECONDS = 2


class FacetedFilterSet(ActiveFilters, django_filters.FilterSet):
    """A FilterSet that also counts each facet's choices under the other active filters.

    Subclasses set `facets = {filter name: FacetSpec}` and `sort_orders = {sort value: ordering}`
    (an ordering is a tuple of order_by() arguments, or a callable taking the cleaned data).
    """

    facets: dict[str, FacetSpec] = {}
    sort_orders: dict[str, tuple] = {}
    default_sort: str = ""
    # The tags of what the list shows (tracker/page_tags.py): its pages depend on them, and its
    # counts are kept per their versions.
    shows: frozenset[str] = LISTS
    # The sorts whose first pages are kept and brought up to date from the records changed since
    # (public/kept_order.py): those by what each row holds alone, slow to sort again.
    kept_orders: frozenset[str] = frozenset()

    def read_choices_once(self, name: str, choices: ChoicesReadOnce) -> ChoicesReadOnce:
        """Give filter `name` this filter set's own `choices` (read at most once, for this
        request) and return them."""
        flt = self.filters[name]
        flt.extra["choices"] = choices
        # A form field built earlier from the class's filter (a schema generator reads it) would
        # carry that moment's choices into every copy: build it again from this request's.
        flt.__dict__.pop("_field", None)
        self.__dict__.setdefault("_choices_read_once", {})[name] = choices
        if "_form" in self.__dict__:
            self._form.fields[name].choices = choices
        return choices

    @classmethod
    def get_filters(cls):
        return CopiedLightly(super().get_filters())

    # -- the form -------------------------------------------------------------------------------
    @classmethod
    def form_class(cls) -> type:
        """The form of this filter set class, built once: django-filter builds a form class per
        filter set, each field anew (a millisecond a request), though every request's are alike
        but for the choices a filter set reads itself, which `form` gives its own fields."""
        if "_form_class" not in cls.__dict__:
            filters = copy.deepcopy(cls.base_filters)  # building a field keeps it on the filter
            fields = {name: flt.field for name, flt in filters.items()}
            form_class = type(f"{cls.__name__}Form", (cls._meta.form,), fields)
            form_class.base_fields = CopiedLightly(form_class.base_fields)
            cls._form_class = form_class
        return cls._form_class

    def get_form_class(self):
        return self.form_class()

    @property
    def form(self):
        if "_form" not in self.__dict__:
            form = super().form  # its fields are its own copies of the class's
            for name, choices in self.__dict__.get("_choices_read_once", {}).items():
                form.fields[name].choices = choices
        return self._form

    # -- filtering ----------------------------------------------------------------------------
    def filter_queryset(self, queryset, *, skip: str | None = None):
        """Apply every valid filter except `skip` (invalid fields are left out of cleaned_data)."""
        for name, value in self.form.cleaned_data.items():
            if name == skip or isinstance(self.filters[name], SortFilter) or no_records(value):
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
    @cached_property
    def lists_versions(self) -> dict[str, int]:
        """The versions of what the list shows, read once, before the list's first query
        (FacetedListView.get)."""
        return tag_versions(self.shows)

    def read_versions(self) -> dict[str, int]:
        """Read the versions now (they are kept for the request): before the list's first
        query, so what is kept at them is never older than they say."""
        return self.lists_versions

    @property
    def lists_version(self) -> str:
        return signature_of(self.lists_versions)

    def cache_key(self, kind: str, *, latest: bool = False) -> str | None:
        """A key for what these filters give (the page and the sort aside), at these versions
        of the records, or (`latest`) whatever the versions; None when the form has errors
        (those pages are not cached)."""
        if not self.form.is_valid():
            return None
        digest = self._filters_digest
        kind_of = f"{type(self).__module__}.{type(self).__qualname__}"
        # Facets hold their labels as read in the page's language (English or Spanish).
        language = get_language()
        if latest:
            return f"list:{kind}:{release()}:{language}:{kind_of}:{digest}"
        return f"list:{kind}:{self.lists_version}:{language}:{kind_of}:{digest}"

    @cached_property
    def _filters_digest(self) -> str:
        """The filters as sent (the sort aside), digested once per request."""
        items = sorted(
            (name, self._value_sent(name))
            for name, flt in self.filters.items()
            if not isinstance(flt, SortFilter)
        )
        return hashlib.sha256(repr(items).encode()).hexdigest()[:32]

    def _value_sent(self, name: str):
        """Filter `name`'s value as its form reads it from the request: the last of repeated
        values for a single choice (`?q=a&q=b` searches "b"), every value, in any order, for a
        multiple one."""
        field = self.form.fields[name]
        value = field.widget.value_from_datadict(self.data, self.form.files, name)
        if getattr(field.widget, "allow_multiple_selected", False) and value:
            return sorted(value)
        return value

    def filters_fragment(self, path: str, *, errors=None) -> dict:
        """What includes/filter_disclosure.html keeps these filters under: the filters (as
        sent), sort, page address and release, at the list's versions. No key when the page
        shows errors (of these filters or of its other controls), or when it would show facets
        counted before these versions (`cached`): those are drawn every time."""
        key = None
        if not errors and not self._facets_from_before():
            key = self.cache_key(f"filters:{release()}:{path}:{self.sort_value()}")
        return {"filters_cache_key": key, "filters_cache_seconds": LIST_CACHE_SECONDS}

    def _facets_from_before(self) -> bool:
        """Whether reading the facets now would give those counted at earlier versions."""
        if settings.COUNTS_LAG_SECONDS <= 0 or "facets" in self.from_before:
            return "facets" in self.from_before
        return not versioned_cache.has_key(self.cache_key("facets")) and has_earlier(
            self.cache_key("facets", latest=True)
        )

    def cached(self, kind: str, compute: Callable[[], Any], *, may_lag: bool = False) -> Any:
        """What `compute` gives for these filters, computed once per versions of the records:
        after a change the pages of one list (its page 1, page 2, its feed) are rebuilt at the
        same moment, and the second to ask waits for the first's counts instead of counting
        again (up to COMPUTING_WAIT_SECONDS, then counts itself).

        `may_lag` (the facets' counts; not the number of rows, which pages them): what was
        computed for these filters less than COUNTS_LAG_SECONDS ago, at earlier versions, is
        shown rather than counted again, and the page is marked as showing earlier counts so
        the page cache draws it again. So during a burst of publishing each list's facets are
        counted once in that time, not once per edit."""
        key = self.cache_key(kind)
        if key is None:
            return compute()
        value = versioned_cache.get(key)
        if value is not None:
            return value
        if may_lag:
            value = earlier(self.cache_key(kind, latest=True), self.request)
            if value is not None:
                self.from_before = self.from_before | {kind}
                return value
        computing = f"computing:{key}"
        if not cache.add(computing, 1, COMPUTING_WAIT_SECONDS):
            deadline = time.monotonic() + COMPUTING_WAIT_SECONDS
            while time.monotonic() < deadline:
                time.sleep(0.01)
                if (value := versioned_cache.get(key)) is not None:
                    return value
        try:
            value = compute()
            versioned_cache.set(key, value, LIST_CACHE_SECONDS)
            if may_lag:
                keep_as_latest(self.cache_key(kind, latest=True), value)
        finally:
            cache.delete(computing)
        return value

    # The kinds of `cached` this filter set read from before the latest change.
    from_before: frozenset[str] = frozenset()

    # A facet every row is counted in exactly once (each statement has one place): while its
    # filter is unset, its total is the number of rows, so a page whose facets were just counted
    # needs no query for it.
    counted_by_facet: str = ""

    def count(self, *, from_facets: bool = False, may_lag: bool = False) -> int:
        """The number of filtered rows, counted without the page's joins and aggregates: one
        query, none when these filters were counted before at these versions, or when the
        facets give it (`counted_by_facet`) and were read already or the caller shows them
        anyway (`from_facets`: the list page, not a download). `may_lag`: as the facets, it
        may be the number counted a moment before (`cached`); a download never asks so."""
        return self.cached("count", lambda: self._count(from_facets=from_facets), may_lag=may_lag)

    def _count(self, *, from_facets: bool) -> int:
        name = self.counted_by_facet
        facets_known = from_facets or hasattr(self, "facets_read")
        if name and facets_known and self.form.is_valid() and not self.selected_values(name):
            facets = self.facet_list()
            if "facets" not in self.from_before:  # what is kept at these versions is exact
                return facets[name].total
        return self.qs.order_by().count()

    # -- facets -------------------------------------------------------------------------------
    def facet_list(self) -> dict[str, Facet]:
        """{filter name: Facet}; at most one query per facet, whatever the number of rows, and
        none when these filters were counted before at these versions; read once per request."""
        if not hasattr(self, "facets_read"):
            self.form.is_valid()
            self.facets_read = self.cached("facets", self._count_facets, may_lag=True)
        return self.facets_read

    def _count_facets(self) -> dict[str, Facet]:
        # The facets others are summed from are counted first; the result keeps the declared order.
        sources = {getattr(spec, "summed_from", "") for spec in self.facets.values()}
        self._rows_counted = {}
        order = sorted(self.facets, key=lambda name: name not in sources)
        counted = {name: self._facet(name, self.facets[name]) for name in order}
        return {name: counted[name] for name in self.facets}

    def _facet_rows(self, name: str, spec: FacetSpec) -> list[dict]:
        """[{spec.value: ..., label fields: ..., "n": count}]: one query, or none when the
        counts can be summed from those of the facet this one is `summed_from`."""
        counted = getattr(self, "_rows_counted", {})
        source = spec.summed_from
        unfiltered = not self.selected_values(name) and not self.selected_values(source)
        if source in counted and self.form.is_valid() and unfiltered:
            return _summed(counted[source], spec)
        # The fields of the facets summed from this one, so that their counts need no query.
        summed = [
            path
            for other in self.facets.values()
            if getattr(other, "summed_from", "") == name
            for path in (other.value, *other.label_fields)
        ]
        queryset = self.filter_queryset(self.queryset.all(), skip=name)
        rows = list(
            queryset.order_by()
            .filter(**{f"{spec.value}__isnull": False})
            .values(*dict.fromkeys((spec.value, *spec.label_fields, *summed)))
            # COUNT(*) needs no column of the rows, so an index-only scan can count them.
            .annotate(n=Count("pk", distinct=True) if spec.distinct else Count("*"))
        )
        counted[name] = rows
        return rows

    def _facet(self, name: str, spec: FacetSpec) -> Facet:
        flt = self.filters[name]
        multiple = isinstance(flt, django_filters.MultipleChoiceFilter)
        rows = self._facet_rows(name, spec)
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
            if spec.alphabetical:
                options.sort(key=lambda option: collation_key(option.label))
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
        total = sum(counts.values())
        return Facet(name, str(flt.label), multiple, options, errors, hidden, total)

    @staticmethod
    def _choices(flt) -> list | None:
        if isinstance(
            flt, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter
        ):
            return None
        return list(flt.extra.get("choices") or [])


def _summed(rows: list[dict], spec: FacetSpec) -> list[dict]:
    """Rows counted by a finer facet, summed by `spec`'s value (and its label fields)."""
    totals: dict[tuple, int] = {}
    for row in rows:
        if row[spec.value] is None:
            continue
        group = (row[spec.value], *(row[path] for path in spec.label_fields))
        totals[group] = totals.get(group, 0) + row["n"]
    fields = (spec.value, *spec.label_fields)
    return [{**dict(zip(fields, group, strict=True)), "n": n} for group, n in totals.items()]

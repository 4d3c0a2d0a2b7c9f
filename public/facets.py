"""Faceted filtering for the public lists: what can be filtered, counted and sorted, the count of
each facet's choices under the other active filters, and the active filters as removable chips.

The list pages (`public.listing`) build on this; the map and the API reuse the filters.
"""

import copy
import hashlib
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import django_filters
from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models import Count
from django.http import QueryDict
from django.utils.choices import BaseChoiceIterator
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import get_language, gettext

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

Q_MAX_LENGTH = 200
# Choices from a model (places, officials, events) beyond this many are left out of a facet,
# the most frequent kept: at national scale a search matches thousands of places.
FACET_MODEL_OPTIONS = 30
# Facet counts and row counts are cached per filter combination and the versions of what the
# lists show (any statement or stance changed starts new ones: tracker/page_tags.py), so a
# repeat of the same filters runs neither again.
LIST_CACHE_SECONDS = 3600
# Longer than counting a list's facets takes on a busy server.
COMPUTING_WAIT_SECONDS = 2


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


def collation_key(label: str) -> str:
    """A label's place in alphabetical order: accents and case aside ("Míchigan" by "Michigan")."""
    return unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().casefold()


@dataclass(frozen=True)
class FacetSpec:
    """How to count one filter's choices: group by `value` (a values() path), label each group
    from `label_fields` (paths, joined by ", ") or from the filter's choices."""

    value: str
    label_fields: tuple[str, ...] = ()
    show_zero: bool = False  # list every choice, even those no row has (small enumerations)
    # Count distinct rows: needed only when a filter or the value joins a to-many relation.
    distinct: bool = True
    # Order the choices by their label as the reader reads it ("Nueva York" among the N's in
    # Spanish), accents aside, instead of in the choices' own order.
    alphabetical: bool = False
    # Another facet each of whose groups falls in one of this one's (a place is in one state and
    # has one stance): while neither filter is set both are counted under the same filters, so
    # this one's counts are summed from that one's groups instead of counted again.
    summed_from: str = ""


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
    total: int = 0  # the rows counted, shown or not

    @property
    def any_selected(self) -> bool:
        return any(option.selected for option in self.options)


class ChoicesReadOnce(BaseChoiceIterator):
    """A filter's choices read from the records the first time anything needs them (one
    query), then kept for the request; subclasses say how in `read()`. Installed per filter set
    by `FacetedFilterSet.read_choices_once`."""

    def __init__(self):
        self.loaded: list[tuple[str, str]] | None = None

    def __deepcopy__(self, memo):
        # The form copies its fields; the copy must share what this request already read.
        return self

    def read(self) -> list[tuple[str, str]]:
        raise NotImplementedError

    def load(self) -> list[tuple[str, str]]:
        if self.loaded is None:
            self.loaded = self.read()
        return self.loaded

    def __iter__(self):
        yield from self.load()

    def __len__(self):
        return len(self.load())


class CopiedLightly(dict):
    """The filters of a filter set class, or the fields of its form, which every request copies
    (deepcopy) before it changes them: copied with their lists of choices shared, and their
    querysets cloned rather than copied whole. No request changes such a list in place (one that
    needs other choices gives its copy a new list), and a clone is what a form field makes of a
    queryset anyway; copying them was half the copy's time, a tenth of a cached list's."""

    def __deepcopy__(self, memo):
        for item in self.values():
            for choices in _choice_lists(item):
                memo[id(choices)] = choices
            queryset = getattr(item, "extra", {}).get("queryset")
            if isinstance(queryset, models.QuerySet):
                memo[id(queryset)] = queryset.all()
        return {name: copy.deepcopy(item, memo) for name, item in self.items()}


def _choice_lists(item) -> list:
    """The lists of choices a filter (in its `extra`) or a form field (its own and its widget's,
    some wrapped in an iterator that holds the list as `choices`) refers to."""
    candidates = [
        getattr(item, "extra", {}).get("choices"),
        getattr(item, "_choices", None),
        getattr(getattr(item, "widget", None), "choices", None),
    ]
    candidates += [getattr(candidate, "choices", None) for candidate in candidates]
    return [choices for choices in candidates if isinstance(choices, list | tuple)]


def no_records(value) -> bool:
    """A filter by records left out (its value an empty queryset) filters nothing. Said without
    asking the queryset, which would compile its SQL to find it empty (a millisecond a request)."""
    return isinstance(value, models.QuerySet) and value.query.is_empty()


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
        either = f" {gettext('or')} "
        return "; ".join(f"{k}: {either.join(v)}" for k, v in grouped.items())


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

"""The parts the public lists' filter sets are made of: a sort choice, a search box, how a
facet is counted and shown, choices read once a request, the copy of a filter set's filters and
fields each request makes, and a removable chip (public/facets.py puts them together)."""

import copy
import unicodedata
from dataclasses import dataclass, field

import django_filters
from django.db import models
from django.utils.choices import BaseChoiceIterator

Q_MAX_LENGTH = 200


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

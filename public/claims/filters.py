"""What /statements/, its downloads and its feed can filter, count and sort by."""

from dataclasses import dataclass

import django_filters
from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from cities.models import Jurisdiction, Official, Role, StanceLevel, State
from public.filter_errors import SORT_CHOICE_ERROR, STANCE_CHOICE_ERROR
from public.listing import (
    ChoicesReadOnce,
    Facet,
    FacetedFilterSet,
    FacetOption,
    FacetSpec,
    SortFilter,
    search_text_filter,
)
from statements.models import Event, Medium, Statement

DATE_ERRORS = {"invalid": _("Enter a real date as YYYY-MM-DD, such as 2019-06-21.")}


class StatementFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        after, before = cleaned.get("said_after"), cleaned.get("said_before")
        if after and before and before < after:
            self.add_error(
                "said_before",
                f"“Said on or before” ({before:%Y-%m-%d}) is earlier than "
                f"“said on or after” ({after:%Y-%m-%d}), so nothing could match.",
            )
        if cleaned.get("sort") == "relevance" and not cleaned.get("q"):
            self.add_error("sort", _("Sorting by relevance needs search words in “Words”."))
        return cleaned


class OfficeChoices(ChoicesReadOnce):
    """The office filter's choices, read from the officials' roles: each title as an address
    name ("mayor", "chief-of-police") with the title as its label. `titles` gives the titles each
    choice stands for (spellings that differ only in case or punctuation are one choice)."""

    def __init__(self):
        super().__init__()
        self.titles: dict[str, list[str]] = {}

    def read(self) -> list[tuple[str, str]]:
        titles = Role.objects.order_by("title").values_list("title", flat=True).distinct()
        choices = []
        for title in titles:
            key = slugify(title)
            if key and key not in self.titles:
                choices.append((key, title))
            self.titles.setdefault(key, []).append(title)
        return choices


@dataclass(frozen=True)
class OfficeFacet:
    """The office facet: counted over the roles held on each statement's day, in one query."""


class StatementFilter(FacetedFilterSet):
    q = search_text_filter(method="search", label=_("Words"))
    city = django_filters.ModelMultipleChoiceFilter(
        field_name="jurisdiction__slug",
        to_field_name="slug",
        queryset=Jurisdiction.objects.all(),
        label=_("Jurisdiction"),
        distinct=False,
        error_messages={"invalid_choice": _("No jurisdiction has the address name “%(value)s”.")},
    )
    state = django_filters.ChoiceFilter(
        field_name="jurisdiction__state",
        choices=State.choices,
        label=_("State"),
        error_messages={
            "invalid_choice": "“%(value)s” is not a state. Use a two-letter postal code such as IL."
        },
    )
    official = django_filters.ModelChoiceFilter(
        field_name="official",
        to_field_name="slug",
        queryset=Official.objects.all(),
        label=_("Official"),
        error_messages={"invalid_choice": _("No official has the address name “%(value)s”.")},
    )
    office = django_filters.ChoiceFilter(
        choices=(),  # each filter set reads its own (OfficeChoices)
        method="filter_office",
        label=_("Office held when speaking"),
        error_messages={
            "invalid_choice": _(
                "No official on record held an office called “%(value)s”. Use one listed "
                "under “Office held when speaking”, such as mayor."
            )
        },
    )
    stance = django_filters.MultipleChoiceFilter(
        field_name="jurisdiction__stance_level",
        choices=StanceLevel.choices,
        label=_("Current stance of the place"),
        distinct=False,
        error_messages={"invalid_choice": STANCE_CHOICE_ERROR},
    )
    medium = django_filters.ChoiceFilter(
        choices=Medium.choices,
        label=_("Medium"),
        error_messages={
            "invalid_choice": "“%(value)s” is not a medium. Use one of: "
            + ", ".join(Medium.values)
            + "."
        },
    )
    event = django_filters.ModelChoiceFilter(
        field_name="event",
        to_field_name="slug",
        queryset=Event.objects.all(),
        label=_("Responding to"),
        error_messages={"invalid_choice": _("No event has the address name “%(value)s”.")},
    )
    said_after = django_filters.DateFilter(
        field_name="said_on",
        lookup_expr="gte",
        label=_("Said on or after"),
        error_messages=DATE_ERRORS,
    )
    said_before = django_filters.DateFilter(
        field_name="said_on",
        lookup_expr="lte",
        label=_("Said on or before"),
        error_messages=DATE_ERRORS,
    )
    sort = SortFilter(
        choices=[
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
            ("relevance", _("Best match (with search words)")),
        ],
        label=_("Sort by"),
        error_messages={"invalid_choice": SORT_CHOICE_ERROR},
        empty_label=None,
        required=False,
    )

    # Every filter and facet here follows a to-one relation, so no row is counted twice and the
    # counts need no DISTINCT (which would sort each facet's rows).
    # A place has one stance and is in one state: those two are summed from the places' counts
    # while none of the three is filtered, and the places' counts total the statements.
    facets = {
        "stance": FacetSpec(
            "jurisdiction__stance_level", show_zero=True, distinct=False, summed_from="city"
        ),
        "city": FacetSpec(
            "jurisdiction__slug", ("jurisdiction__name", "jurisdiction__state"), distinct=False
        ),
        "state": FacetSpec(
            "jurisdiction__state", distinct=False, alphabetical=True, summed_from="city"
        ),
        "official": FacetSpec("official__slug", ("official__name",), distinct=False),
        "office": OfficeFacet(),
        "medium": FacetSpec("medium", distinct=False),
        "event": FacetSpec("event__slug", ("event__name",), distinct=False),
    }
    counted_by_facet = "city"
    sort_orders = {
        "newest": ("-said_on", "-id"),
        "oldest": ("said_on", "id"),
        "relevance": ("-rank", "-said_on", "-id"),
    }
    # A rank is the statement's own (PostgreSQL), and ranking every match is what a search's
    # first page costs; newest and oldest read an index.
    kept_orders = frozenset({"relevance"})

    class Meta:
        model = Statement
        fields = []
        form = StatementFilterForm

    def get_default_sort(self) -> str:
        return "relevance" if self.form.cleaned_data.get("q") else "newest"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.office_choices = self.read_choices_once("office", OfficeChoices())

    def search(self, queryset, name, value):
        return queryset.search(value)

    def filter_office(self, queryset, name, value: str):
        """`office=mayor`: what officials said while they held that office in the statement's
        place; with `city=chicago-il`, what the mayor of Chicago said as mayor."""
        self.office_choices.load()
        return queryset.spoken_as(self.office_choices.titles[value])

    def _facet(self, name: str, spec) -> Facet:
        if not isinstance(spec, OfficeFacet):
            return super()._facet(name, spec)
        # The counts name the titles: no need to read the choices unless an office was asked.
        counts, labels = {}, {}
        for title, count in (
            self.filter_queryset(self.queryset.all(), skip=name).office_counts().items()
        ):
            key = slugify(title)
            counts[key] = counts.get(key, 0) + count
            labels.setdefault(key, title)
        for key, label in self.selected_labels(name).items():
            labels.setdefault(key, label)
        selected = self.selected_values(name)
        options = [
            FacetOption(key, labels[key], counts.get(key, 0), key in selected)
            for key in sorted(labels, key=lambda k: (-counts.get(k, 0), labels[k]))
            if key
        ]
        errors = list(self.form.errors.get(name, [])) if self.is_bound else []
        return Facet(name, str(self.filters[name].label), False, options, errors)

"""What /statements/, its downloads and its feed can filter, count and sort by."""

import django_filters
from django import forms

from cities.models import Jurisdiction, Official, StanceLevel, State
from public.filter_errors import SORT_CHOICE_ERROR, STANCE_CHOICE_ERROR
from public.listing import FacetedFilterSet, FacetSpec, SortFilter, search_text_filter
from statements.models import Event, Medium, Statement

DATE_ERRORS = {"invalid": "Enter a real date as YYYY-MM-DD, such as 2019-06-21."}


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
            self.add_error("sort", "Sorting by relevance needs search words in “Words”.")
        return cleaned


class StatementFilter(FacetedFilterSet):
    q = search_text_filter(method="search", label="Words")
    city = django_filters.ModelMultipleChoiceFilter(
        field_name="jurisdiction__slug",
        to_field_name="slug",
        queryset=Jurisdiction.objects.all(),
        label="Jurisdiction",
        distinct=False,
        error_messages={"invalid_choice": "No jurisdiction has the address name “%(value)s”."},
    )
    state = django_filters.ChoiceFilter(
        field_name="jurisdiction__state",
        choices=State.choices,
        label="State",
        error_messages={
            "invalid_choice": "“%(value)s” is not a state. Use a two-letter postal code such as IL."
        },
    )
    official = django_filters.ModelChoiceFilter(
        field_name="official",
        to_field_name="slug",
        queryset=Official.objects.all(),
        label="Official",
        error_messages={"invalid_choice": "No official has the address name “%(value)s”."},
    )
    stance = django_filters.MultipleChoiceFilter(
        field_name="jurisdiction__stance_level",
        choices=StanceLevel.choices,
        label="Current stance of the place",
        distinct=False,
        error_messages={"invalid_choice": STANCE_CHOICE_ERROR},
    )
    medium = django_filters.ChoiceFilter(
        choices=Medium.choices,
        label="Medium",
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
        label="Responding to",
        error_messages={"invalid_choice": "No event has the address name “%(value)s”."},
    )
    said_after = django_filters.DateFilter(
        field_name="said_on",
        lookup_expr="gte",
        label="Said on or after",
        error_messages=DATE_ERRORS,
    )
    said_before = django_filters.DateFilter(
        field_name="said_on",
        lookup_expr="lte",
        label="Said on or before",
        error_messages=DATE_ERRORS,
    )
    sort = SortFilter(
        choices=[
            ("newest", "Newest first"),
            ("oldest", "Oldest first"),
            ("relevance", "Best match (with search words)"),
        ],
        label="Sort by",
        error_messages={"invalid_choice": SORT_CHOICE_ERROR},
        empty_label=None,
        required=False,
    )

    # Every filter and facet here follows a to-one relation, so no row is counted twice and the
    # counts need no DISTINCT (which would sort each facet's rows).
    facets = {
        "stance": FacetSpec("jurisdiction__stance_level", show_zero=True, distinct=False),
        "city": FacetSpec(
            "jurisdiction__slug", ("jurisdiction__name", "jurisdiction__state"), distinct=False
        ),
        "state": FacetSpec("jurisdiction__state", distinct=False),
        "official": FacetSpec("official__slug", ("official__name",), distinct=False),
        "medium": FacetSpec("medium", distinct=False),
        "event": FacetSpec("event__slug", ("event__name",), distinct=False),
    }
    sort_orders = {
        "newest": ("-said_on", "-id"),
        "oldest": ("said_on", "id"),
        "relevance": ("-rank", "-said_on", "-id"),
    }

    class Meta:
        model = Statement
        fields = []
        form = StatementFilterForm

    def get_default_sort(self) -> str:
        return "relevance" if self.form.cleaned_data.get("q") else "newest"

    def search(self, queryset, name, value):
        return queryset.search(value)

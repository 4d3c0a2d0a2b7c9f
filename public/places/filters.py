"""What /cities/ (and the map, which reuses this form) can filter, count and sort by."""

import django_filters
from django.db.models import F

from cities.models import Jurisdiction, JurisdictionLevel, StanceLevel, State
from public.filter_errors import SORT_CHOICE_ERROR, STANCE_CHOICE_ERROR
from public.listing import FacetedFilterSet, FacetSpec, SortFilter, search_text_filter
from statements.models import Event


class JurisdictionFilter(FacetedFilterSet):
    q = search_text_filter(field_name="name", label="Name")
    state = django_filters.MultipleChoiceFilter(
        choices=State.choices,
        label="State",
        distinct=False,
        error_messages={
            "invalid_choice": "“%(value)s” is not a state. Use a two-letter postal code such as IL."
        },
    )
    stance = django_filters.MultipleChoiceFilter(
        field_name="stance_level",
        choices=StanceLevel.choices,
        label="Current stance",
        distinct=False,
        error_messages={"invalid_choice": STANCE_CHOICE_ERROR},
    )
    level = django_filters.ChoiceFilter(
        choices=JurisdictionLevel.choices,
        label="Kind of place",
        error_messages={
            "invalid_choice": "“%(value)s” is not a kind of place. Use one of: "
            + ", ".join(JurisdictionLevel.values)
            + "."
        },
    )
    event = django_filters.ModelChoiceFilter(
        field_name="targeted_by_events",
        to_field_name="slug",
        queryset=Event.objects.all(),
        label="Targeted by",
        error_messages={"invalid_choice": "No event has the address name “%(value)s”."},
    )
    sort = SortFilter(
        choices=[
            ("name", "Name"),
            ("state", "State"),
            ("population", "Population, largest first"),
            ("latest", "Latest statement, newest first"),
        ],
        label="Sort by",
        empty_label=None,
        error_messages={"invalid_choice": SORT_CHOICE_ERROR},
    )

    facets = {
        "stance": FacetSpec("stance_level", show_zero=True),
        "state": FacetSpec("state"),
        "level": FacetSpec("level"),
        "event": FacetSpec("targeted_by_events__slug", ("targeted_by_events__name",)),
    }
    sort_orders = {
        "name": ("name", "state"),
        "state": ("state", "name"),
        "population": (F("population").desc(nulls_last=True), "name"),
        "latest": (F("latest_statement_on").desc(nulls_last=True), "name", "state"),
    }
    default_sort = "name"

    class Meta:
        model = Jurisdiction
        fields = []

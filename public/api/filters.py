"""The API's filters: the pages' own FilterSets wherever a page has filters, so one definition
serves the page and the API, and small FilterSets for the lists that only the API has.

The API pages by id, so the pages' `sort` is left out of it. A bad value is refused by the
page's form, and its message reaches the client as `{"errors": [{"field", "label", "message"}]}`
with status 400 (`PageFilterBackend`).
"""

import django_filters
from django_filters.rest_framework import DjangoFilterBackend

from cities.models import Agency, AgencyKind, Jurisdiction, Official, Role, StanceLevel, State
from federal.models import Agreement, AgreementStatus, Designation, SupportType
from public.claims.filters import DATE_ERRORS, StatementFilter
from public.filter_errors import STANCE_CHOICE_ERROR, filter_errors
from public.listing import search_text_filter
from public.maps.filters import MapFilter
from statements.models import Event, Source, Stance

from .errors import InvalidParameters

STATE_CHOICE_ERROR = "“%(value)s” is not a state. Use a two-letter postal code such as IL."
YES_NO = [("true", "Yes"), ("false", "No")]


class PageFilterBackend(DjangoFilterBackend):
    """django-filter's backend, refusing bad input with the form's own messages, each naming
    its field (`public.filter_errors`, as the pages, downloads and feeds read them)."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise InvalidParameters(filter_errors(filterset.form))
        return filterset.qs


# -- the pages' filters ------------------------------------------------------------------------
class JurisdictionApiFilter(MapFilter):
    """/cities/'s filters (q, state, stance, level, event) with the map's `as_of`: `stance` then
    means the stance in force on that day, as on /map/. No `sort`."""

    sort = None


class StatementApiFilter(StatementFilter):
    """/statements/'s filters (q, city, state, official, office, stance, medium, event,
    said_after, said_before). No `sort`."""

    sort = None


# -- filters of the lists only the API has -----------------------------------------------------
def jurisdiction_filter(
    field_name: str, *, to_many: bool = False
) -> django_filters.ModelMultipleChoiceFilter:
    """`jurisdiction=chicago-il` (repeatable): records of these places, by address name.
    `to_many` when the path crosses a to-many relation, so no record is listed twice."""
    return django_filters.ModelMultipleChoiceFilter(
        field_name=field_name,
        to_field_name="slug",
        queryset=Jurisdiction.objects.all(),
        label="Jurisdiction",
        distinct=to_many,
        error_messages={"invalid_choice": "No jurisdiction has the address name “%(value)s”."},
    )


def state_filter(field_name: str) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        field_name=field_name,
        choices=State.choices,
        label="State",
        error_messages={"invalid_choice": STATE_CHOICE_ERROR},
    )


def choice_filter(field_name: str, choices, label: str, what: str) -> django_filters.ChoiceFilter:
    codes = ", ".join(value for value, _ in choices)
    return django_filters.ChoiceFilter(
        field_name=field_name,
        choices=choices,
        label=label,
        error_messages={"invalid_choice": f"“%(value)s” is not {what}. Use one of: {codes}."},
    )


def yes_no_filter(method: str, label: str) -> django_filters.ChoiceFilter:
    """`true` or `false`; anything else is refused (django-filter's BooleanFilter would ignore
    it and give every row)."""
    return django_filters.ChoiceFilter(
        method=method,
        choices=YES_NO,
        label=label,
        error_messages={"invalid_choice": "“%(value)s” is neither true nor false."},
    )


def date_filter(field_name: str, lookup_expr: str, label: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        field_name=field_name, lookup_expr=lookup_expr, label=label, error_messages=DATE_ERRORS
    )


class AgencyFilter(django_filters.FilterSet):
    jurisdiction = jurisdiction_filter("jurisdiction__slug")
    state = state_filter("jurisdiction__state")
    kind = choice_filter("kind", AgencyKind.choices, "Kind of agency", "a kind of agency")

    class Meta:
        model = Agency
        fields = []


class OfficialFilter(django_filters.FilterSet):
    q = search_text_filter(field_name="name", label="Name")
    jurisdiction = jurisdiction_filter("roles__jurisdiction__slug", to_many=True)

    class Meta:
        model = Official
        fields = []


class RoleFilter(django_filters.FilterSet):
    official = django_filters.ModelChoiceFilter(
        field_name="official",
        to_field_name="slug",
        queryset=Official.objects.all(),
        label="Official",
        error_messages={"invalid_choice": "No official has the address name “%(value)s”."},
    )
    jurisdiction = jurisdiction_filter("jurisdiction__slug")
    state = state_filter("jurisdiction__state")
    held_on = django_filters.DateFilter(
        method="filter_held_on", label="Held on", error_messages=DATE_ERRORS
    )

    class Meta:
        model = Role
        fields = []

    def filter_held_on(self, queryset, name, value):
        return queryset.held_on(value)


class SourceFilter(django_filters.FilterSet):
    publisher = search_text_filter(field_name="publisher", label="Publisher")
    published_after = date_filter("published_on", "gte", "Published on or after")
    published_before = date_filter("published_on", "lte", "Published on or before")

    class Meta:
        model = Source
        fields = []


class EventFilter(django_filters.FilterSet):
    jurisdiction = jurisdiction_filter("targeted_jurisdictions__slug", to_many=True)
    starts_after = date_filter("starts_on", "gte", "Starts on or after")
    starts_before = date_filter("starts_on", "lte", "Starts on or before")

    class Meta:
        model = Event
        fields = []


class StanceFilter(django_filters.FilterSet):
    jurisdiction = jurisdiction_filter("jurisdiction__slug")
    state = state_filter("jurisdiction__state")
    level = django_filters.MultipleChoiceFilter(
        choices=StanceLevel.choices,
        label="Stance",
        distinct=False,
        error_messages={"invalid_choice": STANCE_CHOICE_ERROR},
    )
    current = yes_no_filter("filter_current", "Current")
    in_force_on = django_filters.DateFilter(
        method="filter_in_force_on", label="In force on", error_messages=DATE_ERRORS
    )

    class Meta:
        model = Stance
        fields = []

    def filter_current(self, queryset, name, value):
        return queryset.current() if value == "true" else queryset.exclude(ended_on=None)

    def filter_in_force_on(self, queryset, name, value):
        return queryset.in_force_on(value)


class AgreementFilter(django_filters.FilterSet):
    jurisdiction = jurisdiction_filter("agency__jurisdiction__slug")
    state = state_filter("agency__jurisdiction__state")
    support_type = choice_filter(
        "support_type", SupportType.choices, "287(g) model", "a 287(g) model"
    )
    status = choice_filter("status", AgreementStatus.choices, "Status on ICE's lists", "a status")

    class Meta:
        model = Agreement
        fields = []


class DesignationFilter(django_filters.FilterSet):
    jurisdiction = jurisdiction_filter("jurisdiction__slug")
    state = state_filter("jurisdiction__state")
    withdrawn = yes_no_filter("filter_withdrawn", "Withdrawn")

    class Meta:
        model = Designation
        fields = []

    def filter_withdrawn(self, queryset, name, value):
        return (
            queryset.exclude(withdrawn_on=None)
            if value == "true"
            else queryset.filter(withdrawn_on=None)
        )

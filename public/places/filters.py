"""What /cities/ (and the map, which reuses this form) can filter, count and sort by."""

from dataclasses import dataclass

import django_filters
from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from cities.models import Jurisdiction, JurisdictionLevel, State
from federal.models import AgreementStatus
from public.filter_errors import SHOWN_STANCE_CHOICE_ERROR, SORT_CHOICE_ERROR
from public.listing import (
    ChoicesReadOnce,
    Facet,
    FacetedFilterSet,
    FacetOption,
    FacetSpec,
    SortFilter,
    search_text_filter,
)
from statements.models import Event
from tracker.page_tags import PLACE_LISTS

from .querysets import (
    SHOWN_STANCE_CHOICES,
    STANCE_SHOWN,
    designation_groups,
    designation_key,
    with_agreements,
    with_designations,
)

ANY_DESIGNATION, NO_DESIGNATION = "any", "none"
NO_AGREEMENT = "none"
AGREEMENT_CHOICES = [
    (AgreementStatus.LISTED, _("On ICE's latest list")),
    (AgreementStatus.PENDING, _("Application pending")),
    (AgreementStatus.NO_LONGER_LISTED, _("No longer listed by ICE")),
    (NO_AGREEMENT, _("None on ICE's lists")),
]


class DesignationChoices(ChoicesReadOnce):
    """The designation filter's choices: "any", "none", each designating body
    (`us-department-of-justice`) and each body's label (`us-department-of-justice-sanctuary-
    jurisdiction`). `conditions` gives each choice's condition on a jurisdiction."""

    def __init__(self):
        super().__init__()
        self.conditions: dict[str, Q] = {}
        # The label choices of a body that used one label only: the body's choice says it all.
        self.redundant: set[str] = set()

    def read(self) -> list[tuple[str, str]]:
        choices = [
            (ANY_DESIGNATION, _("Designated by any outside body")),
            (NO_DESIGNATION, _("Not designated")),
        ]
        self.conditions = {
            ANY_DESIGNATION: with_designations(),
            NO_DESIGNATION: ~with_designations(),
        }
        labels_of: dict[str, list[str]] = {}
        for body, label in designation_groups():
            body_key, key = designation_key(body), designation_key(body, label)
            if body_key not in self.conditions:
                choices.append((body_key, body))
                self.conditions[body_key] = with_designations(designated_by=body)
            if key not in self.conditions:
                choices.append((key, f"{body}: “{label}”"))
                self.conditions[key] = with_designations(designated_by=body, label=label)
                labels_of.setdefault(body_key, []).append(key)
        self.redundant = {keys[0] for keys in labels_of.values() if len(keys) == 1}
        return choices


@dataclass(frozen=True)
class ConditionFacet:
    """A facet whose choices are conditions on a jurisdiction (an agreement or a designation
    exists), all counted in one query under the other filters."""


class JurisdictionFilter(FacetedFilterSet):
    shows = PLACE_LISTS
    q = search_text_filter(field_name="name", label=_("Name"))
    state = django_filters.MultipleChoiceFilter(
        choices=State.choices,
        label=_("State"),
        distinct=False,
        error_messages={
            "invalid_choice": "“%(value)s” is not a state. Use a two-letter postal code such as IL."
        },
    )
    stance = django_filters.MultipleChoiceFilter(
        field_name=STANCE_SHOWN,
        choices=SHOWN_STANCE_CHOICES,
        label=_("Current stance"),
        distinct=False,
        error_messages={"invalid_choice": SHOWN_STANCE_CHOICE_ERROR},
    )
    level = django_filters.ChoiceFilter(
        choices=JurisdictionLevel.choices,
        label=_("Kind of place"),
        error_messages={
            "invalid_choice": "“%(value)s” is not a kind of place. Use one of: "
            + ", ".join(JurisdictionLevel.values)
            + "."
        },
    )
    agreement = django_filters.ChoiceFilter(
        choices=AGREEMENT_CHOICES,
        method="filter_agreement",
        label=_("287(g) agreement with ICE"),
        error_messages={
            "invalid_choice": "“%(value)s” is not a 287(g) status. Use one of: "
            + ", ".join(value for value, _ in AGREEMENT_CHOICES)
            + "."
        },
    )
    designation = django_filters.ChoiceFilter(
        choices=(),  # each filter set reads its own (DesignationChoices)
        method="filter_designation",
        label=_("Designated by others"),
        error_messages={
            "invalid_choice": "No outside body's designation is called “%(value)s”. Use “any”, "
            "“none”, or a choice listed under “Designated by others”."
        },
    )
    event = django_filters.ModelChoiceFilter(
        field_name="targeted_by_events",
        to_field_name="slug",
        queryset=Event.objects.all(),
        label=_("Targeted by"),
        error_messages={"invalid_choice": _("No event has the address name “%(value)s”.")},
    )
    sort = SortFilter(
        choices=[
            ("name", _("Name")),
            ("state", _("State")),
            ("population", _("Population, largest first")),
            ("latest", _("Latest statement, newest first")),
        ],
        label=_("Sort by"),
        empty_label=None,
        error_messages={"invalid_choice": SORT_CHOICE_ERROR},
    )

    facets = {
        "stance": FacetSpec(STANCE_SHOWN, show_zero=True),
        "state": FacetSpec("state", alphabetical=True),
        "level": FacetSpec("level"),
        "agreement": ConditionFacet(),
        "designation": ConditionFacet(),
        "event": FacetSpec("targeted_by_events__slug", ("targeted_by_events__name",)),
    }
    sort_orders = {
        # Each ends with the primary key, so that two places of one name never swap between
        # pages of the list or between the list and its download.
        "name": ("name", "state", "pk"),
        "state": ("state", "name", "pk"),
        "population": (F("population").desc(nulls_last=True), "name", "pk"),
        "latest": (F("latest_statement_on").desc(nulls_last=True), "name", "state", "pk"),
    }
    default_sort = "name"

    class Meta:
        model = Jurisdiction
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.designation_choices = self.read_choices_once("designation", DesignationChoices())
        self.agreement_conditions = {
            status: with_agreements(status) for status in AgreementStatus.values
        }
        self.agreement_conditions[NO_AGREEMENT] = ~with_agreements()

    def filter_agreement(self, queryset, name, value: str):
        return queryset.filter(self.agreement_conditions[value])

    def filter_designation(self, queryset, name, value: str):
        self.designation_choices.load()
        return queryset.filter(self.designation_choices.conditions[value])

    def _facet(self, name: str, spec) -> Facet:
        if not isinstance(spec, ConditionFacet):
            return super()._facet(name, spec)
        if name == "designation":
            choices = self.designation_choices.load()
            conditions = self.designation_choices.conditions
        else:
            choices, conditions = AGREEMENT_CHOICES, self.agreement_conditions
        queryset = self.filter_queryset(self.queryset.all(), skip=name).order_by()
        counted = queryset.aggregate(
            **{
                f"n{index}": Count("pk", distinct=True, filter=conditions[value])
                for index, (value, _) in enumerate(choices)
            }
        )
        selected = self.selected_values(name)
        options = []
        for index, (value, label) in enumerate(choices):
            count = counted[f"n{index}"]
            shown = count and value not in self.designation_choices.redundant
            if value in selected or shown:
                options.append(FacetOption(str(value), str(label), count, value in selected))
        errors = list(self.form.errors.get(name, [])) if self.is_bound else []
        return Facet(name, str(self.filters[name].label), False, options, errors)

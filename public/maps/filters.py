"""The map's filters: those of /cities/, plus `as_of`, with the stance filter reading the stance
in force on that day."""

import datetime

import django_filters
from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from public.filter_errors import SHOWN_STANCE_CHOICE_ERROR
from public.listing import FacetSpec
from public.places.filters import JurisdictionFilter
from public.places.querysets import SHOWN_STANCE_CHOICES

from .areas import area_jurisdictions
from .stances import MAP_STANCE, with_stance_on

# No stance we record took effect before this; earlier dates are typing mistakes.
EARLIEST_AS_OF = datetime.date(1990, 1, 1)


class AsOfField(forms.DateField):
    """A YYYY-MM-DD date between EARLIEST_AS_OF and today, with messages a reader can act on."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    input_formats = ["%Y-%m-%d"]
    default_error_messages = {
        "invalid": "“%(value)s” is not a date. Give a real date as YYYY-MM-DD, e.g. 2019-06-21."
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs |= {"min": EARLIEST_AS_OF.isoformat(), "max": timezone.localdate().isoformat()}
        return attrs

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError as error:
            # The stock message has no %(value)s; name the text the reader typed.
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            ) from error

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        today = timezone.localdate()
        if value < EARLIEST_AS_OF:
            raise forms.ValidationError(
                _("The map starts on %(earliest)s; choose that day or a later one."),
                code="min_value",
                params={"earliest": EARLIEST_AS_OF.isoformat()},
            )
        if value > today:
            raise forms.ValidationError(
                _("%(value)s is in the future; choose today (%(today)s) or an earlier day."),
                code="max_value",
                params={"value": value.isoformat(), "today": today.isoformat()},
            )


class AsOfFilter(django_filters.DateFilter):
    """Chooses the day whose stances the map shows; MapFilter.filter_queryset applies it."""

    field_class = AsOfField

    def filter(self, qs, value):
        return qs


class MapFilter(JurisdictionFilter):
    """JurisdictionFilter with `as_of`; `stance` then means the stance in force that day.

    Every queryset it filters (the rows and each facet's counts) is first annotated with
    `map_stance`, so the stance filter and the stance facet read the same day's stances.
    """

    as_of = AsOfFilter(label=_("Stances as of"))
    stance = django_filters.MultipleChoiceFilter(
        field_name=MAP_STANCE,
        choices=SHOWN_STANCE_CHOICES,
        label=_("Stance"),
        distinct=False,
        error_messages={"invalid_choice": SHOWN_STANCE_CHOICE_ERROR},
    )
    facets = {**JurisdictionFilter.facets, "stance": FacetSpec(MAP_STANCE, show_zero=True)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        day = self.as_of_day()
        if day is not None:
            self.filters["stance"].label = gettext("Stance on %(day)s") % {"day": date_format(day)}

    def as_of_day(self) -> datetime.date | None:
        if not self.is_bound:
            return None
        self.form.is_valid()
        return getattr(self.form, "cleaned_data", {}).get("as_of")

    def filter_queryset(self, queryset, *, skip: str | None = None):
        queryset = with_stance_on(queryset, self.as_of_day())
        return super().filter_queryset(queryset, skip=skip)

    def areas(self):
        """The counties and states the map draws as areas, under the same filters and day."""
        self.form.is_valid()
        return self.filter_queryset(area_jurisdictions())

    def narrows(self) -> bool:
        """Whether a filter other than the day leaves places out (the map then draws every
        place it keeps, instead of the national view's largest few)."""
        return any(name != "as_of" for name, _, _ in self.active())

"""Filter errors in the words a reader sees: one reading for pages, downloads, feeds and GeoJSON."""

from dataclasses import dataclass

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cities.models import StanceLevel

STANCE_CHOICE_ERROR = format_lazy(
    _("“%(value)s” is not a stance. Use one of: {codes}."), codes=", ".join(StanceLevel.values)
)
# Places (lists, map, API) filter by the stance shown, "not_recorded" (no stance on record,
# public.places.querysets.NOT_RECORDED) included.
SHOWN_STANCE_CHOICE_ERROR = format_lazy(
    _("“%(value)s” is not a stance. Use one of: {codes}."),
    codes=", ".join([*StanceLevel.values, "not_recorded"]),
)
SORT_CHOICE_ERROR = _("“%(value)s” is not a way to sort this list.")


@dataclass(frozen=True)
class FilterError:
    field: str
    label: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"field": self.field, "label": self.label, "message": self.message}


def filter_errors(*forms) -> list[FilterError]:
    """Every error of the bound forms given (None and unbound forms are skipped), labelled."""
    errors = []
    for form in forms:
        if form is None or not form.is_bound:
            continue
        for name, messages in form.errors.items():
            field = form.fields.get(name)
            label = str((field.label if field else None) or name.capitalize())
            errors += [FilterError(name, label, str(message)) for message in messages]
    return errors


def filter_errors_text(errors: list[FilterError], *, refused: str) -> str:
    """Plain text for a refused download or feed: `refused` names what was refused."""
    lines = "".join(f"{error.label}: {error.message}\n" for error in errors)
    return f"The {refused} was refused because of these filter errors:\n{lines}"

"""Filling a jurisdiction's state, coordinates and population from the gazetteer place an editor
picks, on the server, so that it works without JavaScript (static/js/place-autofill.js does the
same in the browser as soon as the place is chosen)."""

from django import forms

# What a place gives a jurisdiction, by field name (the same on both models).
COPIED_FIELDS = ("state", "latitude", "longitude", "population")


def fill_from_place(cleaned_data: dict) -> list[str]:
    """Copy the chosen place's fields into `cleaned_data` where they are empty; return their names.

    Coordinates come as a pair: both are copied, or neither, so that a jurisdiction is never
    left with one coordinate from the editor and the other from the gazetteer.
    """
    place = cleaned_data.get("place")
    if place is None:
        return []
    filled = []
    if _empty(cleaned_data.get("latitude")) and _empty(cleaned_data.get("longitude")):
        cleaned_data["latitude"], cleaned_data["longitude"] = place.latitude, place.longitude
        filled += ["latitude", "longitude"]
    for name in ("state", "population"):
        if _empty(cleaned_data.get(name)) and getattr(place, name) not in (None, ""):
            cleaned_data[name] = getattr(place, name)
            filled.append(name)
    return filled


def _empty(value) -> bool:
    return value is None or value == ""


class PlaceAutofillMixin:
    """For the Jurisdiction ModelForm: a chosen place fills the empty state, coordinates and
    population.

    Put it first among the bases (`class JurisdictionForm(PlaceAutofillMixin, forms.ModelForm)`)
    so that the form's own clean() sees the filled state, e.g. to derive the slug. The state is
    optional on the form while a place can supply it; without either, the form says so.
    """

    place_state_required_message = "Give the state, or pick the place from the gazetteer."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "state" in self.fields and "place" in self.fields:
            self.fields["state"].required = False

    def clean(self):
        cleaned = super().clean()
        self.filled_from_place = fill_from_place(cleaned)
        if "state" in self.fields and _empty(cleaned.get("state")) and "state" not in self.errors:
            self.add_error("state", forms.ValidationError(self.place_state_required_message))
        return cleaned

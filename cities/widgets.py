"""Import widgets for the records of this app that other apps' files name."""

from tracker.imports.resources import LookupWidget

from .models import Agency


class AgencyWidget(LookupWidget):
    """An agency by its name within the row's jurisdiction (agency names repeat across cities)."""

    def __init__(self, **kwargs):
        super().__init__(
            Agency, "name", hint="Add it to the jurisdiction (or import agencies) first.", **kwargs
        )

    def get_lookup_kwargs(self, value, row, **kwargs):
        return {"name": value, "jurisdiction__slug": (row or {}).get("jurisdiction") or ""}

    def describe(self, value, row) -> str:
        where = (row or {}).get("jurisdiction") or "(no jurisdiction given)"
        return f"No agency named “{value}” in jurisdiction “{where}”."

"""What a list's filters have active: each value with its label, as removable chips, as words
for a title and as a download's file name."""

from django.db import models
from django.http import QueryDict
from django.utils.text import slugify
from django.utils.translation import gettext

from .filter_parts import Chip, SortFilter


class ActiveFilters:
    """For a filter set (it needs `form` and `filters`): its active filter values."""

    def active(self) -> list[tuple[str, str, str]]:
        """(filter name, value as in the address, label) of each active filter value."""
        if hasattr(self, "_active"):
            return self._active
        self.form.is_valid()
        result = []
        for name, value in self.form.cleaned_data.items():
            flt = self.filters[name]
            if isinstance(flt, SortFilter) or value in (None, "", [], ()):
                continue
            values = list(value) if isinstance(value, models.QuerySet | list | tuple) else [value]
            for item in values:
                result.append((name, self._raw(flt, item), self._label(flt, item)))
        self._active = result
        return result

    def selected_values(self, name: str) -> set[str]:
        return {raw for fname, raw, _ in self.active() if fname == name}

    def selected_labels(self, name: str) -> dict[str, str]:
        return {raw: label for fname, raw, label in self.active() if fname == name}

    @staticmethod
    def _raw(flt, item) -> str:
        if isinstance(item, models.Model):
            return str(getattr(item, flt.field.to_field_name or "pk"))
        if hasattr(item, "isoformat"):
            return item.isoformat()
        return str(item)

    @staticmethod
    def _label(flt, item) -> str:
        if isinstance(item, models.Model):
            return str(item)
        choices = flt.extra.get("choices")
        if choices:
            return str(dict(choices).get(item, item))
        if hasattr(item, "isoformat"):
            return item.isoformat()
        return str(item)

    def chips(self, query: QueryDict) -> list[Chip]:
        """One removable chip per active filter value; its link drops that value and the page."""
        chips = []
        for name, raw, label in self.active():
            remaining = query.copy()
            remaining.pop("page", None)
            values = [v for v in query.getlist(name) if v != raw]
            remaining.setlist(name, values) if values else remaining.pop(name, None)
            chips.append(Chip(str(self.filters[name].label), label, "?" + remaining.urlencode()))
        return chips

    def file_stem(self) -> str:
        """`city-chicago-il-stance-refuses`: the active filters, for a download's file name."""
        parts = []
        for name, raw, _ in self.active():
            piece = slugify(raw)[:40]
            if parts and parts[-2:-1] == [name]:
                parts[-1] += f"-{piece}"
            else:
                parts += [name, piece]
        return "-".join(slugify(p) for p in parts)[:120].strip("-")

    def describe(self) -> str:
        """ "City: Chicago, IL; Stance: Refuses cooperation" for titles and feeds."""
        grouped: dict[str, list[str]] = {}
        for name, _, label in self.active():
            grouped.setdefault(str(self.filters[name].label), []).append(label)
        either = f" {gettext('or')} "
        return "; ".join(f"{k}: {either.join(v)}" for k, v in grouped.items())

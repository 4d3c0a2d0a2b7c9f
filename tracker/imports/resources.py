"""The resource every import and export builds on, and the widgets its columns share.

Rows that pass the upload's checks (readers.py) go through a resource in one transaction: one
bad row imports nothing. Each row is validated as the admin's forms validate a record: the
model's fields, then its constraints, whose messages (`violation_error_message`) are the ones an
editor reads; a resource adds in `check_row` only what no constraint can say.
"""

import datetime

from django.core.exceptions import MultipleObjectsReturned, ValidationError
from import_export import resources, widgets
from import_export.fields import Field
from import_export.results import RowResult

from tracker.spreadsheet import FORMULA_TRIGGERS, neutralise

from .readers import is_blank

# Widgets --------------------------------------------------------------------------------------


class LookupWidget(widgets.ForeignKeyWidget):
    """A related record named by a natural key; an unknown key is an error on this column."""

    def __init__(self, model, field, *, noun=None, hint="", **kwargs):
        super().__init__(model, field=field, **kwargs)
        self.noun = noun or model._meta.verbose_name
        self.hint = hint
        # A file names the same few jurisdictions and officials on many rows: each is looked up
        # once per import (a resource copies its fields and their widgets, so this lives for one).
        self.found = {}

    def describe(self, value, row) -> str:
        return f"No {self.noun} with {self.field} “{value}”."

    def get_instance_by_lookup_fields(self, value, row, **kwargs):
        lookup = self.get_lookup_kwargs(value, row, **kwargs)
        key = tuple(sorted(lookup.items()))
        if key not in self.found:
            self.found[key] = self.get_queryset(value, row, **kwargs).get(**lookup)
        return self.found[key]

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        try:
            return super().clean(str(value).strip(), row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(f"{self.describe(value, row)} {self.hint}".strip()) from None
        except MultipleObjectsReturned:
            raise ValueError(f"More than one {self.noun} matches “{value}”.") from None


class ChoiceWidget(widgets.CharWidget):
    """A TextChoices field: the code (`press_statement`) or its label (`Press statement`)."""

    def __init__(self, choices, default=""):
        super().__init__()
        self.choices = list(choices)
        self.default = default

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return self.default
        for code, label in self.choices:
            if text.lower() in (str(code).lower(), str(label).lower()):
                return code
        codes = ", ".join(str(code) for code, _ in self.choices)
        raise ValueError(f"“{text}” is not one of: {codes}.")


class DateWidget(widgets.DateWidget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        try:
            return super().clean(value, row, **kwargs)
        except ValueError:
            raise ValueError(
                f"“{value}” is not a date: write it as YYYY-MM-DD, e.g. 2025-01-31."
            ) from None

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class TextWidget(widgets.CharWidget):
    """Text; an empty cell is empty text, and a spreadsheet's 17031.0 is the text 17031."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super().clean(value, row, **kwargs)


def text(name: str) -> Field:
    return Field(name, name, widget=TextWidget())


class IntegerWidget(widgets.IntegerWidget):
    """Exported as a number, so that a spreadsheet sums it and no formula guard touches it."""

    def __init__(self, coerce_to_string=False):
        super().__init__(coerce_to_string=coerce_to_string)

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except (ValueError, ArithmeticError):
            raise ValueError(f"“{value}” is not a whole number.") from None


class FloatWidget(widgets.FloatWidget):
    def __init__(self, coerce_to_string=False):
        super().__init__(coerce_to_string=coerce_to_string)

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except ValueError:
            raise ValueError(f"“{value}” is not a number.") from None


class ManyToManyField(Field):
    """A many-to-many column; an unsaved record has no related rows yet (nor a readable repr)."""

    def get_value(self, instance):
        return None if instance.pk is None else super().get_value(instance)


# Resources ------------------------------------------------------------------------------------


class TrackerResource(resources.ModelResource):
    """Column checks, friendly row errors, formula-safe cells and per-row warnings.

    Subclasses name `required_columns` and `required_one_of` (checked before any row is read),
    and may add row errors in `check_row(instance, errors)` and warnings in
    `row_warnings(instance, row)`.
    """

    required_columns: tuple[str, ...] = ()
    required_one_of: tuple[tuple[str, ...], ...] = ()
    # Columns the resource fills in when a file leaves them out (natural keys derived on import).
    implied_columns: tuple[str, ...] = ()

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.user = kwargs.get("user")
        self.warnings = {}
        for column in self.implied_columns:
            if column not in dataset.headers:
                dataset.append_col([""] * len(dataset), header=column)

    def import_row(self, row, instance_loader, **kwargs):
        if is_blank(row.values()):
            skipped = self.get_row_result_class()()
            skipped.import_type = RowResult.IMPORT_TYPE_SKIP
            return skipped
        return super().import_row(row, instance_loader, **kwargs)

    def before_import_row(self, row, **kwargs):
        # Trim cells, and undo the quote that an export puts before a would-be formula, so that
        # a round trip keeps the text as it was.
        for column, value in row.items():
            if isinstance(value, str):
                value = value.strip()
                if value[:1] == "'" and value[1:2] and value[1] in FORMULA_TRIGGERS:
                    value = value[1:]
                row[column] = value

    def get_instance(self, instance_loader, row):
        # An unknown natural key is reported on its column by import_instance, not as a crash.
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # Many-to-many cells are saved after the row; check them now so they fail on their column.
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = ValidationError(str(error))
        if errors:
            raise ValidationError(errors)
        self.warnings[kwargs["row_number"]] = self.row_warnings(instance, row, **kwargs)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The row's fields, then the model's constraints, as the admin's forms check them.

        A constraint is skipped only when one of its fields already has an error. Related records
        set on this row were just looked up, so their fields are not queried again; constraints
        on them still are checked (a source cited in itself, a jurisdiction within itself).
        """
        errors = dict(import_validation_errors or {})
        self.check_row(instance, errors)
        looked_up = [
            field.name
            for field in instance._meta.concrete_fields
            if field.is_relation and getattr(instance, field.attname) is not None
        ]
        try:
            instance.full_clean(
                exclude=[*errors, *looked_up],
                validate_unique=validate_unique,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            instance.validate_constraints(exclude={*errors} - {"__all__"})
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def check_row(self, instance, errors: dict) -> None:
        """Add {column: message} for what no constraint of the model can say (say, that an
        import changes drafts only)."""

    def row_warnings(self, instance, row, **kwargs) -> list[str]:
        return []

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        row_result.number = kwargs.get("row_number")
        row_result.warnings = self.warnings.get(row_result.number, [])

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        result.warnings = sorted((n, w) for n, w in self.warnings.items() if w)

    def export_resource(self, instance, selected_fields=None, **kwargs):
        # A cell a spreadsheet would run as a formula is exported with a quote before it.
        values = super().export_resource(instance, selected_fields, **kwargs)
        return [neutralise(value) for value in values]

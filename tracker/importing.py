"""Bulk import and export in the admin, shared by every resource (django-import-export).

What an editor uploads is checked before any row is read into the database: its size, its
encoding, that an .xlsx is a workbook, its row count and its columns. Each refusal is a form
error that says what to do. Rows that pass go through the resources in cities/resources.py and
statements/resources.py, in one transaction: one bad row imports nothing. docs/import.md is the
editor's guide to the columns and the rules.
"""

import csv
import datetime
import io
import re
import zipfile

import tablib
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import MultipleObjectsReturned, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from import_export import resources, widgets
from import_export.admin import ImportExportMixin
from import_export.fields import Field
from import_export.formats import base_formats
from import_export.forms import ExportForm, ImportForm
from import_export.results import RowResult
from import_export.tmp_storages import TempFolderStorage

from tracker.spreadsheet import FORMULA_TRIGGERS, neutralise

MAX_ROWS = getattr(settings, "IMPORT_MAX_ROWS", 1_000)
MAX_FILE_SIZE = getattr(settings, "IMPORT_MAX_FILE_SIZE", 5 * 1024 * 1024)
# An .xlsx is a zip: refuse one that would expand to far more than any real sheet of MAX_ROWS.
MAX_XLSX_EXPANDED_SIZE = getattr(settings, "IMPORT_MAX_XLSX_EXPANDED_SIZE", 100 * 1024 * 1024)
SAVE_AS_UTF8 = (
    "Save it as “CSV UTF-8” (in Excel: File › Save As › CSV UTF-8; in LibreOffice: "
    "Save As › Text CSV with the character set Unicode (UTF-8)) and upload it again."
)


class UploadRefused(Exception):
    """An upload that cannot be imported at all; the message tells the editor why and what to do."""


def normalise_header(value) -> str:
    """`Said on ` and `said_on` name the same column."""
    return re.sub(r"\s+", "_", str(value if value is not None else "").strip().lower())


def _blank(values) -> bool:
    return all(value is None or str(value).strip() == "" for value in values)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


# Reading files --------------------------------------------------------------------------------


def csv_rows(data: bytes):
    """Yield the rows of a UTF-8 CSV file, refusing binary files and other encodings."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UploadRefused(f"This file is saved as UTF-16 text, not UTF-8. {SAVE_AS_UTF8}")
    if data.startswith(b"PK\x03\x04"):
        raise UploadRefused(
            "This file is a zip archive or an Excel workbook, not CSV text. For an .xlsx "
            "workbook choose the XLSX format."
        )
    if b"\x00" in data[:8192]:
        raise UploadRefused(
            "This file is not CSV text (it holds binary data). Choose the format that matches "
            "the file, or save it as CSV UTF-8."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UploadRefused(
            f"This file is not UTF-8 text: byte 0x{data[error.start]:02x} on line {line} is not "
            f"valid UTF-8 (the file was probably saved as Latin-1 or Windows-1252, and its "
            f"accented letters would come out garbled). {SAVE_AS_UTF8}"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        yield from reader
    except csv.Error as error:
        raise UploadRefused(
            f"Line {reader.line_num} could not be read as CSV ({error}). Save the file as CSV "
            "UTF-8 from a spreadsheet and upload it again."
        ) from None


def xlsx_rows(data: bytes):
    """Yield the rows of the first sheet of an .xlsx workbook, values only, streaming."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UploadRefused(
            "This is an old Excel 97–2003 (.xls) file. Save it as an Excel Workbook (.xlsx) "
            "or as CSV UTF-8 and upload it again."
        )
    not_a_workbook = UploadRefused(
        "This file is not an Excel workbook (.xlsx): it could not be opened as one (is it a "
        "text or CSV file renamed to .xlsx?). Save it from Excel or LibreOffice as an Excel "
        "Workbook (.xlsx), or upload it as CSV."
    )
    if not data.startswith(b"PK\x03\x04"):
        raise not_a_workbook
    try:
        expanded = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except zipfile.BadZipFile:
        raise not_a_workbook from None
    if expanded > MAX_XLSX_EXPANDED_SIZE:
        raise UploadRefused(
            f"This workbook expands to {_megabytes(expanded)}, more than the "
            f"{_megabytes(MAX_XLSX_EXPANDED_SIZE)} an import reads. Split it into smaller files."
        )
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise not_a_workbook from None
    try:
        yield from book.active.iter_rows(values_only=True)
    except Exception:
        raise not_a_workbook from None
    finally:
        book.close()


def trimmed_headers(row) -> list:
    """The header row without the empty cells a spreadsheet leaves after the last column."""
    headers = list(row or [])
    while headers and (headers[-1] is None or str(headers[-1]).strip() == ""):
        headers.pop()
    return headers


def build_dataset(rows) -> tablib.Dataset:
    """A dataset with normalised headers, short rows padded, trailing blank rows dropped.

    Blank rows in the middle stay, so that row numbers match the spreadsheet's; the resource
    skips them.
    """
    rows = iter(rows)
    headers = trimmed_headers(next(rows, None))
    width = len(headers)
    dataset = tablib.Dataset(headers=[normalise_header(h) for h in headers])
    pending_blank = []
    for row in rows:
        values = list(row)[:width]
        values += [None] * (width - len(values))
        if _blank(values):
            pending_blank.append(values)
            continue
        for blank in pending_blank:
            dataset.append(blank)
        pending_blank = []
        dataset.append(values)
    return dataset


class CSVFormat(base_formats.CSV):
    def create_dataset(self, in_stream):
        if isinstance(in_stream, str):
            in_stream = in_stream.encode("utf-8")
        return build_dataset(csv_rows(in_stream))


class XLSXFormat(base_formats.XLSX):
    def create_dataset(self, in_stream):
        return build_dataset(xlsx_rows(in_stream))


FORMATS = [CSVFormat, XLSXFormat]


def inspect_upload(data: bytes, file_format, resource_class) -> None:
    """Refuse a file that cannot be imported, reading at most MAX_ROWS + 1 rows of it.

    Raises UploadRefused with a message for the editor: empty, unreadable, too many rows,
    ragged rows, missing, unknown, repeated or unnamed columns.
    """
    if not data:
        raise UploadRefused("The file is empty.")
    reader = xlsx_rows if issubclass(file_format, base_formats.XLSX) else csv_rows
    rows = reader(data)
    first = next(rows, None)
    headers = trimmed_headers(first)
    if not headers:
        raise UploadRefused(
            "The file is empty: its first row should name the columns (see the list below)."
        )
    records = 0
    for line, row in enumerate(rows, start=2):
        if _blank(row):
            continue
        extra = [v for v in list(row)[len(headers) :] if v is not None and str(v).strip()]
        if extra:
            raise UploadRefused(
                f"Row {line} has more cells than the header row has columns ({len(headers)}). "
                "Give every column a name in the first row, or remove the extra cells."
            )
        records += 1
        if records > MAX_ROWS:
            raise UploadRefused(
                f"This file has more than {MAX_ROWS:,} rows; an import takes at most "
                f"{MAX_ROWS:,}. Split it into files of {MAX_ROWS:,} rows or fewer."
            )
    if records == 0:
        raise UploadRefused("The file has a header row but no records under it.")
    check_columns([normalise_header(h) for h in headers], resource_class)


def check_columns(headers: list[str], resource_class) -> None:
    resource = resource_class()
    known = [field.column_name for field in resource.get_export_fields()]
    problems = []
    unnamed = [str(i) for i, header in enumerate(headers, start=1) if not header]
    if unnamed:
        problems.append(f"Column(s) {', '.join(unnamed)} have no name in the header row.")
    repeated = sorted({h for h in headers if h and headers.count(h) > 1})
    if repeated:
        problems.append(f"Column(s) named more than once: {', '.join(repeated)}.")
    unknown = [h for h in headers if h and h not in known]
    if unknown:
        problems.append(f"Unknown column(s): {', '.join(unknown)}.")
    missing = [c for c in resource_class.required_columns if c not in headers]
    if missing:
        problems.append(f"Missing column(s): {', '.join(missing)}.")
    for group in resource_class.required_one_of:
        if not any(c in headers for c in group):
            problems.append(f"Give at least one of the columns {' or '.join(group)}.")
    if problems:
        name = resource_class.get_display_name()
        raise UploadRefused(
            " ".join(problems) + f" The columns for {name} are: {', '.join(known)}."
        )


# Forms and admin ------------------------------------------------------------------------------


class TrackerImportForm(ImportForm):
    """The upload step: refuses, with a message, any file that cannot be imported."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formats, self.resources = formats, resources
        self.fields["import_file"].help_text = (
            f"CSV (UTF-8) or Excel .xlsx, at most {_megabytes(MAX_FILE_SIZE)} and "
            f"{MAX_ROWS:,} rows. The first row names the columns."
        )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is None or self.has_error("format"):
            return cleaned
        if upload.size > MAX_FILE_SIZE:
            self.add_error(
                "import_file",
                f"The file is {_megabytes(upload.size)}; an import takes at most "
                f"{_megabytes(MAX_FILE_SIZE)}. Split it into smaller files.",
            )
            return cleaned
        try:
            file_format = self.formats[int(cleaned["format"])]
            resource_class = self.resources[int(cleaned.get("resource") or 0)]
        except (ValueError, IndexError, KeyError):
            self.add_error("format", "Choose CSV or XLSX.")
            return cleaned
        data = b"".join(upload.chunks())
        upload.seek(0)
        try:
            inspect_upload(data, file_format, resource_class)
        except UploadRefused as refusal:
            self.add_error("import_file", str(refusal))
        return cleaned


class TrackerImportExportMixin(ImportExportMixin):
    """Import (preview, then confirm) and export in CSV and XLSX, all or nothing.

    Importing needs the model's add and change permissions; exporting needs view.
    """

    import_form_class = TrackerImportForm
    export_form_class = ExportForm
    import_template_name = "admin/import_export/tracker_import.html"
    import_formats = FORMATS
    export_formats = FORMATS

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context["import_max_rows"] = MAX_ROWS
        context["import_max_size"] = _megabytes(MAX_FILE_SIZE)
        return context

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        form = context.get("form")
        if request.method == "POST" and form is not None and form.errors:
            response.status_code = 400
        result = context.get("result")
        if result is not None and "confirm_form" not in context:
            # A preview with errors cannot be confirmed: drop the stored upload now.
            stored = getattr(form.cleaned_data.get("import_file"), "tmp_storage_name", None)
            if stored:
                TempFolderStorage(name=stored).remove()
        return response

    def process_import(self, request, **kwargs):
        try:
            index = int(request.POST.get("format", ""))
            self.get_import_formats()[index]
        except (ValueError, IndexError):
            return self._import_again(request, "The import form was incomplete. Upload again.")
        try:
            return super().process_import(request, **kwargs)
        except FileNotFoundError:
            return self._import_again(
                request,
                "The uploaded file is no longer here: it was imported already, or the "
                "preview is too old. Nothing was imported now; upload the file again.",
            )

    def _import_again(self, request, message):
        messages.error(request, message)
        app_label, model_name = self.get_model_info()
        url = reverse(f"admin:{app_label}_{model_name}_import", current_app=self.admin_site.name)
        return HttpResponseRedirect(url)

    def process_dataset(self, dataset, form, request, **kwargs):
        # The confirmed import must be as strict as its preview: any invalid row rolls back all.
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().process_dataset(dataset, form, request, **kwargs)

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The records changed between the preview and the confirmation.
            form = self.get_import_form_class(request)(
                self.get_import_formats(), self.get_import_resource_classes(request)
            )
            context = {
                **self.admin_site.each_context(request),
                **self.get_import_context_data(),
                "title": "Import",
                "form": form,
                "opts": self.model._meta,
                "media": self.media + form.media,
                "result": result,
                "import_error_display": self.import_error_display,
                "nothing_imported": True,
            }
            request.current_app = self.admin_site.name
            return TemplateResponse(request, [self.import_template_name], context, status=409)
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        super().add_success_message(result, request)
        if getattr(result, "drafts_only", False):
            messages.info(
                request,
                f"Every imported {self.model._meta.verbose_name} is a draft: review and "
                "publish them from the list.",
            )
        flagged = [number for number, warnings in getattr(result, "warnings", []) if warnings]
        if flagged:
            messages.warning(
                request,
                f"{len(flagged)} imported row(s) were flagged in the preview (rows "
                f"{', '.join(str(n + 1) for n in flagged[:20])}): check them for duplicates.",
            )


# Widgets --------------------------------------------------------------------------------------


class LookupWidget(widgets.ForeignKeyWidget):
    """A related record named by a natural key; an unknown key is an error on this column."""

    def __init__(self, model, field, *, noun=None, hint="", **kwargs):
        super().__init__(model, field=field, **kwargs)
        self.noun = noun or model._meta.verbose_name
        self.hint = hint

    def describe(self, value, row) -> str:
        return f"No {self.noun} with {self.field} “{value}”."

    def get_instance_by_lookup_fields(self, value, row, **kwargs):
        # A file names the same few jurisdictions and officials on many rows: look each up once
        # per import (the resource copies its widgets, so the cache lives for one import).
        lookup = self.get_lookup_kwargs(value, row, **kwargs)
        key = tuple(sorted(lookup.items()))
        cache = self.__dict__.setdefault("found", {})
        if key not in cache:
            cache[key] = self.get_queryset(value, row, **kwargs).get(**lookup)
        return cache[key]

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        try:
            return super().clean(str(value).strip(), row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(f"{self.describe(value, row)} {self.hint}".strip()) from None
        except MultipleObjectsReturned:
            raise ValueError(f"More than one {self.noun} matches “{value}”.") from None


class AgencyWidget(LookupWidget):
    """An agency by its name within the row's jurisdiction (agency names repeat across cities)."""

    def __init__(self, **kwargs):
        from cities.models import Agency

        super().__init__(
            Agency, "name", hint="Add it to the jurisdiction (or import agencies) first.", **kwargs
        )

    def get_lookup_kwargs(self, value, row, **kwargs):
        return {"name": value, "jurisdiction__slug": (row or {}).get("jurisdiction") or ""}

    def describe(self, value, row) -> str:
        where = (row or {}).get("jurisdiction") or "(no jurisdiction given)"
        return f"No agency named “{value}” in jurisdiction “{where}”."


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
        if _blank(row.values()):
            skipped = self.get_row_result_class()()
            skipped.import_type = RowResult.IMPORT_TYPE_SKIP
            return skipped
        return super().import_row(row, instance_loader, **kwargs)

    def before_import_row(self, row, **kwargs):
        # Trim cells, and undo the quote that an export puts before a would-be formula.
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

    # Statements and stances say in check_row what their check constraints would refuse, which
    # saves a query per constraint per row; unique constraints are always checked.
    check_constraints_per_row = True

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        self.check_row(instance, errors)
        # A related record set on this row was just looked up: no need to query it again.
        looked_up = [
            field.name
            for field in instance._meta.concrete_fields
            if field.is_relation and getattr(instance, field.attname) is not None
        ]
        try:
            instance.full_clean(
                exclude=[*errors, *looked_up],
                validate_unique=validate_unique,
                validate_constraints=self.check_constraints_per_row,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def check_row(self, instance, errors: dict) -> None:
        """Add {column: message} for what the database would refuse, said plainly."""

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

"""Import (upload, preview, confirm) and export in the admin, over django-import-export.

The upload form refuses, with a message and a 400, any file that cannot be imported, before a
row reaches the database (readers.py). A preview with errors cannot be confirmed; a confirmation
imports all rows or none, and names only an upload this session was given (uploads.py).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from import_export.admin import ImportExportMixin
from import_export.forms import ExportForm, ImportForm

from . import uploads
from .readers import FORMATS, Limits, UploadRefused, inspect_upload, megabytes


class TrackerImportForm(ImportForm):
    """The upload step: refuses, with a message, any file that cannot be imported."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formats, self.resources = formats, resources
        self.limits = Limits.current()
        self.fields["import_file"].help_text = (
            f"CSV (UTF-8) or Excel .xlsx, at most {megabytes(self.limits.file_size)} and "
            f"{self.limits.rows:,} rows. The first row names the columns."
        )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is None or self.has_error("format"):
            return cleaned
        if upload.size > self.limits.file_size:
            self.add_error(
                "import_file",
                f"The file is {megabytes(upload.size)}; an import takes at most "
                f"{megabytes(self.limits.file_size)}. Split it into smaller files.",
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
            inspect_upload(data, file_format, resource_class, self.limits)
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
    tmp_storage_class = uploads.UploadStore

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        limits = Limits.current()
        context["import_max_rows"] = limits.rows
        context["import_max_size"] = megabytes(limits.file_size)
        return context

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        form = context.get("form")
        if request.method != "POST" or form is None:
            return response
        if form.errors:
            response.status_code = 400
        stored = getattr(
            getattr(form, "cleaned_data", {}).get("import_file"), "tmp_storage_name", None
        )
        if stored is None:
            return response
        if "confirm_form" in context:
            uploads.remember(request, stored)
        else:
            # A preview with errors (or a file that failed to read) cannot be confirmed.
            uploads.discard(stored)
        return response

    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        try:
            index = int(request.POST.get("format", ""))
            self.get_import_formats()[index]
        except (ValueError, IndexError):
            return self._import_again(request, "The import form was incomplete. Upload again.")
        if not uploads.was_given(request, request.POST.get("import_file_name")):
            messages.error(
                request,
                "This confirmation names no upload previewed in this session, so nothing was "
                "imported. Upload the file again.",
            )
            return self._import_page(request, status=400)
        try:
            return super().process_import(request, **kwargs)
        except FileNotFoundError:
            return self._import_again(
                request,
                "The uploaded file is no longer here: it was imported already, or the "
                "preview is too old. Nothing was imported now; upload the file again.",
            )
        except UploadRefused as refusal:
            return self._import_again(request, f"{refusal} Nothing was imported.")

    def _import_again(self, request, message):
        messages.error(request, message)
        app_label, model_name = self.get_model_info()
        url = reverse(f"admin:{app_label}_{model_name}_import", current_app=self.admin_site.name)
        return HttpResponseRedirect(url)

    def _import_page(self, request, *, status: int, **extra) -> TemplateResponse:
        """The upload page, empty, with `extra` in its context (a result, a note)."""
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
            **extra,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context, status=status)

    def process_dataset(self, dataset, form, request, **kwargs):
        # The confirmed import must be as strict as its preview: any invalid row rolls back all.
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().process_dataset(dataset, form, request, **kwargs)

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The records changed between the preview and the confirmation.
            return self._import_page(
                request,
                status=409,
                result=result,
                import_error_display=self.import_error_display,
                nothing_imported=True,
            )
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

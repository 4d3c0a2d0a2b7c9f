"""Helpers for driving the admin's import (upload, preview, confirm) and export as an editor."""

import csv
import io

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

CSV, XLSX = "0", "1"  # the import form's format choices, in tracker.imports.readers.FORMATS order


def csv_file(rows, *, encoding="utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_file(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class Importer:
    """An editor's browser on the import pages of one admin."""

    def __init__(self, client, model: str):
        self.client = client
        self.model = model

    def url(self, view: str) -> str:
        return reverse(f"admin:{self.model}_{view}")

    def upload(self, content: bytes, *, name="records.csv", file_format=CSV):
        return self.client.post(
            self.url("import"),
            {"format": file_format, "import_file": SimpleUploadedFile(name, content)},
        )

    def confirm(self, preview):
        form = preview.context["confirm_form"]
        assert form is not None, "the preview offered no confirmation"
        return self.client.post(self.url("process_import"), form.initial, follow=True)

    def import_rows(self, rows, **kwargs):
        """Upload and confirm; returns (preview, confirmation)."""
        preview = self.upload(csv_file(rows), **kwargs)
        assert "confirm_form" in preview.context, page_errors(preview)
        return preview, self.confirm(preview)

    def export(self, file_format=CSV):
        response = self.client.post(self.url("export"), {"format": file_format})
        assert response.status_code == 200, response.content[:500]
        return response


def page_errors(response) -> str:
    form = response.context.get("form") if response.context else None
    result = response.context.get("result") if response.context else None
    parts = [str(form.errors) if form is not None else ""]
    if result is not None:
        parts += [str(row.error_dict) for row in result.invalid_rows]
        parts += [str(e.error) for e in result.base_errors]
        parts += [str(e.error) for _, errors in result.row_errors() for e in errors]
    return " ".join(parts)


def exported_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def importer(editor_client):
    return lambda model: Importer(editor_client, model)


@pytest.fixture
def contributor_client(client, django_user_model):
    user = django_user_model.objects.create_user(
        username="contributor", password="a-long-contributor-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Contributors"))
    client.force_login(user)
    client.user = user
    return client

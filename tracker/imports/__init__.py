"""Bulk import and export in the admin (django-import-export), shared by every data app.

readers: what an upload may be (CSV or XLSX, its size, rows and columns) and how it is read,
bounded before the work is done; workbook: an .xlsx measured, then read. admin: the upload form
and `TrackerImportExportMixin`; uploads: the files waiting for a confirmation. resources:
`TrackerResource` and the shared widgets. docs/import.md is the editors' guide.
"""

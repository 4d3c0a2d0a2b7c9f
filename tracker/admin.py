"""The core's admin pages: pending changes for editors to review, and the guarded user admin."""

from . import admin_pending, admin_users  # noqa: F401  (each registers its admin classes)

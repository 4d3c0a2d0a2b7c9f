"""The newsroom's roles, as permission groups kept in step with the models.

Migration 0006 creates the groups; this runs after every migrate (and after a test database is
flushed) so that a model added later, or a group emptied by mistake, gets its permissions back.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from .apps import DATA_APPS

# Importing the module defines PendingChange: TrackerConfig.ready() imports this one.
from .pending import REVIEW_PERMISSION

PUBLISH_CODENAMES = ("publish_statement", "publish_stance")
REVIEW_CODENAME = REVIEW_PERMISSION.split(".")[1]


def role_permissions() -> dict[str, Q]:
    curated = Q(content_type__app_label__in=DATA_APPS)
    pending = Q(content_type__app_label="tracker", content_type__model="pendingchange")
    # Everyone sees proposals (contributors only their own: PendingChangeAdmin); reviewing them
    # is what lets a save be written at once.
    see_proposals = pending & Q(codename="view_pendingchange")
    review = pending & Q(codename__in=["view_pendingchange", REVIEW_CODENAME])
    return {
        # Contributors create and edit drafts and propose changes to everything else; they
        # neither publish, nor approve, nor delete.
        "Contributors": (
            curated & ~Q(codename__in=PUBLISH_CODENAMES) & ~Q(codename__startswith="delete_")
        )
        | see_proposals,
        "Editors": curated | review,
        "Administrators": curated | review | Q(content_type__app_label="auth"),
    }


def sync_newsroom_roles(*, app_config=None, **kwargs) -> None:
    """Give each role its permissions; runs after each data app's permissions are created."""
    if app_config is not None and app_config.label not in DATA_APPS:
        return
    for name, permissions in role_permissions().items():
        group, created = Group.objects.get_or_create(name=name)
        wanted = set(Permission.objects.filter(permissions).values_list("pk", flat=True))
        if created or set(group.permissions.values_list("pk", flat=True)) != wanted:
            group.permissions.set(wanted)

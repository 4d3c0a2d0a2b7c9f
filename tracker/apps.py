from django.apps import AppConfig
from django.db.models.signals import post_migrate

# The apps whose records are curated, in the order their tables depend on each other: backups,
# roles, the page cache and the demo generator all read this one list.
DATA_APPS = ("cities", "statements", "federal")


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Sanctuary Tracker"

    def ready(self):
        from .page_tags import connect_signals
        from .roles import sync_newsroom_roles

        connect_signals()
        post_migrate.connect(sync_newsroom_roles, dispatch_uid="sync-newsroom-roles")

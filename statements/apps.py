from django.apps import AppConfig
from django.db.models.signals import post_migrate


class StatementsConfig(AppConfig):
    name = "statements"
    verbose_name = "Statements, stances and sources"

    def ready(self):
        from .roles import sync_newsroom_roles

        post_migrate.connect(sync_newsroom_roles, sender=self, dispatch_uid="sync-newsroom-roles")

from django.apps import AppConfig


class StatementsConfig(AppConfig):
    name = "statements"
    verbose_name = "Statements, stances and sources"

    def ready(self):
        from django.db.models.signals import post_migrate, pre_delete, pre_migrate

        from .querysets import refuse_erasing
        from .search import sqlite_after_migrate, sqlite_before_migrate

        # Published claims are retracted, never erased, whichever way a deletion comes.
        for model in ("Statement", "Stance", "Source"):
            pre_delete.connect(
                refuse_erasing, sender=self.get_model(model), dispatch_uid=f"refuse-erasing-{model}"
            )
        # The SQLite search index's triggers stand aside while migrations run (statements/search.py).
        pre_migrate.connect(
            sqlite_before_migrate, sender=self, dispatch_uid="statements-search-before-migrate"
        )
        post_migrate.connect(
            sqlite_after_migrate, sender=self, dispatch_uid="statements-search-after-migrate"
        )

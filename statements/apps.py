from django.apps import AppConfig


class StatementsConfig(AppConfig):
    name = "statements"
    verbose_name = "Statements, stances and sources"

    def ready(self):
        from django.db.models.signals import pre_delete

        from .querysets import refuse_erasing

        # Published claims are retracted, never erased, whichever way a deletion comes.
        for model in ("Statement", "Stance", "Source"):
            pre_delete.connect(
                refuse_erasing, sender=self.get_model(model), dispatch_uid=f"refuse-erasing-{model}"
            )

from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Sanctuary Tracker"

    def ready(self):
        from .cache import connect_signals

        connect_signals()

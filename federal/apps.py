from django.apps import AppConfig


class FederalConfig(AppConfig):
    name = "federal"
    verbose_name = "Federal lists: 287(g) agreements and designations"

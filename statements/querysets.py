from django.db import models
from django.db.models import Q


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status="published")


class StatementQuerySet(PublishedQuerySet):
    def for_list(self):
        """Published statements with speaker, agency, jurisdiction and event joined: one query."""
        return self.published().select_related("official", "agency", "jurisdiction", "event")


class StanceQuerySet(PublishedQuerySet):
    def current(self):
        return self.filter(ended_on__isnull=True)

    def in_force_on(self, day):
        """Stances in force on `day`: started on or before it and not yet ended (end is exclusive)."""
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day), effective_from__lte=day)


class SourceQuerySet(models.QuerySet):
    pass


class EventQuerySet(models.QuerySet):
    pass

from django.db import models
from django.db.models import Q


class JurisdictionQuerySet(models.QuerySet):
    def with_stance(self, level):
        return self.filter(stance_level=level)


class OfficialQuerySet(models.QuerySet):
    pass


class RoleQuerySet(models.QuerySet):
    def held_on(self, day):
        """Roles in force on `day`; open-ended dates count as in force."""
        return self.filter(
            Q(started_on__isnull=True) | Q(started_on__lte=day),
            Q(ended_on__isnull=True) | Q(ended_on__gte=day),
        )

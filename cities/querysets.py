from django.db import models
from django.db.models import Count, Max, Q


class JurisdictionQuerySet(models.QuerySet):
    def with_stance(self, level):
        return self.filter(stance_level=level)

    def with_statement_stats(self):
        """Annotate `latest_statement_on` and `statement_count`, over published statements only.

        Both are aggregates in the same query as the jurisdictions; `distinct` keeps the count
        right when a filter joins another to-many relation (e.g. the events that target a place).
        """
        published = Q(statements__status="published")
        return self.annotate(
            latest_statement_on=Max("statements__said_on", filter=published),
            statement_count=Count("statements", filter=published, distinct=True),
        )

    def for_list(self):
        """Jurisdictions with their statement stats, for /cities/ and its downloads: one query."""
        return self.with_statement_stats()

    def stance_counts(self) -> dict[str, int]:
        """{stance level: number of jurisdictions} over the current stances: one query."""
        rows = self.order_by().values("stance_level").annotate(n=Count("pk"))
        return {row["stance_level"]: row["n"] for row in rows}


class OfficialQuerySet(models.QuerySet):
    pass


class RoleQuerySet(models.QuerySet):
    def held_on(self, day):
        """Roles in force on `day`; open-ended dates count as in force."""
        return self.filter(
            Q(started_on__isnull=True) | Q(started_on__lte=day),
            Q(ended_on__isnull=True) | Q(ended_on__gte=day),
        )

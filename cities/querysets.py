from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from tracker.models import Status


class JurisdictionQuerySet(models.QuerySet):
    def with_stance(self, level):
        return self.filter(stance_level=level)

    def with_statement_stats(self):
        """Annotate `latest_statement_on` and `statement_count`, over published statements only.

        Both are correlated subqueries in the same query as the jurisdictions, each answered from
        the (jurisdiction, status, said_on) index. Unlike a join and GROUP BY they are computed
        only for the rows a page shows (PostgreSQL evaluates them after the sort and LIMIT when
        the sort does not need them), and a filter joining a to-many relation cannot inflate them.
        """
        statements = self.model._meta.get_field("statements").related_model
        published = statements._base_manager.filter(
            jurisdiction=OuterRef("pk"), status=Status.PUBLISHED
        ).order_by()
        latest = published.order_by("-said_on").values("said_on")[:1]
        count = published.values("jurisdiction").annotate(n=Count("pk")).values("n")
        return self.annotate(
            latest_statement_on=Subquery(latest),
            statement_count=Coalesce(
                Subquery(count, output_field=IntegerField()), Value(0), output_field=IntegerField()
            ),
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

"""Reads behind the map: each jurisdiction's stance on a given day and what a marker shows.

Everything here annotates a Jurisdiction queryset with correlated subqueries, so the rows, their
stance as of any date and their latest statement come back in one query on PostgreSQL and SQLite.
"""

import datetime

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from cities.models import StanceLevel
from statements.models import Stance, Statement

# The field the map filters and counts stances by: current, or in force on the as_of day.
MAP_STANCE = "map_stance"


def with_stance_on(queryset: QuerySet, day: datetime.date | None) -> QuerySet:
    """Annotate `map_stance`: the stance in force on `day`, or the current stance when None.

    No stance in force gives "unknown". The current stance is the denormalised
    `Jurisdiction.stance_level`; a past day reads the timeline (one subquery per row, served by
    the stance_juris_effective index).
    """
    if day is None:
        return queryset.annotate(**{MAP_STANCE: F("stance_level")})
    return queryset.annotate(
        **{
            MAP_STANCE: Coalesce(
                Stance.objects.headline_level(day=day), Value(StanceLevel.UNKNOWN.value)
            )
        }
    )


def with_published_records(queryset: QuerySet) -> QuerySet:
    """Jurisdictions with at least one published statement or stance (what the map shows)."""
    statements = Statement.objects.published().filter(jurisdiction=OuterRef("pk"))
    stances = Stance.objects.published().filter(jurisdiction=OuterRef("pk"))
    return queryset.filter(Q(Exists(statements)) | Q(Exists(stances)))


def with_latest_statement(queryset: QuerySet) -> QuerySet:
    """Annotate `latest_statement_on`, the date of the newest published statement (or None)."""
    latest = (
        Statement.objects.published()
        .filter(jurisdiction=OuterRef("pk"))
        .order_by("-said_on")
        .values("said_on")[:1]
    )
    return queryset.annotate(latest_statement_on=Subquery(latest))


def stance_change_dates(queryset: QuerySet) -> list[datetime.date]:
    """Every day on which a published stance of these jurisdictions began or ended, in order.

    One query. These are the days on which the map can look different from the day before.
    """
    rows = (
        Stance.objects.published()
        .filter(jurisdiction__in=queryset.order_by().values("pk"))
        .order_by()
        .values_list("effective_from", "ended_on")
        .distinct()
    )
    days = set()
    for began, ended in rows:
        days.add(began)
        if ended is not None:
            days.add(ended)
    return sorted(days)

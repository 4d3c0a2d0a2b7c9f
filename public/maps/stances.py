"""Reads behind the map: each jurisdiction's stance on a given day and what a marker shows.

Everything here annotates a Jurisdiction queryset with correlated subqueries, so the rows, their
stance as of any date and their latest statement come back in one query on PostgreSQL and SQLite.
"""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from federal.models import Agreement, AgreementStatus, Designation
from public.places.querysets import current_stance_shown, stance_shown_on
from statements.models import Stance, Statement

# The field the map filters and counts stances by: current, or in force on the as_of day.
MAP_STANCE = "map_stance"
# With an as_of day, the current stance beside it (to flag what changed since).
MAP_CURRENT = "map_current_stance"


def with_stance_on(queryset: QuerySet, day: datetime.date | None) -> QuerySet:
    """Annotate `map_stance`: the stance in force on `day`, or the current stance when None,
    "not_recorded" when no published stance was in force; with a day, `map_current_stance` too.

    The current stance reads the denormalised `Jurisdiction.stance_level` (and, for its
    "unknown" rows, whether a stance is on record); a past day reads the timeline (one subquery
    per row, served by the stance_juris_effective index).
    """
    if day is None:
        return queryset.annotate(**{MAP_STANCE: current_stance_shown()})
    return queryset.annotate(
        **{MAP_STANCE: stance_shown_on(day), MAP_CURRENT: current_stance_shown()}
    )


def stance_pair(queryset: QuerySet) -> tuple[str, ...]:
    """The columns to read for (stance shown, current stance): one when they are the same."""
    if MAP_CURRENT in queryset.query.annotations:
        return (MAP_STANCE, MAP_CURRENT)
    return (MAP_STANCE,)


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


def stance_change_dates(queryset: QuerySet | None = None) -> list[datetime.date]:
    """Every day on which something the map shows of these jurisdictions changed, in order: a
    published stance began or ended, a 287(g) agreement (not a pending application) started or
    ended, an outside designation was made or withdrawn.

    One query (a UNION). These are the days the slider steps through. `queryset` None: of
    every jurisdiction (the national view), which spares the database the filtered set six
    times over.
    """
    stances = Stance.objects.published().order_by()
    agreements = Agreement.objects.exclude(status=AgreementStatus.PENDING).order_by()
    designations = Designation.objects.order_by()
    if queryset is not None:
        places = queryset.order_by().values("pk")
        stances = stances.filter(jurisdiction__in=places)
        agreements = agreements.filter(agency__jurisdiction__in=places)
        designations = designations.filter(jurisdiction__in=places)
    days = (
        stances.values_list("effective_from")
        .union(
            stances.values_list("ended_on"),
            agreements.values_list(Coalesce("signed_on", "first_listed_on")),
            agreements.values_list("ended_on"),
            designations.values_list("designated_on"),
            designations.values_list("withdrawn_on"),
        )
        .order_by()
    )  # the combined query would take Stance's default ordering
    return sorted({day for (day,) in days if day is not None})

"""The public record of what changed after publication: corrections of published statements and
stances, and retractions, newest first (the /changes/ page and its Atom feed)."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import CharField, F, Q, QuerySet, Value
from django.utils.formats import date_format
from django.utils.translation import gettext

from statements.models import Correction, Stance, Statement, Status

CORRECTION, STATEMENT_RETRACTED, STANCE_RETRACTED = "correction", "statement", "stance"


@dataclass(frozen=True)
class Change:
    kind: str  # "Correction" or "Retraction"
    when: datetime
    title: str
    url: str
    note: str
    key: str  # stable across pages and feeds, e.g. "correction-12"


def public_changes() -> QuerySet:
    """(source, pk, when) of every public change, newest first: one query, to page through.

    Corrections count while their record is published (a retracted record shows its retraction
    instead, a record back in draft shows nothing); retractions while the record stays retracted.
    """
    text = CharField()
    corrections = (
        Correction.objects.filter(
            Q(statement__status=Status.PUBLISHED) | Q(stance__status=Status.PUBLISHED)
        )
        .annotate(source=Value(CORRECTION, output_field=text), when=F("corrected_at"))
        .values_list("source", "pk", "when")
    )
    statements = (
        Statement.objects.filter(status=Status.RETRACTED)
        .annotate(source=Value(STATEMENT_RETRACTED, output_field=text), when=F("retracted_at"))
        .values_list("source", "pk", "when")
    )
    stances = (
        Stance.objects.filter(status=Status.RETRACTED)
        .annotate(source=Value(STANCE_RETRACTED, output_field=text), when=F("retracted_at"))
        .values_list("source", "pk", "when")
    )
    return (
        corrections.order_by()
        .union(statements.order_by(), stances.order_by(), all=True)
        .order_by("-when", "source", "-pk")
    )


def _statement_title(statement: Statement) -> str:
    text = statement.quote or statement.summary
    text = text if len(text) <= 80 else f"{text[:79]}…"
    return (
        f"{statement.speaker_name} ({statement.jurisdiction}), "
        f"{date_format(statement.said_on)}: “{text}”"
    )


def _stance_title(stance: Stance) -> str:
    return gettext("Stance of %(stance)s") % {"stance": stance}


def hydrate(rows) -> list[Change]:
    """The page's rows as Changes, in the rows' order: up to three queries, one per kind."""
    rows = list(rows)
    wanted = {
        kind: [pk for source, pk, _ in rows if source == kind]
        for kind in (CORRECTION, STATEMENT_RETRACTED, STANCE_RETRACTED)
    }
    speaker = ["official", "agency", "jurisdiction"]
    corrections = Correction.objects.select_related(
        *[f"statement__{name}" for name in speaker], "stance__jurisdiction", "stance__agency"
    ).in_bulk(wanted[CORRECTION])
    statements = Statement.objects.select_related(*speaker).in_bulk(wanted[STATEMENT_RETRACTED])
    stances = Stance.objects.select_related("jurisdiction", "agency").in_bulk(
        wanted[STANCE_RETRACTED]
    )
    changes = []
    found = {CORRECTION: corrections, STATEMENT_RETRACTED: statements, STANCE_RETRACTED: stances}
    for source, pk, when in rows:
        if pk not in found[source]:
            continue  # changed again between the two reads
        if source == CORRECTION:
            correction = corrections[pk]
            record = correction.record
            title = _statement_title(record) if correction.statement_id else _stance_title(record)
            changes.append(
                Change(
                    "Correction",
                    when,
                    title,
                    record.get_absolute_url(),
                    correction.note,
                    f"correction-{pk}",
                )
            )
        elif source == STATEMENT_RETRACTED:
            statement = statements[pk]
            changes.append(
                Change(
                    "Retraction",
                    when,
                    _statement_title(statement),
                    statement.get_absolute_url(),
                    statement.retraction_reason,
                    f"statement-retraction-{pk}",
                )
            )
        else:
            stance = stances[pk]
            changes.append(
                Change(
                    "Retraction",
                    when,
                    _stance_title(stance),
                    stance.get_absolute_url(),
                    stance.retraction_reason,
                    f"stance-retraction-{pk}",
                )
            )
    return changes

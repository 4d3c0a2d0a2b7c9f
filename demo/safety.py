"""Synthetic records are never mixed with real ones: how they are marked, counted and deleted.

Every record the generator writes has `is_synthetic=True`; on top of that, sources live under the
reserved domain `synthetic.invalid` with the publisher "Synthetic demo data", jurisdictions carry
a GEOID starting with "SYN" (never a Census code, which is all digits), and officials and events
have slugs starting with "synthetic-".
"""

from django.apps import apps
from django.db import DatabaseError, connection, models, transaction

from cities.models import Agency, Jurisdiction, Official, Role
from statements.models import Correction, Event, Source, Stance, Statement
from tracker.apps import DATA_APPS

SYNTHETIC_DOMAIN = "synthetic.invalid"
SYNTHETIC_URL_PREFIX = f"https://{SYNTHETIC_DOMAIN}/"
SYNTHETIC_PUBLISHER = "Synthetic demo data"
SYNTHETIC_GEOID_PREFIX = "SYN"
SYNTHETIC_SLUG_PREFIX = "synthetic-"


class DemoDataError(Exception):
    pass


def _flagged_models() -> list[type[models.Model]]:
    """Every model of the data apps with an `is_synthetic` flag, history tables included."""
    found = []
    for label in DATA_APPS:
        for model in apps.get_app_config(label).get_models():
            if any(f.name == "is_synthetic" for f in model._meta.concrete_fields):
                found.append(model)
    return found


def real_record_counts() -> dict[str, int]:
    """{"jurisdictions": 11, ...} for records that are not synthetic; empty when there are none.

    One COUNT query per flagged model. Records without a flag of their own (roles, corrections,
    links) hang off flagged ones. The history of real records, even of deleted ones, counts
    too, as one entry.
    """
    counts = {}
    history = 0
    for model in _flagged_models():
        count = model._default_manager.filter(is_synthetic=False).count()
        if hasattr(model, "instance_type"):  # a simple_history table
            history += count
        elif count:
            counts[str(model._meta.verbose_name_plural)] = count
    if history:
        counts["history entries"] = history
    return counts


def synthetic_record_count() -> int:
    """How many synthetic records (history entries included) the database holds: one COUNT
    query per flagged model."""
    return sum(
        model._default_manager.filter(is_synthetic=True).count() for model in _flagged_models()
    )


def refuse_real_records() -> None:
    """Raise DemoDataError, naming what was found, when the database holds any real record."""
    real = real_record_counts()
    if real:
        listed = ", ".join(f"{count:,} {name}" for name, count in real.items())
        raise DemoDataError(
            f"This database holds real records ({listed}). Synthetic demo data is never "
            "mixed with real data: point DATABASE_URL at an empty database and run "
            "migrate there first."
        )


def delete_synthetic() -> None:
    """Empty the tables the generator writes. Call only after real_record_counts() found nothing.

    Plain SQL, one statement per table (one TRUNCATE on PostgreSQL): the ORM would load every
    row to run its signals.
    """
    ordered = [
        Correction,
        Statement.sources.through,
        Stance.sources.through,
        Event.sources.through,
        Event.targeted_jurisdictions.through,
        Stance,
        Statement,
        Event,
        Role,
        Agency,
        Official,
        Source,
        Jurisdiction,
    ]
    tables = [connection.ops.quote_name(model._meta.db_table) for model in ordered]
    if connection.vendor == "postgresql":
        try:
            # TRUNCATE is instant and leaves no dead rows behind; it refuses (and we fall back
            # to DELETE) if a table outside this list points at one of these.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {', '.join(tables)}")
            return
        except DatabaseError:
            pass
    # Foreign keys are checked at commit, so rows pointing at each other may go in any order.
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")

"""The generator: plans the places, writes every table in batches, then lets the database set
each jurisdiction's headline stance."""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction

from cities.models import Agency, Jurisdiction, Official, Place, Role
from statements.models import Event, Source, Stance, Statement
from statements.services import jurisdictions_refresh_stance
from tracker.page_tags import bump_generation

from .bulk import Ids, Writer
from .candidates import choose_places
from .events import write_events
from .jurisdictions import write_jurisdictions
from .people import write_officials
from .plans import plan_jurisdictions
from .safety import DemoDataError, delete_synthetic, refuse_real_records, synthetic_record_count
from .statements_and_stances import write_statements_and_stances

# Every table the generator writes; their ids are handed out in Python (bulk.Ids).
WRITTEN = [
    Jurisdiction,
    Agency,
    Official,
    Role,
    Source,
    Event,
    Statement,
    Stance,
    Statement.sources.through,
    Stance.sources.through,
    Event.sources.through,
    Event.targeted_jurisdictions.through,
]


@dataclass
class Report:
    counts: dict[str, int]  # {"jurisdictions": 200, ...}, link tables left out
    seconds: float


def print_nothing(message: str) -> None:
    pass


class Generator:
    """Writes a seeded, synthetic national dataset of the sizes asked for into an empty database.

    The same seed writes the same records.
    """

    def __init__(
        self,
        *,
        jurisdictions: int,
        officials: int,
        statements: int,
        seed: int,
        batch_size: int = 5000,
        progress: bool = False,
        log: Callable[[str], None] = print_nothing,
    ):
        if jurisdictions < 1:
            raise DemoDataError("--jurisdictions must be at least 1.")
        if officials < 0 or statements < 0:
            raise DemoDataError("--officials and --statements cannot be negative.")
        self.n_jurisdictions = jurisdictions
        self.n_officials = officials
        self.n_statements = statements
        self.rng = random.Random(seed)
        self.progress = progress
        self.log = log
        self.writer = Writer(batch_size)

    def run(self, *, replace: bool = False) -> Report:
        """Check the database, write everything in one transaction and report the counts.

        Raises DemoDataError, writing nothing, when the database holds a real record, or
        synthetic data and `replace` is false.
        """
        started = time.monotonic()
        with transaction.atomic():
            refuse_real_records()
            if synthetic_record_count():
                if not replace:
                    raise DemoDataError(
                        "This database already holds synthetic demo data. Run again with "
                        "--replace to delete it and generate afresh."
                    )
                self.log("Deleting the previous synthetic demo data.")
                delete_synthetic()
            ids = Ids(WRITTEN)
            self._write(ids)
            # One UPDATE with the one headline rule, rather than a copy of it here.
            jurisdictions_refresh_stance(
                jurisdictions=Jurisdiction.objects.filter(is_synthetic=True)
            )
            ids.reset_sequences()
            # Bulk writes send no signals: tell the page cache that everything changed.
            transaction.on_commit(bump_generation)
        if connection.vendor == "postgresql":
            # Fresh bulk loads have no planner statistics, without which plans are badly wrong,
            # and no visibility map, without which a count reads the table instead of an index
            # (the statements' facets: 48 ms instead of 16 on 50,000). Autovacuum would get there.
            self.log("Gathering planner statistics and the visibility map (VACUUM ANALYZE).")
            with connection.cursor() as cursor:
                # VACUUM cannot run in a transaction (a test's): ANALYZE alone there.
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        counts = {
            str(model._meta.verbose_name_plural): count
            for model, count in self.writer.counts.items()
            if not model._meta.auto_created
        }
        return Report(counts=counts, seconds=time.monotonic() - started)

    def _write(self, ids: Ids) -> None:
        rng, writer, progress = self.rng, self.writer, self.progress
        plans = plan_jurisdictions(choose_places(rng, self.n_jurisdictions), rng=rng, ids=ids)
        place_ids = dict(
            Place.objects.filter(geonameid__isnull=False).values_list("geonameid", "id")
        )
        with writer:
            self.log("Planning stance timelines and writing jurisdictions and agencies.")
            write_jurisdictions(
                plans, place_ids=place_ids, rng=rng, writer=writer, ids=ids, progress=progress
            )
            self.log("Writing officials and their roles.")
            write_officials(
                plans, count=self.n_officials, rng=rng, writer=writer, ids=ids, progress=progress
            )
            write_events(plans, statements=self.n_statements, rng=rng, writer=writer, ids=ids)
            # The search text of a statement takes its speaker's and place's names as it is
            # written (statements/search.py), so those rows go in first.
            writer.flush_all()
            self.log("Writing statements, stances and sources.")
            write_statements_and_stances(
                plans, count=self.n_statements, rng=rng, writer=writer, ids=ids, progress=progress
            )
            writer.flush_all()

"""Writing the sources that synthetic statements, stances and events cite."""

import datetime
import random

from statements.models import Source

from .bulk import Ids, Writer
from .plans import Plan
from .safety import SYNTHETIC_PUBLISHER, SYNTHETIC_URL_PREFIX
from .vocabulary import ENFORCEMENT, HEADLINES


def add_source(
    writer: Writer,
    ids: Ids,
    plan: Plan,
    day: datetime.date,
    headline: str,
    outlet: str | None = None,
) -> int:
    """Buffer a source published on `day` by the place's outlet (or `outlet`); return its id."""
    source_id = ids.next(Source)
    writer.add(
        Source,
        id=source_id,
        publisher=SYNTHETIC_PUBLISHER,
        title=f"{outlet or plan.outlet}: {headline}",
        url=f"{SYNTHETIC_URL_PREFIX}{plan.slug}/{source_id}",
        published_on=day,
    )
    return source_id


def headline(rng: random.Random, plan: Plan) -> str:
    """A news headline about the place."""
    return rng.choice(HEADLINES).format(place=plan.place.name, enforcement=rng.choice(ENFORCEMENT))

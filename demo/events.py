"""Writing federal enforcement operations and the places they targeted."""

import datetime
import random

from django.utils.text import slugify

from cities.models import JurisdictionLevel
from statements.models import Event

from .bulk import Ids, Writer
from .plans import WINDOW_FROM, WINDOW_TO, Plan
from .safety import SYNTHETIC_SLUG_PREFIX
from .sampling import weighted_sample
from .sources import add_source
from .vocabulary import ENFORCEMENT, EVENT_WORDS


def write_events(
    plans: list[Plan], *, statements: int, rng: random.Random, writer: Writer, ids: Ids
) -> None:
    """Buffer 2–15 operations (more for more statements), each targeting 3–25 cities picked by
    size, with a source; note on each target's plan when the operation made news there."""
    count = max(2, min(15, statements // 40_000 + 2))
    cities = [
        p for p in plans if p.place.level not in (JurisdictionLevel.STATE, JurisdictionLevel.COUNTY)
    ] or plans
    names = [f"Operation {a} {b}" for a in EVENT_WORDS[0] for b in EVENT_WORDS[1]]
    rng.shuffle(names)
    for name in names[:count]:
        event_id = ids.next(Event)
        starts = WINDOW_FROM + datetime.timedelta(days=rng.randrange(0, 9 * 365 + 200))
        ends = starts + datetime.timedelta(days=rng.randint(7, 90))
        ends_on = ends if rng.random() < 0.8 and ends <= WINDOW_TO else None
        targets = weighted_sample(
            rng, cities, [p.place.weight for p in cities], min(len(cities), rng.randint(3, 25))
        )
        words = ", ".join(p.place.name for p in targets[:3])
        writer.add(
            Event,
            id=event_id,
            name=name,
            slug=f"{SYNTHETIC_SLUG_PREFIX}{slugify(name)}",
            starts_on=starts,
            ends_on=ends_on,
            description=(
                f"A federal immigration enforcement operation announced for {words} "
                f"and {len(targets) - min(3, len(targets))} other places, with "
                f"{rng.choice(ENFORCEMENT)} reported by local officials."
            ),
        )
        for target in targets:
            writer.add(
                Event.targeted_jurisdictions.through,
                id=ids.next(Event.targeted_jurisdictions.through),
                event_id=event_id,
                jurisdiction_id=target.id,
            )
            low = max(starts - datetime.timedelta(days=3), WINDOW_FROM)
            high = min((ends_on or starts + datetime.timedelta(days=60)), WINDOW_TO)
            high = min(high + datetime.timedelta(days=14), WINDOW_TO)
            target.events.append((event_id, low.toordinal(), high.toordinal()))
        source_id = add_source(writer, ids, targets[0], starts, f"{name} begins")
        writer.add(
            Event.sources.through,
            id=ids.next(Event.sources.through),
            event_id=event_id,
            source_id=source_id,
        )

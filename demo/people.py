"""Writing officials and the roles they held, and noting who could speak for each place when."""

import datetime
import random

from django.utils.text import slugify

from cities.models import AgencyKind, Official, Role

from .bulk import Ids, Writer
from .plans import ROLES_FROM, WINDOW_FROM, WINDOW_TO, Plan, Seat, Speaker
from .progress import Progress
from .safety import SYNTHETIC_SLUG_PREFIX
from .sampling import allocate
from .vocabulary import FIRST_NAMES, LAST_NAMES


def write_officials(
    plans: list[Plan],
    *,
    count: int,
    rng: random.Random,
    writer: Writer,
    ids: Ids,
    progress: bool,
) -> None:
    """Buffer `count` officials and their roles, spread over the plans by size, and add each
    plan's speakers: every agency, and every official for the days in office."""
    minimum = 1 if count >= len(plans) else 0
    weights = [max(p.place.weight, 1000.0) ** 0.4 for p in plans]
    if not minimum:
        # Too few officials for every place: the biggest places get them.
        order = sorted(range(len(plans)), key=lambda i: -weights[i])
        allotted = [0] * len(plans)
        for i in order[:count]:
            allotted[i] = 1
    else:
        allotted = allocate(count, weights, minimum)
    bar = Progress("officials", count, enabled=progress)
    for plan, officials in zip(plans, allotted, strict=True):
        for seat in plan.seats:
            plan.speakers.append(
                Speaker(
                    None,
                    seat.agency_id,
                    WINDOW_FROM.toordinal(),
                    WINDOW_TO.toordinal(),
                    f"The {seat.agency_name}",
                )
            )
        if not officials:
            continue
        # Seats are filled in turn (head first); council seats are shared, the rest pass
        # from one holder to the next.
        holders: dict[int, list[int]] = {i: [] for i in range(len(plan.seats))}
        for n in range(officials):
            official_id = ids.next(Official)
            holders[n % len(plan.seats)].append(official_id)
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            name = f"{first} {last}"
            writer.add(
                Official,
                id=official_id,
                name=name,
                slug=f"{SYNTHETIC_SLUG_PREFIX}{slugify(name)}-{official_id}",
            )
        council = next((s for s in plan.seats if s.kind == AgencyKind.COUNCIL), None)
        for index, seat in enumerate(plan.seats):
            people = holders[index]
            if not people:
                continue
            if seat.kind == AgencyKind.COUNCIL:
                terms = [_council_term(rng) for _ in people]
            else:
                terms = _successive_terms(rng, len(people))
            for official_id, (start, end) in zip(people, terms, strict=True):
                _add_role(writer, ids, plan, official_id, seat, start, end)
                if (
                    council
                    and seat is not council
                    and start > ROLES_FROM + datetime.timedelta(days=400)
                    and rng.random() < 0.2
                ):
                    # Many a mayor sat on the council first.
                    earlier = start - datetime.timedelta(days=rng.randint(365, 2000))
                    _add_role(
                        writer, ids, plan, official_id, council, max(earlier, ROLES_FROM), start
                    )
        bar.advance(officials)
    bar.close()


def _successive_terms(
    rng: random.Random, holders: int
) -> list[tuple[datetime.date, datetime.date | None]]:
    """Back-to-back terms for `holders` people in one seat; the last one is still in office."""
    start = ROLES_FROM + datetime.timedelta(days=rng.randrange(0, 9 * 365))
    span = (WINDOW_TO - start).days
    cuts = sorted(rng.sample(range(150, span - 150), holders - 1)) if holders > 1 else []
    days = [start + datetime.timedelta(days=c) for c in cuts]
    bounds = [start, *days]
    return [(bounds[i], bounds[i + 1] if i + 1 < len(bounds) else None) for i in range(len(bounds))]


def _council_term(rng: random.Random) -> tuple[datetime.date, datetime.date | None]:
    start = ROLES_FROM + datetime.timedelta(days=rng.randrange(0, 16 * 365))
    end = start + datetime.timedelta(days=rng.randint(2, 8) * 365)
    return start, (end if end < WINDOW_TO and rng.random() < 0.7 else None)


def _add_role(
    writer: Writer,
    ids: Ids,
    plan: Plan,
    official_id: int,
    seat: Seat,
    start: datetime.date,
    end: datetime.date | None,
) -> None:
    writer.add(
        Role,
        id=ids.next(Role),
        official_id=official_id,
        title=seat.title,
        jurisdiction_id=plan.id,
        agency_id=seat.agency_id,
        started_on=start,
        ended_on=end,
    )
    low = max(start, WINDOW_FROM).toordinal()
    high = min(end or WINDOW_TO, WINDOW_TO).toordinal()
    if low <= high:
        plan.speakers.append(
            Speaker(official_id, seat.agency_id, low, high, f"The {seat.title.lower()}")
        )

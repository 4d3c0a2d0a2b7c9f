"""Writing jurisdictions and their agencies, planning each one's stance timelines on the way."""

import random

from cities.models import Agency, Jurisdiction, JurisdictionLevel

from .bulk import Ids, Writer
from .plans import Plan, Seat, agencies_for, plan_stances
from .progress import Progress
from .safety import SYNTHETIC_GEOID_PREFIX


def write_jurisdictions(
    plans: list[Plan],
    *,
    place_ids: dict[int, int],
    rng: random.Random,
    writer: Writer,
    ids: Ids,
    progress: bool,
) -> None:
    """Buffer a jurisdiction row and its agency rows per plan, and fill the plan's seats and
    stances. `place_ids` maps GeoNames ids to gazetteer `Place` ids.

    `stance_level` is left at its default: the generator refreshes it from the written stances.
    """
    states = {p.place.state: p.id for p in plans if p.place.level == JurisdictionLevel.STATE}
    bar = Progress("jurisdictions", len(plans), enabled=progress)
    for plan in plans:
        place = plan.place
        for name, kind, title in agencies_for(place):
            agency_id = ids.next(Agency)
            writer.add(Agency, id=agency_id, jurisdiction_id=plan.id, name=name, kind=kind)
            plan.seats.append(Seat(agency_id=agency_id, agency_name=name, kind=kind, title=title))
        plan_stances(plan, rng=rng, ids=ids)
        parent = states.get(place.state) if place.level != JurisdictionLevel.STATE else None
        writer.add(
            Jurisdiction,
            id=plan.id,
            name=place.name,
            slug=plan.slug,
            state=place.state,
            level=place.level,
            population=place.population,
            latitude=place.latitude,
            longitude=place.longitude,
            place_id=place_ids.get(place.geonameid),
            parent_id=parent,
            geoid=f"{SYNTHETIC_GEOID_PREFIX}{plan.id:08d}",
        )
        bar.advance()
    bar.close()

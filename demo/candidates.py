"""Which places the demo covers: gazetteer places picked by population, then invented ones.

Names, coordinates and populations of cities come from the gazetteer reader (cities.places);
counties and states from its lists, without coordinates or population.
"""

import functools
import math
import random
from dataclasses import dataclass

from cities.models import JurisdictionLevel, jurisdiction_slug
from cities.places import (
    TERRITORIES,
    gazetteer_counties,
    gazetteer_file_rows,
    gazetteer_states,
)

# The smallest file that still reads fast; it keeps the small county seats GeoNames lists too.
GAZETTEER_FILE = 1000
# States become jurisdictions of their own only in runs this large.
STATES_FROM = 1000
CONSOLIDATED = {
    ("San Francisco", "CA"),
    ("Denver", "CO"),
    ("Philadelphia", "PA"),
    ("Nashville", "TN"),
    ("Jacksonville", "FL"),
    ("Indianapolis", "IN"),
    ("Louisville", "KY"),
    ("Honolulu", "HI"),
    ("Anchorage", "AK"),
}
VARIANTS = ("North {}", "South {}", "East {}", "West {}", "{} Heights", "{} Township", "Lake {}")


@dataclass
class Candidate:
    name: str
    state: str
    level: str
    population: int | None
    latitude: float | None
    longitude: float | None
    geonameid: int | None
    weight: float


@functools.cache
def gazetteer_candidates() -> tuple[Candidate, ...]:
    """US cities (GeoNames, 1,000+ people), biggest first, then counties; read once per process."""
    rows = sorted(
        # The territories are left out: the demo covers the states and DC.
        (
            row
            for row in gazetteer_file_rows(threshold=GAZETTEER_FILE)
            if row.state not in TERRITORIES
        ),
        key=lambda row: (-(row.population or 0), row.geonameid),
    )
    places: list[Candidate] = []
    taken: set[str] = set()  # slugs: "St. Louis" and "St Louis" would share one
    for row in rows:
        state = row.state
        if state == "DC" and row.name != "Washington":
            continue  # GeoNames lists DC's neighbourhoods as cities.
        key = (row.name, state)
        slug = jurisdiction_slug(*key)
        if slug in taken:
            continue  # The bigger of two same-named places in one state keeps the name.
        taken.add(slug)
        level = JurisdictionLevel.CITY
        if state == "DC":
            level = JurisdictionLevel.FEDERAL_DISTRICT
        elif key in CONSOLIDATED:
            level = JurisdictionLevel.CITY_COUNTY
        places.append(
            Candidate(
                name=row.name,
                state=state,
                level=level,
                population=row.population,
                latitude=row.latitude,
                longitude=row.longitude,
                geonameid=row.geonameid,
                weight=float(row.population or 0),
            )
        )
    state_population: dict[str, float] = {}
    for place in places:
        state_population[place.state] = state_population.get(place.state, 0) + place.weight
    counties = [c for c in gazetteer_counties() if c.state != "DC"]
    per_state: dict[str, int] = {}
    for county in counties:
        per_state[county.state] = per_state.get(county.state, 0) + 1
    for county in counties:
        slug = jurisdiction_slug(county.name, county.state)
        if slug in taken:
            continue
        taken.add(slug)
        places.append(
            Candidate(
                name=county.name,
                state=county.state,
                level=JurisdictionLevel.COUNTY,
                population=None,
                latitude=None,
                longitude=None,
                geonameid=None,
                weight=state_population.get(county.state, 50_000) / per_state[county.state] / 2,
            )
        )
    return tuple(places)


def choose_places(rng: random.Random, wanted: int) -> list[Candidate]:
    """`wanted` places: the states (in runs of STATES_FROM or more), gazetteer places picked by
    population (Efraimidis–Spirakis), then invented variants of cities once those run out."""
    candidates = list(gazetteer_candidates())
    chosen: list[Candidate] = []
    if wanted >= STATES_FROM:
        for code, name in sorted(gazetteer_states().items()):
            if code != "DC":
                chosen.append(
                    Candidate(name, code, JurisdictionLevel.STATE, None, None, None, None, 0)
                )
    state_slugs = {jurisdiction_slug(p.name, p.state) for p in chosen}
    keyed = sorted(
        (p for p in candidates if jurisdiction_slug(p.name, p.state) not in state_slugs),
        key=lambda p: -math.log(1.0 - rng.random()) / max(p.weight, 1.0),
    )
    chosen.extend(keyed[: max(wanted - len(chosen), 0)])
    cities = [p for p in candidates if p.latitude is not None]
    names = {(p.name, p.state, p.level) for p in chosen}
    slugs = {jurisdiction_slug(p.name, p.state) for p in chosen}
    round_ = 0
    while len(chosen) < wanted:
        round_ += 1
        for base in cities:
            if len(chosen) >= wanted:
                break
            pattern = VARIANTS[(round_ - 1) % len(VARIANTS)]
            name = pattern.format(base.name)
            if round_ > len(VARIANTS):
                name = f"{name} {round_ // len(VARIANTS) + 1}"
            slug = jurisdiction_slug(name, base.state)
            if (name, base.state, JurisdictionLevel.CITY) in names or slug in slugs:
                continue
            names.add((name, base.state, JurisdictionLevel.CITY))
            slugs.add(slug)
            population = max(1000, int(base.population * rng.uniform(0.05, 0.3)))
            chosen.append(
                Candidate(
                    name=name,
                    state=base.state,
                    level=JurisdictionLevel.CITY,
                    population=population,
                    latitude=round(base.latitude + rng.uniform(-0.08, 0.08), 5),
                    longitude=round(base.longitude + rng.uniform(-0.08, 0.08), 5),
                    geonameid=None,
                    weight=float(population),
                )
            )
    return chosen[:wanted]

"""Counties and states as areas of the map, coloured by their headline stance on the day shown.

A county equivalent is drawn as an area when its jurisdiction has a 5-digit Census GEOID (the
county layer has a shape for each; the level does not matter: Richmond, Virginia is a city and
a county equivalent); a state when it has a 2-digit one. Every county is drawn; only those with
a stance are coloured, so what a request adds to the page grows with the counties that have
one, not with the 3,200 that exist.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Q, QuerySet
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import get_language

from cities.models import Jurisdiction, JurisdictionLevel, StanceLevel, State
from public.places.querysets import NOT_RECORDED, SHOWN_STANCE_LABELS

from .outlines import USPS_BY_FIPS, county_fips
from .stances import stance_pair

COUNTY_AREA = Q(Exact(Length("geoid"), 5))
STATE_AREA = Q(Exact(Length("geoid"), 2), level=JurisdictionLevel.STATE)
LABELS = SHOWN_STANCE_LABELS


def label_of(level: str) -> str:
    """LABELS[level] in the active language, translated once per language: a map reads it for
    each of its hundreds of places and areas."""
    return _translated_label(level, get_language())


@functools.lru_cache(maxsize=128)
def _translated_label(level: str, language: str) -> str:
    return str(LABELS[level])


def area_jurisdictions() -> QuerySet:
    """Every jurisdiction the map may draw as an area: county equivalents and states."""
    return Jurisdiction.objects.filter(COUNTY_AREA | STATE_AREA)


class Area(NamedTuple):
    """A county or state with a stance on the day shown (a tuple: thousands are made per map).
    A 2-digit `fips` is a state's, drawn as `#st-IL`; a 5-digit one a county's, `#c17031`."""

    fips: str
    slug: str
    name: str
    state: str
    stance: str
    current_stance: str

    @property
    def stance_label(self) -> str:
        return label_of(self.stance)

    @property
    def current_stance_label(self) -> str:
        return label_of(self.current_stance)

    @property
    def changed_since(self) -> bool:
        return self.stance != self.current_stance


@dataclass(frozen=True)
class StateSummary:
    """One state's line of the table that stands in for the county colours."""

    usps: str
    name: str
    statewide: str  # the state's own stance, "not_recorded" when it has none on record
    counties: Counter  # its counties by stance, unknown included

    @property
    def statewide_label(self) -> str:
        return label_of(self.statewide)

    @property
    def refuses(self) -> int:
        return self.counties.get(StanceLevel.REFUSES, 0)

    @property
    def limited(self) -> int:
        return self.counties.get(StanceLevel.LIMITED, 0)

    @property
    def cooperates(self) -> int:
        return self.counties.get(StanceLevel.COOPERATES, 0)

    @property
    def total(self) -> int:
        return sum(self.counties.values())


@dataclass
class AreaData:
    """The counties and states with a stance on record (to colour, "unknown" included), and
    every drawn one counted."""

    counties: list[Area] = field(default_factory=list)
    states: list[Area] = field(default_factory=list)
    county_counts: Counter = field(default_factory=Counter)
    state_counts: Counter = field(default_factory=Counter)
    county_counts_by_state: dict[str, Counter] = field(default_factory=dict)
    statewide_by_state: dict[str, str] = field(default_factory=dict)

    @property
    def coloured(self) -> list[Area]:
        return self.states + self.counties

    def by_state(self) -> list[StateSummary]:
        """The states with a statewide stance or a county with one, by name."""
        usps_codes = {area.state for area in self.coloured}
        labels = dict(State.choices)
        summaries = [
            StateSummary(
                usps,
                labels.get(usps, usps),
                self.statewide_by_state.get(usps, NOT_RECORDED),
                self.county_counts_by_state.get(usps, Counter()),
            )
            for usps in usps_codes
        ]
        return sorted(summaries, key=lambda summary: summary.name)


def area_data(queryset: QuerySet) -> AreaData:
    """The drawn counties and states of `queryset` (area jurisdictions, annotated with
    `map_stance`), the ones with a stance on record in state and name order. One query."""
    drawn_counties = county_fips()
    columns = stance_pair(queryset)
    rows = queryset.order_by("state", "name", "pk").values_list(
        "geoid", "slug", "name", "state", *columns
    )
    data = AreaData()
    by_state: dict[str, Counter] = defaultdict(Counter)
    for geoid, slug, name, state, stance, *current in rows:
        current = current[0] if current else stance
        if len(geoid) == 2:
            if geoid not in USPS_BY_FIPS:
                continue  # a territory the map does not draw
            data.state_counts[stance] += 1
            if stance != NOT_RECORDED:
                data.states.append(Area(geoid, slug, name, state, stance, current))
                data.statewide_by_state[state] = stance
        elif geoid in drawn_counties:
            data.county_counts[stance] += 1
            by_state[state][stance] += 1
            if stance != NOT_RECORDED:
                data.counties.append(Area(geoid, slug, name, state, stance, current))
    data.county_counts_by_state = dict(by_state)
    return data

"""The places drawn as markers, and how many there are: all of them when the reader has narrowed
the map, the largest few (the rest counted state by state) at the national view.

Counties and states are drawn as areas (public.maps.areas), never as markers; cities, city-
counties and the District are markers, so San Francisco is both its county's colour and a dot.
"""

from __future__ import annotations

import datetime
import functools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet
from django.utils.translation import gettext

from cities.models import JurisdictionLevel, State
from tracker.text import day_label

from .areas import COUNTY_AREA, label_of
from .projection import HEIGHT, WIDTH, project
from .stances import MAP_STANCE, stance_pair, with_latest_statement


class Remember(Protocol):
    def __call__(self, kind: str, compute: Callable[[], Any], *, may_lag: bool = False) -> Any: ...


@dataclass(frozen=True)
class Marker:
    slug: str
    name: str
    state: str
    stance: str
    current_stance: str
    latest_statement_on: datetime.date | None
    x: float
    y: float

    @property
    def current_stance_label(self) -> str:
        return label_of(self.current_stance)

    @property
    def changed_since(self) -> bool:
        """True when the stance shown (as of a past day) is not the current one."""
        return self.stance != self.current_stance

    @property
    def stance_label(self) -> str:
        return label_of(self.stance)

    @property
    def description(self) -> str:
        """What hovering, focusing or a screen reader tells: name, state, stance, latest date."""
        if self.latest_statement_on:
            latest = gettext("latest statement %(day)s") % {
                "day": day_label(self.latest_statement_on)
            }
        else:
            latest = gettext("no published statement")
        return f"{self.name}, {self.state}: {self.stance_label}; {latest}"


@dataclass(frozen=True)
class Unplaced:
    """A jurisdiction the map cannot draw: no coordinates, or off the map (e.g. Guam)."""

    slug: str
    name: str
    state: str
    stance: str

    @property
    def stance_label(self) -> str:
        return label_of(self.stance)


class NotDrawn(NamedTuple):
    usps: str
    name: str
    count: int


@dataclass
class MapData:
    """The markers drawn and what the reader is told about the rest.

    `counts` counts every place by stance, drawn or not; `not_drawn_by_state` is, at the
    national view, the number of places of each state left out; `without_coordinates` the
    number left out for want of coordinates when they are not listed one by one in `unplaced`.
    """

    markers: list[Marker]
    unplaced: list[Unplaced]
    counts: Counter = field(default_factory=Counter)
    not_drawn_by_state: dict[str, int] = field(default_factory=dict)
    without_coordinates: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def thinned(self) -> bool:
        return bool(self.not_drawn_by_state)

    @property
    def not_drawn(self) -> int:
        return sum(self.not_drawn_by_state.values())

    @property
    def not_drawn_states(self) -> list[NotDrawn]:
        """The states with places not drawn, by name."""
        names = dict(State.choices)
        states = [
            NotDrawn(usps, names.get(usps, usps), count)
            for usps, count in self.not_drawn_by_state.items()
        ]
        return sorted(states, key=lambda state: state.name)

    @property
    def changed_count(self) -> int:
        return sum(marker.changed_since for marker in self.markers)


def marker_places(queryset: QuerySet) -> QuerySet:
    """The jurisdictions of `queryset` a marker stands for: all but states and the counties
    drawn as areas."""
    return queryset.exclude(
        Q(level=JurisdictionLevel.STATE) | (Q(level=JurisdictionLevel.COUNTY) & COUNTY_AREA)
    )


@functools.lru_cache(maxsize=65536)
def _position(longitude: float, latitude: float) -> tuple[float, float] | None:
    point = project(longitude, latitude)
    if point is None:
        return None
    x, y = point
    if not (0 <= x <= WIDTH and 0 <= y <= HEIGHT):
        return None
    return round(x, 1), round(y, 1)


def compute_now(kind: str, compute: Callable[[], Any], *, may_lag: bool = False) -> Any:
    """A `Remember` that remembers nothing: computes every time."""
    return compute()


def map_data(
    queryset: QuerySet, *, sort=None, limit: int | None = None, remember: Remember | None = None
) -> MapData:
    """Markers (and the places that cannot be drawn) for a queryset annotated with `map_stance`.

    `sort` (e.g. MapFilter.sort) orders the markers, hence the keyboard's path through them;
    the default is by name. With a `limit` and more places than that, only the `limit` most
    populous places with coordinates are drawn, and every place is counted by state and
    stance. One query without a limit, two with one; values only, no model instances, so
    that 20,000 rows stay cheap.

    `remember(kind, compute, may_lag=...)` may give what was computed before (the pages'
    caches): the markers at the records' versions, the count of every place (the census) from
    a moment before while editors publish (COUNTS_LAG_SECONDS), never their colours.
    """
    remember = remember or compute_now
    places = marker_places(queryset)
    census = None
    if limit is not None:
        census = remember("census", functools.partial(_Census.of, places), may_lag=True)
    if census is not None and census.total > limit:
        largest = (
            places.filter(longitude__isnull=False)
            .order_by(F("population").desc(nulls_last=True), "name", "pk")
            .values("pk")[:limit]
        )
        data = remember("largest", lambda: _markers(places.filter(pk__in=largest), sort))
        drawn_by_state = Counter(marker.state for marker in data.markers)
        drawn_by_state.update(place.state for place in data.unplaced)
        data.counts = census.by_stance
        data.without_coordinates = census.without_coordinates
        data.not_drawn_by_state = {
            state: total - drawn_by_state[state]
            for state, total in sorted(census.by_state.items())
            if total > drawn_by_state[state]
        }
        return data
    data = remember("markers", lambda: _markers(places, sort))
    data.counts = Counter(marker.stance for marker in data.markers)
    return data


def _markers(places: QuerySet, sort) -> MapData:
    """The places as markers, or as unplaced when they have no position on the map."""
    places = with_latest_statement(places)
    places = sort(places) if sort else places.order_by("name", "state", "pk")
    columns = stance_pair(places)
    rows = places.values_list(
        "slug", "name", "state", "latest_statement_on", "longitude", "latitude", *columns
    )
    markers, unplaced = [], []
    for slug, name, state, latest, longitude, latitude, stance, *current in rows:
        current = current[0] if current else stance
        position = None if longitude is None else _position(longitude, latitude)
        if position is None:
            unplaced.append(Unplaced(slug, name, state, stance))
        else:
            markers.append(Marker(slug, name, state, stance, current, latest, *position))
    return MapData(markers, unplaced)


@dataclass
class _Census:
    """The places with coordinates counted by stance and by state, and those without."""

    by_stance: Counter
    by_state: Counter
    without_coordinates: int

    @property
    def total(self) -> int:
        return sum(self.by_stance.values()) + self.without_coordinates

    @classmethod
    def of(cls, places: QuerySet) -> _Census:
        """One query, grouped by state, stance and whether the place has coordinates."""
        placed = ExpressionWrapper(Q(longitude__isnull=False), output_field=BooleanField())
        rows = (
            places.order_by()
            .annotate(placed=placed)
            .values_list("state", MAP_STANCE, "placed")
            .annotate(n=Count("pk"))
        )
        census = cls(Counter(), Counter(), 0)
        for state, stance, has_coordinates, count in rows:
            if has_coordinates:
                census.by_stance[stance] += count
                census.by_state[state] += count
            else:
                census.without_coordinates += count
        return census

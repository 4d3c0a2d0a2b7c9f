"""Match the places ICE and the Justice Department name to jurisdictions, without guessing.

A county is found by its name and state among the county equivalents (with "St."/"Saint",
punctuation and the word County/Parish/Borough set aside: ICE's "Saint Landry County" is the
Census "St. Landry Parish"); a city among the cities already stored, else in the gazetteer
(cities.places), where it must be the only place of that name in its state; a state by its
code. A name that matches nothing, or more than one thing, is a problem to report, never a
pick. Counties and states not loaded yet are loaded once, from cities.counties.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass

from cities.counties import atlas_rows, jurisdictions_import_counties
from cities.models import (
    AgencyKind,
    Jurisdiction,
    JurisdictionLevel,
    Place,
    State,
    jurisdiction_slug,
)
from cities.places import PlaceRow, gazetteer_rows, seed_geonameids

from .models import ListedType

GAZETTEER_MIN_POPULATION = 500
CITY_LEVELS = (
    JurisdictionLevel.CITY,
    JurisdictionLevel.CITY_COUNTY,
    JurisdictionLevel.FEDERAL_DISTRICT,
)
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}
COUNTY_WORDS = re.compile(r"\s+(county|parish|borough|city and borough|census area|municipality)$")
AGENCY_PREFIX = re.compile(r"^(city|town|village|borough) of\s+")
# What follows the municipality's name in a municipal agency's name.
MUNICIPAL_SUFFIX = re.compile(
    r"\s+(?:special\s+)?(?:police\s+(?:services\s+)?depart(?:ment|ent)|police\s+dept\.?"
    r"|department\s+of\s+public\s+safety|public\s+safety(?:\s+department)?|police)$",
    re.IGNORECASE,
)
MUNICIPAL_PREFIX = re.compile(r"^(?:city|town|village|borough)\s+of\s+", re.IGNORECASE)
# An agency named for its county: "Franklin County Sheriff's Office", "Union Parish Jail".
NAMED_COUNTY = re.compile(r"^(?P<county>.+?\s(?:county|parish))(?:'s|’s)?\s", re.IGNORECASE)
CHANGE_REASON = "ICE 287(g) list (import_287g)"


@functools.lru_cache(maxsize=20_000)
def place_key(name: str) -> str:
    """A name reduced for comparison: case, apostrophes, punctuation and St./Saint set aside."""
    text = name.casefold().replace("’", "'").replace("'", "").replace("&", " and ")
    words = re.sub(r"[^0-9a-z]+", " ", text).split()
    return " ".join(ABBREVIATIONS.get(word, word) for word in words)


@functools.lru_cache(maxsize=20_000)
def county_key(name: str) -> str:
    """`place_key` without the legal description: "Saint Landry County" and "St. Landry Parish"."""
    return COUNTY_WORDS.sub("", place_key(name))


@functools.lru_cache(maxsize=20_000)
def agency_key(name: str) -> str:
    """How an agency is recognised within its jurisdiction: "City of Miami Springs Police
    Department" and "Miami Springs Police Department" are one agency."""
    return AGENCY_PREFIX.sub("", place_key(name))


def similar_names(a: str, b: str) -> bool:
    """One name's words are all among the other's: a rename, not another agency."""
    words_a, words_b = set(agency_key(a).split()), set(agency_key(b).split())
    return len(words_a & words_b) >= 2 and (words_a <= words_b or words_b <= words_a)


def municipality_name(agency_name: str) -> str:
    """The municipality a municipal agency is named for ("Deland Police Department" → "Deland"),
    or "" when its name does not say."""
    name = MUNICIPAL_PREFIX.sub("", agency_name.strip())
    stripped = MUNICIPAL_SUFFIX.sub("", name)
    if stripped == name:
        return ""
    return re.sub(r"\s+borough$", "", stripped, flags=re.IGNORECASE).strip()


def agency_kind(name: str) -> str:
    text = name.casefold()
    if "sheriff" in text:
        return AgencyKind.SHERIFF
    if any(word in text for word in ("correction", "jail", "detention")):
        return AgencyKind.CORRECTIONS
    if any(word in text for word in ("police", "constable", "marshal", "patrol", "public safety")):
        return AgencyKind.POLICE
    return AgencyKind.OTHER


@dataclass(frozen=True)
class Match:
    jurisdiction: Jurisdiction | None
    problem: str = ""
    note: str = ""


def _miss(problem: str) -> Match:
    return Match(jurisdiction=None, problem=problem)


@functools.cache
def gazetteer_index() -> dict[tuple[str, str], tuple[PlaceRow, ...]]:
    """{(place_key, state): places} of the gazetteer's US places of 500 people or more; read
    once per process (about two seconds)."""
    index: dict[tuple[str, str], list[PlaceRow]] = defaultdict(list)
    for row in gazetteer_rows(min_population=GAZETTEER_MIN_POPULATION):
        index[(place_key(row.name), row.state)].append(row)
    return {key: tuple(rows) for key, rows in index.items()}


class PlaceMatcher:
    """Finds (and, for cities in the gazetteer, creates) jurisdictions; caches what it read.

    Queries: one per state for its counties and cities, the first time that state is needed.
    """

    def __init__(self, *, load_counties: bool = True):
        self.load_counties = load_counties
        self.counties_loaded = False
        self.created: list[Jurisdiction] = []
        self._states: dict[str, Jurisdiction] | None = None
        self._counties: dict[str, list[Jurisdiction]] = {}
        self._cities: dict[str, list[Jurisdiction]] = {}
        self._found: dict[tuple[str, str, str], Match] = {}
        self._seed_slugs = {gid: slug for slug, gid in seed_geonameids().items()}

    # States and counties -----------------------------------------------------------------

    def state(self, code: str) -> Match:
        found = self._state_index().get(code)
        if found is None and self._load_counties():
            found = self._state_index().get(code)
        if found is None:
            return _miss(f"the state {State(code).label} is not a jurisdiction here")
        return Match(found)

    def _state_index(self) -> dict[str, Jurisdiction]:
        if self._states is None:
            self._states = {
                j.state: j
                for j in Jurisdiction.objects.filter(
                    level=JurisdictionLevel.STATE, is_synthetic=False
                )
            }
        return self._states

    def _load_counties(self) -> bool:
        """Load every state and county (import_counties) once; True if it ran now."""
        if not self.load_counties or self.counties_loaded:
            return False
        self.counties_loaded = True
        jurisdictions_import_counties(rows=atlas_rows())
        self._states = None
        self._counties.clear()
        self._cities.clear()
        return True

    def _county_equivalents(self, state: str) -> list[Jurisdiction]:
        if state not in self._counties:
            stored = Jurisdiction.objects.filter(state=state, is_synthetic=False).exclude(
                level=JurisdictionLevel.STATE
            )
            self._counties[state] = [
                j
                for j in stored
                if j.level in (JurisdictionLevel.COUNTY, JurisdictionLevel.CITY_COUNTY)
                or len(j.geoid) == 5
            ]
            if not self._counties[state] and self._load_counties():
                return self._county_equivalents(state)
        return self._counties[state]

    def county(self, name: str, state: str) -> Match:
        """The county equivalent called `name` in `state`: by its full name first, else by
        its name without County/Parish; none or several is a problem."""
        if ("county", name, state) not in self._found:
            self._found[("county", name, state)] = self._county(name, state)
        return self._found[("county", name, state)]

    def _county(self, name: str, state: str) -> Match:
        candidates = self._county_equivalents(state)
        exact = [j for j in candidates if place_key(j.name) == place_key(name)]
        if len(exact) == 1:
            return Match(exact[0])
        loose = [j for j in candidates if county_key(j.name) == county_key(name)]
        if len(loose) == 1:
            return Match(loose[0])
        if len(loose) > 1:
            names = ", ".join(sorted(j.name for j in loose))
            return _miss(f"“{name}” could be any of {names} ({state})")
        if not self.counties_loaded and self._load_counties():
            return self._county(name, state)
        return _miss(f"no county named “{name}” in {State(state).label}")

    def federal_district(self, state: str) -> Match:
        found = list(
            Jurisdiction.objects.filter(
                level=JurisdictionLevel.FEDERAL_DISTRICT, state=state, is_synthetic=False
            )
        )
        if not found and self._load_counties():
            return self.federal_district(state)
        if len(found) != 1:
            return _miss(f"{len(found)} federal districts in {State(state).label}")
        return Match(found[0])

    # Cities --------------------------------------------------------------------------------

    def _stored_cities(self, state: str) -> list[Jurisdiction]:
        if state not in self._cities:
            self._cities[state] = list(
                Jurisdiction.objects.filter(
                    state=state, level__in=CITY_LEVELS, is_synthetic=False
                ).select_related("place")
            )
        return self._cities[state]

    def city(self, name: str, state: str, *, parent: Jurisdiction | None = None) -> Match:
        """The city called `name`: one stored under that name, else the gazetteer's only place
        of that name in the state, stored now (within `parent`, when given)."""
        if ("city", name, state) not in self._found:
            self._found[("city", name, state)] = self._city(name, state, parent)
        return self._found[("city", name, state)]

    def _city(self, name: str, state: str, parent: Jurisdiction | None) -> Match:
        key = place_key(name)
        stored = [j for j in self._stored_cities(state) if place_key(j.name) == key]
        if len(stored) == 1:
            return Match(stored[0])
        if len(stored) > 1:
            return _miss(f"several cities named “{name}” in {State(state).label}")
        places = gazetteer_index().get((key, state), ())
        if not places:
            return _miss(f"no place named “{name}” in {State(state).label} in the gazetteer")
        if len(places) > 1:
            return _miss(
                f"{len(places)} places named “{name}” in {State(state).label} in the gazetteer"
            )
        return self._city_from_place(places[0], parent)

    def _city_from_place(self, place: PlaceRow, parent: Jurisdiction | None) -> Match:
        slug = self._seed_slugs.get(place.geonameid) or jurisdiction_slug(place.name, place.state)
        for jurisdiction in self._stored_cities(place.state):
            linked = (
                jurisdiction.place is not None and jurisdiction.place.geonameid == place.geonameid
            )
            if linked or jurisdiction.slug == slug:
                return Match(jurisdiction)
        taken = Jurisdiction.objects.filter(slug=slug).first()
        if taken is not None:
            return _miss(f"the slug {slug} belongs to {taken} ({taken.get_level_display()})")
        jurisdiction = Jurisdiction(
            name=place.name,
            slug=slug,
            state=place.state,
            level=JurisdictionLevel.CITY,
            latitude=place.latitude,
            longitude=place.longitude,
            population=place.population,
            place=Place.objects.filter(geonameid=place.geonameid).first(),
            parent=parent,
        )
        jurisdiction._change_reason = CHANGE_REASON
        jurisdiction.save()
        self._cities[place.state].append(jurisdiction)
        self.created.append(jurisdiction)
        return Match(jurisdiction)

    # ICE rows ------------------------------------------------------------------------------

    def ice_row(self, *, state: str, listed_type: str, agency_name: str, county_name: str) -> Match:
        """The jurisdiction an ICE row's agency belongs to, by the row's TYPE."""
        if listed_type == ListedType.STATE_AGENCY:
            return self.state(state)
        if listed_type == ListedType.COUNTY:
            return self._county_agency(state, agency_name, county_name)
        city = municipality_name(agency_name)
        if not city:
            return _miss(f"the municipality cannot be read from the agency name “{agency_name}”")
        parent = self.county(county_name, state).jurisdiction if county_name else None
        match = self.city(city, state, parent=parent)
        found = match.jurisdiction
        if found is not None and parent is not None and found.parent_id is None:
            # Filled in where empty, never overwritten: the first list that names the county.
            found.parent = parent
            found._change_reason = CHANGE_REASON
            found.save(update_fields=["parent", "updated_at"])
        return match

    def _county_agency(self, state: str, agency_name: str, county_name: str) -> Match:
        """The COUNTY column's county; where it names none that exists, the county the agency
        is named for; where the two disagree, a problem."""
        named = NAMED_COUNTY.match(agency_name)
        by_name = self.county(named["county"], state) if named else _miss("")
        by_column = self.county(county_name, state) if county_name else None
        if by_column is not None and by_column.jurisdiction is not None:
            if by_name.jurisdiction and by_name.jurisdiction != by_column.jurisdiction:
                return _miss(
                    f"the agency's name says {by_name.jurisdiction.name} but the COUNTY column "
                    f"says {by_column.jurisdiction.name}"
                )
            return by_column
        if by_name.jurisdiction is not None:
            given = f"COUNTY “{county_name}” matches no county" if county_name else "no COUNTY"
            return Match(
                by_name.jurisdiction,
                note=f"{given}; the agency is named for {by_name.jurisdiction.name}",
            )
        if by_column is not None:
            return by_column
        return _miss("no COUNTY given and the agency's name names no county")

"""Every U.S. county, county equivalent and state, read from the Census boundaries that
us-atlas ships (cities/data/counties-10m.json, see cities/data/PROVENANCE.md), as the
jurisdictions the tracker keeps.

Names. The file gives bare names ("Mohave", "Orleans"); a jurisdiction gets the name people
write, which for counties is the Census name with its legal description: "Mohave County",
"Orleans Parish" (Louisiana), "Juneau City and Borough" or "Kusilvak Census Area" (Alaska),
"Adjuntas Municipio" (Puerto Rico), "Eastern District" (American Samoa), "Saipan Municipality"
(Northern Mariana Islands), "St. Croix Island" (Virgin Islands).

Independent cities (Virginia's 38, Baltimore, St. Louis and Carson City; Census county codes
510 and up in those four states) are cities that belong to no county. The Census writes them
"Richmond city"; here they are cities, named as people and the tracker's own seed write
cities: "Richmond", level `city`, slug `richmond-va`. So Baltimore city is the seed's
"Baltimore" (`baltimore-md`) and cannot be mistaken for "Baltimore County"
(`baltimore-county-md`); St. Louis (`st-louis-mo`) and St. Louis County
(`st-louis-county-mo`) likewise.

Consolidated city-counties the seed already holds (CITY_COUNTIES) keep the seed's name and
level, so San Francisco County is "San Francisco" (`san-francisco-ca`), whichever of
load_seed and import_counties runs first. Other consolidated governments (Philadelphia,
Honolulu, Anchorage...) keep their Census county name; an editor may rename them, and a
rename is never undone by the import.

States and territories are level `state`, named as `State` labels them ("Virgin Islands"),
with the state name alone as slug (`illinois`, `new-york`, `washington`); a city's slug
always ends in a two-letter state code and no state name's last word has two letters, so
the two cannot collide. GEOIDs: 2 digits for a state, 5 for a county equivalent.

Where one government is both, it is one jurisdiction: the District of Columbia is the
federal district 11001 ("Washington", `washington-dc`, as seeded; no state row 11), and Guam
is the territory 66 (no county row 66010).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from django.utils.text import slugify

from ..models import JurisdictionLevel, State, jurisdiction_slug
from .topojson import Polygon, decode_arcs, geometry_polygons, load_topology, representative_point

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "counties-10m.json"

STATE_FIPS = {
    "01": State.AL, "02": State.AK, "04": State.AZ, "05": State.AR, "06": State.CA,
    "08": State.CO, "09": State.CT, "10": State.DE, "11": State.DC, "12": State.FL,
    "13": State.GA, "15": State.HI, "16": State.ID, "17": State.IL, "18": State.IN,
    "19": State.IA, "20": State.KS, "21": State.KY, "22": State.LA, "23": State.ME,
    "24": State.MD, "25": State.MA, "26": State.MI, "27": State.MN, "28": State.MS,
    "29": State.MO, "30": State.MT, "31": State.NE, "32": State.NV, "33": State.NH,
    "34": State.NJ, "35": State.NM, "36": State.NY, "37": State.NC, "38": State.ND,
    "39": State.OH, "40": State.OK, "41": State.OR, "42": State.PA, "44": State.RI,
    "45": State.SC, "46": State.SD, "47": State.TN, "48": State.TX, "49": State.UT,
    "50": State.VT, "51": State.VA, "53": State.WA, "54": State.WV, "55": State.WI,
    "56": State.WY, "60": State.AS, "66": State.GU, "69": State.MP, "72": State.PR,
    "78": State.VI,
}  # fmt: skip

# The Census legal description of a county equivalent, where it is not "County".
DESCRIPTION_BY_STATE = {
    "22": "Parish",
    "60": "District",
    "69": "Municipality",
    "72": "Municipio",
    "78": "Island",
}
ALASKA_DESCRIPTIONS = {
    "Borough": {"02013", "02060", "02068", "02090", "02100", "02122", "02130", "02150",
                "02164", "02170", "02185", "02188", "02195"},
    "City and Borough": {"02110", "02220", "02275", "02282"},
    "Census Area": {"02016", "02050", "02070", "02105", "02158", "02180", "02198", "02240",
                    "02261", "02290"},
    "Municipality": {"02020", "02230"},
}  # fmt: skip
INDEPENDENT_CITY_STATES = {"24", "29", "32", "51"}

# County equivalents that are a consolidated city the seed file (seed/founding_article.toml)
# holds: the seed's name and level, so that both loaders give the same slug.
CITY_COUNTIES = {
    "06075": ("San Francisco", JurisdictionLevel.CITY_COUNTY),
    "08031": ("Denver", JurisdictionLevel.CITY_COUNTY),
    "11001": ("Washington", JurisdictionLevel.FEDERAL_DISTRICT),
    "22071": ("New Orleans", JurisdictionLevel.CITY_COUNTY),
}
# One government that the Census counts both as a state and as a county equivalent.
STATES_THAT_ARE_COUNTIES = {"11"}  # kept as the county equivalent 11001
COUNTIES_THAT_ARE_STATES = {"66010"}  # kept as the territory 66


class AtlasError(ValueError):
    pass


@dataclass(frozen=True)
class AreaRow:
    """One jurisdiction to be: a state or territory, or a county equivalent."""

    geoid: str
    name: str
    state: str
    level: str
    slug: str
    latitude: float
    longitude: float
    parent_geoid: str  # the state's GEOID for a county equivalent, "" for none


def is_independent_city(geoid: str) -> bool:
    return geoid[:2] in INDEPENDENT_CITY_STATES and geoid[2:] >= "500"


def census_name(geoid: str, bare_name: str) -> str:
    """The Census name with its legal description: "Orleans Parish", "Richmond city"."""
    if geoid == "11001":
        return bare_name  # "District of Columbia"
    if is_independent_city(geoid):
        return bare_name if bare_name.endswith(" City") else f"{bare_name} city"  # Carson City
    if geoid[:2] == "02":
        for description, geoids in ALASKA_DESCRIPTIONS.items():
            if geoid in geoids:
                return f"{bare_name} {description}"
        raise AtlasError(f"Alaska's {geoid} ({bare_name}) is not in ALASKA_DESCRIPTIONS.")
    return f"{bare_name} {DESCRIPTION_BY_STATE.get(geoid[:2], 'County')}"


def county_name_and_level(geoid: str, bare_name: str) -> tuple[str, str]:
    """The tracker's name and level for a county equivalent (see the module docstring)."""
    if geoid in CITY_COUNTIES:
        return CITY_COUNTIES[geoid]
    if is_independent_city(geoid):
        return bare_name, JurisdictionLevel.CITY
    return census_name(geoid, bare_name), JurisdictionLevel.COUNTY


def state_slug(name: str) -> str:
    return slugify(name)


def _point(polygons: list[Polygon], what: str) -> tuple[float, float]:
    if not polygons:
        raise AtlasError(f"{what} has no polygon.")
    longitude, latitude = representative_point(polygons)
    return round(latitude, 5), round(longitude, 5)


@functools.cache
def atlas_rows(path: Path = DATA_FILE) -> tuple[AreaRow, ...]:
    """The states and territories (by GEOID), then the county equivalents (by GEOID).

    Parsed once per process (a quarter of a second). Raises AtlasError for a state code
    `State` lacks, an Alaska area without a known description, or two rows sharing a GEOID,
    a slug, or a name, state and level.
    """
    topology = load_topology(path)
    arcs = decode_arcs(topology)
    rows: list[AreaRow] = []
    for geometry in sorted(topology["objects"]["states"]["geometries"], key=lambda g: g["id"]):
        fips = geometry["id"]
        if fips in STATES_THAT_ARE_COUNTIES:
            continue
        state = _state(fips)
        name = state.label
        latitude, longitude = _point(geometry_polygons(geometry, arcs), name)
        rows.append(
            AreaRow(fips, name, state.value, JurisdictionLevel.STATE, state_slug(name),
                    latitude, longitude, parent_geoid="")
        )  # fmt: skip
    for geometry in sorted(topology["objects"]["counties"]["geometries"], key=lambda g: g["id"]):
        geoid = geometry["id"]
        if geoid in COUNTIES_THAT_ARE_STATES:
            continue
        state = _state(geoid[:2])
        name, level = county_name_and_level(geoid, geometry["properties"]["name"])
        latitude, longitude = _point(geometry_polygons(geometry, arcs), f"{geoid} {name}")
        parent = "" if geoid[:2] in STATES_THAT_ARE_COUNTIES else geoid[:2]
        rows.append(
            AreaRow(geoid, name, state.value, level, jurisdiction_slug(name, state.value),
                    latitude, longitude, parent_geoid=parent)
        )  # fmt: skip
    _check_unique(rows)
    return tuple(rows)


def _state(fips: str) -> State:
    try:
        return STATE_FIPS[fips]
    except KeyError:
        raise AtlasError(f"State FIPS code {fips!r} is not in STATE_FIPS.") from None


def _check_unique(rows: list[AreaRow]) -> None:
    """Raise AtlasError unless GEOIDs, slugs and (name, state, level) are each unique, as the
    database demands of jurisdictions."""
    keys = {
        "GEOID": lambda row: row.geoid,
        "slug": lambda row: row.slug,
        "name, state and level": lambda row: (row.name, row.state, row.level),
    }
    for label, key in keys.items():
        seen: dict[object, AreaRow] = {}
        for row in rows:
            if key(row) in seen:
                raise AtlasError(f"{seen[key(row)].geoid} and {row.geoid} share their {label}.")
            seen[key(row)] = row

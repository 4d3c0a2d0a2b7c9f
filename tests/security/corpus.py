"""Hostile strings, and a small world of records with one of them in every free-text field.

Slugs and URLs are not free text: they are validated on the way in (SlugField, URLField), and a
test checks that the validation refuses these strings there.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from cities.models import Agency, AgencyKind, Jurisdiction, Official, Place, Role, State
from statements import services
from statements.models import Correction, Event, Medium, Source, Stance, Statement, Status

LONG_WORD = "Ab" * 5000  # 10,000 characters without a space or a hyphen

HOSTILE = {
    "script tag": '<script>alert("xss-script")</script>',
    "attribute breakout": '"><img src=x onerror=alert(1)>',
    "single-quote breakout": "'><svg onload=alert(2)>",
    "javascript url": "javascript:alert(3)//",
    "svg payload": '<svg><script href="data:,alert(4)"/><animate onbegin=alert(5) attributeName=x>',
    "closing tags": "</title></textarea></style></script><b>bold</b><!--",
    "template syntax": "{{ request.META }} {% debug %} ${7*7}",
    "hyperlink formula": '=HYPERLINK("http://evil.example","x")',
    "plus formula": "+cmd|' /C calc'!A0",
    "minus formula": "-1+1",
    "at formula": "@SUM(1)",
    "tab formula": "\t=1+1",
    "cdata end": "]]><x onload=alert(6)> &amp; &lt; &#60;",
    "long word": LONG_WORD,
    "right-to-left override": "invoice\u202egnp.exe",
    "zero-width": "zero\u200bwidth\u200c\u200djoin\ufeffer",
}

# Refused at input, never stored: PostgreSQL text cannot hold NUL.
NULL_BYTE = "null\x00byte"
JAVASCRIPT_URLS = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>"]


def fit(text: str, max_length: int | None) -> str:
    return text if max_length is None else text[:max_length]


@dataclass
class World:
    """The records of one hostile string: every free-text field holds it."""

    key: str
    text: str
    place: Place
    jurisdiction: Jurisdiction
    agency: Agency
    official: Official
    role: Role
    source: Source
    cited_source: Source
    event: Event
    statement: Statement
    stance: Stance
    retracted: Statement
    retracted_stance: Stance
    correction: Correction

    @property
    def name(self) -> str:
        """The text as a 200-character name field holds it."""
        return fit(self.text, 200)

    def records(self) -> list:
        return [
            self.place,
            self.jurisdiction,
            self.agency,
            self.official,
            self.role,
            self.source,
            self.cited_source,
            self.event,
            self.statement,
            self.stance,
            self.retracted,
            self.retracted_stance,
            self.correction,
        ]


STATES = [s for s in State.values if s not in ("AS", "GU", "MP", "PR", "VI", "AK", "HI")]


def build_world(index: int, key: str, text: str) -> World:
    """Records through the ORM, `text` in every free-text field (cut to the field's length)."""

    def f(model, name):
        return fit(text, model._meta.get_field(name).max_length)

    state = STATES[index % len(STATES)]
    place = Place.objects.create(
        geonameid=990000 + index,
        name=f(Place, "name"),
        state=state,
        latitude=40.0,
        longitude=-90.0 - index / 10,
        timezone=f(Place, "timezone"),
    )
    jurisdiction = Jurisdiction.objects.create(
        name=f(Jurisdiction, "name"),
        slug=f"hostile-{index}",
        state=state,
        population=1000 + index,
        latitude=40.0,
        longitude=-90.0 - index / 10,
        place=place,
        geoid=f(Jurisdiction, "geoid"),
    )
    agency = Agency.objects.create(
        jurisdiction=jurisdiction, name=f(Agency, "name"), kind=AgencyKind.POLICE
    )
    official = Official.objects.create(name=f(Official, "name"), slug=f"hostile-official-{index}")
    role = Role.objects.create(
        official=official,
        title=f(Role, "title"),
        jurisdiction=jurisdiction,
        agency=agency,
        started_on=datetime.date(2018, 1, 1),
    )
    source = Source.objects.create(
        publisher=f(Source, "publisher"),
        title=f(Source, "title"),
        url=f"https://news.example.org/hostile-{index}",
        archived_url=f"https://web.archive.org/web/2019/https://news.example.org/hostile-{index}",
        published_on=datetime.date(2019, 6, 21),
    )
    cited_source = Source.objects.create(
        publisher=f(Source, "publisher"), title=f(Source, "title"), cited_in=source
    )
    event = Event.objects.create(
        name=f(Event, "name"),
        slug=f"hostile-event-{index}",
        starts_on=datetime.date(2019, 6, 23),
        description=text,
    )
    event.targeted_jurisdictions.add(jurisdiction)
    event.sources.add(source, cited_source)
    statement = Statement.objects.create(
        official=official,
        agency=agency,
        jurisdiction=jurisdiction,
        said_on=datetime.date(2019, 6, 21) + datetime.timedelta(days=index),
        medium=Medium.PRESS_STATEMENT,
        quote=text,
        summary=text,
        # Said in Spanish, with an editor's English translation that English pages show.
        language="es",
        translation=text,
        translation_language="en",
        event=event,
        status=Status.PUBLISHED,
    )
    statement.sources.add(source, cited_source)
    stance = Stance.objects.create(
        jurisdiction=jurisdiction,
        level="refuses",
        effective_from=datetime.date(2019, 6, 21),
        summary=text,
        announced_by=statement,
    )
    stance.sources.add(source, cited_source)
    services.stance_publish(stance=stance)
    retracted = Statement.objects.create(
        official=official,
        jurisdiction=jurisdiction,
        said_on=datetime.date(2019, 6, 22),
        medium=Medium.OTHER,
        quote=text,
        status=Status.RETRACTED,
        retraction_reason=text,
        retracted_at=timezone.now(),
    )
    retracted_stance = Stance.objects.create(
        jurisdiction=jurisdiction,
        level="cooperates",
        effective_from=datetime.date(2018, 1, 1),
        ended_on=datetime.date(2019, 6, 21),
        summary=text,
        status=Status.RETRACTED,
        retraction_reason=text,
        retracted_at=timezone.now(),
    )
    correction = Correction.objects.create(
        statement=statement, corrected_at=timezone.now(), note=text
    )
    jurisdiction.refresh_from_db()
    return World(
        key=key,
        text=text,
        place=place,
        jurisdiction=jurisdiction,
        agency=agency,
        official=official,
        role=role,
        source=source,
        cited_source=cited_source,
        event=event,
        statement=statement,
        stance=stance,
        retracted=retracted,
        retracted_stance=retracted_stance,
        correction=correction,
    )


def build_worlds() -> list[World]:
    return [build_world(i, key, text) for i, (key, text) in enumerate(HOSTILE.items())]


def free_text_fields() -> list[tuple[type, str]]:
    """(model, field name) of every free-text field of every model the app owns."""
    from django.apps import apps
    from django.db import models

    fields = []
    for app in ("cities", "statements"):
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            for fld in model._meta.get_fields():
                if not isinstance(fld, models.CharField | models.TextField):
                    continue
                if isinstance(fld, models.SlugField | models.URLField) or fld.choices:
                    continue
                if not fld.editable:
                    continue
                fields.append((model, fld.name))
    return fields


def covered_fields() -> set[tuple[str, str]]:
    """The free-text fields build_world fills, as (model name, field name)."""
    return {
        ("Place", "name"),
        ("Place", "timezone"),
        ("Jurisdiction", "name"),
        ("Jurisdiction", "geoid"),
        ("Agency", "name"),
        ("Official", "name"),
        ("Role", "title"),
        ("Source", "publisher"),
        ("Source", "title"),
        ("Event", "name"),
        ("Event", "description"),
        ("Statement", "quote"),
        ("Statement", "summary"),
        ("Statement", "retraction_reason"),
        ("Statement", "translation"),
        ("Stance", "summary"),
        ("Stance", "retraction_reason"),
        ("Correction", "note"),
    }

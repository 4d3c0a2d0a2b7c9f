"""What gets written, before it is written: per jurisdiction its ids, agencies, speakers and
stance timelines.

Memory holds one small plan per jurisdiction, never the statements themselves.
"""

import datetime
import random
from dataclasses import dataclass, field

from cities.models import (
    AgencyKind,
    Jurisdiction,
    JurisdictionLevel,
    StanceLevel,
    jurisdiction_slug,
)
from statements.models import Stance, Status

from .bulk import Ids
from .candidates import Candidate
from .vocabulary import OUTLET_SUFFIXES

# Roles reach back before the statements so that sitting officials have a history.
ROLES_FROM = datetime.date(2008, 1, 1)
WINDOW_FROM = datetime.date(2017, 1, 1)
# A fixed end keeps a seed's output the same whatever day it runs.
WINDOW_TO = datetime.date(2026, 10, 31)

LEVELS = [StanceLevel.REFUSES, StanceLevel.LIMITED, StanceLevel.COOPERATES, StanceLevel.UNKNOWN]
# Rough leanings, so that the map is not noise: weights for the four levels above.
LEANINGS = {
    "refuses": ("CA", "IL", "NY", "WA", "OR", "NJ", "MA", "CO", "VT", "CT", "NM", "DC", "MN"),
    "cooperates": ("TX", "FL", "AL", "MS", "OK", "TN", "SC", "GA", "ID", "WY", "AR", "LA"),
}


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
    """One jurisdiction: its ids, agencies, speakers and stance timelines.

    The jurisdiction's headline level is not planned here: the database works it out after the
    write, with the one rule (statements.services.jurisdictions_refresh_stance).
    """

    id: int
    place: Candidate
    slug: str
    seats: list[Seat] = field(default_factory=list)
    speakers: list[Speaker] = field(default_factory=list)
    stances: list[PlannedStance] = field(default_factory=list)
    events: list[tuple[int, int, int]] = field(default_factory=list)  # (event id, from, to)
    outlet: str = ""

    def level_on(self, day: int) -> str:
        """The level of the jurisdiction-wide timeline on `day` (an ordinal), for the wording
        of what its officials say then."""
        level = StanceLevel.UNKNOWN
        for stance in self.stances:
            if (
                stance.agency_id is None
                and stance.status == Status.PUBLISHED
                and stance.effective_from.toordinal() <= day
            ):
                level = stance.level
        return level


def plan_jurisdictions(places: list[Candidate], *, rng: random.Random, ids: Ids) -> list[Plan]:
    """A plan per place, each with its id and local outlet; states first, then biggest first."""
    # Largest first, so that ids (and the admin's default order by id) start with big places.
    places.sort(key=lambda p: (p.level != JurisdictionLevel.STATE, -p.weight, p.name, p.state))
    plans = []
    for place in places:
        plan = Plan(
            id=ids.next(Jurisdiction),
            place=place,
            slug=jurisdiction_slug(place.name, place.state),
        )
        short = place.name.removesuffix(" County")
        plan.outlet = f"The {short} {rng.choice(OUTLET_SUFFIXES)}"
        plans.append(plan)
    return plans


def agencies_for(place: Candidate) -> list[tuple[str, str, str]]:
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
        agencies.append((f"{name} Department of Corrections", AgencyKind.CORRECTIONS, "Director"))
    if (place.population or 0) >= 200_000:
        agencies.append(
            (
                f"{name} Office of Immigrant Affairs",
                AgencyKind.IMMIGRANT_AFFAIRS,
                "Director of Immigrant Affairs",
            )
        )
    return agencies


def plan_stances(plan: Plan, *, rng: random.Random, ids: Ids) -> None:
    """Give the plan 1–4 stances: one jurisdiction-wide timeline, for some a second one for the
    police or sheriff (with its own current stance), and now and then a draft after the current
    jurisdiction-wide stance. Call after the plan's seats are set."""
    total = rng.choices([1, 2, 3, 4], [35, 35, 20, 10])[0]
    enforcer = next(
        (s for s in plan.seats if s.kind in (AgencyKind.POLICE, AgencyKind.SHERIFF)), None
    )
    agency_length = 0
    if enforcer and total >= 2 and rng.random() < 0.25:
        agency_length = rng.randint(1, total - 1)
    wide_length = total - agency_length
    draft = wide_length >= 2 and rng.random() < 0.1
    _plan_timeline(plan, None, wide_length - draft, rng=rng, ids=ids)
    if agency_length:
        _plan_timeline(plan, enforcer.agency_id, agency_length, rng=rng, ids=ids)
    if draft:
        # An editor's proposal after the current stance, not yet published.
        last = max(
            (s for s in plan.stances if s.agency_id is None),
            key=lambda s: s.effective_from,
        )
        plan.stances.append(
            PlannedStance(
                id=ids.next(Stance),
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


def _level_weights(place: Candidate) -> list[float]:
    weights = [2.0, 3.0, 4.0, 1.5]  # refuses, limited, cooperates, unknown
    if place.state in LEANINGS["refuses"]:
        weights = [5.0, 3.0, 1.5, 1.0]
    elif place.state in LEANINGS["cooperates"]:
        weights = [0.7, 2.0, 6.0, 1.5]
    if (place.population or 0) >= 250_000:
        weights[0] *= 2
    return weights


def _plan_timeline(
    plan: Plan, agency_id: int | None, length: int, *, rng: random.Random, ids: Ids
) -> None:
    """Up to `length` published stances, each ending the day the next one (of another level)
    takes effect; the last one is current."""
    weights = _level_weights(plan.place)
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
                id=ids.next(Stance),
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

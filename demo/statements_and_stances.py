"""Writing statements with their sources, and the planned stances some of them announce."""

import datetime
import random

from cities.models import StanceLevel
from statements.models import DateBasis, Medium, Practice, Stance, Statement, Status

from .bulk import Ids, Writer
from .plans import WINDOW_FROM, WINDOW_TO, Plan, Speaker
from .progress import Progress
from .sampling import allocate
from .sources import add_source, headline
from .vocabulary import (
    ACTIONS,
    ENFORCEMENT,
    GROUPS,
    MEDIA,
    MEDIUM_WEIGHTS,
    NATIONAL_OUTLETS,
    PRACTICES,
    QUOTES,
    SETTINGS,
    STANCE_SUMMARIES,
)


def write_statements_and_stances(
    plans: list[Plan],
    *,
    count: int,
    rng: random.Random,
    writer: Writer,
    ids: Ids,
    progress: bool,
) -> None:
    """Buffer `count` statements spread over the plans by size, with their sources, and every
    planned stance; each plan is emptied once written."""
    weights = [max(p.place.weight, 1000.0) ** 0.6 for p in plans]
    allotted = allocate(count, weights, 0)
    bar = Progress("statements", count, enabled=progress)
    for plan, statements in zip(plans, allotted, strict=True):
        _write_jurisdiction_records(plan, statements, rng=rng, writer=writer, ids=ids)
        bar.advance(statements)
        # The plan is done with; its speakers and stances need not stay in memory.
        plan.speakers.clear()
        plan.stances.clear()
        plan.seats.clear()
    bar.close()


def _write_jurisdiction_records(
    plan: Plan, count: int, *, rng: random.Random, writer: Writer, ids: Ids
) -> None:
    Through = Statement.sources.through
    # Stances first, each announced by a statement when there are statements to spare.
    announced: dict[int, int] = {}
    planned = []  # (day ordinal, speaker, event id, medium, announcing stance)
    for stance in plan.stances:
        if len(planned) < count and rng.random() < 0.5:
            day = stance.effective_from.toordinal() - rng.randint(0, 7)
            speaker = _speaker_on(rng, plan, day, stance.agency_id)
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
            speaker = _speaker_on(rng, plan, day, None)
            medium = rng.choices(MEDIA, MEDIUM_WEIGHTS)[0]
            planned.append((day, speaker, event_id, medium, None))
    planned.sort(key=lambda p: p[0])

    last_source: tuple[int, int] | None = None  # (id, published ordinal)
    for day, speaker, event_id, medium, stance in planned:
        said_on = datetime.date.fromordinal(day)
        statement_id = ids.next(Statement)
        level = stance.level if stance else plan.level_on(day)
        basis = DateBasis.REPORTED if rng.random() < 0.1 else DateBasis.SAID
        quote, summary = _text(rng, plan, speaker, level, medium)
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
        writer.add(
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
            source_id = add_source(writer, ids, plan, published, headline(rng, plan))
            last_source = (source_id, published.toordinal())
        writer.add(Through, id=ids.next(Through), statement_id=statement_id, source_id=source_id)
        if rng.random() < 0.1:
            extra = add_source(
                writer, ids, plan, said_on, headline(rng, plan), outlet=rng.choice(NATIONAL_OUTLETS)
            )
            writer.add(Through, id=ids.next(Through), statement_id=statement_id, source_id=extra)

    StanceThrough = Stance.sources.through
    for stance in plan.stances:
        practices = dict(PRACTICES[stance.level])
        if stance.level == StanceLevel.REFUSES and rng.random() < 0.6:
            practices["declared_sanctuary"] = Practice.YES
        if stance.level == StanceLevel.COOPERATES and rng.random() < 0.4:
            practices["has_287g_agreement"] = Practice.YES
        writer.add(
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
        source_id = add_source(
            writer, ids, plan, stance.effective_from, f"{plan.place.name} sets its policy on ICE"
        )
        writer.add(
            StanceThrough,
            id=ids.next(StanceThrough),
            stance_id=stance.id,
            source_id=source_id,
        )


def _speaker_on(rng: random.Random, plan: Plan, day: int, agency_id: int | None) -> Speaker:
    """An official in office that day (seven times in ten), or else an agency."""
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


def _text(
    rng: random.Random, plan: Plan, speaker: Speaker, level: str, medium: str
) -> tuple[str, str]:
    """(quote, paraphrase) of a statement at `level`: at least one of the two, often both."""
    roll = rng.random()
    quote = summary = ""
    if roll < 0.85:
        sentences = rng.sample(QUOTES[level], k=min(2, len(QUOTES[level])))
        if rng.random() < 0.5:
            sentences = sentences[:1]
        quote = " ".join(_fill(rng, s, plan) for s in sentences)
    if roll >= 0.6:
        summary = (
            f"{speaker.who} said {plan.place.name} {rng.choice(ACTIONS[level])} "
            f"{SETTINGS[medium]}, citing {rng.choice(ENFORCEMENT)}."
        )
    return quote, summary


def _fill(rng: random.Random, template: str, plan: Plan) -> str:
    return template.format(
        place=plan.place.name,
        enforcement=rng.choice(ENFORCEMENT),
        groups=rng.choice(GROUPS),
    )

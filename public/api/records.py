"""What the API lists: of each kind, exactly the records the public pages show, joined for a page.

Each function returns a queryset that a page of the API reads in a fixed number of queries,
whatever the page's size; the API's cursor pagination orders it by id.
"""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from cities.models import Agency, Jurisdiction, Official, Role
from federal.models import Agreement, Designation
from statements.models import Event, Source, Stance, Statement


def jurisdictions() -> QuerySet[Jurisdiction]:
    """Every jurisdiction, as /cities/ lists them, with statement stats and the parent: one
    query."""
    return Jurisdiction.objects.for_list().select_related("parent")


def agencies() -> QuerySet[Agency]:
    """Every agency, as the jurisdiction pages list them, with its jurisdiction: one query."""
    return Agency.objects.select_related("jurisdiction")


def roles() -> QuerySet[Role]:
    """Every role, as the official and jurisdiction pages list them: one query."""
    return Role.objects.select_related("official", "jurisdiction", "agency")


def officials() -> QuerySet[Official]:
    """Every official with their roles, as the official pages show them: two queries."""
    return Official.objects.prefetch_related(
        Prefetch("roles", queryset=roles().order_by("-started_on", "title"))
    )


def _cited_publicly() -> Q:
    """Sources cited by something a reader can see: a published statement or stance, an event
    (every event has its page) or an outside designation."""
    return (
        Q(Exists(Statement.objects.published().filter(sources=OuterRef("pk"))))
        | Q(Exists(Stance.objects.published().filter(sources=OuterRef("pk"))))
        | Q(Exists(Event.objects.filter(sources=OuterRef("pk"))))
        | Q(
            Exists(
                Designation.objects.filter(
                    Q(source=OuterRef("pk")) | Q(reply_source=OuterRef("pk"))
                )
            )
        )
    )


def sources() -> QuerySet[Source]:
    """The sources a page cites, and the sources those name as where they were found (a
    citation shows both): one query. A source cited only by drafts or retracted records is
    left out."""
    cited = Source.objects.filter(_cited_publicly())
    return Source.objects.filter(
        Q(pk__in=cited.values("pk")) | Q(pk__in=cited.values("cited_in"))
    ).select_related("cited_in")


def events() -> QuerySet[Event]:
    """Every event with the places it targeted and its sources, as the event pages show them:
    three queries."""
    return Event.objects.prefetch_related(
        Prefetch("targeted_jurisdictions", queryset=Jurisdiction.objects.order_by("name", "state")),
        Prefetch("sources", queryset=Source.objects.for_citation()),
    )


def statements() -> QuerySet[Statement]:
    """Published statements as /statements/ and its downloads give them (speaker, place, event,
    sources, the speaker's roles), with their corrections: four queries."""
    return Statement.objects.for_download().prefetch_related("corrections")


def stances() -> QuerySet[Stance]:
    """Published stances as the jurisdiction pages' timelines show them (sources, corrections,
    the announcing statement), with the place and agency: three queries."""
    return Stance.objects.for_timeline().select_related("jurisdiction", "agency", "announced_by")


def agreements() -> QuerySet[Agreement]:
    """ICE's 287(g) agreements, each with its agency and the agency's jurisdiction: one query."""
    return Agreement.objects.select_related("agency__jurisdiction")


def designations() -> QuerySet[Designation]:
    """Outside designations with the place, the source and the reply's source: one query."""
    return Designation.objects.select_related(
        "jurisdiction", "source__cited_in", "reply_source__cited_in"
    )

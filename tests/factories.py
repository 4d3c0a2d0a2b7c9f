"""factory_boy factories: one line of a test builds a valid record and everything it needs.

A published statement or stance is made the way an editor makes one: saved as a draft with its
sources, then published through `statements.services`, so it has what publishing gives it (a
history entry, a stance that ends the one it replaces, the jurisdiction's headline stance).
"""

import datetime

import factory

from cities.models import Agency, AgencyKind, Jurisdiction, Official, Role, State
from statements import services
from statements.models import Event, Medium, Source, Stance, Statement, Status


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Springfield {n}")
    state = State.IL
    slug = factory.LazyAttribute(lambda o: f"{o.name}-{o.state}".lower().replace(" ", "-"))
    population = 100_000
    latitude = 41.85
    longitude = -87.65


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    name = factory.Sequence(lambda n: f"Police Department {n}")
    kind = AgencyKind.POLICE


class OfficialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Official

    name = factory.Sequence(lambda n: f"Official {n}")


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    official = factory.SubFactory(OfficialFactory)
    title = "Mayor"
    jurisdiction = factory.SubFactory(JurisdictionFactory)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    publisher = "The Daily Record"
    title = factory.Sequence(lambda n: f"Report {n}")
    url = factory.Sequence(lambda n: f"https://news.example.org/report-{n}")
    published_on = datetime.date(2019, 6, 21)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    name = factory.Sequence(lambda n: f"Operation {n}")
    slug = factory.Sequence(lambda n: f"operation-{n}")
    starts_on = datetime.date(2019, 6, 23)


class CuratedFactory(factory.django.DjangoModelFactory):
    """A claim with its sources (`sources=[...]`; one new source unless given).

    `status="published"` saves a draft, sets its sources, then calls the publishing service: a
    claim without a source is refused, as in the admin. A draft or a retracted claim is saved as
    given (a retracted one with the `retraction_reason` and `retracted_at` the test chooses).
    """

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, sources=None, status=Status.DRAFT, **kwargs):
        saved_as = Status.DRAFT if status == Status.PUBLISHED else status
        record = super()._create(model_class, *args, status=saved_as, **kwargs)
        record.sources.set([SourceFactory()] if sources is None else sources)
        if status == Status.PUBLISHED:
            cls._publish(record)
        return record

    @classmethod
    def _publish(cls, record) -> None:
        raise NotImplementedError


class StatementFactory(CuratedFactory):
    """A statement, published through `statements_publish` unless `status` says otherwise."""

    class Meta:
        model = Statement

    official = factory.SubFactory(OfficialFactory)
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    said_on = datetime.date(2019, 6, 21)
    medium = Medium.PRESS_STATEMENT
    quote = "We will not help with these raids."
    status = Status.PUBLISHED

    @classmethod
    def _publish(cls, record: Statement) -> None:
        services.statements_publish(statements=[record])
        # The service saved its own copy: take its status and version, or a later save conflicts.
        record.refresh_from_db()


class PublishedStatementFactory(StatementFactory):
    """StatementFactory, named for what it makes where a test sets drafts beside it."""

    status = Status.PUBLISHED


class StanceFactory(CuratedFactory):
    """A draft stance: publish it with `services.stance_publish` or use PublishedStanceFactory."""

    class Meta:
        model = Stance

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    level = "refuses"
    effective_from = datetime.date(2019, 6, 21)
    status = Status.DRAFT

    @classmethod
    def _publish(cls, record: Stance) -> None:
        # Ends the current stance it replaces and refreshes the jurisdiction's stance_level, on
        # the jurisdiction object the test holds too.
        services.stance_publish(stance=record)


class PublishedStanceFactory(StanceFactory):
    """A stance published through `stance_publish`."""

    status = Status.PUBLISHED

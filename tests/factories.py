"""factory_boy factories: one line of a test builds a valid record and everything it needs."""

import datetime

import factory

from cities.models import Agency, AgencyKind, Jurisdiction, Official, Role, State
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


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Statement
        skip_postgeneration_save = True

    official = factory.SubFactory(OfficialFactory)
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    said_on = datetime.date(2019, 6, 21)
    medium = Medium.PRESS_STATEMENT
    quote = "We will not help with these raids."
    status = Status.PUBLISHED

    @factory.post_generation
    def sources(self, create, extracted, **kwargs):
        if create:
            self.sources.set(extracted if extracted is not None else [SourceFactory()])


class StanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stance
        skip_postgeneration_save = True

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    level = "refuses"
    effective_from = datetime.date(2019, 6, 21)
    status = Status.DRAFT

    @factory.post_generation
    def sources(self, create, extracted, **kwargs):
        if create:
            self.sources.set(extracted if extracted is not None else [SourceFactory()])

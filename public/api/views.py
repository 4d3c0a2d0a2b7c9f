"""The API's lists and records: thin read-only views over `public.api.records`.

Each list takes its page's filters (`public.api.filters`), pages by cursor and runs a fixed
number of queries per page whatever its size (pinned in tests/api/test_query_counts.py).
"""

from collections.abc import Callable

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, viewsets
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound

from public.claims import changes

from . import filters, records, serializers
from . import schema as api_schema
from .pagination import ChangeCursorPagination


class RecordViewSet(viewsets.ReadOnlyModelViewSet):
    """A list (filtered, paged by id) and each record by its id."""

    rows: Callable[[], QuerySet]  # a function of public.api.records
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return self.rows()

    def filter_queryset(self, queryset):
        # Filters choose the rows of a list; a record's own address takes none.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)


def documented(kind: str, plural: str, *, about: str, examples=()) -> Callable:
    """The list and record operations of a viewset, described for the schema."""
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {plural}",
            description=f"{about}\n\nPaged by cursor in the order of `id`; the same filters as "
            "the page, where the site has one.",
            examples=list(examples),
        ),
        retrieve=extend_schema(summary=f"One {kind}", description=about),
    )


@documented(
    "jurisdiction",
    "jurisdictions",
    about="Cities, counties, consolidated city-counties, DC and states, with the headline "
    "stance and statement counts, as /cities/ lists them.",
    examples=[api_schema.example("jurisdiction")],
)
class JurisdictionViewSet(RecordViewSet):
    rows = staticmethod(records.jurisdictions)
    serializer_class = serializers.JurisdictionSerializer
    filterset_class = filters.JurisdictionApiFilter


@documented(
    "agency",
    "agencies",
    about="Police departments, sheriffs, mayors' offices and other bodies of a jurisdiction.",
)
class AgencyViewSet(RecordViewSet):
    rows = staticmethod(records.agencies)
    serializer_class = serializers.AgencySerializer
    filterset_class = filters.AgencyFilter


@documented("official", "officials", about="People who spoke, with every title they held.")
class OfficialViewSet(RecordViewSet):
    rows = staticmethod(records.officials)
    serializer_class = serializers.OfficialSerializer
    filterset_class = filters.OfficialFilter


@documented(
    "role",
    "roles",
    about="A title an official held in a jurisdiction, over time; open dates mean not known.",
)
class RoleViewSet(RecordViewSet):
    rows = staticmethod(records.roles)
    serializer_class = serializers.RoleSerializer
    filterset_class = filters.RoleFilter


@documented(
    "source",
    "sources",
    about="Every source a public page cites (a published statement or stance, an event, a "
    "designation), and the sources those were found through.",
)
class SourceViewSet(RecordViewSet):
    rows = staticmethod(records.sources)
    serializer_class = serializers.SourceSerializer
    filterset_class = filters.SourceFilter


@documented(
    "event", "events", about="What statements respond to, e.g. an announced enforcement operation."
)
class EventViewSet(RecordViewSet):
    rows = staticmethod(records.events)
    serializer_class = serializers.EventSerializer
    filterset_class = filters.EventFilter


@documented(
    "statement",
    "statements",
    about="Published statements, each tied to its sources, as /statements/ lists them.",
    examples=[api_schema.example("statement")],
)
class StatementViewSet(RecordViewSet):
    rows = staticmethod(records.statements)
    serializer_class = serializers.StatementSerializer
    filterset_class = filters.StatementApiFilter


@documented(
    "stance",
    "stances",
    about="Published stances, effective-dated, with the practices they record.",
    examples=[api_schema.example("stance")],
)
class StanceViewSet(RecordViewSet):
    rows = staticmethod(records.stances)
    serializer_class = serializers.StanceSerializer
    filterset_class = filters.StanceFilter


@documented(
    "287(g) agreement",
    "287(g) agreements",
    about="ICE's 287(g) agreements of each agency and support type, as ICE's published lists "
    "show them over time.",
)
class AgreementViewSet(RecordViewSet):
    rows = staticmethod(records.agreements)
    serializer_class = serializers.AgreementSerializer
    filterset_class = filters.AgreementFilter


@documented(
    "designation",
    "designations",
    about="What an outside body calls a jurisdiction (e.g. the Justice Department's "
    "“sanctuary jurisdiction”), in its words, with the place's reply.",
)
class DesignationViewSet(RecordViewSet):
    rows = staticmethod(records.designations)
    serializer_class = serializers.DesignationSerializer
    filterset_class = filters.DesignationFilter


@extend_schema(
    summary="The public change log",
    description="Corrections and retractions of published records, newest first, as /changes/ "
    "lists them. Paged by cursor.",
    examples=[api_schema.example("change")],
)
class ChangeLogView(generics.ListAPIView):
    """Two to five queries: every change's (kind, id, time), then the page's records."""

    serializer_class = serializers.ChangeSerializer
    pagination_class = ChangeCursorPagination
    filter_backends = []

    def get_queryset(self):
        return changes.public_changes()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        data = self.get_serializer(changes.hydrate(page), many=True).data
        return self.get_paginated_response(data)


@extend_schema(exclude=True)
@api_view(["GET"])
def not_found(request, *args, **kwargs):
    """Any other address under /api/: a JSON 404 rather than the site's HTML page."""
    raise NotFound("There is no such address in the API. The endpoints are listed at /api/v1/.")

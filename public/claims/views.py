from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from cities.models import Role
from public.downloads import source_field, source_json
from public.listing import Column, FacetedListView
from statements.models import Event, Statement

from . import changes
from .filters import StatementFilter

EVENT_STATEMENTS = 50
CHANGES_PER_PAGE = 50


def role_held_on(statement, roles=None):
    """The speaker's role on the day of the statement, preferring one in its jurisdiction.

    With `roles` (prefetched) no query; without, one query.
    """
    if not statement.official_id:
        return None
    if roles is None:
        roles = Role.objects.filter(official_id=statement.official_id).held_on(statement.said_on)
        roles = list(roles.select_related("jurisdiction", "agency"))
    else:
        roles = [r for r in roles if r.held_on(statement.said_on)]
    roles.sort(key=lambda r: r.jurisdiction_id != statement.jurisdiction_id)
    return roles[0] if roles else None


def _joined(attr):
    def get(statement):
        return " | ".join(source_field(s, attr) for s in statement.sources.all())

    return get


class StatementListView(FacetedListView):
    filterset_class = StatementFilter
    template_name = "statements/statement_list.html"
    download_kind = "statements"

    def get_queryset(self):
        return Statement.objects.for_list()

    def download_queryset(self, queryset):
        return queryset.for_download()

    def get_extra_context(self) -> dict:
        query = self.request.GET.copy()
        for key in ("page", "format"):
            query.pop(key, None)
        feed_url = reverse("statements:feed") + (f"?{query.urlencode()}" if query else "")
        return {"feed_url": feed_url}

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    def _role(self, statement):
        roles = statement.official.roles.all() if statement.official_id else []
        role = role_held_on(statement, list(roles))
        return role.label if role else ""

    @property
    def scalar_columns(self):
        return [
            Column("id", lambda s: s.pk),
            Column("url", lambda s: self.absolute(s.get_absolute_url())),
            Column("said_on", lambda s: s.said_on),
            Column("said_on_basis", lambda s: s.said_on_basis),
            Column("speaker", lambda s: s.speaker_name),
            Column("official", lambda s: s.official.name if s.official_id else ""),
            Column("official_slug", lambda s: s.official.slug if s.official_id else ""),
            Column("speaker_role", self._role),
            Column("agency", lambda s: s.agency.name if s.agency_id else ""),
            Column("jurisdiction", lambda s: s.jurisdiction.name),
            Column("jurisdiction_slug", lambda s: s.jurisdiction.slug),
            Column("state", lambda s: s.jurisdiction.state),
            Column("jurisdiction_stance", lambda s: s.jurisdiction.stance_level),
            Column("medium", lambda s: s.medium),
            Column("event", lambda s: s.event.name if s.event_id else ""),
            Column("event_slug", lambda s: s.event.slug if s.event_id else ""),
            Column("quote", lambda s: s.quote),
            Column("summary", lambda s: s.summary),
        ]

    @property
    def columns(self):
        return [
            *self.scalar_columns,
            Column("source_publishers", _joined("publisher")),
            Column("source_titles", _joined("title")),
            Column("source_urls", _joined("url")),
            Column("source_dates", _joined("published_on")),
            Column("source_archived_urls", _joined("archived_url")),
            Column("source_cited_in", _joined("cited_in")),
        ]

    def json_columns(self):
        return self.scalar_columns

    @staticmethod
    def json_extra(statement) -> dict:
        return {"sources": [source_json(s) for s in statement.sources.all()]}


class StatementDetailView(TemplateView):
    """Four queries: the statement with its speaker, place and event; its sources; its
    corrections; the role. A retracted statement's permalink shows the retraction notice."""

    template_name = "statements/statement_detail.html"

    def get_context_data(self, **kwargs):
        statement = get_object_or_404(Statement.objects.for_permalink(), pk=kwargs["pk"])
        return {"statement": statement, "role": role_held_on(statement)}


class EventDetailView(TemplateView):
    """Four queries: the event, its sources, the places it targeted, the statements."""

    template_name = "statements/event_detail.html"

    def get_context_data(self, **kwargs):
        event = get_object_or_404(Event, slug=kwargs["slug"])
        return {
            "event": event,
            "sources": list(event.sources.for_citation()),
            "jurisdictions": list(event.targeted_jurisdictions.order_by("name", "state")),
            "statements": list(event.statements.for_list()[:EVENT_STATEMENTS]),
        }


class ChangesView(TemplateView):
    """Corrections and retractions, newest first, a page at a time: two to five queries."""

    template_name = "statements/changes.html"

    def get_context_data(self, **kwargs):
        paginator = Paginator(changes.public_changes(), CHANGES_PER_PAGE)
        number = self.request.GET.get("page") or 1
        try:
            page = paginator.page(number)
        except (EmptyPage, PageNotAnInteger) as error:
            raise Http404(f"There is no page “{number}” of changes: {error}") from error
        return {
            "changes": changes.hydrate(page.object_list),
            "page_obj": page,
            "paginator": paginator,
            "is_paginated": page.has_other_pages(),
        }

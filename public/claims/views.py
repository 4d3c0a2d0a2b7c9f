from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from cities.models import Role
from public import downloads
from public.filter_errors import filter_errors, filter_errors_text
from public.listing import FacetedListView, ListControlsForm
from statements.models import Event, Statement, Status
from tracker.page_tags import LISTS, depends_on, place_stance_tag, statement_tag
from tracker.preview import keep_private, may_preview

from . import changes
from .columns import StatementTable
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


class StatementListView(FacetedListView):
    filterset_class = StatementFilter
    template_name = "statements/statement_list.html"
    download_kind = "statements"

    def get_queryset(self):
        return Statement.objects.for_list()

    def download_queryset(self, queryset):
        return queryset.for_download()

    def page_queryset(self, queryset):
        # Each row shows its sources' publishers and dates: one query for the page's sources.
        return queryset.with_sources()

    def get_extra_context(self) -> dict:
        query = self.request.GET.copy()
        for key in ("page", "format"):
            query.pop(key, None)
        feed_url = reverse("statements:feed") + (f"?{query.urlencode()}" if query else "")
        return {"feed_url": feed_url, "sources_format": downloads.SOURCES_FORMAT}

    # -- the long CSV of sources: one row per statement and source ------------------------------
    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == downloads.SOURCES_FORMAT:
            return self.sources_download(request)
        return super().get(request, *args, **kwargs)

    def sources_download(self, request):
        """`?format=sources_csv`: the sources of every statement the filters match, one row per
        statement and source, under the same filters, row limit and refusals as the CSV."""
        query = request.GET.copy()
        query.pop("format")
        filterset = self.filterset_class(query, queryset=self.get_queryset(), request=request)
        controls = ListControlsForm(query)
        if not (filterset.is_valid() & controls.is_valid()):
            return HttpResponseBadRequest(
                filter_errors_text(filter_errors(filterset.form, controls), refused="download"),
                content_type=downloads.TEXT_TYPE,
            )
        count = filterset.count()
        if count > settings.DOWNLOAD_MAX_ROWS:
            return downloads.too_large_response(
                request, kind=self.download_kind, count=count, limit=settings.DOWNLOAD_MAX_ROWS
            )
        table = self.download_table()
        chunks = table.chunks_in_order(
            filterset.sort(self.annotate(filterset.qs)),
            count=count,
            chunk_size=self.download_chunk_size,
            full=True,
        )
        filename = self.download_filename(filterset, downloads.SOURCES_FILE_SUFFIX)
        return downloads.streamed_response(table.sources_lines(chunks), "csv", filename)

    # -- downloads: columns in public/claims/columns.py, read a chunk of rows at a time ---------
    def download_table(self) -> StatementTable:
        return StatementTable(self.request.build_absolute_uri)

    def download_chunks(self, fmt: str, rows, *, count: int):
        return self.download_table().lines(
            fmt, rows, count=count, chunk_size=self.download_chunk_size
        )


class StatementDetailView(TemplateView):
    """Four queries: the statement with its speaker, place and event; its sources; its
    corrections; the role. A retracted statement's permalink shows the retraction notice."""

    template_name = "statements/statement_detail.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.context_data["preview"]:
            keep_private(response)
        return response

    def get_context_data(self, **kwargs):
        # Staff who may change statements also see drafts, bannered; others get the 404.
        if may_preview(self.request.user, Statement):
            queryset = Statement.objects.for_preview()
        else:
            queryset = Statement.objects.for_permalink()
        statement = get_object_or_404(queryset, pk=kwargs["pk"])
        depends_on(
            self.request, statement_tag(statement.pk), place_stance_tag(statement.jurisdiction_id)
        )
        return {
            "statement": statement,
            "role": role_held_on(statement),
            "preview": statement.status == Status.DRAFT,
        }


class EventDetailView(TemplateView):
    """Four queries: the event, its sources, the places it targeted, the statements."""

    template_name = "statements/event_detail.html"

    def get_context_data(self, **kwargs):
        event = get_object_or_404(Event, slug=kwargs["slug"])
        depends_on(self.request, *LISTS)  # its statements, and its places with their stances
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

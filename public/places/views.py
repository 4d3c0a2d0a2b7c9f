from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.generic import TemplateView

from cities.models import Jurisdiction, Official, StanceLevel
from public.downloads import source_field, source_json
from public.listing import Column, FacetedListView
from statements.models import Event, Source, Stance, Statement

from .filters import JurisdictionFilter

HOME_LATEST_STATEMENTS = 5
DETAIL_STATEMENTS = 50

# The chart's bars, in the order a reader compares them.
CHART_LEVELS = [
    StanceLevel.REFUSES,
    StanceLevel.LIMITED,
    StanceLevel.COOPERATES,
    StanceLevel.UNKNOWN,
]


def stance_chart(counts: dict[str, int]) -> dict:
    """Bars of a horizontal SVG bar chart, scaled to the largest count (no query)."""
    top = max(counts.values(), default=0) or 1
    bar_space = 300
    bars = []
    for index, level in enumerate(CHART_LEVELS):
        count = counts.get(level, 0)
        width = round(bar_space * count / top)
        bars.append(
            {
                "level": level.value,
                "label": level.label,
                "count": count,
                "y": index * 40,
                "width": width,
                "text_x": 200 + width + 8,
            }
        )
    return {"bars": bars, "height": len(bars) * 40, "total": sum(counts.values())}


def home(request):
    """Three queries: stance counts, latest statements, events."""
    counts = Jurisdiction.objects.stance_counts()
    context = {
        "chart": stance_chart(counts),
        "latest_statements": Statement.objects.for_list()[:HOME_LATEST_STATEMENTS],
        "events": list(Event.objects.order_by("-starts_on")[:3]),
    }
    return render(request, "cities/home.html", context)


def _sources():
    return Source.objects.for_citation()


class JurisdictionListView(FacetedListView):
    filterset_class = JurisdictionFilter
    template_name = "cities/jurisdiction_list.html"
    download_kind = "cities"

    def get_queryset(self):
        return Jurisdiction.objects.all()

    def annotate(self, queryset):
        return queryset.for_list()

    def download_queryset(self, queryset):
        current = (
            Stance.objects.published()
            .current()
            .select_related("agency")
            .prefetch_related(Prefetch("sources", queryset=_sources()))
        )
        return queryset.prefetch_related(
            Prefetch("stances", queryset=current, to_attr="current_stances")
        )

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    @property
    def scalar_columns(self):
        return [
            Column("slug", lambda j: j.slug),
            Column("name", lambda j: j.name),
            Column("state", lambda j: j.state),
            Column("state_name", lambda j: j.get_state_display()),
            Column("level", lambda j: j.level),
            Column("population", lambda j: j.population),
            Column("latitude", lambda j: j.latitude),
            Column("longitude", lambda j: j.longitude),
            Column("stance", lambda j: j.stance_level),
            Column("stance_label", lambda j: j.get_stance_level_display()),
            Column(
                "stance_effective_from",
                lambda j: max((s.effective_from for s in j.current_stances), default=None),
            ),
            Column("statement_count", lambda j: j.statement_count),
            Column("latest_statement_on", lambda j: j.latest_statement_on),
            Column("url", lambda j: self.absolute(j.get_absolute_url())),
        ]

    @property
    def columns(self):
        def joined(attr):
            def get(j):
                return " | ".join(source_field(s, attr) for s in _stance_sources(j))

            return get

        return [
            *self.scalar_columns,
            Column("stance_source_publishers", joined("publisher")),
            Column("stance_source_titles", joined("title")),
            Column("stance_source_urls", joined("url")),
            Column("stance_source_dates", joined("published_on")),
            Column("stance_source_archived_urls", joined("archived_url")),
            Column("stance_source_cited_in", joined("cited_in")),
        ]

    def json_columns(self):
        return self.scalar_columns

    @staticmethod
    def json_extra(jurisdiction) -> dict:
        return {"stance_sources": [source_json(s) for s in _stance_sources(jurisdiction)]}


def _stance_sources(jurisdiction) -> list:
    """The sources of the jurisdiction's current published stances, each once (no query)."""
    seen = {}
    for stance in jurisdiction.current_stances:
        for source in stance.sources.all():
            seen.setdefault(source.pk, source)
    return list(seen.values())


class JurisdictionDetailView(TemplateView):
    """Eight queries: the place, its stances with their sources and corrections, agencies, roles,
    events, statements."""

    template_name = "cities/jurisdiction_detail.html"

    def get_context_data(self, **kwargs):
        jurisdiction = get_object_or_404(Jurisdiction, slug=kwargs["slug"])
        stances = list(jurisdiction.stances.for_timeline().select_related("announced_by", "agency"))
        statements = jurisdiction.statements.for_list()  # newest first (Meta.ordering)
        return {
            "jurisdiction": jurisdiction,
            "current_stances": [s for s in stances if s.is_current],
            "timeline": stances,
            "agencies": list(jurisdiction.agencies.order_by("name")),
            "roles": list(
                jurisdiction.roles.select_related("official", "agency").order_by(
                    "official__name", "-started_on"
                )
            ),
            "events": list(jurisdiction.targeted_by_events.order_by("-starts_on")),
            "statements": list(statements[:DETAIL_STATEMENTS]),
        }


class OfficialDetailView(TemplateView):
    """Three queries: the official, their roles, their statements."""

    template_name = "cities/official_detail.html"

    def get_context_data(self, **kwargs):
        official = get_object_or_404(Official, slug=kwargs["slug"])
        return {
            "official": official,
            "roles": list(
                official.roles.select_related("jurisdiction", "agency").order_by(
                    "-started_on", "title"
                )
            ),
            "statements": list(official.statements.for_list()[:DETAIL_STATEMENTS]),
        }

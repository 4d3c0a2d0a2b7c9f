from django.shortcuts import get_object_or_404, render
from django.views.generic import TemplateView

from cities.models import Jurisdiction, JurisdictionLevel, Official, StanceLevel
from federal.models import AgreementStatus
from public.listing import FacetedListView
from statements.models import Event, Statement

from . import columns as download_columns
from .filters import JurisdictionFilter
from .national import compare, national_figures
from .querysets import public_jurisdictions

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
    """Seven queries: stance counts, latest statements, events, and the national figures (four);
    the small map adds its own."""
    counts = Jurisdiction.objects.stance_counts()
    context = {
        "chart": stance_chart(counts),
        "latest_statements": Statement.objects.for_list()[:HOME_LATEST_STATEMENTS],
        "events": list(Event.objects.order_by("-starts_on")[:3]),
        "national": national_figures(),
    }
    return render(request, "cities/home.html", context)


class JurisdictionListView(FacetedListView):
    filterset_class = JurisdictionFilter
    template_name = "cities/jurisdiction_list.html"
    download_kind = "cities"

    def get_queryset(self):
        return public_jurisdictions()

    def annotate(self, queryset):
        return queryset.for_list()

    def download_queryset(self, queryset):
        # The rows are already `for_list()`: together, `for_download()`.
        return queryset.with_current_stances()

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    @property
    def columns(self):
        return download_columns.csv_columns(self.absolute)

    def json_columns(self):
        return download_columns.json_columns(self.absolute)

    json_extra = staticmethod(download_columns.json_extra)


# The order in which a place's agreements are listed: in force first, then applications, then
# those ICE no longer lists.
STATUS_ORDER = {
    AgreementStatus.LISTED: 0,
    AgreementStatus.PENDING: 1,
    AgreementStatus.NO_LONGER_LISTED: 2,
}


class JurisdictionDetailView(TemplateView):
    """Ten queries: the place, its designations, agencies and their 287(g) agreements, its
    stances with their sources and corrections, roles, events, statements; a state's page one
    more (the places in it whose agencies hold an agreement)."""

    template_name = "cities/jurisdiction_detail.html"

    def get_context_data(self, **kwargs):
        jurisdiction = get_object_or_404(public_jurisdictions().for_detail(), slug=kwargs["slug"])
        stances = list(jurisdiction.stances.for_timeline().select_related("announced_by", "agency"))
        statements = jurisdiction.statements.for_list()  # newest first (Meta.ordering)
        agencies = jurisdiction.agency_list
        agreements = sorted(
            (agreement for agency in agencies for agreement in agency.agreement_list),
            key=lambda a: (STATUS_ORDER[a.status], a.agency.name, a.support_type),
        )
        context = {
            "jurisdiction": jurisdiction,
            "current_stances": [s for s in stances if s.is_current],
            "timeline": stances,
            "designations": jurisdiction.designation_list,
            "comparisons": compare(jurisdiction, jurisdiction.designation_list, agencies),
            "agreements": agreements,
            "agencies": agencies,
            "roles": list(
                jurisdiction.roles.select_related("official", "agency").order_by(
                    "official__name", "-started_on"
                )
            ),
            "events": list(jurisdiction.targeted_by_events.order_by("-starts_on")),
            "statements": list(statements[:DETAIL_STATEMENTS]),
        }
        if jurisdiction.level == JurisdictionLevel.STATE:
            context["places_in_state_with_agreement"] = (
                public_jurisdictions()
                .filter(state=jurisdiction.state)
                .exclude(pk=jurisdiction.pk)
                .with_listed_agreement()
                .count()
            )
        return context


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

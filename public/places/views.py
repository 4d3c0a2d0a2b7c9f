import functools

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.generic import TemplateView

from cities.models import Jurisdiction, JurisdictionLevel, Official, StanceLevel
from federal.models import AgreementStatus
from public.listing import FacetedListView
from statements.models import Event, Stance, Statement, Status
from tracker.fragments import rows_at_versions
from tracker.page_tags import LISTS, SITE, AtVersions, depends_on, official_tag, place_tag
from tracker.preview import keep_private, may_preview

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


# The chart's geometry, in SVG units. The chart is drawn about as wide as a phone's column (and
# never much wider, site.css), so its 15-unit text stays near 15 px: each label sits on its own
# line above its bar instead of beside it, which would shrink the whole drawing on a phone.
CHART_WIDTH = 360
CHART_BAR_SPACE = 300  # the longest bar; the rest of the width holds its count
CHART_ROW = 52


def stance_chart(counts: dict[str, int]) -> dict:
    """Bars of a horizontal SVG bar chart, scaled to the largest count (no query)."""
    top = max(counts.values(), default=0) or 1
    bars = []
    for index, level in enumerate(CHART_LEVELS):
        count = counts.get(level, 0)
        width = round(CHART_BAR_SPACE * count / top)
        y = index * CHART_ROW
        bars.append(
            {
                "level": level.value,
                "label": level.label,
                "count": count,
                "y": y,
                "label_y": y + 16,
                "bar_y": y + 22,
                "count_y": y + 38,
                "width": width,
                "text_x": width + 8,
            }
        )
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": len(bars) * CHART_ROW,
        "total": sum(counts.values()),
    }


def home(request):
    """Seven queries: stance counts, latest statements, events, and the national figures (four);
    the small map adds its own."""
    depends_on(request, *LISTS)
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

    # Downloads: columns in public/places/columns.py, read a chunk of rows at a time.
    def download_table(self) -> download_columns.JurisdictionTable:
        return download_columns.JurisdictionTable(self.request.build_absolute_uri)

    def download_chunks(self, fmt: str, rows, *, count: int):
        return self.download_table().lines(
            fmt, rows, count=count, chunk_size=self.download_chunk_size
        )


# The order in which a place's agreements are listed: in force first, then applications, then
# those ICE no longer lists.
STATUS_ORDER = {
    AgreementStatus.LISTED: 0,
    AgreementStatus.PENDING: 1,
    AgreementStatus.NO_LONGER_LISTED: 2,
}


def place_for_page(pk) -> tuple[Jurisdiction, list[Event]]:
    """A place with what its page shows of it (its designations, agencies and their 287(g)
    agreements), and the events that targeted it: four queries."""
    jurisdiction = get_object_or_404(public_jurisdictions().for_detail(), pk=pk)
    return jurisdiction, list(jurisdiction.targeted_by_events.order_by("-starts_on"))


class JurisdictionDetailView(TemplateView):
    """Eleven queries: the place's id by its address, the place, its designations, agencies and
    their 287(g) agreements, its stances with their sources and corrections, roles, events,
    statements; a state's page one more (the places in it whose agencies hold an agreement).
    The place with its designations, agencies and events is kept per versions of the place and
    day; its stances, roles and statements as ids and digests (`rows_at_versions`), drawn as
    stored rows. A repeat while nothing on the page has changed reads only the place's id."""

    template_name = "cities/jurisdiction_detail.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.context_data.get("draft_stances"):
            keep_private(response)  # shows what readers do not see
        return response

    def get_context_data(self, **kwargs):
        pk = get_object_or_404(
            Jurisdiction.objects.values_list("pk", flat=True), slug=kwargs["slug"]
        )
        depends_on(self.request, place_tag(pk))
        # What the page keeps is read at the place's versions, once for all its parts.
        versions = AtVersions({SITE, place_tag(pk)})
        # The place itself is kept too, per day: which of its stances is in force (its headline)
        # changes at midnight, with no edit.
        jurisdiction, events = versions.computed(
            f"place:{pk}:{timezone.localdate().isoformat()}", lambda: place_for_page(pk)
        )
        kept = functools.partial(rows_at_versions, versions)
        timeline = kept(
            f"place-stances:{jurisdiction.pk}",
            rows=jurisdiction.stances.for_timeline().select_related("announced_by", "agency"),
            limit=None,
        )
        statements = jurisdiction.statements.for_list()  # newest first (Meta.ordering)
        agencies = jurisdiction.agency_list
        agreements = sorted(
            (agreement for agency in agencies for agreement in agency.agreement_list),
            key=lambda a: (STATUS_ORDER[a.status], a.agency.name, a.support_type),
        )
        context = {
            "jurisdiction": jurisdiction,
            "current_stances": timeline.only(
                versions.computed(
                    f"place-current-stances:{jurisdiction.pk}",
                    lambda: [stance.pk for stance in timeline if stance.is_current],
                )
            ),
            "timeline": timeline,
            "designations": jurisdiction.designation_list,
            "comparisons": compare(jurisdiction, jurisdiction.designation_list, agencies),
            "agreements": agreements,
            "agencies": agencies,
            "roles": kept(
                f"place-roles:{jurisdiction.pk}",
                rows=jurisdiction.roles.select_related("official", "agency").order_by(
                    "official__name", "-started_on"
                ),
                limit=None,
            ),
            "events": events,
            "statements": kept(
                f"place-statements:{jurisdiction.pk}", rows=statements, limit=DETAIL_STATEMENTS
            ),
        }
        if may_preview(self.request.user, Stance):
            # "View on site" of a draft stance lands here: staff see what waits to be published.
            context["draft_stances"] = list(
                jurisdiction.stances.filter(status=Status.DRAFT)
                .select_related("agency")
                .order_by("-effective_from", "-pk")
            )
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
        depends_on(self.request, official_tag(official.pk))
        return {
            "official": official,
            "roles": list(
                official.roles.select_related("jurisdiction", "agency").order_by(
                    "-started_on", "title"
                )
            ),
            "statements": rows_at_versions(
                AtVersions({SITE, official_tag(official.pk)}),
                f"official-statements:{official.pk}",
                official.statements.for_list(),
                DETAIL_STATEMENTS,
            ),
        }

"""What a subscription follows: how it is named, where it lives on the site, and which published
records of it changed in a window of time. Saved searches are read by the statements list's own
FilterSet, so an alert finds exactly what the page shows for that address."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from public.claims.filters import StatementFilter
from public.filter_errors import FilterError, filter_errors
from statements.models import Correction, Stance, Statement, Status
from tracker.text import CONTROL_CHARACTERS

from .models import Kind, Subscription

SEARCH_MAX_LENGTH = 1000
# Parameters of the list that do not change which statements it finds.
NOT_FILTERS = frozenset({"sort", "page", "format"})


@dataclass(frozen=True)
class SavedSearch:
    query: str  # canonical: only the list's filters, sorted, e.g. "city=chicago-il&medium=press"
    errors: list[FilterError]
    description: str

    @property
    def is_valid(self) -> bool:
        return not self.errors


def one_line(text: str) -> str:
    """Text with its runs of white space and control characters made one space: what a search
    means is unchanged, and a name in a mail's Subject cannot break the header."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", text).split())


def statement_filter(query: str) -> StatementFilter:
    return StatementFilter(QueryDict(query), queryset=Statement.objects.for_list())


def read_search(raw: str) -> SavedSearch:
    """The canonical form of a statements-list query string and its filter errors, if any. The
    page's parameters that do not filter (sort, page, format) are dropped; so are unknown ones,
    as the page ignores them. One query per model-backed filter given (to check its values)."""
    data = QueryDict(raw.lstrip("?"))
    kept = QueryDict(mutable=True)
    for name in sorted(StatementFilter.base_filters):
        values = sorted({one_line(value) for value in data.getlist(name) if value.strip()})
        if name not in NOT_FILTERS and values:
            kept.setlist(name, values)
    query = kept.urlencode()
    if len(query) > SEARCH_MAX_LENGTH:
        error = FilterError(
            "search", _("Search"), _("This search is too long to save. Use fewer filters.")
        )
        return SavedSearch(query[:SEARCH_MAX_LENGTH], [error], "")
    filterset = statement_filter(query)
    if not filterset.is_valid():
        return SavedSearch(query, filter_errors(filterset.form), "")
    return SavedSearch(query, [], filterset.describe())


def label(subscription: Subscription) -> str:
    """How a page or a mail names what is followed; a saved search costs a query or two."""
    if subscription.kind == Kind.JURISDICTION:
        return str(subscription.jurisdiction)
    if subscription.kind == Kind.OFFICIAL:
        return subscription.official.name
    described = statement_filter(subscription.search).describe()
    if described:
        return _("Statements (%(filters)s)") % {"filters": described}
    return _("All statements")


def path(subscription: Subscription) -> str:
    if subscription.kind == Kind.JURISDICTION:
        return subscription.jurisdiction.get_absolute_url()
    if subscription.kind == Kind.OFFICIAL:
        return subscription.official.get_absolute_url()
    query = subscription.search
    return reverse("statements:list") + (f"?{query}" if query else "")


def followed_statements(subscription: Subscription) -> QuerySet[Statement]:
    """Published statements of what the subscription follows, joined for a list: one query."""
    published = Statement.objects.for_list()
    if subscription.kind == Kind.JURISDICTION:
        return published.filter(jurisdiction_id=subscription.jurisdiction_id)
    if subscription.kind == Kind.OFFICIAL:
        return published.filter(official_id=subscription.official_id)
    filterset = statement_filter(subscription.search)
    # Stored searches were valid when saved; one that no longer is (an event renamed) finds
    # nothing rather than everything.
    return filterset.qs if filterset.is_valid() else published.none()


@dataclass(frozen=True)
class Window:
    after: datetime
    until: datetime


def new_statements(subscription: Subscription, window: Window) -> QuerySet[Statement]:
    """Published statements of the target published or edited in the window, newest first.

    There is no publication date on a statement: publishing, correcting and editing each save it,
    so `updated_at` in the window is "published or changed since the last digest". Each carries
    `new_corrections`, its public corrections in the window. Two queries."""
    corrections = Correction.objects.filter(
        corrected_at__gt=window.after, corrected_at__lte=window.until
    ).order_by("corrected_at")
    return (
        followed_statements(subscription)
        .filter(updated_at__gt=window.after, updated_at__lte=window.until)
        .prefetch_related(Prefetch("corrections", corrections, to_attr="new_corrections"))
        .order_by("-said_on", "-id")
    )


def new_stances(subscription: Subscription, window: Window) -> QuerySet[Stance]:
    """Published stances of a followed jurisdiction published or changed in the window."""
    if subscription.kind != Kind.JURISDICTION:
        return Stance.objects.none()
    return (
        Stance.objects.filter(
            status=Status.PUBLISHED,
            jurisdiction_id=subscription.jurisdiction_id,
            updated_at__gt=window.after,
            updated_at__lte=window.until,
        )
        .select_related("jurisdiction", "agency")
        .order_by("-effective_from", "-id")
    )


def retracted_statements(subscription: Subscription, window: Window) -> QuerySet[Statement]:
    """Statements of the target retracted in the window: the notice only (who, when, why) is
    mailed, as on /changes/, never the retracted words."""
    retracted = Statement.objects.filter(
        status=Status.RETRACTED, retracted_at__gt=window.after, retracted_at__lte=window.until
    ).select_related("official", "agency", "jurisdiction")
    if subscription.kind == Kind.JURISDICTION:
        return retracted.filter(jurisdiction_id=subscription.jurisdiction_id)
    if subscription.kind == Kind.OFFICIAL:
        return retracted.filter(official_id=subscription.official_id)
    # A saved search: the retracted statements that it would have found when published.
    filterset = statement_filter(subscription.search)
    if not filterset.is_valid():
        return retracted.none()
    matching = filterset.filter_queryset(Statement.objects.filter(status=Status.RETRACTED))
    return retracted.filter(Q(pk__in=matching.values("pk")))

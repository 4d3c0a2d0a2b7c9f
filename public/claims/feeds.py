"""Atom feeds: /statements/feed/ (the newest published statements under exactly the list's
filters), one per jurisdiction and one per official at stable addresses, and /changes/feed/.

Each statement's entry carries its sources (publisher, title, date; a `related` link to each)
and the outside designations in force for its jurisdiction, so a reader of the feed sees where
a claim comes from without opening the page.
"""

import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cities.models import Jurisdiction, Official
from federal.models import Designation
from public.filter_errors import filter_errors, filter_errors_text
from statements.models import Statement
from tracker.page_tags import LISTS, depends_on, official_tag, place_tag
from tracker.text import XmlSafeAtom1Feed

from . import changes
from .filters import StatementFilter

FEED_SIZE = 50
# One date format everywhere, per language (tracker/formats): "June 21, 2019".
DAY = "DATE_FORMAT"


class SourcedAtomFeed(XmlSafeAtom1Feed):
    """Atom with a `<link rel="related">` per source of an entry (its address, titled with the
    publisher), for readers that follow links rather than read the summary."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for source in item.get("sources", ()):
            if source["url"]:
                handler.addQuickElement(
                    "link", "", {"rel": "related", "href": source["url"], "title": source["label"]}
                )


def _day(value: datetime.date) -> str:
    return date_format(value, DAY)


def source_label(source) -> str:
    """“HuffPost, June 21, 2019”: the publisher and, when known, the date."""
    if source.published_on:
        return f"{source.publisher}, {_day(source.published_on)}"
    return source.publisher


def _source_html(source) -> str:
    title = f", “{escape(source.title)}”" if source.title else ""
    day = f", {escape(_day(source.published_on))}" if source.published_on else ""
    cited = ""
    if source.cited_in_id:
        cited = " " + escape(
            _("(cited in %(publisher)s)") % {"publisher": source.cited_in.publisher}
        )
    return f"{escape(source.publisher)}{title}{day}{cited}"


def _designation_html(designation: dict) -> str:
    day = datetime.date.fromisoformat(designation["designated_on"])
    return escape(
        _("%(body)s: “%(label)s” (%(day)s)")
        % {"body": designation["designated_by"], "label": designation["label"], "day": _day(day)}
    )


class StatementFeed(Feed):
    """The newest published statements of a filtered list: built per request, so it may keep
    the designations it read for its entries."""

    feed_type = SourcedAtomFeed  # a stored control character must not fail the feed

    def __init__(self, filterset: StatementFilter, *, title: str = "", link: str = ""):
        super().__init__()
        self.filterset = filterset
        self.fixed_title = title
        self.fixed_link = link
        self.designations: dict[int, list[dict]] = {}

    def title(self):
        if self.fixed_title:
            return self.fixed_title
        described = self.filterset.describe()
        if described:
            return _("Sanctuary Tracker: statements (%(filters)s)") % {"filters": described}
        return _("Sanctuary Tracker: statements")

    def subtitle(self):
        return _(
            "Public statements by US city officials and agencies on federal immigration "
            "enforcement, each tied to a cited source."
        )

    def link(self):
        if self.fixed_link:
            return self.fixed_link
        query = self.filterset.data.urlencode()
        return reverse("statements:list") + (f"?{query}" if query else "")

    def items(self):
        """Three queries: the statements with their sources (and the sources citing them), and
        the designations in force for their places."""
        statements = list(self.filterset.sort(self.filterset.qs).for_detail()[:FEED_SIZE])
        self.designations = Designation.objects.in_force_on(
            timezone.localdate()
        ).summaries_by_jurisdiction({s.jurisdiction_id for s in statements})
        return statements

    def item_title(self, item: Statement):
        text = Truncator(item.quote or item.summary).words(16)
        return f"{item.speaker_name} ({item.jurisdiction}): {text}"

    def item_description(self, item: Statement):
        """HTML, since Atom's summary is typed html: every text escaped, so that markup in a
        quote reaches the reader as the words that were said, not as markup to run."""
        parts = []
        if item.quote:
            parts.append(f"“{escape(item.quote)}”")
        if item.summary:
            parts.append(escape(item.summary))
        sources = [_source_html(source) for source in item.sources.all()]
        if sources:
            parts.append(escape(_("Sources:")) + " " + "; ".join(sources) + ".")
        designations = self.designations.get(item.jurisdiction_id, [])
        if designations:
            heading = _("Outside designations in force for %(place)s (not our finding):") % {
                "place": item.jurisdiction
            }
            listed = "; ".join(_designation_html(d) for d in designations)
            parts.append(f"{escape(heading)} {listed}.")
        return "".join(f"<p>{part}</p>" for part in parts)

    def item_extra_kwargs(self, item: Statement):
        return {
            "sources": [
                {"url": source.url, "label": source_label(source)} for source in item.sources.all()
            ]
        }

    def item_link(self, item: Statement):
        return item.get_absolute_url()

    def item_pubdate(self, item: Statement):
        return timezone.make_aware(datetime.datetime.combine(item.said_on, datetime.time(12)))

    def item_updateddate(self, item: Statement):
        return item.updated_at

    def item_author_name(self, item: Statement):
        return item.speaker_name

    def item_categories(self, item: Statement):
        designations = [
            f"{d['designated_by']}: {d['label']}"
            for d in self.designations.get(item.jurisdiction_id, [])
        ]
        return [item.jurisdiction.name, item.get_medium_display(), *designations]


def _bad_filters(filterset) -> HttpResponseBadRequest:
    text = filter_errors_text(filter_errors(filterset.form), refused="feed")
    return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")


def _statements(data: QueryDict, request) -> StatementFilter:
    return StatementFilter(data, queryset=Statement.objects.for_list(), request=request)


def statement_feed(request):
    """The feed for exactly the list's filters in the address; bad filters get a 400 naming the
    problem, as the list page does."""
    query = request.GET.copy()
    query.pop("page", None)  # the list's page number is not a filter: the feed is the newest
    filterset = _statements(query, request)
    if not filterset.is_valid():
        return _bad_filters(filterset)
    depends_on(request, *LISTS)
    return StatementFeed(filterset)(request)


def jurisdiction_feed(request, slug: str):
    """/cities/<slug>/feed/: the place's newest published statements (404 for no such place)."""
    jurisdiction = get_object_or_404(Jurisdiction, slug=slug)
    depends_on(request, place_tag(jurisdiction.pk))
    filterset = _statements(QueryDict(f"city={jurisdiction.slug}"), request)
    if not filterset.is_valid():
        return _bad_filters(filterset)
    title = _("Sanctuary Tracker: statements from %(place)s") % {"place": jurisdiction}
    return StatementFeed(filterset, title=title, link=jurisdiction.get_absolute_url())(request)


def official_feed(request, slug: str):
    """/officials/<slug>/feed/: the official's newest published statements (404 for no one)."""
    official = get_object_or_404(Official, slug=slug)
    depends_on(request, official_tag(official.pk))
    filterset = _statements(QueryDict(f"official={official.slug}"), request)
    if not filterset.is_valid():
        return _bad_filters(filterset)
    title = _("Sanctuary Tracker: statements by %(name)s") % {"name": official.name}
    return StatementFeed(filterset, title=title, link=official.get_absolute_url())(request)


class ChangesFeed(Feed):
    """/changes/feed/: the newest corrections and retractions, as the /changes/ page lists them."""

    feed_type = XmlSafeAtom1Feed  # a stored control character must not fail the feed
    title = gettext_lazy("Sanctuary Tracker: corrections and retractions")
    subtitle = gettext_lazy(
        "Every correction of a published statement or stance, and every retraction, newest first."
    )

    def link(self):
        return reverse("statements:changes")

    def items(self):
        return changes.hydrate(changes.public_changes()[:FEED_SIZE])

    def item_title(self, item: changes.Change):
        return f"{item.kind}: {item.title}"

    def item_description(self, item: changes.Change):
        """HTML, since Atom's summary is typed html: the editor's note is escaped, so that markup
        in it reaches the reader as text, as on the /changes/ page, not as markup to run."""
        if item.kind == "Correction":
            when = _("Corrected on %(day)s:") % {"day": date_format(item.when)}
        else:
            when = _("Retracted on %(day)s:") % {"day": date_format(item.when)}
        return f"{when} {escape(item.note)}"

    def item_link(self, item: changes.Change):
        return item.url

    def item_guid(self, item: changes.Change):
        return f"{reverse('statements:changes')}#{item.key}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: changes.Change):
        return item.when

    def item_updateddate(self, item: changes.Change):
        return item.when


changes_feed = ChangesFeed()

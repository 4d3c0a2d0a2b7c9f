"""/statements/feed/: an Atom feed of the newest published statements under the list's filters."""

import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import Truncator

from public.filter_errors import filter_errors, filter_errors_text
from statements.models import Statement
from tracker.text import XmlSafeAtom1Feed

from . import changes
from .filters import StatementFilter

FEED_SIZE = 50


class StatementFeed(Feed):
    feed_type = XmlSafeAtom1Feed  # a stored control character must not fail the feed

    def __init__(self, filterset: StatementFilter):
        super().__init__()
        self.filterset = filterset

    def title(self):
        described = self.filterset.describe()
        return "Sanctuary Tracker: statements" + (f" ({described})" if described else "")

    def subtitle(self):
        return (
            "Public statements by US city officials and agencies on federal immigration "
            "enforcement, each tied to a cited source."
        )

    def link(self):
        query = self.filterset.data.urlencode()
        return reverse("statements:list") + (f"?{query}" if query else "")

    def items(self):
        return self.filterset.sort(self.filterset.qs)[:FEED_SIZE]

    def item_title(self, item: Statement):
        text = Truncator(item.quote or item.summary).words(16)
        return f"{item.speaker_name} ({item.jurisdiction}): {text}"

    def item_description(self, item: Statement):
        """HTML, since Atom's summary is typed html: each paragraph escaped, so that markup in a
        quote reaches the reader as the words that were said, not as markup to run."""
        parts = []
        if item.quote:
            parts.append(f"“{item.quote}”")
        if item.summary:
            parts.append(item.summary)
        return "".join(f"<p>{escape(part)}</p>" for part in parts)

    def item_link(self, item: Statement):
        return item.get_absolute_url()

    def item_pubdate(self, item: Statement):
        return timezone.make_aware(datetime.datetime.combine(item.said_on, datetime.time(12)))

    def item_updateddate(self, item: Statement):
        return item.updated_at

    def item_author_name(self, item: Statement):
        return item.speaker_name

    def item_categories(self, item: Statement):
        return [item.jurisdiction.name, item.get_medium_display()]


def statement_feed(request):
    """The feed for the filters in the address; bad filters get a 400 naming the problem."""
    filterset = StatementFilter(request.GET, queryset=Statement.objects.for_list(), request=request)
    if not filterset.is_valid():
        text = filter_errors_text(filter_errors(filterset.form), refused="feed")
        return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")
    return StatementFeed(filterset)(request)


class ChangesFeed(Feed):
    """/changes/feed/: the newest corrections and retractions, as the /changes/ page lists them."""

    feed_type = XmlSafeAtom1Feed  # a stored control character must not fail the feed
    title = "Sanctuary Tracker: corrections and retractions"
    subtitle = (
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
        verb = "Corrected" if item.kind == "Correction" else "Retracted"
        return f"{verb} on {item.when:%B %-d, %Y}: {escape(item.note)}"

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

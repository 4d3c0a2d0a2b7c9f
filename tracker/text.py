"""Control characters: the one pattern for text no reader types and XML 1.0 cannot carry.

The request guard refuses them in addresses; the feeds drop them, since a quote pasted from a
word processor can hold a vertical tab or a form feed and Django's feed generator refuses those
(UnserializableContentError), which would fail the whole feed. Tab, line feed and carriage return
are ordinary text.
"""

import datetime
import functools
import re
from collections.abc import Iterable

from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.translation import get_language

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def shorten(text: str, limit: int) -> str:
    """`text` on one line in at most `limit` characters, cut between words with an ellipsis
    (a single word longer than the limit is cut inside, as nothing else would fit)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    kept = text[: limit - 1]
    if not text[limit - 1].isspace() and " " in kept:
        kept = kept.rsplit(" ", 1)[0]
    return kept.rstrip(" ,;:–—-") + "…"


def xml_safe(value):
    """`value` with the characters XML 1.0 forbids removed; lists, tuples and dicts deeply."""
    if isinstance(value, str):
        return CONTROL_CHARACTERS.sub("", value)
    if isinstance(value, list | tuple):
        return type(value)(xml_safe(v) for v in value)
    if isinstance(value, dict):
        return {k: xml_safe(v) for k, v in value.items()}
    return value


class XmlSafeAtom1Feed(Atom1Feed):
    """An Atom feed whose every text, from the feed's title to each item's categories, is
    cleaned by `xml_safe` (set it as a Feed's `feed_type`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*xml_safe(args), **xml_safe(kwargs))

    def add_item(self, *args, **kwargs):
        super().add_item(*xml_safe(args), **xml_safe(kwargs))


def day_label(day: datetime.date) -> str:
    """`day` as the reader's language writes it ("June 21, 2019", "21 de junio de 2019"), as the
    `date` filter does: remembered per day and language, since a map of thousands of places
    formats the same few hundred days thousands of times (half its rendering time)."""
    return _day_label(day, get_language())


def day_labels(days: Iterable[datetime.date]) -> list[str]:
    """`day_label` of each of `days`, the language read once (thousands of days on a slider)."""
    language = get_language()
    return [_day_label(day, language) for day in days]


@functools.lru_cache(maxsize=8192)
def _day_label(day: datetime.date, language: str) -> str:
    return date_format(day)

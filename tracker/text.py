"""Text that XML 1.0 can carry: the feeds drop the control characters it cannot.

A quote pasted from a word processor can hold a vertical tab or a form feed; Django's feed
generator refuses those (UnserializableContentError), which would fail the whole feed.
"""

import re

from django.utils.feedgenerator import Atom1Feed

NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value):
    """`value` with the characters XML 1.0 forbids removed; lists, tuples and dicts deeply."""
    if isinstance(value, str):
        return NOT_IN_XML.sub("", value)
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

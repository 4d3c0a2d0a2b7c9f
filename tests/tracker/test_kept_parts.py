"""A large part of a page (the map's figure) is compressed once and spliced into every page that
shows it: the reader still gets exactly the page, whatever surrounds the part, and a part whose
key was reused for other text is compressed again, never sent wrong."""

import gzip
import zlib

import pytest
from django.core.cache import caches
from django.http import HttpResponse
from django.template import Context, RequestContext, Template
from django.test import RequestFactory

from tracker.compression import GZipMiddleware
from tracker.kept_parts import KEPT_PART_LEVEL, SMALLEST_KEPT_PART

PAGE = Template(
    "{% load kept_parts %}<header>{{ head }}</header>"
    "{% kept_compressed 'figure' key %}{{ figure|safe }}{% endkept_compressed %}"
    "<footer>{{ foot }}</footer>"
)


def outlines(seed: int, size: int = 4 * SMALLEST_KEPT_PART) -> str:
    """SVG-like text that compresses as the map's outlines do, different for each seed."""
    paths, i = [], 0
    while sum(map(len, paths)) < size:
        paths.append(
            f'<path d="M{i * seed % 975},{i * 7 % 610}L{i % 97},{i * 3}Z" class="c{i % 5}"/>'
        )
        i += 1
    return "".join(paths)


def serve(template: Template, *, random_bytes=0, **context):
    """The page `template` renders for a reader who accepts gzip, through GZipMiddleware, and
    the page as a reader who does not would get it."""

    def page(request):
        return HttpResponse(template.render(RequestContext(request, context)))

    middleware = GZipMiddleware(page)
    middleware.max_random_bytes = random_bytes
    compressed = middleware(RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip"))
    plain = page(RequestFactory().get("/"))
    return compressed, plain.content


def kept_stream(key: str) -> bytes | None:
    return caches["versioned"].get(f"kept-compressed:{KEPT_PART_LEVEL}:figure:{key}")


def inflated(kept: bytes) -> bytes:
    """A kept part's text: its deflate stream (after the checksum and length) ends on a sync
    flush, not a final block, as it is spliced mid-page."""
    return zlib.decompressobj(-zlib.MAX_WBITS).decompress(kept[8:])


@pytest.mark.parametrize(
    ("head", "foot"),
    [("The map", "Sources"), ("", "Sources"), ("The map", ""), ("", "")],
    ids=["between", "first", "last", "alone"],
)
def test_the_reader_gets_exactly_the_page_wherever_the_part_lies(head, foot):
    response, page = serve(PAGE, head=head, foot=foot, key="k1", figure=outlines(3))

    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == page
    assert response["Content-Length"] == str(len(response.content))


def test_the_part_is_compressed_once_and_sent_as_kept_on_other_pages():
    figure = outlines(5)
    serve(PAGE, head="First reader", foot="", key="k2", figure=figure)
    kept = kept_stream("k2")
    assert kept is not None
    assert inflated(kept) == figure.encode()

    response, page = serve(
        PAGE, head="A later reader, other filters", foot="!", key="k2", figure=figure
    )

    assert gzip.decompress(response.content) == page
    assert kept[8:] in response.content  # spliced as it was kept
    assert kept_stream("k2") == kept


def test_a_key_reused_for_other_text_costs_a_compression_not_a_wrong_page():
    serve(PAGE, head="Before", foot="", key="k3", figure=outlines(7))

    response, page = serve(PAGE, head="After", foot="", key="k3", figure=outlines(11))

    assert gzip.decompress(response.content) == page
    assert inflated(kept_stream("k3")) == outlines(11).encode()


def test_two_parts_and_a_random_length_name_still_give_the_page():
    two = Template(
        "{% load kept_parts %}<h1>Map</h1>"
        "{% kept_compressed 'figure' 'a' %}{{ a|safe }}{% endkept_compressed %}<p>between</p>"
        "{% kept_compressed 'figure' 'b' %}{{ b|safe }}{% endkept_compressed %}<p>end</p>"
    )
    lengths = set()
    for _ in range(10):
        response, page = serve(two, random_bytes=100, a=outlines(13), b=outlines(17))
        assert gzip.decompress(response.content) == page
        lengths.add(len(response.content))

    assert len(lengths) > 1  # Django's BREACH mitigation is kept


def test_a_part_the_page_does_not_hold_as_rendered_is_compressed_with_the_page():
    escaped = Template(
        "{% load kept_parts %}<h1>Map</h1>"
        "{% kept_compressed 'figure' key %}{{ figure|safe }}{% endkept_compressed %}"
    )

    def page(request):
        rendered = escaped.render(RequestContext(request, {"key": "k4", "figure": outlines(19)}))
        return HttpResponse(rendered.replace("<path", "<PATH"))

    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip")
    response = GZipMiddleware(page)(request)

    assert gzip.decompress(response.content) == page(RequestFactory().get("/")).content
    assert kept_stream("k4") is None


def test_a_small_part_is_left_to_the_page():
    response, page = serve(PAGE, head="h", foot="f", key="k5", figure=outlines(23, size=1000))

    assert gzip.decompress(response.content) == page
    assert kept_stream("k5") is None


def test_without_a_request_the_part_is_rendered_as_it_is():
    context = Context({"head": "h", "foot": "f", "key": "k6", "figure": "<svg/>"})

    assert PAGE.render(context) == "<header>h</header><svg/><footer>f</footer>"

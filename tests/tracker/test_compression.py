"""Pages are compressed at faster levels than Django's (a large one, the map, a little slower than
the rest, for its bytes); either way the reader gets the same page back, with the headers a
cache needs. A body too short to gain is sent as it is."""

import gzip

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from tracker.compression import LARGE_PAGE_BYTES, LARGE_PAGE_LEVEL, PAGE_LEVEL, GZipMiddleware

# Text that compresses differently at levels 4 and 6, as HTML does.
LARGE = b"".join(
    b'<path d="M%d,%dL%d,%dZ" class="c%d"/>' % (i, i * 7, i % 97, i * 3, i % 5)
    for i in range(LARGE_PAGE_BYTES // 20)
)
SMALL = b"<p>A small page, repeated.</p>" * 40


def respond(body: bytes, accept_encoding="gzip, deflate", *, random_bytes=0, etag=None):
    def page(request):
        response = HttpResponse(body)
        if etag:
            response["ETag"] = etag
        return response

    middleware = GZipMiddleware(page)
    middleware.max_random_bytes = random_bytes
    return middleware(RequestFactory().get("/", HTTP_ACCEPT_ENCODING=accept_encoding))


def test_a_large_page_is_compressed_at_the_faster_level():
    assert len(LARGE) >= LARGE_PAGE_BYTES
    response = respond(LARGE)

    assert response["Content-Encoding"] == "gzip"
    assert response.content == gzip.compress(LARGE, compresslevel=LARGE_PAGE_LEVEL, mtime=0)
    assert response.content != gzip.compress(LARGE, compresslevel=6, mtime=0)
    assert response["Content-Length"] == str(len(response.content))
    assert response["Vary"] == "Accept-Encoding"


def test_a_smaller_page_is_compressed_at_the_fastest_level_but_one():
    response = respond(SMALL)

    assert response["Content-Encoding"] == "gzip"
    assert response.content == gzip.compress(SMALL, compresslevel=PAGE_LEVEL, mtime=0)
    assert response["Content-Length"] == str(len(response.content))


def test_a_body_too_short_to_gain_is_sent_as_it_is():
    response = respond(b"<p>Short.</p>")

    assert response.content == b"<p>Short.</p>"
    assert not response.has_header("Content-Encoding")


def test_a_strong_etag_of_a_smaller_page_becomes_weak():
    assert respond(SMALL, etag='"abc"')["ETag"] == 'W/"abc"'


@pytest.mark.parametrize("body", [LARGE, SMALL], ids=["large", "small"])
def test_the_reader_gets_the_same_page_back_with_its_random_length_name(body):
    lengths = {len(respond(body, random_bytes=100).content) for _ in range(20)}
    response = respond(body, random_bytes=100)

    assert gzip.decompress(response.content) == body
    assert len(lengths) > 1  # the length no longer tells what the page holds (BREACH)


def test_a_reader_who_does_not_accept_gzip_gets_the_page_as_it_is():
    response = respond(LARGE, accept_encoding="identity")

    assert response.content == LARGE
    assert not response.has_header("Content-Encoding")
    assert response["Vary"] == "Accept-Encoding"


def test_a_strong_etag_of_a_large_page_becomes_weak():
    assert respond(LARGE, etag='"abc"')["ETag"] == 'W/"abc"'

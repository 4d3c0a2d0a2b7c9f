"""Pages compressed at a level chosen for their size.

Django's GZipMiddleware compresses every page at level 6. For the map (600 KB of county outlines)
that cost 37 ms of the 78 ms its page took without the page cache, where level 4 takes 8 ms for
7% more bytes (185 KB instead of 172 KB). For a list of 50 statements (70 KB) level 6 took
0.48 ms, a tenth of the page's time once its rows and counts are kept, where level 2 takes
0.11 ms for 1.2 KB more (9.8 KB instead of 8.6 KB). Large pages are therefore compressed at
LARGE_PAGE_LEVEL, the others at PAGE_LEVEL. The page cache stores the compressed body, so a
cached page costs nothing more. Parts a template keeps compressed (the map's figure) are spliced
in as kept (tracker/kept_parts.py).
"""

import gzip
import secrets
from collections.abc import Sequence

from django.middleware import gzip as django_gzip
from django.utils.cache import patch_vary_headers

from tracker.kept_parts import Spliced, gzip_spliced, splices

LARGE_PAGE_BYTES = 128 * 1024
LARGE_PAGE_LEVEL = 4
PAGE_LEVEL = 2
# Shorter bodies are sent as they are, as Django's middleware does.
SHORTEST_COMPRESSED = 200


def compress(
    body: bytes, *, level: int, max_random_bytes: int, spliced: Sequence[Spliced] = ()
) -> bytes:
    """`body` gzipped at `level`, with a random-length file name in its header as Django adds
    (its mitigation of BREACH: the compressed length no longer tells what the page holds); the
    parts in `spliced` as they were kept compressed."""
    if spliced:
        compressed = gzip_spliced(body, spliced, level=level)
    else:
        compressed = gzip.compress(body, compresslevel=level, mtime=0)
    if not max_random_bytes:
        return compressed
    header = bytearray(compressed[:10])
    header[3] = gzip.FNAME
    name = b"a" * secrets.randbelow(max_random_bytes) + b"\x00"
    return bytes(header) + name + compressed[10:]


class GZipMiddleware(django_gzip.GZipMiddleware):
    """Django's GZipMiddleware, compressing a page at PAGE_LEVEL, or at LARGE_PAGE_LEVEL when it
    has LARGE_PAGE_BYTES or more; streamed responses as Django does."""

    def process_response(self, request, response):
        if (
            response.streaming
            or len(response.content) < SHORTEST_COMPRESSED
            or response.has_header("Content-Encoding")
        ):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Encoding",))
        if not django_gzip.re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return response
        level = LARGE_PAGE_LEVEL if len(response.content) >= LARGE_PAGE_BYTES else PAGE_LEVEL
        compressed = compress(
            response.content,
            level=level,
            max_random_bytes=self.max_random_bytes,
            spliced=splices(request, response.content),
        )
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(response.content))
        # A strong ETag becomes weak, as Django's middleware does (RFC 9110, 8.8.1).
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "gzip"
        return response

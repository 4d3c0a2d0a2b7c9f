"""Large parts of a page compressed once and spliced into each page that shows them.

The map's figure is 600 KB of county outlines and markers, kept drawn under a digest of what it
shows (maps/_drawn.html). Compressing it with the rest of the page took 5.8 ms of the 16 ms the
page took without the page cache. A template marks such a part (`{% kept_compressed %}`,
tracker/templatetags/kept_parts.py) under a key that names what it holds; the part is deflated
once, at KEPT_PART_LEVEL, kept in the versioned cache, and GZipMiddleware (tracker/compression.py)
sends that deflate stream as it is between the rest of the page's, compressed per request.

A deflate stream can be cut and joined where its blocks end on a byte and nothing after the cut
refers back before it: the part is deflated alone and ends on a sync flush; the page's own
stream is fully flushed before each part (which forgets what came before). The gzip trailer's
checksum is of the whole page. A kept part is used only where the page holds exactly the bytes
it was made from (same length, same checksum), so a key reused by mistake costs a compression,
never a wrong page.
"""

import struct
import zlib
from dataclasses import dataclass

from django.core.cache import caches

from tracker.local_first import ALIAS

# Deflated once per key, so at Django's own level rather than the per-request LARGE_PAGE_LEVEL:
# the map's figure is 7% smaller (172 KB instead of 185 KB).
KEPT_PART_LEVEL = 6
# A smaller part costs less to compress with the page than to find and check in it.
SMALLEST_KEPT_PART = 32 * 1024
_FOUND_BY = 256  # the bytes of a part looked for in the page; the rest is compared
_HEADER = struct.Struct("<II")  # the part's CRC-32 and length, before its deflate stream
_ATTRIBUTE = "kept_compressed_parts"


@dataclass(frozen=True)
class Spliced:
    """A kept part where it lies in the page: body[start:end] is `deflated`, once inflated."""

    start: int
    end: int
    deflated: bytes


def mark(request, key: str, text: str) -> None:
    """Say that `text`, kept under `key` (what it holds, nothing else), is part of `request`'s
    page; parts smaller than SMALLEST_KEPT_PART are left to the page's own compression."""
    if request is not None and len(text) >= SMALLEST_KEPT_PART:
        request.__dict__.setdefault(_ATTRIBUTE, []).append((key, text))


def splices(request, body: bytes) -> list[Spliced]:
    """The parts marked on `request` as they lie in `body`, in order, none overlapping, each
    with its kept deflate stream (made now when not kept yet)."""
    found: list[Spliced] = []
    for key, text in request.__dict__.get(_ATTRIBUTE, ()):
        part = text.encode()
        start = _find(body, part, after=0)
        while start >= 0 and any(s.start < start + len(part) and start < s.end for s in found):
            start = _find(body, part, after=start + 1)
        if start >= 0:
            found.append(Spliced(start, start + len(part), _deflated(key, part)))
    return sorted(found, key=lambda spliced: spliced.start)


def _find(body: bytes, part: bytes, *, after: int) -> int:
    start = body.find(part[:_FOUND_BY], after)
    while start >= 0 and body[start : start + len(part)] != part:
        start = body.find(part[:_FOUND_BY], start + 1)
    return start


def _deflated(key: str, part: bytes) -> bytes:
    cache = caches[ALIAS]
    cache_key = f"kept-compressed:{KEPT_PART_LEVEL}:{key}"
    checksum = zlib.crc32(part)
    kept = cache.get(cache_key)
    if kept is not None and _HEADER.unpack_from(kept) == (checksum, len(part)):
        return kept[_HEADER.size :]
    compressor = zlib.compressobj(KEPT_PART_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    deflated = compressor.compress(part) + compressor.flush(zlib.Z_SYNC_FLUSH)
    cache.set(cache_key, _HEADER.pack(checksum, len(part)) + deflated)
    return deflated


def gzip_spliced(body: bytes, spliced: list[Spliced], *, level: int) -> bytes:
    """`body` gzipped (header without a name, mtime 0, as gzip.compress writes it), its parts
    in `spliced` sent as kept and the rest compressed at `level`."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
    view = memoryview(body)
    pieces = [b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"]
    at = 0
    for part in spliced:
        pieces += (compressor.compress(view[at : part.start]), compressor.flush(zlib.Z_FULL_FLUSH))
        pieces.append(part.deflated)
        at = part.end
    pieces += (compressor.compress(view[at:]), compressor.flush())
    pieces.append(struct.pack("<II", zlib.crc32(body), len(body) & 0xFFFFFFFF))
    return b"".join(pieces)

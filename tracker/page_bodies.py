"""Large cached pages as files on each app server, sent by the operating system.

A cached CSV of ten thousand statements is half a megabyte. Copied out of Redis and through
Python on every hit it answered a third as many requests as the same bytes served as a static
file. Bodies over PAGE_BODY_FILE_BYTES are therefore stored twice: in the shared cache under
their digest (what every app server can read), and as a file named by that digest in
PAGE_BODY_DIR on the server that built or first served them, which the page cache answers with a
FileResponse (gunicorn passes its file to sendfile). The page's entry in the cache keeps only
the digest, beside its headers and the versions of its tags, so a hit still checks the versions
in one round trip.

A file is written to a temporary name and renamed, so no reader sees half of one. It is named by
the digest of its content, so it never needs invalidating: a page that changes gets a new
digest. A file not stored again for longer than the page cache keeps an entry is no longer named
by any entry; such files are deleted now and then.
"""

import hashlib
import io
import logging
import os
import tempfile
import time
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

# One write in this many looks for old files to delete.
PRUNE_EVERY = 100
_writes = 0


def body_key(digest: str) -> str:
    return f"page-body:{digest}"


def _path(digest: str) -> Path:
    return Path(settings.PAGE_BODY_DIR) / digest


def store(content: bytes, timeout: int) -> str:
    """Keep `content` in the shared cache and as this server's file; its digest."""
    digest = hashlib.sha256(content).hexdigest()
    cache.set(body_key(digest), content, timeout)
    _write_or_log(digest, content)
    return digest


def open_body(digest: str) -> BinaryIO | None:
    """The stored body as an open file: this server's copy, written from the shared cache when
    this server has none yet (or, when it cannot be written, the bytes read from the cache).
    None when neither has it (expired): the page is built again."""
    path = _path(digest)
    try:
        return path.open("rb")
    except FileNotFoundError:
        pass
    content = cache.get(body_key(digest))
    if content is None:
        return None
    if _write_or_log(digest, content):
        try:
            return path.open("rb")
        except FileNotFoundError:  # deleted by a prune in between: serve what was read
            pass
    return io.BytesIO(content)


def _write_or_log(digest: str, content: bytes) -> bool:
    """Write this server's file; a full or read-only disk is logged and the page still served
    (from the shared cache), never an error for the reader."""
    try:
        _write(digest, content)
    except OSError:
        logger.warning("cannot keep a cached page in %s", settings.PAGE_BODY_DIR, exc_info=True)
        return False
    return True


def _write(digest: str, content: bytes) -> None:
    global _writes
    path = _path(digest)
    if path.exists():
        os.utime(path)  # in use again: not to be pruned
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".writing-", delete=False) as file:
        file.write(content)
    os.replace(file.name, path)
    _writes += 1
    if _writes % PRUNE_EVERY == 0:
        prune()


def prune(older_than: float | None = None) -> int:
    """Delete the files not stored for longer than the page cache keeps an entry (`older_than`
    seconds): no entry names them any more. How many were deleted."""
    if older_than is None:
        older_than = settings.PAGE_CACHE_SECONDS + 60
    cutoff = time.time() - older_than
    deleted = 0
    for path in Path(settings.PAGE_BODY_DIR).glob("*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                deleted += 1
        except FileNotFoundError:
            continue
    return deleted

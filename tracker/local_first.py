"""The cache of what never changes under its key, read from this process's memory first.

What the pages keep below the page cache (rows by digest, a list's counts and row ids, a place's
stances, the filters' fragment) is stored under keys that name the versions of the records it
was made from (tracker/page_tags.py) or the digest of what it shows (tracker/fragments.py). A
change gives new keys; an entry is never replaced by another value. So a process may keep what
it read from the shared cache (Redis) and serve it again without a round trip or unpickling,
and still never show anything older than the versions it read for the request. Each process
keeps the most recently used entries up to `MAX_BYTES`; the shared cache still holds them for
the other processes and servers.

Only such entries belong here (`versioned_cache`). The page cache, the versions themselves and
anything deleted or replaced under its key use the default cache: a process never learns that
the shared entry changed.
"""

import pickle
import threading
import time
from collections import OrderedDict
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.utils.connection import ConnectionProxy

ALIAS = "versioned"
_MISSING = object()
# Kept as they are: a reader cannot change them. Anything else is kept pickled and unpickled on
# each read, so that a reader who changes what it got (a list, a dict) changes its own copy.
_UNCHANGEABLE = (str, bytes, int, float, bool, type(None))


class _Memory:
    def __init__(self):
        # key -> (stored value, pickled?, size, expiry), least recently used first.
        self.entries: OrderedDict[tuple, tuple[Any, bool, int, float]] = OrderedDict()
        self.bytes = 0
        self.lock = threading.Lock()


_memories: dict[str, _Memory] = {}


class LocalFirstCache(BaseCache):
    """A cache backend in front of another (LOCATION names its alias, "default" by default):
    reads look in this process's memory first, then in the shared cache, and keep what they
    found; writes go to both. OPTIONS: MAX_BYTES (0 keeps nothing here, every call goes to the
    shared cache) and MAX_SECONDS (no entry is kept here longer, nor longer than its timeout)."""

    def __init__(self, location, params):
        super().__init__(params)
        options = params.get("OPTIONS", {})
        self._shared_alias = location or "default"
        self.max_bytes = int(options.get("MAX_BYTES", 32 * 1024 * 1024))
        self.max_seconds = float(options.get("MAX_SECONDS", 600))
        # Django makes a backend per thread; the threads of a process share its memory.
        memory = _memories.setdefault(self._shared_alias, _Memory())
        self._entries, self._lock = memory.entries, memory.lock
        self._memory = memory

    @property
    def shared(self) -> BaseCache:
        return caches[self._shared_alias]

    @property
    def local_bytes(self) -> int:
        return self._memory.bytes

    # -- this process's memory ----------------------------------------------------------------
    def _recall(self, key, version) -> Any:
        with self._lock:
            entry = self._entries.get((key, version))
            if entry is None:
                return _MISSING
            stored, pickled, size, expiry = entry
            if expiry <= time.monotonic():
                self._forget((key, version))
                return _MISSING
            self._entries.move_to_end((key, version))
        return pickle.loads(stored) if pickled else stored

    def _keep(self, key, value, timeout, version) -> None:
        if self.max_bytes <= 0 or value is None:
            return
        seconds = self.max_seconds
        if timeout is not DEFAULT_TIMEOUT and timeout is not None:
            seconds = min(seconds, timeout)
        elif timeout is DEFAULT_TIMEOUT and self.default_timeout is not None:
            seconds = min(seconds, self.default_timeout)
        if seconds <= 0:
            return
        pickled = not isinstance(value, _UNCHANGEABLE)
        stored = pickle.dumps(value, pickle.HIGHEST_PROTOCOL) if pickled else value
        size = len(stored) if isinstance(stored, (str, bytes)) else 64
        if size > self.max_bytes // 8:  # one entry never pushes out most of the others
            return
        with self._lock:
            self._forget((key, version))
            self._entries[(key, version)] = (stored, pickled, size, time.monotonic() + seconds)
            self._memory.bytes += size
            while self._memory.bytes > self.max_bytes:
                self._forget(next(iter(self._entries)))

    def _forget(self, local_key) -> None:
        entry = self._entries.pop(local_key, None)
        if entry is not None:
            self._memory.bytes -= entry[2]

    # -- the cache API ------------------------------------------------------------------------
    def get(self, key, default=None, version=None):
        value = self._recall(key, version)
        if value is not _MISSING:
            return value
        value = self.shared.get(key, _MISSING, version=version)
        if value is _MISSING:
            return default
        self._keep(key, value, DEFAULT_TIMEOUT, version)
        return value

    def get_many(self, keys, version=None):
        found = {}
        absent = []
        for key in keys:
            value = self._recall(key, version)
            if value is _MISSING:
                absent.append(key)
            else:
                found[key] = value
        if absent:
            read = self.shared.get_many(absent, version=version)
            for key, value in read.items():
                self._keep(key, value, DEFAULT_TIMEOUT, version)
            found |= read
        return found

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.shared.set(key, value, timeout, version=version)
        self._keep(key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        failed = self.shared.set_many(data, timeout, version=version) or []
        for key, value in data.items():
            if key not in failed:
                self._keep(key, value, timeout, version)
        return failed

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        added = self.shared.add(key, value, timeout, version=version)
        if added:
            self._keep(key, value, timeout, version)
        return added

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self.shared.touch(key, timeout, version=version)

    def has_key(self, key, version=None):
        with self._lock:
            entry = self._entries.get((key, version))
            if entry is not None and entry[3] > time.monotonic():
                return True
        return self.shared.has_key(key, version=version)

    def delete(self, key, version=None):
        with self._lock:
            self._forget((key, version))
        return self.shared.delete(key, version=version)

    def delete_many(self, keys, version=None):
        with self._lock:
            for key in keys:
                self._forget((key, version))
        self.shared.delete_many(keys, version=version)

    def clear_local(self) -> None:
        """Empty this process's memory only (the shared cache keeps its entries)."""
        with self._lock:
            self._entries.clear()
            self._memory.bytes = 0

    def clear(self):
        self.clear_local()
        self.shared.clear()

    def close(self, **kwargs):
        pass  # Django closes the shared cache itself, at the end of each request.


versioned_cache: BaseCache = ConnectionProxy(caches, ALIAS)

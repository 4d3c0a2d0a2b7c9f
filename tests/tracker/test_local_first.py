"""What never changes under its key is read from this process's memory before the shared cache
(tracker/local_first.py): a repeat costs no round trip, a reader cannot change what the next
one reads, and the memory stays within its bound."""

import pytest
from django.core.cache import caches

from tracker.local_first import LocalFirstCache


@pytest.fixture
def shared():
    return caches["default"]


def local_first(max_bytes=10_000, max_seconds=600) -> LocalFirstCache:
    cache = LocalFirstCache(
        "default", {"OPTIONS": {"MAX_BYTES": max_bytes, "MAX_SECONDS": max_seconds}}
    )
    cache.clear_local()
    return cache


def test_a_value_read_once_is_read_again_from_memory(shared):
    versioned = local_first()
    shared.set("row:a", "<tr>A</tr>")

    assert versioned.get("row:a") == "<tr>A</tr>"
    shared.delete("row:a")  # the shared cache no longer answers: memory does

    assert versioned.get("row:a") == "<tr>A</tr>"
    assert versioned.get_many(["row:a"]) == {"row:a": "<tr>A</tr>"}


def test_what_is_written_goes_to_the_shared_cache_too(shared):
    versioned = local_first()
    versioned.set("count:1", 42)
    versioned.set_many({"row:b": "<tr>B</tr>", "row:c": "<tr>C</tr>"})

    assert shared.get_many(["count:1", "row:b", "row:c"]) == {
        "count:1": 42,
        "row:b": "<tr>B</tr>",
        "row:c": "<tr>C</tr>",
    }


def test_get_many_reads_from_the_shared_cache_only_what_memory_lacks(shared, monkeypatch):
    versioned = local_first()
    versioned.set("row:a", "A")
    shared.set("row:b", "B")
    asked = []
    read = shared.get_many
    monkeypatch.setattr(
        shared, "get_many", lambda keys, version=None: asked.append(keys) or read(keys)
    )

    assert versioned.get_many(["row:a", "row:b", "row:z"]) == {"row:a": "A", "row:b": "B"}
    assert asked == [["row:b", "row:z"]]
    assert versioned.get_many(["row:a", "row:b"]) == {"row:a": "A", "row:b": "B"}
    assert asked == [["row:b", "row:z"]]  # both now in memory


def test_a_reader_who_changes_what_it_got_changes_its_own_copy():
    versioned = local_first()
    versioned.set("rows:page-1", ([1, 2, 3], {"digest": "x"}))

    pks, digests = versioned.get("rows:page-1")
    pks.append(99)
    digests["digest"] = "changed"

    assert versioned.get("rows:page-1") == ([1, 2, 3], {"digest": "x"})


def test_memory_keeps_the_most_recently_read_within_its_bound(shared):
    versioned = local_first(max_bytes=1000)
    for n in range(5):
        versioned.set(f"row:{n}", str(n) * 100)  # 100 characters each
    versioned.get("row:0")  # read again: now the most recent
    for n in range(5, 12):
        versioned.set(f"row:{n}", str(n % 10) * 100)

    assert versioned.local_bytes <= 1000
    shared.clear()
    in_memory = versioned.get_many([f"row:{n}" for n in range(12)])
    assert "row:0" in in_memory
    assert "row:1" not in in_memory  # the least recently used went first
    assert len(in_memory) == 10


def test_an_entry_larger_than_an_eighth_of_memory_stays_in_the_shared_cache_only(shared):
    versioned = local_first(max_bytes=800)
    versioned.set("map:markers", "x" * 200)

    assert versioned.local_bytes == 0
    assert versioned.get("map:markers") == "x" * 200  # from the shared cache


def test_no_memory_means_every_read_goes_to_the_shared_cache(shared):
    versioned = local_first(max_bytes=0)
    versioned.set("row:a", "A")
    shared.delete("row:a")

    assert versioned.get("row:a") is None
    assert versioned.local_bytes == 0


def test_an_entry_is_kept_no_longer_than_its_timeout(shared, monkeypatch):
    versioned = local_first(max_seconds=600)
    clock = [1000.0]
    monkeypatch.setattr("tracker.local_first.time.monotonic", lambda: clock[0])
    versioned.set("count:short", 7, timeout=5)
    versioned.set("count:long", 8, timeout=3600)
    shared.clear()

    clock[0] += 6
    assert versioned.get("count:short") is None
    assert versioned.get("count:long") == 8
    clock[0] += 600
    assert versioned.get("count:long") is None  # MAX_SECONDS bounds every entry


def test_add_keeps_only_what_it_added(shared):
    versioned = local_first()
    shared.set("computing:x", "theirs")

    assert versioned.add("computing:x", "mine") is False
    assert versioned.get("computing:x") == "theirs"
    assert versioned.add("computing:y", "mine") is True


def test_delete_and_clear_reach_memory_and_the_shared_cache(shared):
    versioned = local_first()
    versioned.set_many({"row:a": "A", "row:b": "B", "row:c": "C"})

    versioned.delete("row:a")
    versioned.delete_many(["row:b"])
    assert versioned.get_many(["row:a", "row:b", "row:c"]) == {"row:c": "C"}
    assert not versioned.has_key("row:a")

    versioned.clear()
    assert versioned.get("row:c") is None
    assert shared.get("row:c") is None
    assert versioned.local_bytes == 0


def test_the_threads_of_a_process_share_one_memory(shared):
    first, second = local_first(), LocalFirstCache("default", {"OPTIONS": {}})
    first.set("row:a", "A")
    shared.clear()

    assert second.get("row:a") == "A"


def test_the_site_reads_versioned_entries_through_memory(settings):
    assert isinstance(caches["versioned"], LocalFirstCache)
    assert settings.CACHES["versioned"]["LOCATION"] == "default"


def test_has_key_answers_from_memory_without_asking_the_shared_cache(shared):
    versioned = local_first()
    versioned.set("computed:facets", {"WA": 3})
    shared.delete("computed:facets")  # what another process's memory would still hold

    assert versioned.has_key("computed:facets")
    assert not versioned.has_key("computed:other")

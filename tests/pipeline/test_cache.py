"""The segment cache: content-addressed, bounded, least recently used out first."""

from __future__ import annotations

import os
import time
from pathlib import Path

from pipeline.cache import SegmentCache


def test_key_covers_identity_and_text(tmp_path: Path) -> None:
    key = SegmentCache(tmp_path, 10_000).key
    assert key("piper|pitch=1.0", "Hello.") == key("piper|pitch=1.0", "Hello.")
    assert key("piper|pitch=1.0", "Hello.") != key("piper|pitch=1.18", "Hello.")
    assert key("piper|pitch=1.0", "Hello.") != key("piper|pitch=1.0", "Hello!")
    assert key("a", "b\x00c") != key("a\x00b", "c")


def test_a_miss_then_a_round_trip(tmp_path: Path) -> None:
    cache = SegmentCache(tmp_path, max_bytes=10_000)
    assert cache.get("k1") is None
    cache.put("k1", b"\x01\x02" * 10)
    assert cache.get("k1") == b"\x01\x02" * 10


def test_size_bound_evicts_least_recently_used(tmp_path: Path) -> None:
    cache = SegmentCache(tmp_path, max_bytes=3_000)
    for name in ("a", "b", "c"):
        cache.put(name, b"x" * 900)
        past = time.time() - {"a": 30, "b": 20, "c": 10}[name]
        os.utime(tmp_path / f"{name}.pcm", (past, past))
    assert cache.get("a") is not None  # touching "a" makes "b" the least recently used
    cache.put("d", b"x" * 900)
    assert cache.get("b") is None
    assert all(cache.get(name) is not None for name in ("a", "c", "d"))
    assert sum(p.stat().st_size for p in tmp_path.glob("*.pcm")) <= 3_000


def test_existing_entries_count_towards_the_bound(tmp_path: Path) -> None:
    (tmp_path / "old.pcm").write_bytes(b"x" * 2_500)
    cache = SegmentCache(tmp_path, max_bytes=3_000)
    cache.put("new", b"y" * 1_000)
    assert not (tmp_path / "old.pcm").exists() and cache.get("new") is not None


def test_each_user_has_a_scope_of_their_own_unless_the_cache_is_shared(tmp_path: Path) -> None:
    cache = SegmentCache(tmp_path, max_bytes=10_000)
    alice, bob = cache.for_user("alice"), cache.for_user("bob")
    assert alice.key("voice", "Hello.") != bob.key("voice", "Hello.") != cache.key("voice", "Hello.")
    assert cache.for_user("alice").key("voice", "Hello.") == alice.key("voice", "Hello.")
    alice.put(alice.key("voice", "Hello."), b"x" * 6_000)
    assert bob.get(bob.key("voice", "Hello.")) is None
    bob.put(bob.key("voice", "Hello."), b"y" * 6_000)  # the scopes share one size bound
    assert sum(p.stat().st_size for p in tmp_path.glob("*.pcm")) <= 10_000
    shared = SegmentCache(tmp_path, max_bytes=10_000, per_user=False)
    assert shared.for_user("alice") is shared


def test_a_large_entry_is_moved_in_and_counts_towards_the_bound(tmp_path: Path) -> None:
    cache = SegmentCache(tmp_path / "cache", max_bytes=3_000)
    cache.put("old", b"x" * 1_500)
    past = time.time() - 60
    os.utime(tmp_path / "cache" / "old.pcm", (past, past))
    source = tmp_path / "premaster.pcm"
    source.write_bytes(b"p" * 2_000)
    cache.put_file("big", source)
    assert not source.exists() and cache.get("big") == b"p" * 2_000
    assert cache.get("old") is None, "the older entry made room"
    missing = tmp_path / "gone.pcm"
    cache.put_file("none", missing)  # nothing to move: skipped, like a full disk
    assert cache.get("none") is None

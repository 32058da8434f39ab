"""A content-addressed cache that makes document stages incremental inside one DVC stage.

DVC reruns a stage when any input changes; this cache makes that rerun cheap by remembering the
result for each (content hash, code version, params) key. Entries are immutable JSON files named
by the sha256 of their key, so a stale entry can never be confused with a current one and a
renamed document reuses its entry. The cache lives outside DVC's outputs (``.cache/``): deleting
it only costs time, never correctness.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adaptline.records import write_bytes


def cache_key(*parts: Any) -> str:
    """sha256 of the canonical JSON of ``parts``."""
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def code_hash(*paths: str | os.PathLike[str]) -> str:
    """Short sha256 of source files, for cache keys: editing the code that makes a cached value
    invalidates it, whether or not a version string was bumped."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:16]


def string_key(*parts: str) -> str:
    """sha256 of length-prefixed strings: ``cache_key`` for string parts, without the JSON cost.

    Used per file on paths where thousands of keys are made per run.
    """
    digest = hashlib.sha256()
    for part in parts:
        encoded = part.encode("utf-8")
        digest.update(b"%d:" % len(encoded))
        digest.update(encoded)
    return digest.hexdigest()


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"hits": self.hits, "misses": self.misses}


class ContentCache:
    """Key -> JSON value store on disk, sharded by the first two hex digits of the key."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.stats = CacheStats()

    def _path(self, key: str, suffix: str = ".json") -> str:
        return os.path.join(self.root, key[:2], key + suffix)  # str joins: thousands per run

    def get(self, key: str) -> Any | None:
        """The JSON value stored under ``key``; None (a miss) when absent or damaged."""
        data = self._read(self._path(key))
        value = None
        if data is not None:
            try:
                value = json.loads(data)
            except ValueError:  # a truncated or garbled entry: recomputed, then overwritten
                data = None
        self._count(data is not None)
        return value

    def put(self, key: str, value: Any) -> None:
        self.put_bytes(key, json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8"), suffix=".json")

    def get_bytes(self, key: str, suffix: str = ".txt") -> bytes | None:
        """A raw entry (for values that are already serialised: no JSON or text round trip)."""
        data = self._read(self._path(key, suffix))
        self._count(data is not None)
        return data

    def put_bytes(self, key: str, data: bytes, suffix: str = ".txt") -> None:
        write_bytes(self._path(key, suffix), data)

    @staticmethod
    def _read(path: str) -> bytes | None:
        try:
            with open(path, "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            return None

    def _count(self, hit: bool) -> None:
        if hit:
            self.stats.hits += 1
        else:
            self.stats.misses += 1

"""Remember each input file's sha256 and sniffed kind by its stat, so a rerun need not reread it.

The same idea as git's index and DVC's state database: a file whose size, mtime, ctime and inode
are all unchanged still holds the bytes that were hashed. ctime cannot be set by a user (touch
and ``os.utime`` only set mtime and bump ctime), so a rewrite is always seen. "Racily clean"
files are never remembered: an entry is written only for a file whose mtime is older than
``_SETTLE_NS`` when it was read, so a later edit within the same timestamp tick cannot go unseen.

The index is a single JSON file in the stage's cache folder. It is only an accelerator: a missing,
stale or corrupt index costs one reread of the inputs, never a wrong record.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

from adaptline.extract.sniff import Sniffed
from adaptline.records import write_text

INDEX_FILE = "stat-index.json"
_SETTLE_NS = 2_000_000_000  # a file modified in the last 2 s is read again next time


def _code_version() -> str:
    """Sniffing code and this module: editing either forgets every remembered kind."""
    digest = hashlib.sha256()
    for name in ("sniff.py", "stat_index.py"):
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()[:16]


def _stamp(stat: os.stat_result) -> list[int]:
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev]


class StatIndex:
    """rel path -> (stat stamp, sha256, sniff result) of the files read in the last run."""

    def __init__(self, cache_dir: str | os.PathLike[str], root: Path) -> None:
        self.path = Path(cache_dir) / INDEX_FILE
        self.header = {"version": _code_version(), "root": str(root.resolve())}
        self.previous: dict[str, list[Any]] = self._load()
        self.current: dict[str, list[Any]] = {}
        self.started_ns = time.time_ns()

    def _load(self) -> dict[str, list[Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("header") != self.header:
            return {}
        entries = data.get("entries")
        return entries if isinstance(entries, dict) else {}

    def lookup(self, rel: str, stat: os.stat_result) -> tuple[str, Sniffed] | None:
        """sha256 and sniff result of ``rel`` if its stat is unchanged since they were computed."""
        entry = self.previous.get(rel)
        if entry is None or entry[0] != _stamp(stat):
            return None
        self.current[rel] = entry
        sha, (kind, reason, note, failed) = entry[1], entry[2]
        return sha, Sniffed(kind, reason, note, failed)

    def remember(self, rel: str, stat: os.stat_result, sha: str, sniffed: Sniffed) -> None:
        if self.started_ns - stat.st_mtime_ns < _SETTLE_NS:
            return  # racily clean: an edit in the same timestamp tick would keep this stamp
        self.current[rel] = [_stamp(stat), sha, [sniffed.kind, sniffed.reason, sniffed.note, sniffed.failed]]

    def save(self) -> None:
        """Write the entries of this run's files (removed files drop out), atomically; nothing
        when they are the entries already on disk."""
        if self.current == self.previous and self.path.exists():
            return
        payload = {"header": self.header, "entries": self.current}
        write_text(self.path, json.dumps(payload, sort_keys=True, separators=(",", ":")))

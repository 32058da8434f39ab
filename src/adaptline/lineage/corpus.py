"""What happened to every source document before training: the data stages' outputs, joined.

Only ids, paths, hashes, counts and levels are kept from the records, never their text or meta,
so nothing read here can leak personal data into lineage files.
"""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adaptline.config import read_params_file
from adaptline.lineage.layout import Layout
from adaptline.records import read_records


class LineageError(RuntimeError):
    """Lineage cannot be established truthfully (missing required input, broken hash or id)."""


@dataclass(frozen=True)
class AdapterScope:
    """Which documents an adapter trains on (params.yaml ``adapters.<name>``); empty = any."""

    kinds: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()

    def keeps(self, kind: str | None, path: str) -> bool:
        kind_ok = not self.kinds or kind in self.kinds
        path_ok = not self.paths or any(fnmatch.fnmatchcase(path, glob) for glob in self.paths)
        return kind_ok and path_ok

    def describe(self) -> str:
        bits = []
        if self.kinds:
            bits.append("kinds " + ", ".join(self.kinds))
        if self.paths:
            bits.append("paths " + ", ".join(self.paths))
        return "; ".join(bits) or "all documents"


@dataclass(frozen=True)
class RecordInfo:
    """A record's identity, without its content."""

    record_id: str
    doc_id: str
    source_path: str
    kind: str
    sensitivity: str


@dataclass
class Corpus:
    """The joined state of extract, scrub, dedup and split. Optional stages may be absent (None)."""

    source_root: str  # extract.input_dir, relative to the repository root
    levels: tuple[str, ...]  # sensitivity levels, low to high
    files: list[dict[str, Any]]  # extract report entries: every input file once
    records: dict[str, RecordInfo]  # record id -> info, for every extracted record
    redactions: dict[str, dict[str, int]] | None  # record id -> entity type -> count (None: no scrub output)
    duplicates: dict[str, dict[str, Any]] | None  # record id -> dedup drop entry (None: no dedup output)
    assignments: dict[str, dict[str, Any]] | None  # doc id -> {"split", ...} (None: no split output)
    adapters: dict[str, AdapterScope] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_doc: dict[tuple[str, str], list[RecordInfo]] = {}
        for info in self.records.values():
            self.by_doc.setdefault((info.doc_id, info.source_path), []).append(info)

    def records_of(self, doc_id: str, path: str) -> list[RecordInfo]:
        """The records of one document file, in chunk order."""
        return self.by_doc.get((doc_id, path), [])

    def level_rank(self, level: str) -> int:
        if level not in self.levels:
            raise LineageError(f"sensitivity level {level!r} is not one of {', '.join(self.levels)}")
        return self.levels.index(level)

    def highest(self, levels: list[str]) -> str | None:
        return max(levels, key=self.level_rank) if levels else None

    def split_of(self, doc_id: str | None) -> str | None:
        if self.assignments is None or doc_id is None:
            return None
        entry = self.assignments.get(doc_id)
        return entry.get("split") if isinstance(entry, dict) else None


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise LineageError(f"{path}: not valid JSON ({error})") from None


def load_corpus(layout: Layout, source_root: str, levels: tuple[str, ...]) -> Corpus:
    """Read the data stages' outputs; extract's are required, later stages' optional."""
    for required in (layout.extract_report, layout.extracted):
        if not required.is_file():
            raise LineageError(f"{layout.rel(required)} not found: run the extract stage first")
    report = read_json(layout.extract_report)
    files = sorted(report.get("files") or [], key=lambda f: f["path"])
    records = {}
    for record in read_records(layout.extracted):
        records[record.record_id] = RecordInfo(
            record.record_id, record.doc_id, record.source_path, record.kind, record.sensitivity
        )
    redactions = None
    if layout.scrubbed.is_file():
        redactions = {r.record_id: dict(r.redactions) for r in read_records(layout.scrubbed)}
    duplicates = None
    if layout.dedup_report.is_file():
        duplicates = {d["record_id"]: d for d in read_json(layout.dedup_report).get("dropped") or []}
    assignments = read_json(layout.assignments) if layout.assignments.is_file() else None
    adapters = {}
    if layout.params.is_file():
        for name, spec in (read_params_file(layout.params).get("adapters") or {}).items():
            spec = spec or {}
            adapters[name] = AdapterScope(tuple(spec.get("kinds") or ()), tuple(spec.get("paths") or ()))
    return Corpus(source_root, tuple(levels), files, records, redactions, duplicates, assignments, adapters)

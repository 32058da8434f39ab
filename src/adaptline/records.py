"""The one record type that flows through every data stage, and its JSONL form.

A *document* is one source file; a *record* is one chunk of text taken from it. Every record
carries its provenance (which document, where inside it) so that lineage can trace any training
example back to the exact bytes it came from.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

DocumentKind = str
"""One of ``KINDS``: decided from the file content, not only its extension."""

KINDS: tuple[DocumentKind, ...] = ("docx", "pptx", "xlsx", "pdf", "c")


def _iov_max() -> int:
    """Pieces per ``writev`` call: the system's limit (1024 on Linux), else POSIX's minimum, 16."""
    posix_minimum = 16
    if hasattr(os, "sysconf") and "SC_IOV_MAX" in os.sysconf_names:
        return max(posix_minimum, os.sysconf("SC_IOV_MAX"))
    return posix_minimum


_IOV_MAX = _iov_max()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | os.PathLike[str], block_size: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(block_size):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Location:
    """Where a record sits inside its document. Only the fields that apply to a kind are set."""

    # body | header | footer | notes | table | code | form | annotations | footnotes | endnotes | comments
    part: str = "body"
    page: int | None = None  # pdf, 1-based
    slide: int | None = None  # pptx, 1-based
    sheet: str | None = None  # xlsx
    cell_range: str | None = None  # xlsx, e.g. "A1:F40"
    heading_path: tuple[str, ...] | None = None  # docx/pdf section headings, outermost first
    function: str | None = None  # c: function (or struct/macro) name
    line_start: int | None = None  # c, 1-based inclusive
    line_end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value is None:
                continue
            out[item.name] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Location:
        values = dict(data)
        if values.get("heading_path") is not None:
            values["heading_path"] = tuple(values["heading_path"])
        return cls(**values)

    def describe(self) -> str:
        """Short human-readable form used in context headers and reports."""
        bits = []
        if self.page is not None:
            bits.append(f"page {self.page}")
        if self.slide is not None:
            bits.append(f"slide {self.slide}")
        if self.sheet is not None:
            bits.append(f"sheet {self.sheet}" + (f" {self.cell_range}" if self.cell_range else ""))
        if self.heading_path:
            bits.append(" > ".join(self.heading_path))
        if self.function is not None:
            bits.append(self.function)
        if self.line_start is not None:
            bits.append(f"lines {self.line_start}-{self.line_end}")
        if self.part not in ("body", "code"):
            bits.append(self.part)
        return ", ".join(bits)


@dataclass(frozen=True)
class Record:
    """One chunk of one source document, with provenance.

    ``doc_id`` is the sha256 of the source file's bytes, so a renamed file keeps its id and a
    changed file gets a new one. ``record_id`` is unique within a corpus snapshot.
    """

    doc_id: str
    source_path: str  # relative, posix separators
    kind: DocumentKind
    location: Location
    chunk_index: int
    text: str
    context: str = ""  # short header (path, kind, location) prepended for training
    extractor_version: str = ""
    sensitivity: str = "internal"
    redactions: dict[str, int] = field(default_factory=dict)  # entity type -> count, never values
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def record_id(self) -> str:
        return f"{self.doc_id[:16]}-{self.chunk_index:05d}"

    def training_text(self) -> str:
        """What a language model sees: the context header, then the text."""
        return f"{self.context}\n{self.text}" if self.context else self.text

    def with_changes(self, **changes: Any) -> Record:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        data = {item.name: getattr(self, item.name) for item in fields(self)}  # shallow: asdict deep-copies
        data["location"] = self.location.to_dict()
        data["meta"], data["redactions"] = dict(self.meta), dict(self.redactions)
        data["record_id"] = self.record_id
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        values = {k: v for k, v in data.items() if k != "record_id"}
        values["location"] = Location.from_dict(values.get("location") or {})
        return cls(**values)


def record_sort_key(record: Record) -> tuple[str, str, int]:
    """Canonical output order: by path, then document, then chunk. Makes output bytes stable."""
    return (record.source_path, record.doc_id, record.chunk_index)


def dumps_record(record: Record) -> str:
    return json.dumps(record.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def write_records(path: str | os.PathLike[str], records: Iterable[Record], sort: bool = True) -> int:
    """Write records as JSONL (atomically), in canonical order unless ``sort`` is False."""
    items = sorted(records, key=record_sort_key) if sort else list(records)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
        for record in items:
            handle.write(dumps_record(record))
            handle.write("\n")
    os.replace(tmp, target)
    return len(items)


def read_records(path: str | os.PathLike[str]) -> Iterator[Record]:
    with open(path, encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield Record.from_dict(json.loads(line))
            except (ValueError, TypeError) as error:
                raise ValueError(f"{path}:{line_number}: not a valid record ({error})") from None


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` atomically as UTF-8, with its line ends as they are (LF throughout here)."""
    write_bytes(path, text.encode("utf-8"))


def write_bytes(path: str | os.PathLike[str], data: bytes | Iterable[bytes]) -> None:
    """Write ``data`` (bytes, or pieces written one after another) atomically: a reader never sees
    half a file. Pieces go out with ``writev``, many per system call, without first being joined
    into one large buffer.

    The temporary name carries the process id, so concurrent writers of one path (two stages
    sharing a cache folder) never write into each other's temporary file.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        if isinstance(data, bytes):
            handle.write(data)
        elif hasattr(os, "writev"):
            _write_pieces(handle.fileno(), [memoryview(piece) for piece in data if piece])
        else:
            handle.writelines(data)
    os.replace(tmp, target)


def _write_pieces(fd: int, pieces: list[memoryview]) -> None:
    """All of ``pieces`` to ``fd``, up to IOV_MAX of them per ``writev`` (which may write less
    than it is given: the rest goes in the next call)."""
    batch = _IOV_MAX
    start = 0
    while start < len(pieces):
        written = os.writev(fd, pieces[start : start + batch])
        if written <= 0:
            raise OSError(f"writev wrote {written} bytes")
        while written:
            size = len(pieces[start])
            if written < size:
                pieces[start] = pieces[start][written:]
                break
            written -= size
            start += 1


def write_json(path: str | os.PathLike[str], data: Any) -> None:
    """Deterministic, pretty JSON for reports and metrics (sorted keys, trailing newline)."""
    write_text(path, json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")

"""The one small interface every format reader implements, and the pieces readers share.

A reader turns a document's bytes into path-independent ``Chunk``s; the runner adds the
provenance that depends on where the file sits (path, context header, sensitivity). Keeping
chunks path-free is what lets a renamed document reuse its cache entry.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from adaptline.extract.params import ExtractParams
from adaptline.records import Location

if TYPE_CHECKING:
    import zipfile


class ExtractError(Exception):
    """A document cannot be extracted; the message is the one-line reason in the report."""


# What a reader that reads around a damaged part (a slide, a sheet, a page) never swallows: the
# worker reports these for the whole document (a memory cap hit is the machine's, not the file's).
WHOLE_DOCUMENT_ERRORS = (MemoryError, RecursionError)


@dataclass(frozen=True)
class Chunk:
    """One piece of a document, in reading order, before provenance is attached."""

    location: Location
    text: str
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"location": self.location.to_dict(), "text": self.text, "meta": self.meta}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Chunk:
        return cls(Location.from_dict(data["location"]), data["text"], data.get("meta") or {})


@dataclass
class Extraction:
    """What a reader returns: chunks, document-level meta (e.g. title; never authors), notes."""

    chunks: list[Chunk]
    meta: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # one-line remarks for the report (encoding fallback...)


class Reader(Protocol):
    """Bytes of one document -> its chunks. Raises ExtractError (or any parser error) when it cannot."""

    kind: str
    version: str  # bump when output for the same bytes changes: it is part of the cache key

    def read(self, data: bytes, params: ExtractParams) -> Extraction: ...


def split_text(text: str, max_chars: int) -> list[str]:
    """Split ``text`` into pieces of at most ``max_chars``, preferring blank lines, then lines.

    A single line longer than the limit is cut at the last space before it (or hard).
    """
    text = text.strip("\n")
    if len(text) <= max_chars:
        return [text] if text.strip() else []
    pieces: list[str] = []
    current = ""
    for block in _blocks(text, max_chars):
        candidate = f"{current}\n{block}" if current else block
        if len(candidate) <= max_chars:
            current = candidate
            continue
        if current.strip():
            pieces.append(current.strip("\n"))
        current = block
    if current.strip():
        pieces.append(current.strip("\n"))
    return pieces


def _blocks(text: str, max_chars: int) -> list[str]:
    """Units no longer than ``max_chars``: paragraphs, else their lines, else cut lines."""
    out: list[str] = []
    paragraphs = text.split("\n\n")
    for index, paragraph in enumerate(paragraphs):
        unit = paragraph + ("\n" if index < len(paragraphs) - 1 else "")
        if len(unit) <= max_chars:
            out.append(unit)
            continue
        for line in unit.split("\n"):
            while len(line) > max_chars:
                cut = line.rfind(" ", 0, max_chars)
                cut = cut if cut > max_chars // 2 else max_chars
                out.append(line[:cut])
                line = line[cut:].lstrip(" ")
            out.append(line)
    return out


def markdown_table(rows: list[list[str]]) -> str:
    """Render rows (first one is the header) as a markdown table; cells are flattened to one line."""
    rows = [[_cell(value) for value in row] for row in rows if any(value.strip() for value in row)]
    if not rows:
        return ""
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n".join(lines)


def _cell(value: str) -> str:
    return " ".join(value.split()).replace("|", "\\|")


def rewritten_package(archive: zipfile.ZipFile, content: Callable[[str, bytes], bytes]) -> bytes:
    """A copy of an Office package, each member's bytes passed through ``content(name, bytes)``:
    how the readers mend a package before a library opens it (Strict namespaces, relationships to
    missing parts, a stylesheet openpyxl rejects)."""
    import zipfile  # already loaded in a worker by the zip checks; not in a process that never reads one

    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for member in archive.infolist():
            target.writestr(member, content(member.filename, archive.read(member)))
    return output.getvalue()

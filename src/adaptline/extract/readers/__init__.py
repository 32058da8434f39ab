"""Format readers, one module per kind, registered by kind in ``READERS``.

The registry holds each reader's version (part of the cache key) and imports the reader's module
on first use: the parent process only needs versions, so a fully cached run never pays for
importing python-docx, python-pptx, openpyxl, pypdf and tree-sitter (~0.5 s).
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from adaptline.cache import code_hash
from adaptline.extract.params import ExtractParams
from adaptline.extract.readers.base import Chunk, ExtractError, Extraction, Reader


class LazyReader:
    """A reader whose implementation (``module:Class``) is imported when it first reads."""

    def __init__(self, kind: str, version: str, target: str) -> None:
        self.kind, self.version, self.target = kind, version, target
        self._impl: object | None = None
        self._fingerprint: str | None = None

    def fingerprint(self) -> str:
        """Version plus a hash of the reader's source and the shared extract code.

        Part of the cache key, so editing a reader without bumping its version still redoes
        exactly the documents of that kind instead of serving stale cached records.
        """
        if self._fingerprint is None:
            spec = importlib.util.find_spec(self.target.split(":")[0])
            self._fingerprint = f"{self.version}+{_source_hash(spec.origin if spec else None)}"
        return self._fingerprint

    def load(self) -> object:
        """The implementation, imported now if it was not yet (the parser library comes with it)."""
        if self._impl is None:
            module, name = self.target.split(":")
            self._impl = getattr(importlib.import_module(module), name)()
        return self._impl

    def read(self, data: bytes, params: ExtractParams) -> Extraction:
        return self.load().read(data, params)  # type: ignore[attr-defined]


# sniff.py: embedded documents are sniffed before their reader is chosen.
_SHARED_SOURCES = (
    *("readers/base.py", "readers/charts.py", "readers/diagrams.py", "readers/embedded.py", "readers/imported.py"),
    *("readers/content_types.py", "readers/omml.py", "readers/package.py", "readers/strict.py", "readers/symbols.py"),
    *("safety.py", "sniff.py", "worker.py", "params.py"),
)


def _source_hash(reader_source: str | None) -> str:
    package = Path(__file__).resolve().parents[1]
    return code_hash(*([reader_source] if reader_source else []), *(package / name for name in _SHARED_SOURCES))


def fingerprint(reader: Reader) -> str:
    """Cache-key identity of a reader's code (readers without source tracking: their version)."""
    return reader.fingerprint() if isinstance(reader, LazyReader) else reader.version


# Bump a version when the same bytes would give different records: cached results are then redone.
READERS: dict[str, Reader] = {
    "docx": LazyReader("docx", "docx-5", "adaptline.extract.readers.docx:DocxReader"),
    "pptx": LazyReader("pptx", "pptx-4", "adaptline.extract.readers.pptx:PptxReader"),
    "xlsx": LazyReader("xlsx", "xlsx-3", "adaptline.extract.readers.xlsx:XlsxReader"),
    "pdf": LazyReader("pdf", "pdf-4", "adaptline.extract.readers.pdf:PdfReader"),
    "c": LazyReader("c", "c-3", "adaptline.extract.readers.c:CReader"),
}

__all__ = ["READERS", "Chunk", "ExtractError", "Extraction", "LazyReader", "Reader", "fingerprint"]

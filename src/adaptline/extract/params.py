"""Parameters of the ``extract`` stage (the ``extract:`` section of params.yaml)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class SensitivityRule:
    """Documents whose relative path matches ``glob`` (fnmatch; ``*`` also crosses ``/``) get ``level``."""

    glob: str
    level: str


@dataclass(frozen=True)
class ExtractParams:
    """Everything that shapes what ``extract`` produces, and the limits that keep it safe.

    Only the fields listed in ``CONTENT_FIELDS`` change the records of a document, so only they
    enter the cache key: tuning workers, timeouts or sensitivity rules never forces re-extraction.
    """

    input_dir: str = "data/sample"  # raw documents, read recursively (dvc.yaml passes it as an argument)
    workers: int = 0  # worker processes over documents; 0 = all cores
    timeout_s: float = 60.0  # per-document wall-clock limit; a parser past it is killed and reported
    memory_limit_mb: int = 2048  # address space a worker may map beyond what it forked with (RLIMIT_AS); 0 = none
    max_file_mb: float = 100.0  # larger files are skipped unread
    max_chunk_chars: int = 4000  # upper bound on one record's text (docx sections, slides, pages, C functions)
    xlsx_rows_per_chunk: int = 50  # spreadsheet data rows per record
    zip_max_members: int = 5000  # office (zip) containers with more members are refused
    zip_max_member_mb: float = 256.0  # declared uncompressed size limit of one zip member
    zip_max_total_mb: float = 512.0  # declared uncompressed size limit of all members together
    zip_max_ratio: float = 200.0  # refuse a member whose uncompressed/compressed ratio is above this...
    zip_ratio_min_mb: float = 1.0  # ...when it declares at least this many MB (small members compress well)
    pdf_edge_lines: int = 3  # lines at the top and bottom of a page examined as running header/footer
    pdf_repeat_pages: int = 3  # an edge line on this many pages is a running header/footer (chapter heads)...
    pdf_repeat_fraction: float = 0.5  # ...or on this fraction of them, when that is fewer (never below 2 pages)
    # Word, PowerPoint and Excel files embedded in a document (OLE objects: a BOM pasted into a
    # slide) are read into it, one level deep; off: they are only noted in the report.
    read_embedded_documents: bool = True
    c_fallback_encodings: tuple[str, ...] = ("cp1252", "latin-1")  # tried in order when C source is not UTF-8
    c_check_function_bodies: bool = False  # parse every C function body, to note syntax errors inside (~4x slower)
    # Macros that stand for qualifiers or attributes (``NAME`` or ``NAME(...)``), blanked before C
    # is parsed: tree-sitter does not expand macros. CMSIS-Core and ST HAL by default; add your own.
    c_qualifier_macros: tuple[str, ...] = (
        *("__I", "__O", "__IO", "__IM", "__OM", "__IOM"),  # CMSIS register access qualifiers
        *("__INLINE", "__STATIC_INLINE", "__STATIC_FORCEINLINE", "__NO_RETURN", "__USED", "__WEAK"),
        *("__PACKED", "__ALIGNED", "__RESTRICT"),  # CMSIS cmsis_compiler.h
        *("__weak", "__packed", "__ALIGN_BEGIN", "__ALIGN_END"),  # ST HAL stm32*_hal_def.h
    )
    sensitivity_levels: tuple[str, ...] = ("public", "internal", "confidential", "restricted")  # low to high
    default_sensitivity: str = "internal"  # level of documents no rule matches
    sensitivity_rules: tuple[SensitivityRule, ...] = (  # first matching glob wins
        SensitivityRule("*.c", "confidential"),
        SensitivityRule("*.h", "confidential"),
    )

    def __post_init__(self) -> None:
        levels = set(self.sensitivity_levels)
        if self.default_sensitivity not in levels:
            raise ValueError(f"extract.default_sensitivity {self.default_sensitivity!r} is not in sensitivity_levels")
        for rule in self.sensitivity_rules:
            if rule.level not in levels:
                raise ValueError(f"extract.sensitivity_rules: level {rule.level!r} of {rule.glob!r} is not a level")
        if self.max_chunk_chars < 200:
            raise ValueError("extract.max_chunk_chars must be at least 200")
        if self.xlsx_rows_per_chunk < 1:
            raise ValueError("extract.xlsx_rows_per_chunk must be at least 1")
        for name in self.c_qualifier_macros:
            if not name.isidentifier() or not name.isascii():
                raise ValueError(f"extract.c_qualifier_macros: {name!r} is not a C identifier")

    def content_params(self) -> dict[str, Any]:
        """The params that change extracted text or locations (part of the cache key)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name in CONTENT_FIELDS}


CONTENT_FIELDS = frozenset(
    {
        "max_chunk_chars",
        "xlsx_rows_per_chunk",
        "zip_max_members",
        "zip_max_member_mb",
        "zip_max_total_mb",
        "zip_max_ratio",
        "zip_ratio_min_mb",
        "pdf_edge_lines",
        "pdf_repeat_pages",
        "pdf_repeat_fraction",
        "read_embedded_documents",
        "c_fallback_encodings",
        "c_check_function_bodies",
        "c_qualifier_macros",
    }
)

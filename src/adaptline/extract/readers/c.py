"""C sources (.c/.h) with tree-sitter-c: one chunk per function, declarations grouped between.

Every byte of the file lands in exactly one chunk: each function (with the comment right above
it) is a chunk; the text between functions (file header, includes, macros, structs, enums,
typedefs, prototypes) is grouped into declaration chunks. Long pieces are split at statement
boundaries (functions) or blank lines (declarations) under ``max_chunk_chars``. Files with
syntax errors are still extracted (tree-sitter parses past them) and noted.
"""

from __future__ import annotations

import bisect
import codecs
import re
from dataclasses import dataclass

import tree_sitter_c
from tree_sitter import Language, Node, Parser

from adaptline.extract.params import ExtractParams
from adaptline.extract.readers.base import Chunk, Extraction
from adaptline.records import Location

_LANGUAGE = Language(tree_sitter_c.language())
_CONTAINERS = {"translation_unit", "preproc_if", "preproc_ifdef", "preproc_else", "preproc_elif", "preproc_elifdef"}
_NAMED = {"preproc_def", "preproc_function_def", "type_definition", "struct_specifier", "enum_specifier"}
_NAMED |= {"union_specifier", "declaration"}
_MAX_ERROR_LINES = 5
Span = tuple[int, int]


@dataclass(frozen=True)
class _Function:
    start: int  # byte offset, including the comment directly above
    node: Node
    name: str


class CReader:
    """Registered in ``READERS`` (readers/__init__.py), which holds its kind and version."""

    def read(self, data: bytes, params: ExtractParams) -> Extraction:
        text, note = decode_source(data, params.c_fallback_encodings)
        source = text.replace("\r\n", "\n").encode("utf-8")
        tree = Parser(_LANGUAGE).parse(source)
        lines = _LineIndex(source)
        functions = _functions(tree.root_node)
        chunks: list[Chunk] = []
        position = 0
        for function in functions:
            chunks += _declarations(source, position, function.start, tree.root_node, lines, params.max_chunk_chars)
            chunks += _function_chunks(source, function, lines, params.max_chunk_chars)
            position = function.node.end_byte
        chunks += _declarations(source, position, len(source), tree.root_node, lines, params.max_chunk_chars)
        notes = [note] if note else []
        if tree.root_node.has_error:
            where = ", ".join(str(line) for line in _error_lines(tree.root_node))
            notes.append(f"C syntax errors near line(s) {where}; extracted anyway")
        return Extraction(chunks=chunks, notes=notes)


def decode_source(data: bytes, fallbacks: tuple[str, ...]) -> tuple[str, str | None]:
    """Text of a source file and a note when it was not plain UTF-8."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "decoded as UTF-16 (byte order mark)"
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    for encoding in fallbacks:
        try:
            return data.decode(encoding), f"not valid UTF-8; decoded as {encoding}"
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("utf-8", errors="replace"), "not valid UTF-8; undecodable bytes replaced"


class _LineIndex:
    def __init__(self, source: bytes) -> None:
        self.newlines = [match.start() for match in re.finditer(b"\n", source)]

    def line(self, offset: int) -> int:
        """1-based line of a byte offset."""
        return bisect.bisect_left(self.newlines, offset) + 1


def _functions(root: Node) -> list[_Function]:
    found: list[_Function] = []

    def visit(node: Node) -> None:
        for child in node.named_children:
            if child.type == "function_definition":
                found.append(_Function(_comment_start(child), child, _function_name(child)))
            elif child.type in _CONTAINERS:
                visit(child)

    visit(root)
    return sorted(found, key=lambda function: function.start)


def _comment_start(node: Node) -> int:
    """Start of the comment block directly above ``node`` (no blank line between), else the node."""
    start, row = node.start_byte, node.start_point.row
    sibling = node.prev_named_sibling
    while sibling is not None and sibling.type == "comment" and sibling.end_point.row >= row - 1:
        start, row = sibling.start_byte, sibling.start_point.row
        sibling = sibling.prev_named_sibling
    return start


def _function_name(node: Node) -> str:
    declarator = node.child_by_field_name("declarator")
    while declarator is not None and declarator.type != "function_declarator":
        declarator = declarator.child_by_field_name("declarator")
    if declarator is not None:
        inner = declarator.child_by_field_name("declarator")
        if inner is not None and inner.text:
            return inner.text.decode("utf-8", errors="replace")
    return "<anonymous>"


def _function_chunks(source: bytes, function: _Function, lines: _LineIndex, limit: int) -> list[Chunk]:
    body = function.node.child_by_field_name("body")
    cuts = [child.end_byte for child in body.named_children] if body is not None else []
    spans = _pack(source, function.start, function.node.end_byte, cuts, limit)
    chunks = []
    for index, (start, end) in enumerate(spans):
        meta = {"part": index + 1, "parts": len(spans)} if len(spans) > 1 else {}
        chunks.append(_chunk(source, start, end, lines, function.name, meta))
    return chunks


def _declarations(source: bytes, start: int, end: int, root: Node, lines: _LineIndex, limit: int) -> list[Chunk]:
    if not source[start:end].strip():
        return []
    paragraph_ends = _offsets_after(source, b"\n\n", start, end)
    chunks = []
    for span_start, span_end in _pack(source, start, end, paragraph_ends, limit):
        symbols = _symbols(root, span_start, span_end)
        chunks.append(_chunk(source, span_start, span_end, lines, None, {"symbols": symbols} if symbols else {}))
    return chunks


def _chunk(source: bytes, start: int, end: int, lines: _LineIndex, name: str | None, meta: dict) -> Chunk:
    raw = source[start:end]
    first = start + (len(raw) - len(raw.lstrip()))
    last = start + len(raw.rstrip()) - 1
    location = Location(part="code", function=name, line_start=lines.line(first), line_end=lines.line(last))
    return Chunk(location, raw.strip().decode("utf-8", errors="replace"), meta)


def _pack(source: bytes, start: int, end: int, cuts: list[int], limit: int, by_lines: bool = False) -> list[Span]:
    """Split [start, end) at ``cuts`` into spans of at most ``limit`` bytes where possible.

    A span still too long (one huge statement or paragraph) is split at line ends, then hard.
    """
    spans: list[Span] = []
    span_start, last_fit = start, None
    for cut in [c for c in sorted(cuts) if start < c < end] + [end]:
        if cut - span_start <= limit:
            last_fit = cut
            continue
        if last_fit is not None:
            spans.append((span_start, last_fit))
            span_start, last_fit = last_fit, None
            if cut - span_start <= limit:
                last_fit = cut
                continue
        spans.append((span_start, cut))  # too long even alone
        span_start = cut
    if last_fit is not None:
        spans.append((span_start, last_fit))
    out: list[Span] = []
    for a, b in spans:
        if b - a <= limit:
            out.append((a, b))
        elif not by_lines:
            out += _pack(source, a, b, _offsets_after(source, b"\n", a, b), limit, by_lines=True)
        else:
            out += [(i, min(i + limit, b)) for i in range(a, b, limit)]
    return [(a, b) for a, b in out if source[a:b].strip()]


def _offsets_after(source: bytes, needle: bytes, start: int, end: int) -> list[int]:
    """Offsets just after the first byte of each ``needle`` in [start, end) (i.e. after a newline)."""
    return [start + match.start() + 1 for match in re.finditer(re.escape(needle), source[start:end])]


def _symbols(root: Node, start: int, end: int) -> list[str]:
    """Names defined in [start, end): macros, typedefs, structs/enums/unions, declared names."""
    names: list[str] = []

    def visit(node: Node) -> None:
        for child in node.named_children:
            if child.end_byte <= start or child.start_byte >= end:
                continue
            if child.type in _CONTAINERS:
                visit(child)
            elif child.type in _NAMED:
                for name in _names_of(child):
                    if name not in names:
                        names.append(name)

    visit(root)
    return names


def _names_of(node: Node) -> list[str]:
    if node.type in ("preproc_def", "preproc_function_def", "struct_specifier", "enum_specifier", "union_specifier"):
        name = node.child_by_field_name("name")
        return [name.text.decode("utf-8", errors="replace")] if name is not None and name.text else []
    out = []
    kind = node.child_by_field_name("type")
    if kind is not None and kind.type in ("struct_specifier", "enum_specifier", "union_specifier"):
        out += _names_of(kind)
    for declarator in node.children_by_field_name("declarator"):
        identifier = _identifier(declarator)
        if identifier:
            out.append(identifier)
    return out


def _identifier(node: Node) -> str | None:
    if node.type in ("identifier", "type_identifier"):
        return node.text.decode("utf-8", errors="replace") if node.text else None
    inner = node.child_by_field_name("declarator")
    return _identifier(inner) if inner is not None else None


def _error_lines(root: Node) -> list[int]:
    lines: list[int] = []
    stack = [root]
    while stack and len(lines) < _MAX_ERROR_LINES:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            lines.append(node.start_point.row + 1)
            continue
        if node.has_error:
            stack.extend(reversed(node.children))
    return sorted(set(lines))

"""C sources (.c/.h) with tree-sitter-c: one chunk per function, declarations grouped between.

Every byte of the file lands in exactly one chunk: each function (with the comment right above
it) is a chunk; the text between functions (file header, includes, macros, structs, enums,
typedefs, prototypes) is grouped into declaration chunks. Long pieces are split at statement
boundaries (functions) or blank lines (declarations) under ``max_chunk_chars``. Files with
syntax errors are still extracted (tree-sitter parses past them) and noted. The parse sees what a
C compiler sees: branches only a C++ compiler takes (``#ifdef __cplusplus``, such as the
``extern "C" {`` wrapper of most headers) are blanked first, and so are the macros listed in
``c_qualifier_macros`` (CMSIS ``__IO``, ``__STATIC_INLINE``, ...), which tree-sitter cannot
expand; chunk text is cut from the original.

Function bodies are skimmed by default: a body's statements only matter when its function is
too long for one chunk, and tree-sitter spends most of its time in them. So the braces of
function bodies are matched first (comments, strings and directives skipped) and their insides
are left out of the parse (tree-sitter's included ranges) unless the function must be split.
The tree must then show exactly those bodies as function bodies, without errors; otherwise the
file is parsed whole. Chunks are then the same as from a full parse, with one exception: a
syntax error inside a body (say, an attribute tree-sitter-c does not know) can make the full
parse fold the whole function into an error node, while the skimmed parse still sees the
function. What skimming gives up is the note about syntax errors inside skimmed bodies
(``c_check_function_bodies`` parses every body, and notes them).
"""

from __future__ import annotations

import bisect
import codecs
import functools
import re
from dataclasses import dataclass

import tree_sitter_c
from tree_sitter import Language, Node, Parser, Point, Range, Tree

from adaptline.extract.params import ExtractParams
from adaptline.extract.readers.base import Chunk, Extraction
from adaptline.records import Location

_LANGUAGE = Language(tree_sitter_c.language())
_CONTAINERS = {"translation_unit", "preproc_if", "preproc_ifdef", "preproc_else", "preproc_elif", "preproc_elifdef"}
_CONTAINERS |= {"linkage_specification", "declaration_list"}  # extern "C" { ... } outside a C++ guard
# Conditional directives, and those whose branch only a C++ compiler takes (``__cplusplus`` is never
# defined in C): ``#ifdef __cplusplus``, ``#if defined(__cplusplus)``, ``#if __cplusplus``.
_CONDITIONAL = re.compile(rb"[ \t]*#[ \t]*(if|ifdef|ifndef|elif|elifdef|elifndef|else|endif)\b")
_CPLUSPLUS_ONLY = re.compile(
    rb"[ \t]*#[ \t]*(?:ifdef[ \t]+__cplusplus"
    rb"|if[ \t]+(?:defined[ \t]*\([ \t]*__cplusplus[ \t]*\)|defined[ \t]+__cplusplus|__cplusplus))"
    rb"[ \t]*(?:/\*.*?\*/|//.*)?[ \t]*"
)
_NAMED = {"preproc_def", "preproc_function_def", "type_definition", "struct_specifier", "enum_specifier"}
_NAMED |= {"union_specifier", "declaration"}
_MAX_ERROR_LINES = 5
# Tokens whose insides are not code: comments, string and char literals, directive lines.
_NOT_CODE = rb"/\*.*?\*/|//[^\n]*|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|^[ \t]*#(?:\\\n|[^\n])*"
_BRACE_TOKENS = re.compile(_NOT_CODE + rb"|[{}]", re.DOTALL | re.MULTILINE)  # and the braces in code
_PARENTHESES = re.compile(rb"[()]")
_BODY_OPENING = re.compile(rb"\)\s*\{")  # a function body can only open like this
# Skim only files whose function bodies are at least this share of the bytes: below it, the
# saving is too small to pay for the brace scan and for a parse that may have to be redone.
_MIN_SKIMMED_SHARE = 0.5
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
        lines = _LineIndex(source)
        tree, functions = _parse(source, compiler_view(source, params), lines, params)  # chunks: from source
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


def compiler_view(source: bytes, params: ExtractParams) -> bytes:
    """What the parser is given: ``source`` closer to what a C compiler reads, with every offset
    kept (C++-only branches and qualifier macros blanked)."""
    return _without_qualifier_macros(_without_cplusplus_branches(source), params.c_qualifier_macros)


def _without_qualifier_macros(source: bytes, names: tuple[str, ...]) -> bytes:
    """``source`` with the listed macros blanked where they are used in code, with the argument
    list when called (``__ALIGNED(4)``).

    Firmware is full of macros that expand to qualifiers or attributes (CMSIS ``__IO``,
    ``__STATIC_INLINE``; HAL ``__weak``). tree-sitter does not expand macros, so to it
    ``__IO uint32_t CR1;`` is a syntax error, and every struct or function that uses one gets
    an error note and cannot be skimmed. Blanked, they read as what they stand for does: nothing
    that changes the structure. Their definitions (directive lines), comments and strings are
    left alone.
    """
    if not names:
        return source
    mentioned, pattern = _qualifier_patterns(names)
    if mentioned.search(source) is None:  # most files: one quick pass, no blanking
        return source
    blanked = bytearray(source)
    for match in pattern.finditer(source):
        if match.group("not_code") is not None:
            continue
        end = match.end()
        if match.group("call") is not None:
            closing = _closing_parenthesis(source, end)
            end = closing if closing is not None else match.end("name")
        _blank(blanked, match.start(), end)
    return bytes(blanked)


@functools.lru_cache(maxsize=8)
def _qualifier_patterns(names: tuple[str, ...]) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """A pattern that finds any of ``names`` anywhere (one pass: ~10x faster than a substring test
    per name), and the tokenizing one that tells code from comments, strings and directives."""
    alternatives = b"|".join(re.escape(name.encode()) for name in sorted(names, key=len, reverse=True))
    tokens = re.compile(
        rb"(?P<not_code>" + _NOT_CODE + rb")|(?P<name>\b(?:" + alternatives + rb")\b)(?P<call>[ \t]*\()?",
        re.DOTALL | re.MULTILINE,
    )
    return re.compile(alternatives), tokens


def _closing_parenthesis(source: bytes, start: int) -> int | None:
    """Offset just past the parenthesis that closes the one opened before ``start``."""
    depth = 1
    for match in _PARENTHESES.finditer(source, start):
        depth += 1 if match.group() == b"(" else -1
        if depth == 0:
            return match.end()
    return None


def _without_cplusplus_branches(source: bytes) -> bytes:
    """``source`` as a C compiler sees it around ``#ifdef __cplusplus``: those branches blanked.

    Headers wrap their declarations in ``#ifdef __cplusplus / extern "C" { / #endif`` and close
    the brace in a second such block. tree-sitter-c parses both branches, so it sees a brace
    that opens in one ``#ifdef`` and closes in another: every function in between ends up inside
    an unterminated block, with a syntax error, and is no longer chunked as a function. Blanking
    those branches (spaces; newlines, and so every offset, line and column, kept) gives the parse
    what a C compiler would read. Directive lines and other branches stay; chunk text is still cut
    from the original source.
    """
    if b"__cplusplus" not in source:
        return source
    blanked = bytearray(source)
    depth, guard_depth, branch_start = 0, None, 0
    for token in _BRACE_TOKENS.finditer(source):  # directive lines, not lookalikes in comments or strings
        conditional = _CONDITIONAL.match(token.group())
        if conditional is None:
            continue
        directive = conditional.group(1)
        if directive in (b"if", b"ifdef", b"ifndef"):
            depth += 1
            if guard_depth is None and _CPLUSPLUS_ONLY.fullmatch(token.group()):
                guard_depth, branch_start = depth, token.end() + 1
            continue
        if guard_depth == depth:  # #elif, #else or #endif of a C++-only branch: that branch ends here
            _blank(blanked, branch_start, token.start())
            guard_depth = None
        if directive == b"endif":
            depth -= 1
    return bytes(blanked)


def _blank(buffer: bytearray, start: int, end: int) -> None:
    """Every byte in [start, end) but newlines becomes a space."""
    buffer[start:end] = re.sub(rb"[^\n]", b" ", bytes(buffer[start:end]))


class _LineIndex:
    def __init__(self, source: bytes) -> None:
        self.newlines = [match.start() for match in re.finditer(b"\n", source)]

    def line(self, offset: int) -> int:
        """1-based line of a byte offset."""
        return bisect.bisect_left(self.newlines, offset) + 1

    def point(self, offset: int) -> Point:
        """tree-sitter's (0-based row, byte column) of a byte offset."""
        row = bisect.bisect_left(self.newlines, offset)
        return Point(row, offset - (self.newlines[row - 1] + 1 if row else 0))


def _parse(original: bytes, source: bytes, lines: _LineIndex, params: ExtractParams) -> tuple[Tree, list[_Function]]:
    """The syntax tree of ``source`` (the compiler's view of ``original``) and its functions;
    bodies skimmed where the skimmed tree can be trusted."""
    skimmable = [] if params.c_check_function_bodies else _skimmable_bodies(source)
    if sum(end - start for start, end in skimmable) < _MIN_SKIMMED_SHARE * len(source):
        skimmable = []
    tree: Tree | None = None
    while skimmable:
        parser = Parser(_LANGUAGE, included_ranges=_ranges_around(skimmable, lines, len(source)))
        tree = parser.parse(source) if tree is None else parser.parse(source, old_tree=tree)
        functions = _functions(tree.root_node, original, source, lines)
        bodies = {(body.start_byte, body.end_byte): function for function in functions if (body := _body(function))}
        if tree.root_node.has_error or not all(span in bodies for span in skimmable):
            break  # the braces did not mean what they seemed to: parse the whole file
        too_long = {
            span for span in skimmable if bodies[span].node.end_byte - bodies[span].start > params.max_chunk_chars
        }
        if not too_long:
            return tree, functions
        skimmable = [span for span in skimmable if span not in too_long]  # those need their statements
    # Reparsing on top of a skimmed tree reuses its nodes outside the bodies: the same tree, sooner.
    tree = Parser(_LANGUAGE).parse(source) if tree is None else Parser(_LANGUAGE).parse(source, old_tree=tree)
    return tree, _functions(tree.root_node, original, source, lines)


def _skimmable_bodies(source: bytes) -> list[Span]:
    """Spans of top-level ``{...}`` that look like function bodies: after ``)``, no directive inside.

    Returns nothing when the braces do not balance (say, braces that differ between ``#if``
    branches): the caller then parses the whole file.
    """
    if not _BODY_OPENING.search(source):
        return []  # most headers: not a single ``) {`` anywhere, so no token scan
    spans: list[Span] = []
    depth, start, directive_inside = 0, 0, False
    for match in _BRACE_TOKENS.finditer(source):
        token = match.group()
        if token == b"{":
            if depth == 0:
                start, directive_inside = match.start(), False
            depth += 1
        elif token == b"}":
            depth -= 1
            if depth < 0:
                return []
            if depth == 0 and not directive_inside and match.end() - start > 2 and _after_parenthesis(source, start):
                spans.append((start, match.end()))
        elif depth and token.lstrip().startswith(b"#"):
            directive_inside = True
    return spans if depth == 0 else []


def _after_parenthesis(source: bytes, offset: int) -> bool:
    """Whether the last non-blank byte before ``offset`` (looking a short way back) is ``)``."""
    return source[max(0, offset - 256) : offset].rstrip().endswith(b")")


def _ranges_around(bodies: list[Span], lines: _LineIndex, length: int) -> list[Range]:
    """Included ranges that leave out the inside of each body (its braces stay in)."""
    ranges, position = [], 0
    for start, end in bodies:
        ranges.append(Range(lines.point(position), lines.point(start + 1), position, start + 1))
        position = end - 1
    ranges.append(Range(lines.point(position), lines.point(length), position, length))
    return ranges


def _body(function: _Function) -> Node | None:
    return function.node.child_by_field_name("body")


def _functions(root: Node, original: bytes, parsed: bytes, lines: _LineIndex) -> list[_Function]:
    found: list[_Function] = []

    def visit(node: Node) -> None:
        for child in node.named_children:
            if child.type == "function_definition":
                start = _comment_start(child, _blanked_prefix_start(child.start_byte, original, parsed), lines)
                found.append(_Function(start, child, _function_name(child)))
            elif child.type in _CONTAINERS:
                visit(child)

    visit(root)
    return sorted(found, key=lambda function: function.start)


def _blanked_prefix_start(start: int, original: bytes, parsed: bytes) -> int:
    """``start`` moved back over qualifier macros the parse did not see (``__weak void f(...)``,
    ``__STATIC_INLINE`` on the line above): they belong to the function's text."""
    position = start
    while position > 0 and parsed[position - 1] in b" \t\n":
        position -= 1
        if original[position] not in b" \t\n":
            start = position
    return start


def _comment_start(node: Node, start: int, lines: _LineIndex) -> int:
    """Start of the comment block directly above ``node`` (which starts at ``start``; no blank line
    between), else ``start``."""
    row = lines.point(start).row
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
    cuts: list[int] = []
    if function.node.end_byte - function.start > limit and (body := _body(function)) is not None:
        cuts = [child.end_byte for child in body.named_children]  # statements: only a long function is cut
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

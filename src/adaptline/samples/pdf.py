"""Multi-page PDF specs drawn with reportlab's canvas, byte-identical on every run.

The layout is done here rather than with platypus so that the text has what real specs have and
the extractor must undo: a running header and footer with ``Page n of m`` on every page, and long
words hyphenated at line ends ("speci-" / "fication"). ``invariant=1`` fixes reportlab's dates
and document id.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from adaptline.samples.ooxml import Block, _write

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 56.0
TOP = PAGE_HEIGHT - 78.0  # first baseline below the running header
BOTTOM = 70.0  # last baseline above the running footer
BODY = ("Helvetica", 10.0, 13.5)  # font, size, leading
HEADINGS = {1: ("Helvetica-Bold", 14.0, 20.0), 2: ("Helvetica-Bold", 12.0, 17.0), 3: ("Helvetica-Bold", 10.5, 15.0)}
TABLE = ("Helvetica", 8.5, 11.0)
TABLE_HEAD = ("Helvetica-Bold", 8.5, 11.0)
MIN_HEAD, MIN_TAIL, MIN_HYPHEN_WORD = 3, 3, 7  # hyphenate lowercase words >= 7 letters, 3+3 letters kept


@dataclass(frozen=True)
class _Text:
    x: float
    y: float
    font: str
    size: float
    text: str


@dataclass(frozen=True)
class _Run:
    """Texts drawn as one PDF text object, so extractors read a table row as one line."""

    parts: tuple[_Text, ...]


@dataclass(frozen=True)
class _Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class _Note:
    """A reviewer's sticky note in the margin: an annotation, not page text."""

    y: float
    text: str


def _fits(text: str, font: str, size: float, width: float) -> bool:
    return stringWidth(text, font, size) <= width


_VOWELS = set("aeiouy")


def _hyphen_point(word: str, fits: Callable[[int], bool]) -> int:
    """Largest cut that fits the line at a syllable-like boundary, V-CV or VC-CV ("speci-fication",
    "tran-sients"); 0 when there is none (the word then moves to the next line whole)."""
    for k in range(len(word) - MIN_TAIL, MIN_HEAD - 1, -1):
        before, after = word[k - 1], word[k]
        if after in _VOWELS or word[k + 1] not in _VOWELS:
            continue
        if (before in _VOWELS or word[k - 2] in _VOWELS) and fits(k):
            return k
    return 0


def wrap(text: str, font: str, size: float, width: float, hyphenate: bool = True) -> list[str]:
    """Greedy line breaking; a long lowercase word that does not fit is split with a hyphen."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}" if current else word
        if _fits(trial, font, size, width):
            current = trial
            continue
        core = word.rstrip(".,;:)")
        if hyphenate and core.isalpha() and core.islower() and len(core) >= MIN_HYPHEN_WORD:
            prefix = f"{current} " if current else ""
            cut = _hyphen_point(core, lambda k, p=prefix, w=word: _fits(p + w[:k] + "-", font, size, width))
            if cut:
                lines.append(prefix + word[:cut] + "-")
                current = word[cut:]
                continue
        if current:
            lines.append(current)
        current = word
    if current:
        lines.append(current)
    return lines


class _Layout:
    """Places blocks on pages; each page is a list of drawing operations."""

    def __init__(self) -> None:
        self.pages: list[list[_Text | _Run | _Line | _Note]] = [[]]
        self.y = TOP
        self.width = PAGE_WIDTH - 2 * MARGIN_X

    def new_page(self) -> None:
        self.pages.append([])
        self.y = TOP

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM and self.y < TOP:
            self.new_page()

    def text_lines(self, lines: Sequence[str], style: tuple[str, float, float], x: float, gap_after: float) -> None:
        font, size, leading = style
        for line in lines:
            self.need(leading)
            self.pages[-1].append(_Text(x, self.y, font, size, line))
            self.y -= leading
        self.y -= gap_after

    def heading(self, level: int, text: str) -> None:
        font, size, leading = HEADINGS.get(level, HEADINGS[3])
        self.need(leading * 3)  # keep a heading with the first lines that follow it
        self.y -= leading * 0.3
        self.text_lines(wrap(text, font, size, self.width, hyphenate=False), (font, size, leading), MARGIN_X, 2)

    def paragraph(self, text: str) -> None:
        self.text_lines(wrap(text, BODY[0], BODY[1], self.width), BODY, MARGIN_X, 5)

    def items(self, items: Sequence[str], numbered: bool) -> None:
        indent = 16.0
        for i, item in enumerate(items, start=1):
            marker = f"{i}." if numbered else "\u2022"
            lines = wrap(item, BODY[0], BODY[1], self.width - indent)
            self.need(BODY[2])
            marker_text = _Text(MARGIN_X + 2, self.y, BODY[0], BODY[1], marker)
            first = _Text(MARGIN_X + indent, self.y, BODY[0], BODY[1], lines[0])
            self.pages[-1].append(_Run((marker_text, first)))
            self.y -= BODY[2]
            self.text_lines(lines[1:], BODY, MARGIN_X + indent, 1)
        self.y -= 4

    def table(self, rows: Sequence[Sequence[str]]) -> None:
        cols = len(rows[0])
        natural = [max(stringWidth(str(row[c]), TABLE_HEAD[0], TABLE[1]) + 8 for row in rows) for c in range(cols)]
        scale = min(1.0, self.width / sum(natural))
        widths = [w * scale for w in natural]
        cells = [
            [
                wrap(str(value), *(TABLE_HEAD if r == 0 else TABLE)[:2], widths[c] - 6, False)
                for c, value in enumerate(row)
            ]
            for r, row in enumerate(rows)
        ]
        heights = [max(len(cell) for cell in row) * TABLE[2] + 5 for row in cells]
        self.need(heights[0] + heights[1 if len(heights) > 1 else 0])
        for r, row in enumerate(cells):
            if self.y - heights[r] < BOTTOM:
                self.new_page()
            top, x = self.y + TABLE[2] - 2, MARGIN_X
            ops = self.pages[-1]
            font, size, leading = TABLE_HEAD if r == 0 else TABLE
            lefts = [MARGIN_X + sum(widths[:c]) for c in range(cols)]
            for i in range(max(len(lines) for lines in row)):
                parts = [
                    _Text(lefts[c] + 3, self.y - i * leading, font, size, lines[i])
                    for c, lines in enumerate(row)
                    if i < len(lines)
                ]
                ops.append(_Run(tuple(parts)))
            for c in range(cols):
                ops.append(_Line(x, top, x, top - heights[r]))
                x += widths[c]
            ops.append(_Line(x, top, x, top - heights[r]))
            ops.append(_Line(MARGIN_X, top, x, top))
            ops.append(_Line(MARGIN_X, top - heights[r], x, top - heights[r]))
            self.y -= heights[r]
        self.y -= 8


def pdf_bytes(
    blocks: Sequence[Block], header: str, footer: str, title: str = "", author: str = "", subject: str = ""
) -> bytes:
    """A PDF of ``blocks`` (same block kinds as ``docx_bytes``) with ``header`` at the top and
    ``footer`` plus ``Page n of m`` at the bottom of every page."""
    layout = _Layout()
    for block in blocks:
        kind = block[0]
        if kind == "h":
            layout.heading(block[1], block[2])
        elif kind == "p":
            layout.paragraph(block[1])
        elif kind in ("ul", "ol"):
            layout.items(block[1], numbered=kind == "ol")
        elif kind == "table":
            layout.table(block[1])
        elif kind == "break":
            layout.new_page()
        elif kind == "note":  # ("note", text): a sticky note beside the last block (pdf only)
            layout.pages[-1].append(_Note(layout.y, block[1]))
        else:
            raise ValueError(f"unknown pdf block kind {kind!r}")
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=0)  # no zlib: bytes independent of its version
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setSubject(subject)
    canvas.setCreator("Kestrel DocGen 4.2")
    total = len(layout.pages)
    for number, ops in enumerate(layout.pages, start=1):
        canvas.setFont("Helvetica", 8)
        canvas.drawString(MARGIN_X, PAGE_HEIGHT - 40, header)
        canvas.line(MARGIN_X, PAGE_HEIGHT - 46, PAGE_WIDTH - MARGIN_X, PAGE_HEIGHT - 46)
        canvas.line(MARGIN_X, 48, PAGE_WIDTH - MARGIN_X, 48)
        canvas.drawString(MARGIN_X, 36, footer)
        canvas.drawRightString(PAGE_WIDTH - MARGIN_X, 36, f"Page {number} of {total}")
        canvas.setLineWidth(0.5)
        for op in ops:
            if isinstance(op, _Text):
                canvas.setFont(op.font, op.size)
                canvas.drawString(op.x, op.y, op.text)
            elif isinstance(op, _Run):
                text = canvas.beginText()
                text.setFont(op.parts[0].font, op.parts[0].size)
                for part in op.parts:
                    text.setTextOrigin(part.x, part.y)
                    text.textOut(part.text)
                canvas.drawText(text)
            elif isinstance(op, _Note):
                margin = PAGE_WIDTH - MARGIN_X + 4
                canvas.textAnnotation(op.text, Rect=(margin, op.y, margin + 16, op.y + 16), relative=0)
            else:
                canvas.line(op.x1, op.y1, op.x2, op.y2)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def build_pdf(path: str | Path, pages: Sequence[str], header: str = "", footer: str = "", author: str = "") -> Path:
    """Write a PDF with one page per entry of ``pages`` (blank lines separate paragraphs; a page
    that overflows continues on the next), each with ``header``, ``footer`` and ``Page n of m``."""
    blocks: list[Block] = []
    for i, page in enumerate(pages):
        if i:
            blocks.append(("break",))
        blocks += [("p", " ".join(par.split())) for par in page.split("\n\n") if par.strip()]
    return _write(path, pdf_bytes(blocks, header, footer, author=author))

"""Builders for .docx, .pptx and .xlsx files whose bytes are identical on every run.

python-docx, python-pptx and openpyxl stamp the current time into zip entries (and openpyxl into
``docProps/core.xml``), and openpyxl writes formulas without a cached value. ``normalize_zip``
rewrites each package with fixed entry times, a fixed member order and fixed core-property
dates; ``xlsx_bytes`` fills in the cached ``<v>`` of every formula from values we computed, as
Excel would have saved them. That keeps DVC hashes of the sample corpus stable.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
DEFAULT_DATE = datetime(2024, 1, 15, 9, 0, 0)
_CORE = "docProps/core.xml"
_CONTENT_TYPES = "[Content_Types].xml"


@dataclass(frozen=True)
class DocMeta:
    """Core properties stamped into a document (author is where scrub looks for a person name)."""

    author: str = ""
    title: str = ""
    subject: str = ""
    keywords: str = ""
    last_modified_by: str = ""
    revision: int = 1
    created: datetime = DEFAULT_DATE
    modified: datetime = DEFAULT_DATE


def _w3cdtf(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def normalize_zip(data: bytes, meta: DocMeta) -> bytes:
    """The same package with fixed entry times, ``[Content_Types].xml`` first then sorted members,
    and ``dcterms:created``/``modified`` set from ``meta``."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        members = {name: src.read(name) for name in src.namelist()}
    if _CORE in members:
        core = members[_CORE].decode("utf-8")
        for tag, value in (("created", meta.created), ("modified", meta.modified)):
            core = re.sub(rf"(<dcterms:{tag}\b[^>]*>)[^<]*(</dcterms:{tag}>)", rf"\g<1>{_w3cdtf(value)}\g<2>", core)
        members[_CORE] = core.encode("utf-8")
    order = sorted(members, key=lambda name: (name != _CONTENT_TYPES, name))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            dst.writestr(info, members[name], compresslevel=6)
    return out.getvalue()


def _apply_core(props: object, meta: DocMeta) -> None:
    """Set python-docx / python-pptx core properties (same attribute names in both)."""
    props.author = meta.author  # type: ignore[attr-defined]
    props.title = meta.title  # type: ignore[attr-defined]
    props.subject = meta.subject  # type: ignore[attr-defined]
    props.keywords = meta.keywords  # type: ignore[attr-defined]
    props.last_modified_by = meta.last_modified_by or meta.author  # type: ignore[attr-defined]
    props.revision = meta.revision  # type: ignore[attr-defined]
    props.created = meta.created  # type: ignore[attr-defined]
    props.modified = meta.modified  # type: ignore[attr-defined]
    props.last_printed = meta.modified  # type: ignore[attr-defined]


# --- docx ---------------------------------------------------------------------------------------

# A docx body is a list of blocks:
#   ("h", level, text)   heading (level 1-4)     ("p", text)        paragraph
#   ("ul", [items])      bulleted list           ("ol", [items])    numbered list
#   ("table", rows)      table, first row = header                ("break",)         page break
#   ("eq", text, math)   paragraph: text, then an equation (math_run/math_sub/math_frac XML)
#   ("chart", caption, title, categories, [(series name, values)])   caption paragraph with a line chart
#   ("sym", [text or (font, hex code)])   paragraph whose (font, code) pieces are w:sym symbols, as
#                                         older Word wrote characters from the Symbol font
#   ("html", part name, html)   content imported from an HTML file (w:altChunk), as report
#                               generators write it; Word converts it when it opens the file
Block = tuple


def docx_bytes(blocks: Sequence[Block], meta: DocMeta, header_text: str = "", footer_text: str = "") -> bytes:
    """A Word document from ``blocks`` with a running header/footer (every page) and core properties."""
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    section = document.sections[0]
    if header_text:
        section.header.paragraphs[0].text = header_text
    if footer_text:
        section.footer.paragraphs[0].text = footer_text
    for block in blocks:
        kind = block[0]
        if kind == "h":
            document.add_heading(block[2], level=block[1])
        elif kind == "p":
            document.add_paragraph(block[1])
        elif kind in ("ul", "ol"):
            style = "List Bullet" if kind == "ul" else "List Number"
            for item in block[1]:
                document.add_paragraph(item, style=style)
        elif kind == "table":
            rows = block[1]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    table.cell(r, c).text = str(value)
        elif kind == "eq":  # ("eq", lead text, Office Math XML from math_run/math_sub/math_frac)
            from docx.oxml import parse_xml

            paragraph = document.add_paragraph(block[1])
            paragraph._p.append(parse_xml(f'<m:oMath xmlns:m="{_MATH_NS}">{block[2]}</m:oMath>'))
        elif kind == "chart":
            _add_line_chart(document, *block[1:])
        elif kind == "sym":
            _add_symbol_paragraph(document, block[1])
        elif kind == "html":
            _add_imported_html(document, block[1], block[2])
        elif kind == "break":
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        else:
            raise ValueError(f"unknown docx block kind {kind!r}")
    _apply_core(document.core_properties, meta)
    buffer = io.BytesIO()
    document.save(buffer)
    return normalize_zip(buffer.getvalue(), meta)


_MATH_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
_WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _add_symbol_paragraph(document: object, pieces: Sequence[str | tuple[str, str]]) -> None:
    from docx.oxml import parse_xml

    paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    for piece in pieces:
        if isinstance(piece, str):
            paragraph.add_run(piece)
        else:
            font, code = piece
            paragraph._p.append(parse_xml(f'<w:r xmlns:w="{_WORD_NS}"><w:sym w:font="{font}" w:char="{code}"/></w:r>'))


def _add_imported_html(document: object, part_name: str, html: str) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    main = document.part  # type: ignore[attr-defined]
    part = Part(PackURI(part_name), "text/html", html.encode("utf-8"), main.package)
    rel_id = main.relate_to(part, RELATIONSHIP_TYPE.A_F_CHUNK)
    body = document.element.body  # type: ignore[attr-defined]
    chunk = parse_xml(f'<w:altChunk xmlns:w="{_WORD_NS}" xmlns:r="{_RELATIONSHIPS_NS}" r:id="{rel_id}"/>')
    body.insert(len(body) - 1, chunk)  # before the section properties


_CHART_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
_CHART_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"


def _add_line_chart(
    document: object, caption: str, title: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence[float]]]
) -> None:
    """A caption paragraph holding an inline line chart, as Word saves one: a chart part (written by
    python-pptx's chart XML writer, which Word shares) with the data in its cache."""
    from pptx.chart.data import CategoryChartData
    from pptx.chart.xmlwriter import ChartXmlWriter
    from pptx.enum.chart import XL_CHART_TYPE

    data = CategoryChartData()
    data.categories = list(categories)
    for name, values in series:
        data.add_series(name, tuple(values))
    chart_xml = ChartXmlWriter(XL_CHART_TYPE.LINE_MARKERS, data).xml.replace(
        "<c:chart>",
        f"<c:chart><c:title><c:tx><c:rich><a:bodyPr/><a:p><a:r><a:t>{escape(title)}</a:t></a:r></a:p>"
        '</c:rich></c:tx><c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/>',
        1,
    )
    add_inline_chart(document, caption, chart_xml.encode("utf-8"))


def add_inline_chart(document: object, caption: str, chart_xml: bytes) -> None:
    """A caption paragraph holding an inline chart whose part is ``chart_xml``, as Word saves one."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    package = document.part.package  # type: ignore[attr-defined]
    number = sum(1 for part in package.iter_parts() if part.content_type == _CHART_TYPE) + 1
    part = Part(PackURI(f"/word/charts/chart{number}.xml"), _CHART_TYPE, chart_xml, package)
    rel_id = document.part.relate_to(part, _CHART_RELATIONSHIP)  # type: ignore[attr-defined]
    paragraph = document.add_paragraph(caption)  # type: ignore[attr-defined]
    paragraph._p.append(
        parse_xml(
            '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
            'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:drawing><wp:inline>'
            f'<wp:extent cx="5486400" cy="2743200"/><wp:docPr id="{1000 + number}" name="Chart {number}"/><a:graphic>'
            '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
            f'<c:chart r:id="{rel_id}"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>'
        )
    )


def math_run(text: str) -> str:
    """Office Math XML (the inside of an ``m:oMath``) for plain math text."""
    return f"<m:r><m:t>{text}</m:t></m:r>"


def math_sub(base: str, subscript: str) -> str:
    return f"<m:sSub><m:e>{math_run(base)}</m:e><m:sub>{math_run(subscript)}</m:sub></m:sSub>"


def math_frac(numerator: str, denominator: str) -> str:
    return f"<m:f><m:num>{numerator}</m:num><m:den>{denominator}</m:den></m:f>"


def build_docx(
    path: str | Path,
    paragraphs: Sequence[str],
    headings: Sequence[str | tuple[int, str]] = (),
    table: Sequence[Sequence[str]] | None = None,
    header_text: str = "",
    footer_text: str = "",
    author: str = "",
    title: str = "",
) -> Path:
    """Write a small .docx: ``headings`` (text = level 1, or (level, text)), then ``paragraphs``,
    then ``table`` (first row is the header). Byte-identical for identical arguments."""
    blocks: list[Block] = [("h", 1, h) if isinstance(h, str) else ("h", h[0], h[1]) for h in headings]
    blocks += [("p", text) for text in paragraphs]
    if table:
        blocks.append(("table", [list(map(str, row)) for row in table]))
    return _write(path, docx_bytes(blocks, DocMeta(author=author, title=title), header_text, footer_text))


# --- pptx ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlideSpec:
    """One slide: a title, bullets ((level, text) or text), an optional table, text boxes grouped
    into one group shape, speaker notes, and an embedded .xlsx workbook (shown as an icon)."""

    title: str
    bullets: Sequence[str | tuple[int, str]] = ()
    table: Sequence[Sequence[str]] | None = None
    group: Sequence[str] = ()
    notes: str = ""
    embedded_xlsx: bytes = b""


def pptx_bytes(slides: Sequence[SlideSpec], meta: DocMeta) -> bytes:
    """A deck with one 'Title and Content' slide per spec ('Title Only' plus the table when it has one)."""
    from pptx import Presentation
    from pptx.util import Emu, Inches, Pt

    deck = Presentation()
    for spec in slides:
        if spec.table and spec.bullets:
            raise ValueError(f"slide {spec.title!r}: a slide has bullets or a table, not both")
        layout = deck.slide_layouts[5 if spec.table else 1]
        slide = deck.slides.add_slide(layout)
        slide.shapes.title.text = spec.title
        if spec.bullets:
            frame = slide.placeholders[1].text_frame
            for i, bullet in enumerate(spec.bullets):
                level, text = (0, bullet) if isinstance(bullet, str) else bullet
                paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
                paragraph.text = text
                paragraph.level = level
        if spec.table:
            rows, cols = len(spec.table), len(spec.table[0])
            top = Inches(1.6)
            shape = slide.shapes.add_table(rows, cols, Inches(0.5), top, Inches(9), Emu(Inches(0.35) * rows))
            for r, row in enumerate(spec.table):
                for c, value in enumerate(row):
                    cell = shape.table.cell(r, c)
                    cell.text = str(value)
                    cell.text_frame.paragraphs[0].runs[0].font.size = Pt(12)
        if spec.group:
            group = slide.shapes.add_group_shape()
            width = Inches(9) // len(spec.group)
            for i, text in enumerate(spec.group):
                box = group.shapes.add_textbox(Inches(0.5) + width * i, Inches(6.6), width, Inches(0.7))
                box.text_frame.text = text
                box.text_frame.word_wrap = True
        if spec.embedded_xlsx:
            from pptx.enum.shapes import PROG_ID

            slide.shapes.add_ole_object(io.BytesIO(spec.embedded_xlsx), PROG_ID.XLSX, Inches(8), Inches(5.6))
        if spec.notes:
            slide.notes_slide.notes_text_frame.text = spec.notes
    _apply_core(deck.core_properties, meta)
    buffer = io.BytesIO()
    deck.save(buffer)
    return normalize_zip(buffer.getvalue(), meta)


def build_pptx(path: str | Path, slides: Sequence[SlideSpec], author: str = "", title: str = "") -> Path:
    """Write a small .pptx from ``SlideSpec`` s. Byte-identical for identical arguments."""
    return _write(path, pptx_bytes(slides, DocMeta(author=author, title=title)))


# --- xlsx ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A formula cell with the value Excel would have cached for it (openpyxl computes nothing)."""

    formula: str  # without or with the leading "="
    value: float | int


@dataclass(frozen=True)
class SheetSpec:
    """One worksheet: rows from A1 (first row is the header), merged ranges like "A1:D1",
    optional column widths in characters."""

    title: str
    rows: Sequence[Sequence[object]]
    merged: Sequence[str] = ()
    widths: Sequence[float] = ()
    freeze_header: bool = True
    header_row: int = 1  # 1-based row that holds the column names (bold, frozen below)


_FORMULA_CELL = re.compile(r'(<c r="([A-Z]+\d+)"[^>]*>)<f>(.*?)</f><v\s*/?>(?:</v>)?')


def _fill_cached(sheet_xml: str, cached: dict[str, float | int]) -> str:
    def replace(match: re.Match[str]) -> str:
        value = cached[match.group(2)]
        text = repr(float(value)) if isinstance(value, float) else str(value)
        return f"{match.group(1)}<f>{match.group(3)}</f><v>{escape(text)}</v>"

    return _FORMULA_CELL.sub(replace, sheet_xml)


def xlsx_bytes(sheets: Sequence[SheetSpec], meta: DocMeta) -> bytes:
    """A workbook with every formula's cached value present (``<f>`` followed by a filled ``<v>``)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    cached: list[dict[str, float | int]] = []
    bold = Font(bold=True)
    for spec in sheets:
        sheet = workbook.create_sheet(spec.title)
        values: dict[str, float | int] = {}
        for r, row in enumerate(spec.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = sheet.cell(row=r, column=c)
                if isinstance(value, Formula):
                    cell.value = value.formula if value.formula.startswith("=") else "=" + value.formula
                    values[cell.coordinate] = value.value
                else:
                    cell.value = value
                if r == spec.header_row:
                    cell.font = bold
        for merged in spec.merged:
            sheet.merge_cells(merged)
            sheet[merged.split(":")[0]].alignment = Alignment(horizontal="center")
        for c, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(c)].width = width
        if spec.freeze_header:
            sheet.freeze_panes = f"A{spec.header_row + 1}"
        cached.append(values)
    workbook.properties.creator = meta.author
    workbook.properties.title = meta.title
    workbook.properties.subject = meta.subject
    workbook.properties.keywords = meta.keywords
    workbook.properties.lastModifiedBy = meta.last_modified_by or meta.author
    workbook.properties.created = meta.created
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src:
        members = {name: src.read(name) for name in src.namelist()}
    for index, values in enumerate(cached, start=1):
        name = f"xl/worksheets/sheet{index}.xml"
        members[name] = _fill_cached(members[name].decode("utf-8"), values).encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name, data in members.items():
            dst.writestr(name, data)
    return normalize_zip(out.getvalue(), meta)


def build_xlsx(path: str | Path, sheets: Sequence[SheetSpec], author: str = "", title: str = "") -> Path:
    """Write a small .xlsx from ``SheetSpec`` s (cells may be ``Formula`` s with their cached value)."""
    return _write(path, xlsx_bytes(sheets, DocMeta(author=author, title=title)))


def _write(path: str | Path, data: bytes) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


__all__ = [
    "Block",
    "DocMeta",
    "Formula",
    "SheetSpec",
    "SlideSpec",
    "add_inline_chart",
    "build_docx",
    "build_pptx",
    "build_xlsx",
    "docx_bytes",
    "math_frac",
    "math_run",
    "math_sub",
    "normalize_zip",
    "pptx_bytes",
    "xlsx_bytes",
]

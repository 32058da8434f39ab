"""PowerPoint (.pptx): one record per slide (title, text in reading order, tables, charts as
their data, SmartArt as an outline, equations in a linear form) plus notes and review comments.

Shapes are ordered top-to-bottom, then left-to-right, which is how a reader scans a slide;
group shapes are opened recursively. Speaker notes are a separate record (part "notes"); slide
footers (often a name or document number) one record for the deck (part "footer"); slide numbers
and dates are dropped.
Placeholders that inherit their position from the slide layout are placed by a per-layout
table built once (python-pptx would resolve the inheritance again for every shape).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pptx  # noqa: F401  (registers python-pptx's part types, used by Package.open below)
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.package import PartFactory
from pptx.oxml import parse_xml
from pptx.package import Package
from pptx.parts.presentation import PresentationPart
from pptx.shapes.base import BaseShape
from pptx.shapes.placeholder import NotesSlidePlaceholder

from adaptline.extract.params import ExtractParams
from adaptline.extract.readers.base import (
    WHOLE_DOCUMENT_ERRORS,
    Chunk,
    ExtractError,
    Extraction,
    markdown_table,
    split_text,
)
from adaptline.extract.readers.charts import CHART_REFERENCES, CHART_RELATIONSHIP_ID, chart_lines, parse_chart
from adaptline.extract.readers.diagrams import DIAGRAM_DATA_RELATIONSHIP_ID, DIAGRAM_REFERENCE, diagram_lines
from adaptline.extract.readers.embedded import embedded_text
from adaptline.extract.readers.omml import MATH, MATH_PARAGRAPH, equation_text
from adaptline.extract.readers.strict import STRICT_NOTE, as_transitional
from adaptline.extract.readers.symbols import FONT_CODES, font_text, is_symbol_font, symbol_font_text
from adaptline.records import Location

_TITLE_TYPES = {"title", "ctrTitle"}
_BULLET_TYPES = {"body", "obj", None}  # None: a placeholder without a type attribute is a body ("obj")
# The master placeholder a layout placeholder of a type inherits from (python-pptx's
# LayoutPlaceholder._base_placeholder): titles from the title, running lines from their own,
# everything else (body, object, subtitle, table, chart, picture) from the body.
_MASTER_TYPES = {"title": "title", "ctrTitle": "title", "dt": "dt", "ftr": "ftr", "sldNum": "sldNum", "hdr": "hdr"}
_RUNNING_TYPES = {"ftr", "dt", "sldNum", "hdr"}  # footer, date, slide number: kept out of slide text
_PML = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_PLACEHOLDER_PATH = f"{_PML}nvPr/{_PML}ph"
_DRAWING = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_CLASSIC_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
_MODERN_COMMENTS = "http://schemas.microsoft.com/office/2018/10/relationships/comments"
_MODERN = "{http://schemas.microsoft.com/office/powerpoint/2018/8/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_GRAPHIC_FRAME, _OLE_OBJECT = f"{_PML}graphicFrame", f"{_PML}oleObj"
_DIAGRAM_PATH = f"{_DRAWING}graphic/{_DRAWING}graphicData/{DIAGRAM_REFERENCE}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_ALTERNATE_CONTENT, _CHOICE, _MC_FALLBACK = f"{_MC}AlternateContent", f"{_MC}Choice", f"{_MC}Fallback"
_A14_MATH = "{http://schemas.microsoft.com/office/drawing/2010/main}m"
_TEXT_CHILDREN = {f"{_DRAWING}r", f"{_DRAWING}br", f"{_DRAWING}fld"}
_LATIN_FONT = f"{_DRAWING}latin"
_RUN_LATIN_FONT = f"{_DRAWING}rPr/{_DRAWING}latin"
_SYMBOL_FONTS = (f"{_DRAWING}rPr/{_DRAWING}sym", f"{_DRAWING}rPr/{_DRAWING}latin")  # where to look, in order
# Main part content types of a presentation, slide show and template, each also macro-enabled
# (.pptx/.pptm/.ppsx/.ppsm/.potx/.potm). python-pptx's Presentation() takes the first two only;
# the slides are the same in all six, so they are read as one.
_POWERPOINT_MAIN_TYPES = (
    CT.PML_PRESENTATION_MAIN,
    CT.PML_PRES_MACRO_MAIN,
    CT.PML_SLIDESHOW_MAIN,
    "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml",
    CT.PML_TEMPLATE_MAIN,
    "application/vnd.ms-powerpoint.template.macroEnabled.main+xml",
)
for _content_type in _POWERPOINT_MAIN_TYPES:
    PartFactory.part_type_for.setdefault(_content_type, PresentationPart)

Position = tuple[int, int]


class PptxReader:
    """Registered in ``READERS`` (readers/__init__.py), which holds its kind and version."""

    def read(self, data: bytes, params: ExtractParams) -> Extraction:
        data, strict = as_transitional(data)
        part = Package.open(io.BytesIO(data)).main_document_part
        if part.content_type not in _POWERPOINT_MAIN_TYPES:
            raise ExtractError(f"not a PowerPoint presentation (main part of type {part.content_type})")
        presentation = part.presentation
        layouts: dict[int, dict[int, Position]] = {}
        chunks: list[Chunk] = []
        footers: dict[str, None] = {}  # distinct slide footer texts, in first-seen order
        unread: list[str] = []  # report notes: graphics that could not be read
        hidden: list[str] = []  # numbers of the slides hidden in a slide show
        for number, slide in enumerate(presentation.slides, start=1):
            if slide._element.get("show") in ("0", "false"):
                hidden.append(str(number))
            chunks += _read_slide(slide, number, layouts, footers, unread, params)
        if footers:
            chunks.append(Chunk(Location(part="footer"), "\n".join(footers)))
        title = (presentation.core_properties.title or "").strip()
        notes = [STRICT_NOTE, *unread] if strict else unread
        if hidden:  # often a backup or an outdated slide: the user may want to know what was read
            notes.append(f"hidden slide(s) {', '.join(hidden)} read like the others")
        return Extraction(chunks=chunks, meta={"title": title} if title else {}, notes=notes)


def _read_slide(
    slide: Any,
    number: int,
    layouts: dict[int, dict[int, Position]],
    footers: dict[str, None],
    unread: list[str],
    params: ExtractParams,
) -> list[Chunk]:
    """A slide's records. A damaged slide costs that slide, not the deck; and when the damage is
    in some of its shapes (a slide cut short and recovered ends in a shape without the parts
    python-pptx requires), it costs only those shapes."""
    slide_unread: list[str] = []
    try:
        chunks = _slide_chunks(slide, number, layouts, footers, slide_unread, params)
    except WHOLE_DOCUMENT_ERRORS:
        raise
    except Exception as error:
        dropped = _drop_unreadable_shapes(slide.shapes)
        slide_unread = []
        try:
            if not dropped:
                raise
            chunks = _slide_chunks(slide, number, layouts, footers, slide_unread, params)
        except WHOLE_DOCUMENT_ERRORS:
            raise
        except Exception:
            unread.append(f"slide {number} could not be read ({type(error).__name__})")
            return []
        slide_unread.insert(0, f"slide {number}: {dropped} damaged shape(s) left out")
    unread += slide_unread
    return chunks


def _drop_unreadable_shapes(shapes: Any) -> int:
    """Remove from the slide as loaded (never from the file) the shapes python-pptx cannot type,
    place or read the text of; how many. Groups are searched too."""
    dropped = 0
    for shape in _member_shapes(shapes):
        try:
            if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
                dropped += _drop_unreadable_shapes(shape.shapes)
            _placeholder_type(shape)
            _position(shape, {})
            if shape.has_text_frame:
                _frame_text(shape.text_frame)
        except WHOLE_DOCUMENT_ERRORS:
            raise
        except Exception:
            shape._element.getparent().remove(shape._element)
            dropped += 1
    return dropped


def _slide_chunks(
    slide: Any,
    number: int,
    layouts: dict[int, dict[int, Position]],
    footers: dict[str, None],
    unread: list[str],
    params: ExtractParams,
) -> list[Chunk]:
    """One slide's records: body (title, then shapes in reading order), speaker notes, comments.
    Its footer texts go to ``footers``, notes on what could not be read to ``unread``."""
    inherited: dict[int, Position] = {}  # placeholder positions the slide's layout gives
    try:
        layout = slide.slide_layout
    except KeyError:  # the layout part is missing: shapes placed by it count as unplaced
        unread.append(f"slide {number}: its layout is missing from the file")
    else:
        if id(layout.part) not in layouts:
            layouts[id(layout.part)] = _layout_positions(layout)
        inherited = layouts[id(layout.part)]
    all_shapes = _member_shapes(slide.shapes)  # python-pptx builds new shape proxies on every pass
    shapes = [s for s in all_shapes if _placeholder_type(s) not in _RUNNING_TYPES]
    for shape in all_shapes:
        if _placeholder_type(shape) in ("ftr", "hdr") and shape.has_text_frame and shape.text_frame.text.strip():
            footers.setdefault(" ".join(shape.text_frame.text.split()))
    titles = [s for s in shapes if _placeholder_type(s) in _TITLE_TYPES and s.has_text_frame]
    title = " ".join(_frame_text(titles[0].text_frame).split()) if titles else ""
    lines = [f"# {title}"] if title else []
    for shape in _ordered([s for s in shapes if s not in titles[:1]], inherited):
        lines += _shape_text(shape, inherited, unread, number, params)
    meta = {"slide_title": title} if title else {}
    chunks = [
        Chunk(Location(part="body", slide=number), piece, meta)
        for piece in split_text("\n".join(lines), params.max_chunk_chars)
    ]
    notes = _notes_text(slide.notes_slide) if slide.has_notes_slide else ""
    chunks += [
        Chunk(Location(part="notes", slide=number), piece) for piece in split_text(notes, params.max_chunk_chars)
    ]
    comments = "\n".join(_comment_lines(slide.part, number, unread))
    chunks += [
        Chunk(Location(part="comments", slide=number), piece) for piece in split_text(comments, params.max_chunk_chars)
    ]
    return chunks


def _embedded_part(part: Any, rel_id: str | None) -> tuple[bytes | None, str]:
    """The bytes and part name an embedded object's relationship points to (None: none inside)."""
    rel = part.rels.get(rel_id) if rel_id else None
    if rel is None or rel.is_external:  # a linked file lives outside the document
        return None, ""
    return rel.target_part.blob, str(rel.target_part.partname)


def _member_shapes(shapes: Any) -> list[BaseShape]:
    """The shapes of a slide or group, in z-order, with those python-pptx does not list: a shape
    inside ``mc:AlternateContent``. PowerPoint saves every shape that holds an equation that way
    (the fallback is a picture of it), so python-pptx lost such a shape whole, text and all
    (python-pptx issues #621, #947). Of the alternatives, the first that holds shapes is read."""
    tree = shapes._spTree
    members = []
    for element in tree.iterchildren():
        if element.tag in tree._shape_tags:
            members.append(shapes._shape_factory(element))
        elif element.tag == _ALTERNATE_CONTENT:
            for branch in element.iterchildren(_CHOICE, _MC_FALLBACK):
                inner = [child for child in branch.iterchildren() if child.tag in tree._shape_tags]
                if inner:
                    members += [shapes._shape_factory(child) for child in inner]
                    break
    return members


def _frame_text(frame: Any) -> str:
    return "\n".join(_paragraph_text(paragraph) for paragraph in frame.paragraphs)


def _paragraph_text(paragraph: Any) -> str:
    """python-pptx's ``paragraph.text``, plus equations (``a14:m``), which it skips, and with
    characters of the Symbol font as Unicode (see ``symbols``)."""
    element = paragraph._p
    if next(element.iter(_A14_MATH), None) is None and not any(
        is_symbol_font(font.get("typeface")) for font in element.iter(_LATIN_FONT)
    ):
        text = paragraph.text
        if FONT_CODES.search(text) is None:
            return text
    return "".join(_inline_text(element))


def _inline_text(element: Any) -> Iterator[str]:
    for child in element.iterchildren():
        if child.tag in _TEXT_CHILDREN:
            text = child.text  # a run, a field, or "\v" for a line break, as python-pptx reads them
            latin = child.find(_RUN_LATIN_FONT)
            if latin is not None and is_symbol_font(latin.get("typeface")):
                yield symbol_font_text(text)  # typed in the Symbol font: "m" shows "µ"
            elif FONT_CODES.search(text) is None:
                yield text
            else:
                yield font_text(_symbol_font(child), text)
        elif child.tag == _A14_MATH:
            yield " ".join(equation_text(math) for math in child.iterchildren(MATH, MATH_PARAGRAPH))
        elif child.tag == _ALTERNATE_CONTENT:
            branch = next(child.iterchildren(_CHOICE, _MC_FALLBACK), None)
            if branch is not None:
                yield from _inline_text(branch)


def _symbol_font(run: Any) -> str:
    """The font of a run's symbols: PowerPoint names it in ``a:sym``, else the run is all in it."""
    for path in _SYMBOL_FONTS:
        font = run.find(path)
        if font is not None:
            return font.get("typeface", "")
    return ""


def _comment_lines(slide_part: Any, number: int, unread: list[str]) -> list[str]:
    """A slide's review comments and their replies, one line each, in the order the file keeps
    them: classic comments and modern (PowerPoint 365) threads. python-pptx reads neither. The
    authors are attributes, not text, and stay out."""
    lines = []
    for rel in slide_part.rels.values():
        if rel.is_external or rel.reltype not in (_CLASSIC_COMMENTS, _MODERN_COMMENTS):
            continue
        try:
            root = parse_xml(rel.target_part.blob)  # python-pptx's parser: no entities, no network
        except WHOLE_DOCUMENT_ERRORS:
            raise
        except Exception as error:  # a damaged comments part costs the comments, not the deck
            unread.append(f"slide {number}: comments could not be read ({type(error).__name__})")
            continue
        texts = [element.text or "" for element in root.iter(f"{_PML}text")]  # classic: p:cm/p:text
        for comment in root.iter(f"{_MODERN}cm"):  # modern: the comment, then its replies
            bodies = [
                comment.find(f"{_MODERN}txBody"),
                *comment.iterfind(f"{_MODERN}replyLst/{_MODERN}reply/{_MODERN}txBody"),
            ]
            texts += [_text_body(body) for body in bodies if body is not None]
        lines += [" ".join(text.split()) for text in texts if text.strip()]
    return lines


def _text_body(body: Any) -> str:
    """A DrawingML text body's paragraphs, joined by spaces."""
    return " ".join("".join(t.text or "" for t in p.iter(f"{_DRAWING}t")) for p in body.iterchildren(f"{_DRAWING}p"))


def _placeholder_type(shape: BaseShape) -> str | bool | None:
    """The placeholder type attribute ("title", "body", None when absent); False if not a placeholder."""
    ph = _placeholder(shape._element)
    return False if ph is None else ph.get("type")


def _placeholder(element: Any) -> Any:
    """The shape's ``<p:ph>``, as python-pptx's ``element.ph`` finds it, by a path lookup instead
    of an XPath query per call (a quarter of the reader's time on a typical deck)."""
    first = next((child for child in element if isinstance(child.tag, str)), None)  # the nv*Pr block
    return None if first is None else first.find(_PLACEHOLDER_PATH)


def _layout_positions(layout: Any) -> dict[int, Position]:
    """(top, left) of the layout's placeholders by idx: where slide placeholders without one sit.
    A layout placeholder without a position of its own takes the master's placeholder of its type,
    as PowerPoint draws it (the default template's layouts are all like that): otherwise the body
    text of every slide sorted after the shapes below it."""
    master: dict[str, Position] = {}
    for element in layout.slide_master._element.cSld.spTree.iter_shape_elms():
        ph = _placeholder(element)
        if ph is not None and element.y is not None and element.x is not None:
            master.setdefault(_MASTER_TYPES.get(ph.get("type"), "body"), (int(element.y), int(element.x)))
    positions = {}
    for element in layout._element.cSld.spTree.iter_shape_elms():  # layout.placeholders, without proxies
        ph = _placeholder(element)
        if ph is None:
            continue
        if element.y is not None and element.x is not None:
            positions[int(ph.get("idx", "0"))] = (int(element.y), int(element.x))
        elif (inherited := master.get(_MASTER_TYPES.get(ph.get("type"), "body"))) is not None:
            positions[int(ph.get("idx", "0"))] = inherited
    return positions


def _notes_text(notes_slide: Any) -> str:
    """Text of the notes placeholder (the first one of type "body"), as python-pptx's
    ``notes_text_frame`` finds it, without building a proxy for every shape on the notes page."""
    for element in notes_slide._element.cSld.spTree.iter_shape_elms():
        ph = _placeholder(element)
        if ph is not None and ph.get("type") == "body" and element.tag == f"{_PML}sp":
            return NotesSlidePlaceholder(element, notes_slide.shapes).text_frame.text.strip()
    return ""


def _position(shape: BaseShape, inherited: dict[int, Position]) -> Position | None:
    element = shape._element
    if element.y is not None and element.x is not None:
        return int(element.y), int(element.x)
    ph = _placeholder(element)
    if ph is not None:
        return inherited.get(int(ph.get("idx", "0")))
    return None


def _ordered(shapes: list[BaseShape], inherited: dict[int, Position]) -> list[BaseShape]:
    """Reading order: top, then left (shapes without a known position keep their z-order at the end)."""
    keyed = [(_position(shape, inherited), index, shape) for index, shape in enumerate(shapes)]
    keyed.sort(key=lambda item: (item[0] is None, item[0] or (0, 0), item[1]))
    return [shape for _, _, shape in keyed]


def _shape_text(
    shape: BaseShape, inherited: dict[int, Position], unread: list[str], slide: int, params: ExtractParams
) -> list[str]:
    if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
        lines: list[str] = []
        for child in _ordered(_member_shapes(shape.shapes), {}):
            lines += _shape_text(child, {}, unread, slide, params)
        return lines
    if getattr(shape, "has_table", False) and shape.has_table:
        rows = [[_frame_text(cell.text_frame) for cell in row.cells] for row in shape.table.rows]
        table = markdown_table(rows)
        return [table] if table else []
    if shape._element.tag == _GRAPHIC_FRAME:  # a chart, a SmartArt graphic or an embedded object
        embedded = next(shape._element.iter(_OLE_OBJECT), None)
        if embedded is not None:  # its own file: a workbook or deck is read into the slide, others noted
            data, name = _embedded_part(shape.part, embedded.get(_REL_ID))
            blocks, reason = embedded_text(data, name, params)
            if reason:
                program = embedded.get("progId") or "unknown type"
                unread.append(f"slide {slide}: an embedded object ({program}) was not read: {reason}")
            return blocks
        diagram = shape._element.find(_DIAGRAM_PATH)
        what = "SmartArt graphic" if diagram is not None else "chart"
        try:
            if diagram is not None:
                return diagram_lines(shape.part.related_part(diagram.get(DIAGRAM_DATA_RELATIONSHIP_ID)).blob)
            if (chartex := next(shape._element.iter(CHART_REFERENCES[1]), None)) is not None:  # Office 2016 types
                return chart_lines(parse_chart(shape.part.related_part(chartex.get(CHART_RELATIONSHIP_ID)).blob))
            if shape.has_chart:
                return chart_lines(shape.chart_part._element)
        except WHOLE_DOCUMENT_ERRORS:
            raise
        except Exception as error:  # a damaged chart or diagram part costs that graphic, not the deck
            unread.append(f"slide {slide}: a {what} could not be read ({type(error).__name__})")
        return []
    if not shape.has_text_frame:
        return []
    bullets = _placeholder_type(shape) in _BULLET_TYPES
    lines = []
    for paragraph in shape.text_frame.paragraphs:
        text = " ".join(_paragraph_text(paragraph).split())
        if not text:
            continue
        if bullets or paragraph.level > 0:
            text = "  " * paragraph.level + "- " + text
        lines.append(text)
    return lines

"""Word (.docx): body in reading order as markdown, chunked by heading sections.

The body XML is walked child by child so tables stay where they appear between paragraphs.
Running headers and footers become their own records (part "header"/"footer"): they often carry
names and document numbers that the scrub stage must see, and they are noise inside body text.
Footnotes, endnotes and review comments are records of their own too ("footnotes", "endnotes",
"comments"). Equations (Office Math) are written out in a linear form where they stand. Text
boxes, charts (as their title and data), SmartArt (as an outline) and embedded documents follow
their paragraph, or the table whose cell holds them. Content imported from other files
(``w:altChunk``: HTML, web archives, text, .docx) is read where it stands.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field, replace

import docx  # noqa: F401  (registers python-docx's part types, used by Package.open below)
from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part, PartFactory
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement, parse_xml
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.package import Package
from docx.parts.document import DocumentPart
from docx.styles import BabelFish
from docx.table import Table
from docx.text.paragraph import Paragraph

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
from adaptline.extract.readers.symbols import is_symbol_font, symbol_font_text, symbol_text
from adaptline.records import Location

_HEADING = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
_RUN, _PARAGRAPH, _TEXT_BOX, _TABLE = qn("w:r"), qn("w:p"), qn("w:txbxContent"), qn("w:tbl")
_SYMBOL, _RUBY, _RUBY_BASE = qn("w:sym"), qn("w:ruby"), qn("w:rubyBase")
_ALT_CHUNK = qn("w:altChunk")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # characters XML 1.0 cannot hold
_RUN_FONTS, _ASCII_FONT, _OTHER_LATIN_FONT = f"{qn('w:rPr')}/{qn('w:rFonts')}", qn("w:ascii"), qn("w:hAnsi")
_RUN_TEXT = tuple(qn(f"w:{tag}") for tag in ("t", "tab", "br", "cr", "noBreakHyphen", "ptab"))  # as CT_R.text
_CONTENT_CONTROL, _CONTENT_CONTROL_CONTENT = qn("w:sdt"), qn("w:sdtContent")
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_OLE_OBJECT = "{urn:schemas-microsoft-com:office:office}OLEObject"
_REL_ID = qn("r:id")
_NOTE_PARTS = (("footnotes", RT.FOOTNOTES), ("endnotes", RT.ENDNOTES), ("comments", RT.COMMENTS))
_NOTE_SEPARATORS = {"separator", "continuationSeparator", "continuationNotice"}  # Word's own note lines
_NOT_SHOWN = {qn("w:del"), qn("w:moveFrom"), qn("w:pPr"), qn("w:rPr"), _FALLBACK}  # never hold shown text
# The main part's content type of a document, macro-enabled document, template, macro-enabled
# template (.docx/.docm/.dotx/.dotm). python-docx's Document() takes the first only; the body is
# the same in all four, so they are read as one.
_WORD_MAIN_TYPES = (
    CT.WML_DOCUMENT_MAIN,
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)
for _content_type in _WORD_MAIN_TYPES:
    PartFactory.part_type_for.setdefault(_content_type, DocumentPart)


def _part_class(content_type: str, reltype: str) -> type[Part] | None:
    """An imported .docx (altChunk) is a package, even where its content type is the main
    document's (as the Open XML SDK writes it): python-docx would parse its zip bytes as XML, and
    fail on the whole host document."""
    return Part if reltype == RT.A_F_CHUNK else None


PartFactory.part_class_selector = _part_class


@dataclass
class _Section:
    heading_path: tuple[str, ...]
    blocks: list[str] = field(default_factory=list)


class DocxReader:
    """Registered in ``READERS`` (readers/__init__.py), which holds its kind and version."""

    def read(self, data: bytes, params: ExtractParams) -> Extraction:
        data, strict = as_transitional(data)
        part = Package.open(io.BytesIO(data)).main_document_part
        if part.content_type not in _WORD_MAIN_TYPES:
            raise ExtractError(f"not a Word document (main part of type {part.content_type})")
        document = part.document
        unread: list[str] = []  # report notes: charts and embedded objects that could not be read
        _merge_imported_content(part, params, unread)
        chunks = [Chunk(Location(part="header"), text) for text in _running_texts(document, "header", unread)]
        embedded: dict[BaseOxmlElement, str] = {}  # embedded objects met in body paragraphs -> why not read
        for section in _sections(document, params, unread, embedded):
            for piece in split_text("\n\n".join(section.blocks), params.max_chunk_chars):
                chunks.append(Chunk(Location(part="body", heading_path=section.heading_path or None), piece))
        for which, relationship in _NOTE_PARTS:
            try:
                text = _notes_text(part, relationship)
            except WHOLE_DOCUMENT_ERRORS:
                raise
            except Exception as error:  # a damaged footnotes or comments part costs that part
                text = ""
                unread.append(f"{which} could not be read ({type(error).__name__})")
            for piece in split_text(text, params.max_chunk_chars):
                chunks.append(Chunk(Location(part=which), piece))
        chunks += [Chunk(Location(part="footer"), text) for text in _running_texts(document, "footer", unread)]
        unread += _unread_objects(document, embedded)
        title = (document.core_properties.title or "").strip()
        notes = [STRICT_NOTE, *unread] if strict else unread
        return Extraction(chunks=chunks, meta={"title": title} if title else {}, notes=notes)


def _sections(
    document: Document, params: ExtractParams, unread: list[str], embedded: dict[BaseOxmlElement, str]
) -> list[_Section]:
    """Body blocks (markdown) grouped under the heading that precedes them."""
    numbering = _NumberingFormats(document)
    styles = _StyleNames(document)
    sections = [_Section(heading_path=())]
    stack: list[tuple[int, str]] = []  # (level, title) of the open headings
    counters: dict[tuple[str, int], int] = {}  # item numbers of the list being read; empty outside lists
    boxes: list[str] = []  # text boxes and charts of the last paragraph: their own flow, placed after it
    part = document.part
    for block in _body_blocks(document):
        if boxes:
            sections[-1].blocks.extend(boxes)
            boxes = []
            counters.clear()  # a list after a text box starts a new block
        element = block._tbl if isinstance(block, Table) else block._p
        # Text boxes, charts, SmartArt and embedded documents do not fit in a line of text or a
        # markdown cell: they follow their paragraph, or the table whose cell holds them (a layout
        # table).
        boxes = _text_boxes(element) + _charts(element, part, unread) + _diagrams(element, part, unread)
        boxes += _embedded_documents(element, part, params, embedded)
        if isinstance(block, Table):
            counters.clear()
            table = markdown_table(_table_rows(block))
            if table:
                sections[-1].blocks.append(table)
            continue
        text = paragraph_text(block._p).strip()
        if not text:
            continue
        style = styles.of(block)
        level = _heading_level(style)
        if level is not None:
            counters.clear()
            stack = [(lvl, title) for lvl, title in stack if lvl < level] + [(level, text)]
            sections.append(_Section(tuple(title for _, title in stack), ["#" * level + " " + text]))
            continue
        info = numbering.list_info(block, style)
        if info is None:
            counters.clear()
            sections[-1].blocks.append(text)
            continue
        continues_list = bool(counters)
        line = _list_line(text, info, counters)
        if continues_list:
            sections[-1].blocks[-1] += "\n" + line  # one list stays one block
        else:
            sections[-1].blocks.append(line)
    sections[-1].blocks.extend(boxes)
    return [section for section in sections if section.blocks]


def paragraph_text(paragraph: BaseOxmlElement) -> str:
    """A ``w:p``'s text as Word shows it with tracked changes accepted.

    python-docx's ``Paragraph.text`` reads only the runs and hyperlinks directly under the
    paragraph, so it loses tracked insertions (``w:ins``), moved-in text, inline content controls
    (the filled-in fields of a form template), simple fields and smart tags. Here every run under
    the paragraph counts, in document order, except deleted and moved-away text and the fallback
    copy of alternate content. Equations are written out by ``omml.equation_text``.
    """
    pieces: list[str] = []

    def visit(element: BaseOxmlElement) -> None:
        for child in element.iterchildren():
            if child.tag == _RUN:
                pieces.append(_run_text(child))
            elif child.tag in (MATH, MATH_PARAGRAPH):
                pieces.append(equation_text(child))
            elif isinstance(child.tag, str) and child.tag not in _NOT_SHOWN:
                visit(child)

    visit(paragraph)
    return "".join(pieces)


def _run_text(run: BaseOxmlElement) -> str:
    """A run's text as python-docx's ``CT_R.text`` reads it (text, tabs, breaks; not drawings or
    field codes), plus what that leaves out: symbols (``w:sym``) and the base text of ruby. Text
    typed in the Symbol font (set on the run) is read as the characters it shows."""
    fonts = run.find(_RUN_FONTS)
    if fonts is not None and is_symbol_font(fonts.get(_ASCII_FONT) or fonts.get(_OTHER_LATIN_FONT)):
        return symbol_font_text(run.text)
    if next(run.iterchildren(_SYMBOL, _RUBY), None) is None:
        return run.text
    pieces = []
    for child in run.iterchildren(*_RUN_TEXT, _SYMBOL, _RUBY):
        if child.tag == _SYMBOL:
            pieces.append(symbol_text(child.get(qn("w:font"), ""), child.get(qn("w:char"), "")))
        elif child.tag == _RUBY:
            pieces += (_run_text(base_run) for base in child.iterchildren(_RUBY_BASE) for base_run in base.iter(_RUN))
        else:
            pieces.append(str(child))
    return "".join(pieces)


def _notes_text(document_part: DocumentPart, relationship: str) -> str:
    """Footnotes, endnotes or comments, one line each: parts of the document python-docx does not
    read as text (the comments' authors are attributes, not text, and stay out)."""
    lines = []
    for rel in document_part.rels.values():
        if rel.reltype != relationship or rel.is_external:
            continue
        root = parse_xml(rel.target_part.blob)  # python-docx's parser: no entities, no network
        for note in root.iterchildren():
            if note.get(qn("w:type")) in _NOTE_SEPARATORS:
                continue
            text = " ".join(line for line in (paragraph_text(p).strip() for p in note.iter(_PARAGRAPH)) if line)
            if text:
                lines.append(text)
    return "\n".join(lines)


def _text_boxes(paragraph: BaseOxmlElement) -> list[str]:
    """The text of each text box anchored in a paragraph (drawing or VML), once each."""
    boxes = []
    for box in paragraph.iter(_TEXT_BOX):
        if any(ancestor.tag == _FALLBACK for ancestor in box.iterancestors()):
            continue  # the VML copy of a DrawingML text box, for older readers
        lines = [paragraph_text(child).strip() for child in box.iterchildren(_PARAGRAPH)]
        text = "\n".join(line for line in lines if line)
        if text:
            boxes.append(text)
    return boxes


def _charts(paragraph: BaseOxmlElement, part: DocumentPart, unread: list[str]) -> list[str]:
    """Each chart anchored in a paragraph as its title and data (python-docx reads no charts)."""
    charts = []
    for reference in paragraph.iter(*CHART_REFERENCES):
        if any(ancestor.tag == _FALLBACK for ancestor in reference.iterancestors()):
            continue
        try:
            lines = chart_lines(parse_chart(part.related_parts[reference.get(CHART_RELATIONSHIP_ID)].blob))
        except WHOLE_DOCUMENT_ERRORS:
            raise
        except Exception as error:  # a damaged chart part costs that chart, not the document
            unread.append(f"a chart could not be read ({type(error).__name__})")
            continue
        if lines:
            charts.append("\n".join(lines))
    return charts


def _diagrams(paragraph: BaseOxmlElement, part: DocumentPart, unread: list[str]) -> list[str]:
    """Each SmartArt graphic anchored in a paragraph as an outline of its text (python-docx reads
    none of it)."""
    diagrams = []
    for reference in paragraph.iter(DIAGRAM_REFERENCE):
        if any(ancestor.tag == _FALLBACK for ancestor in reference.iterancestors()):
            continue
        try:
            lines = diagram_lines(part.related_parts[reference.get(DIAGRAM_DATA_RELATIONSHIP_ID)].blob)
        except WHOLE_DOCUMENT_ERRORS:
            raise
        except Exception as error:  # a damaged diagram costs that graphic, not the document
            unread.append(f"a SmartArt graphic could not be read ({type(error).__name__})")
            continue
        if lines:
            diagrams.append("\n".join(lines))
    return diagrams


def _embedded_documents(
    paragraph: BaseOxmlElement, part: DocumentPart, params: ExtractParams, embedded: dict[BaseOxmlElement, str]
) -> list[str]:
    """Word, PowerPoint and Excel files embedded in a paragraph, read with their own readers
    (``readers.embedded``); ``embedded`` records each object met and why it was not read."""
    blocks = []
    for ole in _shown_objects(paragraph):
        rel = part.rels.get(ole.get(_REL_ID) or "")
        target = None if rel is None or rel.is_external else rel.target_part
        text, embedded[ole] = embedded_text(target and target.blob, str(target.partname) if target else "", params)
        blocks += text
    return blocks


def _shown_objects(element: BaseOxmlElement) -> list[BaseOxmlElement]:
    """Embedded objects (``o:OLEObject``) under ``element``, without fallback copies."""
    return [ole for ole in element.iter(_OLE_OBJECT) if not any(a.tag == _FALLBACK for a in ole.iterancestors())]


def _unread_objects(document: Document, embedded: dict[BaseOxmlElement, str]) -> list[str]:
    """Report notes for the embedded objects of the body that were not read: their own files (a
    drawing, an old equation), damaged packages, linked files."""
    reasons: Counter[tuple[str, str]] = Counter()
    for ole in _shown_objects(document.element.body):
        reason = embedded.get(ole, "in a part of the body the reader does not visit")
        if reason:
            reasons[(ole.get("ProgID") or "unknown type", reason)] += 1
    return [f"{n} embedded object(s) ({program}) not read: {why}" for (program, why), n in sorted(reasons.items())]


def _list_line(text: str, info: tuple[str, int, bool], counters: dict[tuple[str, int], int]) -> str:
    """'- item' or 'N. item', indented by depth; numbering restarts below a shallower item."""
    key, depth, ordered = info
    for stale in [k for k in counters if k[1] > depth]:
        del counters[stale]
    counters[(key, depth)] = counters.get((key, depth), 0) + 1
    marker = f"{counters[(key, depth)]}." if ordered else "-"
    return "  " * depth + f"{marker} {text}"


def _merge_imported_content(part: DocumentPart, params: ExtractParams, unread: list[str]) -> None:
    """Replace every ``w:altChunk`` (in the body, table cells, content controls, headers and
    footers) with paragraphs holding its text, as Word does when it opens the file: the rest of
    the reader then meets imported content as it meets any other."""
    owners = [part] + [
        rel.target_part for rel in part.rels.values() if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external
    ]
    for owner in owners:
        for chunk in list(owner.element.iter(_ALT_CHUNK)):
            paragraphs = [_text_paragraph(block) for block in _imported_blocks(chunk, owner, params, unread)]
            parent = chunk.getparent()
            position = parent.index(chunk)
            parent[position : position + 1] = paragraphs


def _text_paragraph(text: str) -> BaseOxmlElement:
    """A plain ``w:p`` holding ``text`` (characters XML cannot hold left out)."""
    paragraph, run, text_element = OxmlElement("w:p"), OxmlElement("w:r"), OxmlElement("w:t")
    text_element.text = _NOT_XML.sub("", text)
    text_element.set(qn("xml:space"), "preserve")
    run.append(text_element)
    paragraph.append(run)
    return paragraph


def _imported_blocks(
    element: BaseOxmlElement, part: DocumentPart, params: ExtractParams, unread: list[str]
) -> list[str]:
    """The text blocks of an imported chunk (``readers.imported``; a .docx with this reader); a
    report note when it cannot be read."""
    rel = part.rels.get(element.get(_REL_ID) or "")
    if rel is None or rel.is_external:
        unread.append("imported content (altChunk) not read: its part is missing or an external file")
        return []
    target = rel.target_part
    content_type = target.content_type
    try:
        if target.blob.startswith(b"PK"):  # a package: a .docx, as Word allows (sniffed, then read)
            # Body text, not an attachment: read whatever the param says, and without the running
            # headers and footers, which Word drops when it merges the chunk.
            body_params = replace(params, read_embedded_documents=True)
            blocks, why = embedded_text(target.blob, str(target.partname), body_params, ("header", "footer"))
            if why:
                unread.append(f"imported Word content (altChunk) not read: {why}")
            return blocks
        # Imported only here: email and html.parser are ~17 ms, on the path of a rerun that adds a .docx.
        from adaptline.extract.readers.imported import imported_text

        text = imported_text(content_type, target.blob)
    except WHOLE_DOCUMENT_ERRORS:
        raise
    except Exception as error:  # a damaged chunk costs that chunk, not the document
        unread.append(f"imported content (altChunk, {content_type}) not read ({type(error).__name__})")
        return []
    if text is None:
        unread.append(f"imported content (altChunk) of type {content_type} not read")
        return []
    return [block for block in text.split("\n\n") if block.strip()]


def _body_blocks(document: Document) -> list[Paragraph | Table]:
    """Paragraphs and tables in document order, including those inside content controls."""
    out: list[Paragraph | Table] = []

    def visit(element: object) -> None:
        for child in element.iterchildren():  # type: ignore[attr-defined]
            if child.tag == qn("w:p"):
                out.append(Paragraph(child, document))
            elif child.tag == qn("w:tbl"):
                out.append(Table(child, document))
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    visit(content)

    visit(document.element.body)
    return out


class _StyleNames:
    """Paragraph style id -> UI name, built once (python-docx's ``paragraph.style`` scans all styles)."""

    def __init__(self, document: Document) -> None:
        self.names: dict[str, str] = {}
        self.default = ""
        for style in document.styles.element.findall(qn("w:style")):
            name = style.find(qn("w:name"))
            ui_name = BabelFish.internal2ui(name.get(qn("w:val"), "")) if name is not None else ""
            self.names[style.get(qn("w:styleId"), "")] = ui_name
            if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in ("1", "true"):
                self.default = ui_name

    def of(self, paragraph: Paragraph) -> str:
        style_id = paragraph._p.style
        return self.names.get(style_id, "") if style_id else self.default


def _heading_level(name: str) -> int | None:
    if name == "Title":
        return 1
    match = _HEADING.match(name)
    if match:
        return max(1, min(6, int(match.group(1))))
    return None


def _table_rows(table: Table) -> list[list[str]]:
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a horizontally merged cell repeats; keep it once
                continue
            seen.add(id(cell._tc))
            cells.append(_cell_text(cell._tc, cell))
        rows.append(cells)
    return rows


def _cell_text(container: BaseOxmlElement, cell: object) -> str:
    """A table cell's paragraphs and nested tables, in order (``cell.paragraphs`` skips nested
    tables, a common layout in forms and test records). A markdown cell is one line, so a nested
    table's rows become "a; b; c" lines."""
    lines = []
    for child in container.iterchildren():
        if child.tag == _PARAGRAPH:
            lines.append(paragraph_text(child))
        elif child.tag == _TABLE:
            lines += ["; ".join(value for value in row if value.strip()) for row in _table_rows(Table(child, cell))]
        elif child.tag == _CONTENT_CONTROL:
            content = child.find(_CONTENT_CONTROL_CONTENT)
            if content is not None:
                lines.append(_cell_text(content, cell))
    return "\n".join(lines)


class _NumberingFormats:
    """Tells bullet lists from numbered ones, from paragraph numbering or the list style."""

    def __init__(self, document: Document) -> None:
        self.formats: dict[tuple[str, int], str] = {}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, str]] = {}
        for node in numbering.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in node.findall(qn("w:lvl")):
                fmt = lvl.find(qn("w:numFmt"))
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = fmt.get(qn("w:val"), "") if fmt is not None else ""
            abstract[node.get(qn("w:abstractNumId"), "")] = levels
        for num in numbering.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            levels = abstract.get(ref.get(qn("w:val"), "") if ref is not None else "", {})
            for ilvl, fmt in levels.items():
                self.formats[(num.get(qn("w:numId"), ""), ilvl)] = fmt

    def list_info(self, paragraph: Paragraph, style: str) -> tuple[str, int, bool] | None:
        """(list key, depth, ordered) for a list item, else None."""
        ppr = paragraph._p.pPr
        num_pr = ppr.numPr if ppr is not None else None
        if num_pr is not None and num_pr.numId is not None and num_pr.numId.val != 0:
            num_id = str(num_pr.numId.val)
            depth = int(num_pr.ilvl.val) if num_pr.ilvl is not None else 0
            fmt = self.formats.get((num_id, depth), self.formats.get((num_id, 0)))  # undefined level: as level 0
            ordered = fmt not in ("", "bullet", "none") if fmt is not None else "Number" in style
            return num_id, depth, ordered
        if style and style.startswith("List Number"):
            return style, _style_depth(style), True
        if style and style.startswith("List Bullet"):
            return style, _style_depth(style), False
        return None


def _style_depth(style: str) -> int:
    match = re.search(r"(\d)$", style)
    return int(match.group(1)) - 1 if match else 0


def _running_lines(container: BaseOxmlElement, part: object) -> list[str]:
    """A header's or footer's paragraphs, tables and text boxes (where a document number or a
    classification often stands), in order."""
    lines: list[str] = []
    for child in container.iterchildren():
        if child.tag == _PARAGRAPH:
            lines += [paragraph_text(child).strip(), *_text_boxes(child)]
        elif child.tag == _TABLE:
            lines.append(markdown_table(_table_rows(Table(child, part))))  # type: ignore[arg-type]
        elif child.tag == _CONTENT_CONTROL:
            content = child.find(_CONTENT_CONTROL_CONTENT)
            if content is not None:
                lines += _running_lines(content, part)
    return lines


def _running_texts(document: Document, which: str, unread: list[str]) -> list[str]:
    """Distinct non-empty header or footer texts over all sections (first-page/even variants too).
    One that cannot be read (a reference to a relationship the file lacks: python-docx raises
    ``KeyError: 'rId9'``, where Word shows no header) costs that header, with a note."""
    texts: list[str] = []
    for number, section in enumerate(document.sections, start=1):
        for attribute in (which, f"first_page_{which}", f"even_page_{which}"):
            try:
                part = getattr(section, attribute)
                if part.is_linked_to_previous and attribute != which:
                    continue
                text = "\n".join(line for line in _running_lines(part._element, part) if line)
            except WHOLE_DOCUMENT_ERRORS:
                raise
            except Exception as error:
                unread.append(
                    f"section {number}: a {attribute.replace('_', ' ')} could not be read ({type(error).__name__})"
                )
                continue
            if text and text not in texts:
                texts.append(text)
    return texts

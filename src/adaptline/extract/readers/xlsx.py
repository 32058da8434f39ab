"""Excel (.xlsx): per sheet, rows rendered as "Header: value; ..." lines, chunked by rows.

Opened read-only with cached formula values (``data_only``): the numbers a reader sees in Excel,
not formulas. Merged ranges are filled with their top-left value so every row reads on its own.
Cell comments are one more record per sheet (part "comments"), and so are the text of its text
boxes and shapes and its charts, as title and data (part "shapes").
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from adaptline.extract.params import ExtractParams
from adaptline.extract.readers.base import WHOLE_DOCUMENT_ERRORS, Chunk, Extraction, rewritten_package, split_text
from adaptline.extract.readers.charts import CHART_REFERENCES, CHART_RELATIONSHIP_ID, chart_lines, parse_chart
from adaptline.extract.readers.strict import STRICT_NOTE, as_transitional
from adaptline.imports import import_without
from adaptline.records import Location

# openpyxl imports numpy only so that numpy numbers can be written to cells; a workbook read from
# bytes never holds one. It imports Pillow only to load pictures, which a read-only workbook never
# reads. numpy was ~70 of openpyxl's ~170 ms import, Pillow ~10 ms, paid by each worker that meets
# its first spreadsheet (the critical path of a run that adds one .xlsx). With defusedxml
# installed (markitdown brings it), openpyxl reads sheets and shared strings through defusedxml's
# pure-Python subclass of the standard library's parser, to refuse DTDs; without it, through the
# parser in C: ~15 % of a workbook's parse. A DTD never gets this far: ``safety.check_zip`` refuses
# it in every member a parser could read as XML, whatever its name, installed extras or not.
import_without("openpyxl", "numpy", "PIL", "defusedxml")

import openpyxl  # noqa: E402
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE  # noqa: E402
from openpyxl.utils import get_column_letter, range_boundaries  # noqa: E402
from openpyxl.xml.functions import fromstring  # noqa: E402  (lxml without entities or network)

_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
_THREADED_COMMENTS = "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment"
_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_DRAWING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
_SPREADSHEET_DRAWING = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"
_DRAWING_MAIN = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_THREADED_NS = "{http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments}"
_STYLES = "xl/styles.xml"  # where openpyxl reads the stylesheet from, whatever the relationships say
_EMPTY_FILL = re.compile(rb"<(\w+:)?fill\s*/>")
_PLAIN_STYLESHEET = (
    b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<fonts count="1"><font/></fonts><fills count="1"><fill><patternFill/></fill></fills>'
    b'<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
    b'<cellXfs count="1"><xf/></cellXfs></styleSheet>'
)
_PLAIN_STYLES_NOTE = (
    "the workbook's styles could not be read ({}) and were left out: dates and percentages show as plain numbers"
)
_LITERALS = re.compile(r'"[^"]*"|\\.')  # quoted text and escaped characters in a number format
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')
# The end of a formula (</f>, or <f .../> for a cell sharing another's formula) not followed by a
# cached value: a missing or empty <v>, as written by programs that do not calculate (openpyxl,
# report generators). Matched at end tags only: a quarter of the time of matching whole cells.
_UNCACHED_FORMULA = re.compile(rb"(?:</(?:\w+:)?f>|<(?:\w+:)?f\b[^>]*/>)(?!\s*<(?:\w+:)?v>[^<])")


class XlsxReader:
    """Registered in ``READERS`` (readers/__init__.py), which holds its kind and version."""

    def read(self, data: bytes, params: ExtractParams) -> Extraction:
        extraction, parts_failed = self._read(data, params)
        if parts_failed:  # openpyxl parses sheets as it reads them: damaged XML shows here, not at open
            from adaptline.extract.readers.package import recovered_note, with_damaged_xml_recovered

            try:
                recovered, damaged_parts = with_damaged_xml_recovered(data)
                if damaged_parts:
                    retried, _ = self._read(recovered, params)
                    retried.notes.insert(0, recovered_note(damaged_parts))
                    extraction = retried
            except WHOLE_DOCUMENT_ERRORS:
                raise
            except Exception:  # the recovery failed: the first reading, with its notes, stands
                pass
        return extraction

    def _read(self, data: bytes, params: ExtractParams) -> tuple[Extraction, bool]:
        """The extraction, and whether a sheet's cells, comments or drawing could not be read."""
        parts_failed = False
        data, strict = as_transitional(data)
        notes: list[str] = [STRICT_NOTE] if strict else []
        workbook = _load_workbook(data, notes)
        try:
            chunks: list[Chunk] = []
            percent_styles = _percent_styles(workbook)
            for number, sheet in enumerate(workbook.worksheets, start=1):  # the note names no sheet title
                if not hasattr(sheet, "iter_rows"):
                    continue
                if sheet.sheet_state != "visible":  # often lookup or scratch data: worth knowing it was read
                    how = "hidden" if sheet.sheet_state == "hidden" else "very hidden (only a macro can show it)"
                    notes.append(f"sheet {number} is {how}, read like the others")
                try:
                    raw = _sheet_xml(workbook, sheet)
                    merges = [range_boundaries(ref.decode("ascii")) for ref in _MERGE.findall(raw)]
                    chunks += _sheet_chunks(sheet, merges, params.xlsx_rows_per_chunk, percent_styles)  # type: ignore[arg-type]
                except WHOLE_DOCUMENT_ERRORS:
                    raise
                except Exception as error:  # a damaged sheet costs its cells, not the workbook
                    raw = b""
                    parts_failed = True
                    notes.append(f"sheet {number}: its cells could not be read ({type(error).__name__})")
                try:
                    comments = _comment_lines(workbook._archive, getattr(sheet, "_worksheet_path", ""))
                except WHOLE_DOCUMENT_ERRORS:
                    raise
                except Exception as error:  # a damaged comments part costs the comments, not the sheet
                    comments = []
                    parts_failed = True
                    notes.append(f"sheet {number}: cell comments could not be read ({type(error).__name__})")
                for piece in split_text("\n".join(comments), params.max_chunk_chars):
                    chunks.append(Chunk(Location(part="comments", sheet=sheet.title), piece))
                try:
                    shapes = _shape_lines(workbook._archive, getattr(sheet, "_worksheet_path", ""))
                except WHOLE_DOCUMENT_ERRORS:
                    raise
                except Exception as error:  # a damaged drawing costs its text boxes and charts, not the sheet
                    shapes = []
                    parts_failed = True
                    notes.append(f"sheet {number}: text boxes and charts could not be read ({type(error).__name__})")
                for piece in split_text("\n".join(shapes), params.max_chunk_chars):
                    chunks.append(Chunk(Location(part="shapes", sheet=sheet.title), piece))
                uncached = _formulas_without_value(raw)
                if uncached:
                    notes.append(
                        f"sheet {number}: {uncached} formula cell(s) without a cached value, left empty "
                        "(saved by a program that does not calculate; open and save it in Excel to fill them)"
                    )
            title = (workbook.properties.title or "").strip()
        finally:
            workbook.close()
        return Extraction(chunks=chunks, meta={"title": title} if title else {}, notes=notes), parts_failed


def _load_workbook(data: bytes, notes: list[str]) -> Any:
    """openpyxl's read-only workbook. openpyxl rejects whole workbooks over styles Excel accepts:
    an empty ``<fill/>``, as instrument and report software writes it ("expected <class
    'openpyxl.styles.fills.Fill'>"). Such a stylesheet is mended and the load tried again; one it
    still cannot read is replaced by a plain one, and a note says what that costs."""
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except WHOLE_DOCUMENT_ERRORS:
        raise
    except Exception as error:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if _STYLES not in archive.NameToInfo:
                raise
            styles = archive.read(_STYLES)
        mended = _EMPTY_FILL.sub(rb"<\1fill><\1patternFill/></\1fill>", styles)
        for stylesheet, note in ((mended, ""), (_PLAIN_STYLESHEET, _PLAIN_STYLES_NOTE.format(type(error).__name__))):
            if stylesheet == styles:
                continue
            try:
                workbook = openpyxl.load_workbook(
                    io.BytesIO(_with_member(data, _STYLES, stylesheet)), read_only=True, data_only=True
                )
            except WHOLE_DOCUMENT_ERRORS:
                raise
            except Exception:
                continue
            notes.append(note or "empty fill styles mended (openpyxl rejects them; Excel does not)")
            return workbook
        raise


def _with_member(data: bytes, name: str, content: bytes) -> bytes:
    """The package with one member's bytes replaced."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return rewritten_package(archive, lambda member, old: content if member == name else old)


def _sheet_xml(workbook: Any, sheet: Any) -> bytes:
    """The worksheet's XML: merged ranges and formulas are read from it (read-only mode has neither)."""
    path = getattr(sheet, "_worksheet_path", None)
    if not path:
        return b""
    with workbook._archive.open(path) as handle:
        return handle.read()


def _relationships(archive: zipfile.ZipFile, part_path: str) -> list[tuple[str, str, str]]:
    """(id, type, archive member) of each relationship of a part (external targets and missing
    parts left out)."""
    if not part_path:
        return []
    folder, name = posixpath.split(part_path)
    rels_path = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels_path not in archive.NameToInfo:
        return []
    found = []
    for relationship in fromstring(archive.read(rels_path)).iter(_RELATIONSHIP):
        if relationship.get("TargetMode") == "External":
            continue
        target = relationship.get("Target", "")
        member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        if member in archive.NameToInfo:  # a relationship to a missing part ("NULL"): Excel ignores it too
            found.append((relationship.get("Id", ""), relationship.get("Type", ""), member))
    return found


def _related_members(archive: zipfile.ZipFile, part_path: str) -> dict[str, list[str]]:
    """Relationship type -> the archive members a part points to."""
    targets: dict[str, list[str]] = {}
    for _, kind, member in _relationships(archive, part_path):
        targets.setdefault(kind, []).append(member)
    return targets


def _shape_lines(archive: zipfile.ZipFile, sheet_path: str) -> list[str]:
    """The text of a sheet's text boxes and shapes, one line per paragraph, then its charts as
    title and data (``readers.charts``), as the drawing keeps them: notes an engineer put beside
    a table ("measured with probe P2, 20 MHz limit"), and what a chart shows. openpyxl reads no
    shapes (read-only mode no drawing at all)."""
    lines = []
    for member in _related_members(archive, sheet_path).get(_DRAWING, []):
        drawing = fromstring(archive.read(member))
        for body in drawing.iter(f"{_SPREADSHEET_DRAWING}txBody"):
            if any(ancestor.tag == _FALLBACK for ancestor in body.iterancestors()):
                continue  # the copy for older Excel of a shape in mc:AlternateContent
            for paragraph in body.iter(f"{_DRAWING_MAIN}p"):
                text = " ".join("".join(t.text or "" for t in paragraph.iter(f"{_DRAWING_MAIN}t")).split())
                if text:
                    lines.append(text)
        targets = {rel_id: target for rel_id, _, target in _relationships(archive, member)}
        for reference in drawing.iter(*CHART_REFERENCES):
            target = targets.get(reference.get(CHART_RELATIONSHIP_ID, ""))
            if target and not any(ancestor.tag == _FALLBACK for ancestor in reference.iterancestors()):
                lines += chart_lines(parse_chart(archive.read(target)))
    return lines


def _comment_lines(archive: zipfile.ZipFile, sheet_path: str) -> list[str]:
    """A sheet's cell comments as "B7: text" lines, in the order the file keeps them (read-only
    mode reads none). Threaded comments (Excel 365) are read where a sheet has them: its legacy
    comments part then only holds a "[Threaded comment]" copy for older Excel. The author's name
    Excel puts in front of a legacy comment's text is left out, as are the authors."""
    targets = _related_members(archive, sheet_path)
    lines = []
    if threaded := targets.get(_THREADED_COMMENTS):
        for member in threaded:
            for comment in fromstring(archive.read(member)).iter(f"{_THREADED_NS}threadedComment"):
                text = " ".join(comment.findtext(f"{_THREADED_NS}text", "").split())
                if text:
                    lines.append(f"{comment.get('ref', '')}: {text}")
        return lines
    for member in targets.get(_COMMENTS, []):
        root = fromstring(archive.read(member))
        authors = [author.text or "" for author in root.iter(f"{_SHEET_NS}author")]
        for comment in root.iter(f"{_SHEET_NS}comment"):
            body = comment.find(f"{_SHEET_NS}text")
            text = "".join(_rich_text(body)) if body is not None else ""
            author_id = int(comment.get("authorId", "-1"))
            author = authors[author_id].strip() if 0 <= author_id < len(authors) else ""
            if author and text.startswith(f"{author}:"):
                text = text[len(author) + 1 :]
            text = " ".join(text.split())
            if text:
                lines.append(f"{comment.get('ref', '')}: {text}")
    return lines


def _rich_text(body: Any) -> Iterator[str]:
    """A comment's text: plain (``t``) or rich-text runs (``r/t``); phonetic hints left out."""
    for child in body.iterchildren(f"{_SHEET_NS}t", f"{_SHEET_NS}r"):
        yield (child.text if child.tag == f"{_SHEET_NS}t" else child.findtext(f"{_SHEET_NS}t")) or ""


def _formulas_without_value(raw: bytes) -> int:
    """Formula cells whose cached value is missing or empty: data_only mode reads them as empty."""
    return len(_UNCACHED_FORMULA.findall(raw))


def _percent_styles(workbook: Any) -> frozenset[int]:
    """Ids of the cell styles whose number format shows a percentage. Excel stores 25 % as 0.25,
    and a reader of the sheet sees "25%": a tolerance column read as 0.01 says something else."""
    styles = set()
    for style_id, style in enumerate(workbook._cell_styles):
        number_id = style.numFmtId
        if number_id < BUILTIN_FORMATS_MAX_SIZE:
            number_format = BUILTIN_FORMATS.get(number_id, "")
        else:
            custom = workbook._number_formats
            number_format = (
                custom[number_id - BUILTIN_FORMATS_MAX_SIZE]
                if number_id - BUILTIN_FORMATS_MAX_SIZE < len(custom)
                else ""
            )
        if "%" in _LITERALS.sub("", number_format.split(";")[0]):
            styles.add(style_id)
    return frozenset(styles)


def _sheet_rows(sheet: Any, percent_styles: frozenset[int]) -> Iterator[dict[int, str]]:
    """Each row's non-empty cells as text, by column."""
    for row in sheet.iter_rows():
        values = {}
        for col, cell in enumerate(row, start=1):
            value = cell.value
            if value.__class__ in (int, float) and cell._style_id in percent_styles:
                text = f"{_format(value * 100)}%"
            else:
                text = _format(value)
            if text:
                values[col] = text
        yield values


def _sheet_chunks(
    sheet: Any, merges: list[tuple[int, int, int, int]], rows_per_chunk: int, percent_styles: frozenset[int]
) -> list[Chunk]:
    sheet.reset_dimensions()  # stored dimensions are often wrong; read what is there
    grid: dict[int, dict[int, str]] = {}
    for row_number, values in enumerate(_sheet_rows(sheet, percent_styles), start=1):
        if values:
            grid[row_number] = values
    original = {row: dict(values) for row, values in grid.items()}
    for min_col, min_row, max_col, max_row in merges:
        value = original.get(min_row, {}).get(min_col)
        if value is None:
            continue
        for row in range(min_row, max_row + 1):
            for col in range(min_col, max_col + 1):
                grid.setdefault(row, {})[col] = value
    if not grid:
        return []
    rows = sorted(grid)
    header_row = next((r for r in rows if len(set(original.get(r, {}).values())) >= 2), rows[0])
    preamble = [" ".join(dict.fromkeys(grid[r].values())) for r in rows if r < header_row]
    columns = sorted({col for values in grid.values() for col in values})
    headers = {col: grid[header_row].get(col) or get_column_letter(col) for col in columns}
    data_rows = [r for r in rows if r > header_row]
    first_col, last_col = get_column_letter(columns[0]), get_column_letter(columns[-1])
    header_line = "Columns: " + " | ".join(grid[header_row].get(col, "") for col in columns if col in grid[header_row])
    chunks = []
    groups = [data_rows[i : i + rows_per_chunk] for i in range(0, len(data_rows), rows_per_chunk)] or [[]]
    for index, group in enumerate(groups):
        lines = (preamble if index == 0 else []) + [header_line]
        lines += ["; ".join(f"{headers[col]}: {value}" for col, value in sorted(grid[r].items())) for r in group]
        start = header_row if index == 0 else group[0]
        end = group[-1] if group else header_row
        cell_range = f"{first_col}{start}:{last_col}{end}"
        chunks.append(Chunk(Location(part="table", sheet=sheet.title, cell_range=cell_range), "\n".join(lines)))
    return chunks


def _format(value: Any) -> str:
    """Cell value as a reader would see it (no float noise, ISO dates)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return f"{value:.10g}"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return " ".join(str(value).split())

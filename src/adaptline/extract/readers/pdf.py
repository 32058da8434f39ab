"""PDF: per-page text without running headers/footers and page numbers, hyphenation undone,
under the heading path its bookmarks give; review annotations per page (part "annotations"),
filled-in form fields (part "form") and attached Word, PowerPoint and Excel files (part
"attachments") as records of their own: none of them is in a page's text.

Lines near the top or bottom of a page that recur on several pages (digits ignored, so "Rev 3 ·
page 4" matches "Rev 3 · page 5") are running headers/footers: they are cut from the pages and
kept once each as separate records, so the scrub stage still sees names they may carry. Lines of
only digits are never matched that way (table cells): a bare number at a page edge is dropped
only when it follows the page index ("7" on page 7, or on page 9 when numbering starts later).
"""

from __future__ import annotations

import io
import logging
import math
import posixpath
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from adaptline.extract.params import ExtractParams
from adaptline.extract.readers.base import WHOLE_DOCUMENT_ERRORS, Chunk, ExtractError, Extraction, split_text
from adaptline.extract.readers.embedded import embedded_text
from adaptline.imports import import_without
from adaptline.records import Location

# pypdf imports Pillow only to read and replace page images, which text extraction never does:
# ~10-15 ms of its import, paid by each worker that meets its first pdf (the critical path of a
# run that adds one .pdf).
import_without("pypdf", "PIL")

import pypdf  # noqa: E402
from pypdf.errors import DependencyError, FileNotDecryptedError  # noqa: E402

_PAGE_LABEL = re.compile(
    r"^\W*((page|seite|p\.)\s*\d+|\d+\s*(of|/|von)\s*\d+)(\s*(of|/|von)\s*\d+)?\W*$", re.IGNORECASE
)
_BARE_NUMBER = re.compile(r"^\W*(\d+)\W*$")
_LETTER = re.compile(r"[^\W\d_]")
_HYPHEN_BREAK = re.compile(r"([A-Za-z])-\n([a-z])")
_DIGITS = re.compile(r"\d+")
_NOT_REVIEW_ANNOTATIONS = {"/Link", "/Widget", "/Popup"}
_PAGES_LISTED = 10  # page numbers named in a note, before "…"
# A bookmark this far (a fraction of the page's height) from the top can still open its section at
# the top of its page: below the top margin and a running header, where a chapter that starts a
# new page begins (Word's default margin is 1 inch, 8.5 % of an A4 page).
_SECTION_STARTS_AT_TOP = 0.15

_REBUILD_TRAILER = b"\nstartxref\n0\n%%EOF\n"
_DAMAGED_NOTE = "damaged pdf (cut short?): read from its objects, text of lost pages missing"
_NOTHING_RECOVERED = "no page's text could be recovered"

logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed files are reported by us, once


class PdfReader:
    """Registered in ``READERS`` (readers/__init__.py), which holds its kind and version."""

    def read(self, data: bytes, params: ExtractParams) -> Extraction:
        reader, page_objects, scanned, notes = _open(data)
        recovered = bool(notes)  # the file was damaged, and read from the objects still in it
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise ExtractError("encrypted pdf (a password is required)")
            except (DependencyError, NotImplementedError) as error:
                raise ExtractError(f"encrypted pdf (cannot decrypt: {error})") from None
            notes.append("encrypted pdf opened with the empty password")
        try:
            failed: list[int] = []  # pages whose content could not be read
            pages = [_page_lines(page, number, notes, failed) for number, page in enumerate(page_objects, start=1)]
        except FileNotDecryptedError:
            raise ExtractError("encrypted pdf (a password is required)") from None
        needed = max(2, min(params.pdf_repeat_pages, math.ceil(params.pdf_repeat_fraction * len(pages))))
        headers, footers = _running_lines(pages, params.pdf_edge_lines, needed)
        offset = _page_number_offset(pages, params.pdf_edge_lines, needed)
        chunks = []
        if headers:
            chunks.append(Chunk(Location(part="header"), "\n".join(headers.values())))
        # scanned: the catalog is gone, and with it the outline, the form and the attachments
        sections = [()] * len(pages) if scanned else _outline_sections(reader, notes)
        for number, lines in enumerate(pages, start=1):
            page_number = None if offset is None else number + offset
            body = _strip_edges(lines, set(headers) | set(footers), page_number, params.pdf_edge_lines)
            text = _HYPHEN_BREAK.sub(r"\1\2", "\n".join(body))
            location = Location(part="body", page=number, heading_path=sections[number - 1] or None)
            for piece in split_text(text, params.max_chunk_chars):
                chunks.append(Chunk(location, piece))
        if footers:
            chunks.append(Chunk(Location(part="footer"), "\n".join(footers.values())))
        for number, page in enumerate(page_objects, start=1):
            for piece in split_text("\n".join(_annotation_lines(page, number, notes)), params.max_chunk_chars):
                chunks.append(Chunk(Location(part="annotations", page=number), piece))
        form = [] if scanned else _form_lines(reader, notes)
        if form:
            chunks.append(Chunk(Location(part="form"), "\n".join(form)))
        attachments = [] if scanned else _attachment_blocks(reader, params, notes)
        for piece in split_text("\n\n".join(attachments), params.max_chunk_chars):
            chunks.append(Chunk(Location(part="attachments"), piece))
        if recovered and not any(chunk.location.part == "body" for chunk in chunks):
            raise ExtractError(f"corrupt or unreadable pdf file (damaged, cut short?: {_NOTHING_RECOVERED})")
        # (in a damaged file, pages without text lost it with the damage: no guess about scans)
        blank = [number for number, lines in enumerate(pages, start=1) if not lines and number not in failed]
        if not recovered and page_objects and not failed and not any(c.location.part == "body" for c in chunks):
            notes.append("no text layer (scanned pdf?)")
        elif not recovered and blank:
            shown = ", ".join(map(str, blank[:_PAGES_LISTED])) + (", …" if len(blank) > _PAGES_LISTED else "")
            notes.append(f"{len(blank)} of {len(pages)} pages without a text layer (scanned?): {shown}")
        title = "" if scanned else str((reader.metadata or {}).get("/Title") or "").strip()
        return Extraction(chunks=chunks, meta={"title": title} if title else {}, notes=notes)


def _open(data: bytes) -> tuple[pypdf.PdfReader, list[pypdf.PageObject], bool, list[str]]:
    """The reader, its pages, whether they were found by scanning the file's objects, and notes
    on how they were found. A file cut short (an aborted download or copy) has lost its
    cross-reference table, and often the page tree stored after the pages: pypdf and MarkItDown's
    pdfminer then read nothing ("Stream has ended unexpectedly"). Such a file is read again with
    the table rebuilt from the objects still there, and, if the page tree is gone too, with every
    page object found, in the order they are stored."""
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if not reader.is_encrypted:  # (an encrypted one is opened with its password first)
            len(reader.pages)  # the page tree is read on first use: damage to it shows here
        return reader, reader.pages, False, []  # type: ignore[return-value]  (a sequence of pages)
    except WHOLE_DOCUMENT_ERRORS:
        raise
    except Exception:
        recovered = _recovered(data)
        if recovered is None:  # nothing to recover: the parser's error on the file as it is
            raise
        return recovered


def _recovered(data: bytes) -> tuple[pypdf.PdfReader, list[pypdf.PageObject], bool, list[str]] | None:
    """``_open``'s second try, or None when it finds no page."""
    from pypdf.generic import NameObject

    try:
        # a startxref pointing nowhere makes pypdf rebuild the table by scanning for objects
        reader = pypdf.PdfReader(io.BytesIO(data + _REBUILD_TRAILER), strict=False)
        if reader.is_encrypted:  # its keys may be among what was lost: not guessed at
            return None
    except WHOLE_DOCUMENT_ERRORS:
        raise
    except Exception:
        return None
    objects = _objects(reader)
    if "/Root" not in reader.trailer:  # the trailer was cut off: the catalog is found by its type
        catalog = next((reference for reference, found in objects if found.get("/Type") == "/Catalog"), None)
        if catalog is not None:
            reader.trailer[NameObject("/Root")] = catalog
    try:
        if len(reader.pages):
            return reader, reader.pages, False, [_DAMAGED_NOTE]  # type: ignore[return-value]
    except WHOLE_DOCUMENT_ERRORS:
        raise
    except Exception:  # the catalog or the page tree is gone
        pass
    pages = []
    for reference, found in objects:
        if found.get("/Type") == "/Page":
            page = pypdf.PageObject(reader, reference)
            page.update(found)
            pages.append(page)
    if not pages:
        return None
    note = f"{_DAMAGED_NOTE}; its page tree is gone too: {len(pages)} page(s) found, in the order stored"
    return reader, pages, True, [note]


def _objects(reader: pypdf.PdfReader) -> list[tuple[Any, dict]]:
    """Every dictionary object the (rebuilt) cross-reference table finds, with its reference, in
    the order of object numbers."""
    from pypdf.generic import IndirectObject

    objects = []
    for generation, numbers in sorted(reader.xref.items()):
        for number in sorted(numbers):
            reference = IndirectObject(number, generation, reader)
            try:
                found = reference.get_object()
            except WHOLE_DOCUMENT_ERRORS:
                raise
            except Exception:  # a damaged object
                continue
            if isinstance(found, dict):
                objects.append((reference, found))
    return objects


def _page_lines(page: pypdf.PageObject, number: int, notes: list[str], failed: list[int]) -> list[str]:
    """A page's text lines; a page whose content pypdf cannot read costs that page, with a note
    (and its number in ``failed``)."""
    try:
        return _clean_lines(page.extract_text() or "")
    except (FileNotDecryptedError, *WHOLE_DOCUMENT_ERRORS):
        raise
    except Exception as error:
        notes.append(f"page {number}: text could not be read ({type(error).__name__})")
        failed.append(number)
        return []


def _outline_sections(reader: pypdf.PdfReader, notes: list[str]) -> list[tuple[str, ...]]:
    """Per page, the path of bookmark titles (the document outline: chapters and sections, as
    Word writes them from its headings) open at the page's top.

    A bookmark counts from its own page when it is where the page begins: in its top part
    (``_SECTION_STARTS_AT_TOP``), and, after another bookmark there, nested in it (a chapter and
    its first section). A sibling or an outer heading further down means the page began in the
    section before; it counts from the next page. Bookmarks that point nowhere are skipped; an
    outline that cannot be read is a note."""
    paths: list[tuple[str, ...]] = [() for _ in reader.pages]
    try:
        entries = sorted(_outline_entries(reader, reader.outline, 0), key=lambda entry: entry[0])
    except WHOLE_DOCUMENT_ERRORS:
        raise
    except Exception as error:  # a damaged outline costs the heading paths, not the document
        notes.append(f"bookmarks could not be read ({type(error).__name__})")
        return paths
    open_sections: list[tuple[int, str]] = []  # (depth, title), outermost first
    position = 0
    for index, page in enumerate(reader.pages):
        threshold = _top_part_starts(page)
        depth_at_top = -1  # depth of the last bookmark taken at this page's top
        while position < len(entries):
            (entry_page, from_top), depth, title = entries[position]
            if entry_page == index:
                if -from_top < threshold or depth <= depth_at_top:
                    break
                depth_at_top = depth
            elif entry_page > index:
                break
            open_sections = [section for section in open_sections if section[0] < depth] + [(depth, title)]
            position += 1
        paths[index] = tuple(title for _, title in open_sections)
    return paths


def _top_part_starts(page: pypdf.PageObject) -> float:
    """The height on ``page`` below which a bookmark is no longer in the page's top part; for a
    page whose size cannot be read (a damaged ``/MediaBox``), -inf: all of it counts as the top."""
    try:
        box = page.mediabox
        return float(box.top) - _SECTION_STARTS_AT_TOP * float(box.height)
    except WHOLE_DOCUMENT_ERRORS:
        raise
    except Exception:
        return -math.inf


def _outline_entries(reader: pypdf.PdfReader, items: list, depth: int) -> Iterator[tuple[tuple[int, float], int, str]]:
    """((page index, -y of the target, top first), depth, title) of each bookmark, in outline
    order; a nested list holds the children of the entry before it."""
    for item in items:
        if isinstance(item, list):
            yield from _outline_entries(reader, item, depth + 1)
            continue
        page = reader.get_destination_page_number(item)
        title = " ".join(str(item.title or "").split())
        if page is None or page < 0 or not title:
            continue
        top = item.get("/Top")
        y = float(top) if isinstance(top, (int, float)) else math.inf  # no position: the page's top
        yield (page, -y), depth, title


def _annotation_lines(page: pypdf.PageObject, number: int, notes: list[str]) -> list[str]:
    """The text of a page's review annotations (sticky notes, text boxes, comments on highlights
    and shapes, replies), one line each: none of it is in the page's text. Links, form widgets
    (read as form fields) and pop-ups (a copy of their parent's text) are left out, and so is each
    annotation's author (``/T``), a person's name."""
    try:
        annotations = page.get("/Annots")
        annotations = annotations.get_object() if annotations is not None else []
        lines = []
        for reference in annotations or []:
            annotation = reference.get_object()
            if not hasattr(annotation, "get") or annotation.get("/Subtype") in _NOT_REVIEW_ANNOTATIONS:
                continue
            text = " ".join(str(annotation.get("/Contents") or "").split())
            if text:
                lines.append(text)
        return lines
    except WHOLE_DOCUMENT_ERRORS:
        raise
    except Exception as error:  # a damaged annotation list costs the annotations, not the page
        notes.append(f"page {number}: annotations could not be read ({type(error).__name__})")
        return []


def _attachment_blocks(reader: pypdf.PdfReader, params: ExtractParams, notes: list[str]) -> list[str]:
    """Word, PowerPoint and Excel files attached to the PDF (a test log attached to a report),
    read with their own readers, one level deep (``readers.embedded``). Other attachments, and
    those that could not be read, are notes by type and reason (extensions only: a file name can
    be a person's name)."""
    try:
        attachments = reader.attachment_list
    except WHOLE_DOCUMENT_ERRORS:
        raise
    except Exception as error:  # a damaged names tree costs the attachments, not the document
        notes.append(f"embedded files could not be listed ({type(error).__name__})")
        return []
    blocks: list[str] = []
    unread: Counter[tuple[str, str]] = Counter()
    for attachment in attachments:
        extension = posixpath.splitext(attachment.name)[1].lower() or "no extension"
        try:
            text, why = embedded_text(attachment.content, attachment.name, params)
        except WHOLE_DOCUMENT_ERRORS:
            raise
        except Exception as error:  # a damaged file stream costs that attachment
            text, why = [], f"unreadable ({type(error).__name__})"
        blocks += text
        if why:
            unread[(extension, why)] += 1
    notes += [f"{n} embedded file(s) ({extension}) not read: {why}" for (extension, why), n in sorted(unread.items())]
    return blocks


def _form_lines(reader: pypdf.PdfReader, notes: list[str]) -> list[str]:
    """Filled-in form fields as "label: value" lines: a form's values are not in its page text.
    The label is the field's tooltip (the name a user sees) or its own name; unticked boxes and
    empty fields are left out."""
    try:
        fields = reader.get_fields() or {}
    except WHOLE_DOCUMENT_ERRORS:
        raise
    except Exception as error:  # a damaged form tree costs the form, not the document
        notes.append(f"form fields could not be read ({type(error).__name__})")
        return []
    lines = []
    for name, field in fields.items():
        value = field.get("/V")
        values = value if isinstance(value, list) else [value]  # a multiple-choice list field
        text = ", ".join(" ".join(str(item).split()) for item in values if item is not None)
        if field.get("/FT") == "/Btn":
            text = text.lstrip("/")  # a check box's state is a name: /Yes, /Off
        if text and text != "Off":
            label = " ".join(str(field.get("/TU") or name.rsplit(".", 1)[-1]).split())
            lines.append(f"{label}: {text}")
    return lines


def _clean_lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _key(line: str) -> str:
    return _DIGITS.sub("#", line.lower())


def _running_lines(pages: list[list[str]], edge: int, needed: int) -> tuple[dict[str, str], dict[str, str]]:
    """Header and footer lines (normalised key -> first text seen) on at least ``needed`` pages."""
    if len(pages) < 2:
        return {}, {}
    found = []
    for select in (lambda lines: lines[:edge], lambda lines: lines[-edge:] if edge else []):
        counts: Counter[str] = Counter()
        first: dict[str, str] = {}
        for lines in pages:
            for line in dict.fromkeys(select(lines)):
                if _LETTER.search(line) and not _PAGE_LABEL.match(line):
                    counts[_key(line)] += 1
                    first.setdefault(_key(line), line)
        found.append({key: first[key] for key, n in counts.items() if n >= needed})
    headers, footers = found
    footers = {key: text for key, text in footers.items() if key not in headers}
    return headers, footers


def _page_number_offset(pages: list[list[str]], edge: int, needed: int) -> int | None:
    """Printed page number minus page index, if bare edge numbers follow the pages consistently."""
    offsets: Counter[int] = Counter()
    for index, lines in enumerate(pages, start=1):
        edges = lines[:edge] + (lines[-edge:] if edge else [])
        for value in {int(m.group(1)) for line in edges if (m := _BARE_NUMBER.match(line))}:
            offsets[value - index] += 1
    if not offsets:
        return None
    offset, count = offsets.most_common(1)[0]
    return offset if count >= needed else None


def _strip_edges(lines: list[str], running: set[str], page_number: int | None, edge: int) -> list[str]:
    """Drop running lines and page numbers within ``edge`` lines of the top or bottom."""
    keep = []
    for index, line in enumerate(lines):
        if index < edge or index >= len(lines) - edge:
            bare = _BARE_NUMBER.match(line)
            if _key(line) in running or _PAGE_LABEL.match(line) or (bare and int(bare.group(1)) == page_number):
                continue
        keep.append(line)
    return keep

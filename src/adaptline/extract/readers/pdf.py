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

import pypdf
from pypdf.errors import DependencyError, FileNotDecryptedError

from adaptline.extract.params import ExtractParams
from adaptline.extract.readers.base import WHOLE_DOCUMENT_ERRORS, Chunk, ExtractError, Extraction, split_text
from adaptline.extract.readers.embedded import embedded_text
from adaptline.records import Location

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

logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed files are reported by us, once


class PdfReader:
    """Registered in ``READERS`` (readers/__init__.py), which holds its kind and version."""

    def read(self, data: bytes, params: ExtractParams) -> Extraction:
        reader = pypdf.PdfReader(io.BytesIO(data))
        notes = []
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise ExtractError("encrypted pdf (a password is required)")
            except (DependencyError, NotImplementedError) as error:
                raise ExtractError(f"encrypted pdf (cannot decrypt: {error})") from None
            notes.append("encrypted pdf opened with the empty password")
        try:
            failed: list[int] = []  # pages whose content could not be read
            pages = [_page_lines(page, number, notes, failed) for number, page in enumerate(reader.pages, start=1)]
        except FileNotDecryptedError:
            raise ExtractError("encrypted pdf (a password is required)") from None
        needed = max(2, min(params.pdf_repeat_pages, math.ceil(params.pdf_repeat_fraction * len(pages))))
        headers, footers = _running_lines(pages, params.pdf_edge_lines, needed)
        offset = _page_number_offset(pages, params.pdf_edge_lines, needed)
        chunks = []
        if headers:
            chunks.append(Chunk(Location(part="header"), "\n".join(headers.values())))
        sections = _outline_sections(reader, notes)
        for number, lines in enumerate(pages, start=1):
            page_number = None if offset is None else number + offset
            body = _strip_edges(lines, set(headers) | set(footers), page_number, params.pdf_edge_lines)
            text = _HYPHEN_BREAK.sub(r"\1\2", "\n".join(body))
            location = Location(part="body", page=number, heading_path=sections[number - 1] or None)
            for piece in split_text(text, params.max_chunk_chars):
                chunks.append(Chunk(location, piece))
        if footers:
            chunks.append(Chunk(Location(part="footer"), "\n".join(footers.values())))
        for number, page in enumerate(reader.pages, start=1):
            for piece in split_text("\n".join(_annotation_lines(page, number, notes)), params.max_chunk_chars):
                chunks.append(Chunk(Location(part="annotations", page=number), piece))
        form = _form_lines(reader, notes)
        if form:
            chunks.append(Chunk(Location(part="form"), "\n".join(form)))
        for piece in split_text("\n\n".join(_attachment_blocks(reader, params, notes)), params.max_chunk_chars):
            chunks.append(Chunk(Location(part="attachments"), piece))
        if reader.pages and not failed and not any(chunk.location.part == "body" for chunk in chunks):
            notes.append("no text layer (scanned pdf?)")
        elif blank := [number for number, lines in enumerate(pages, start=1) if not lines and number not in failed]:
            shown = ", ".join(map(str, blank[:_PAGES_LISTED])) + (", …" if len(blank) > _PAGES_LISTED else "")
            notes.append(f"{len(blank)} of {len(pages)} pages without a text layer (scanned?): {shown}")
        title = str((reader.metadata or {}).get("/Title") or "").strip()
        return Extraction(chunks=chunks, meta={"title": title} if title else {}, notes=notes)


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
        threshold = float(page.mediabox.top) - _SECTION_STARTS_AT_TOP * float(page.mediabox.height)
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

"""Checks that run on a document's bytes before any parser sees them.

Office files are zip containers: a zip bomb declares small compressed members that inflate to
gigabytes, and an XML member can carry a DTD with entity expansion ("billion laughs"). Both are
refused from the zip directory and the first bytes of each XML member, without inflating it all.
Declared sizes are binding: Python's zipfile stops at a member's declared size.

This check is the defence against DTDs: it covers every member a parser could read as XML,
whatever its name (a workbook names its sheets' parts in its relationships), so no reader relies
on its library's own (openpyxl reads sheets with the standard library's parser, which expands
internal entities).
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile

from adaptline.extract.params import ExtractParams
from adaptline.extract.readers.base import ExtractError

_MB = 1024 * 1024
_XML_PROLOGUE_BYTES = 65536  # a DTD must come before the root element, so the start of a member suffices
_SNIFF_BYTES = 512  # enough of a member not named as XML to tell whether it starts like XML
_DTD_MARKERS = tuple(marker.encode(codec) for marker in ("<!DOCTYPE", "<!ENTITY") for codec in ("utf-8", "utf-16-le"))
# A member not named as XML may be HTML (a Word altChunk) with a harmless <!DOCTYPE html>: what is
# refused there is a DTD that can declare entities (an internal subset) or an entity declaration.
_DECLARES_ENTITIES = re.compile(r"<!ENTITY|<!DOCTYPE[^\[>]*\[")
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_BYTE_ORDER_MARKS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# What may come before the root element: white space, the XML declaration and other processing
# instructions, comments, and a document type declaration without an internal subset.
_PROLOGUE_ITEM = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*>", re.DOTALL)
_ELEMENT_START = re.compile(r"<[^\s!?/<>]")


def check_zip(data: bytes, kind: str, params: ExtractParams) -> None:
    """Raise ExtractError when an office (zip) container is damaged, a bomb, or carries a DTD."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ExtractError(
            f"corrupt or unreadable {kind} file (zip directory unreadable: truncated or damaged)"
        ) from None
    with archive:
        members = archive.infolist()
        if len(members) > params.zip_max_members:
            raise ExtractError(f"zip bomb suspected: {len(members)} members (limit {params.zip_max_members})")
        total = 0
        for member in members:
            size_mb = member.file_size / _MB
            total += member.file_size
            if size_mb > params.zip_max_member_mb:
                raise ExtractError(
                    f"zip bomb suspected: member {member.filename} declares {size_mb:.0f} MB "
                    f"(limit {params.zip_max_member_mb:g} MB)"
                )
            ratio = member.file_size / max(member.compress_size, 1)
            if size_mb >= params.zip_ratio_min_mb and ratio > params.zip_max_ratio:
                raise ExtractError(
                    f"zip bomb suspected: member {member.filename} compression ratio {ratio:.0f} "
                    f"(limit {params.zip_max_ratio:g})"
                )
        if total / _MB > params.zip_max_total_mb:
            raise ExtractError(
                f"zip bomb suspected: members declare {total / _MB:.0f} MB in all "
                f"(limit {params.zip_max_total_mb:g} MB)"
            )
        for member in members:
            if not member.is_dir():
                _check_xml_member(archive, member, kind)


def _check_xml_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, kind: str) -> None:
    """Refuse a DTD before the root element of a member that is XML by its name or its first bytes,
    and a member whose root element does not start within the bytes read (a DTD could follow)."""
    named_xml = member.filename.lower().endswith(_XML_SUFFIXES)
    try:
        with archive.open(member) as handle:
            head = handle.read(_XML_PROLOGUE_BYTES if named_xml else _SNIFF_BYTES)
            text = _xml_text(head, named_xml)
            if text is None:
                return
            if not named_xml:
                head += handle.read(_XML_PROLOGUE_BYTES - len(head))
                text = _xml_text(head, named_xml=True)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as error:
        raise ExtractError(f"corrupt or unreadable {kind} file (member {member.filename}: {error})") from None
    if (named_xml and any(marker in head for marker in _DTD_MARKERS)) or _DECLARES_ENTITIES.search(text):
        raise ExtractError(f"XML with a DTD/entity declarations refused in {member.filename} (entity expansion risk)")
    if len(head) < member.file_size and not _root_element_starts(text):
        raise ExtractError(
            f"XML whose root element does not start in its first {_XML_PROLOGUE_BYTES // 1024} KB refused "
            f"in {member.filename} (a DTD could follow unchecked)"
        )


def _xml_text(head: bytes, named_xml: bool) -> str | None:
    """``head`` decoded as the XML it starts (by its byte order mark, or by a first ``<`` in UTF-16
    or else UTF-8); None when the member is not named as XML and does not start with ``<``."""
    codec = "utf-8"
    for mark, marked_codec in _BYTE_ORDER_MARKS:
        if head.startswith(mark):
            head, codec = head[len(mark) :], marked_codec
            break
    else:
        if head.startswith(b"<\0"):
            codec = "utf-16-le"
        elif head.startswith(b"\0<"):
            codec = "utf-16-be"
    text = head.decode(codec, errors="replace")
    if not named_xml and not text.lstrip().startswith("<"):
        return None
    return text


def _root_element_starts(text: str) -> bool:
    """Whether the root element's start tag follows the prologue within ``text``."""
    position = 0
    while item := _PROLOGUE_ITEM.match(text, position):
        position = item.end()
    return _ELEMENT_START.match(text, position) is not None

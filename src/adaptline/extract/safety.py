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
_DECLARES_ENTITIES = re.compile(rb"<!ENTITY|<!DOCTYPE[^\[>]*\[")
_XML_SUFFIXES = (".xml", ".rels", ".vml")
# How a member in UTF-16 starts (a byte order mark, or a "<" without one), its codec, and how many
# bytes of the start to drop.
_UTF16_STARTS = (
    (codecs.BOM_UTF16_LE, "utf-16-le", 2),
    (codecs.BOM_UTF16_BE, "utf-16-be", 2),
    (b"<\0", "utf-16-le", 0),
    (b"\0<", "utf-16-be", 0),
)
# What may come before the root element: white space, the XML declaration and other processing
# instructions, comments, and a document type declaration without an internal subset.
_PROLOGUE_ITEM = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*>", re.DOTALL)
_ELEMENT_START = re.compile(rb"<[^\s!?/<>]")


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
            markup = _as_utf8(head)
            if not named_xml:
                if not markup.lstrip().startswith(b"<"):
                    return
                head += handle.read(_XML_PROLOGUE_BYTES - len(head))
                markup = _as_utf8(head)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as error:
        raise ExtractError(f"corrupt or unreadable {kind} file (member {member.filename}: {error})") from None
    if named_xml:
        declared = any(marker in head for marker in _DTD_MARKERS) or (
            markup is not head and any(marker in markup for marker in _DTD_MARKERS)
        )
    else:
        declared = _DECLARES_ENTITIES.search(markup) is not None
    if declared:
        raise ExtractError(f"XML with a DTD/entity declarations refused in {member.filename} (entity expansion risk)")
    if len(head) < member.file_size and not _root_element_starts(markup):
        raise ExtractError(
            f"XML whose root element does not start in its first {_XML_PROLOGUE_BYTES // 1024} KB refused "
            f"in {member.filename} (a DTD could follow unchecked)"
        )


def _as_utf8(head: bytes) -> bytes:
    """``head`` as UTF-8 markup: decoded from UTF-16 where its start says so, a UTF-8 byte order
    mark dropped; other bytes as they are (only the ASCII markup is looked at)."""
    if head.startswith(codecs.BOM_UTF8):
        return head[len(codecs.BOM_UTF8) :]
    for start, codec, dropped in _UTF16_STARTS:
        if head.startswith(start):
            return head[dropped:].decode(codec, errors="replace").encode()
    return head


def _root_element_starts(markup: bytes) -> bool:
    """Whether the root element's start tag follows the prologue within ``markup``."""
    position = 0
    while item := _PROLOGUE_ITEM.match(markup, position):
        position = item.end()
    return _ELEMENT_START.match(markup, position) is not None

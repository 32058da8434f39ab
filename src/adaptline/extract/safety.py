"""Checks that run on a document's bytes before any parser sees them.

Office files are zip containers: a zip bomb declares small compressed members that inflate to
gigabytes, and an XML member can carry a DTD with entity expansion ("billion laughs"). Both are
refused from the zip directory and the first bytes of each XML member, without inflating it all.
Declared sizes are binding: Python's zipfile stops at a member's declared size.
"""

from __future__ import annotations

import io
import zipfile

from adaptline.extract.params import ExtractParams
from adaptline.extract.readers.base import ExtractError

_MB = 1024 * 1024
_XML_PROLOGUE_BYTES = 65536  # a DTD must come before the root element, so the start of a member suffices
_DTD_MARKERS = tuple(marker.encode(codec) for marker in ("<!DOCTYPE", "<!ENTITY") for codec in ("utf-8", "utf-16-le"))
_XML_SUFFIXES = (".xml", ".rels", ".vml")


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
            if member.filename.lower().endswith(_XML_SUFFIXES):
                _check_xml_member(archive, member, kind)


def _check_xml_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, kind: str) -> None:
    try:
        with archive.open(member) as handle:
            head = handle.read(_XML_PROLOGUE_BYTES)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as error:
        raise ExtractError(f"corrupt or unreadable {kind} file (member {member.filename}: {error})") from None
    if any(marker in head for marker in _DTD_MARKERS):
        raise ExtractError(f"XML with a DTD/entity declarations refused in {member.filename} (entity expansion risk)")

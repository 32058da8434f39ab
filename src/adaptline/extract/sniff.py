"""Decide a document's kind from its content (magic bytes, zip members), not only its name."""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from pathlib import PurePosixPath

# Macro-enabled files, templates and slide shows are the same packages as .docx/.pptx/.xlsx under
# another main content type: read by the same readers (macros are neither run nor extracted).
EXTENSION_KINDS = {
    **dict.fromkeys((".docx", ".docm", ".dotx", ".dotm"), "docx"),
    **dict.fromkeys((".pptx", ".pptm", ".potx", ".potm", ".ppsx", ".ppsm"), "pptx"),
    **dict.fromkeys((".xlsx", ".xlsm", ".xltx", ".xltm"), "xlsx"),
    ".pdf": "pdf",
    ".c": "c",
    ".h": "c",
}
_ZIP_MARKERS = {"word/document.xml": "docx", "ppt/presentation.xml": "pptx", "xl/workbook.xml": "xlsx"}
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_PDF_SEARCH_BYTES = 1024  # the PDF header may follow a little junk
_TEXT_SAMPLE_BYTES = 8192
_EOCD_SIZE = 22  # end-of-central-directory record without its comment
_EOCD_SEARCH_BYTES = _EOCD_SIZE + 65535  # the record may be followed by a comment of up to 64 KiB
_TEXT_BYTES = bytes([0x09, 0x0A, 0x0C, 0x0D, *range(0x20, 0x100)])  # bytes allowed in source text


@dataclass(frozen=True)
class Sniffed:
    """``kind`` to extract as (None: not extractable), with a reason or note for the report."""

    kind: str | None
    reason: str = ""  # why not extractable, when kind is None
    note: str = ""  # remark when extractable (e.g. the extension disagrees with the content)
    failed: bool = False  # True: a document we should read but cannot (vs. a file that is not a document)


def sniff(data: bytes, path: str) -> Sniffed:
    """Kind of a file from its bytes; the extension only decides for C sources and damaged office files."""
    suffix = PurePosixPath(path).suffix.lower()
    by_extension = EXTENSION_KINDS.get(suffix)
    kind = _content_kind(data)
    if kind == "ole":
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o" in data:
            return Sniffed(None, "encrypted office file (password-protected OLE container)", failed=True)
        return Sniffed(None, "encrypted or legacy OLE office file (.doc/.xls/.ppt are not supported)", failed=True)
    if kind in ("zip", "zip?"):
        office = by_extension in ("docx", "pptx", "xlsx")
        if kind == "zip?" and office:  # truncated or damaged: the safety check reports what is wrong
            return Sniffed(by_extension)
        if office:
            return Sniffed(
                None, f"zip archive without the {by_extension} main part (not a valid {by_extension})", failed=True
            )
        return Sniffed(None, "zip archive that is not a docx/pptx/xlsx")
    if kind is None and by_extension == "c" and _looks_like_text(data):
        kind = "c"
    if kind is None:
        if by_extension in ("docx", "pptx", "xlsx", "pdf"):
            return Sniffed(None, f"not a {by_extension} file (content does not match the extension)", failed=True)
        if by_extension == "c":
            return Sniffed(None, "binary content with a C source extension", failed=True)
        return Sniffed(None, f"unsupported file type ({suffix or 'no extension'})")
    note = ""
    if by_extension != kind:
        note = f"extension {suffix or '(none)'} but content is {kind}; extracted as {kind}"
    return Sniffed(kind, note=note)


def _content_kind(data: bytes) -> str | None:
    if b"%PDF-" in data[:_PDF_SEARCH_BYTES]:
        return "pdf"
    if data.startswith(_OLE_MAGIC):
        return "ole"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        directory = _central_directory(data)
        if directory is None:
            return "zip?"
        for member, kind in _ZIP_MARKERS.items():
            if member.encode() in directory:
                return kind
        return "zip"
    return None


def _central_directory(data: bytes) -> bytes | None:
    """The zip central directory (member names of this archive, not of embedded ones), or None.

    Read from the end-of-central-directory record: much cheaper than ``zipfile.ZipFile`` for the
    one question sniffing asks. Zip64 archives (offsets 0xFFFFFFFF) go through ``zipfile``.
    """
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - _EOCD_SEARCH_BYTES))
    if end < 0 or end + _EOCD_SIZE > len(data):
        return None
    size, offset = struct.unpack_from("<II", data, end + 12)
    if offset == 0xFFFFFFFF or size == 0xFFFFFFFF:
        import zipfile  # only for archives the central-directory reader could not settle

        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return "\n".join(archive.namelist()).encode("utf-8", errors="replace")
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
    if offset + size > end:
        return None
    return data[offset : offset + size]


def _looks_like_text(data: bytes) -> bool:
    sample = data[:_TEXT_SAMPLE_BYTES]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16 with a byte order mark
    if b"\x00" in sample:
        return False
    controls = len(sample.translate(None, _TEXT_BYTES))
    return controls <= len(sample) // 100

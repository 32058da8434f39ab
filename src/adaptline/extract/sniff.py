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
_OTHER_PACKAGES = (  # zip members that mark document packages no reader here opens
    (b"xl/workbook.bin", "Excel binary workbook (.xlsb) not supported (save it as .xlsx)"),
    (b"Index/Document.iwa", "Apple iWork file (Pages, Numbers or Keynote) not supported (export it to Office)"),
)
# Main-part content types, for packages whose main part has another name than the usual one
# (Word for the web saves "word/document2.xml"): the package's [Content_Types].xml tells.
_MAIN_CONTENT_TYPES = (
    (b"wordprocessingml.document.main+xml", "docx"),
    (b"wordprocessingml.template.main+xml", "docx"),
    (b"ms-word.document.macroEnabled.main+xml", "docx"),
    (b"ms-word.template.macroEnabledTemplate.main+xml", "docx"),
    (b"presentationml.presentation.main+xml", "pptx"),
    (b"presentationml.slideshow.main+xml", "pptx"),
    (b"presentationml.template.main+xml", "pptx"),
    (b"ms-powerpoint.presentation.macroEnabled.main+xml", "pptx"),
    (b"ms-powerpoint.slideshow.macroEnabled.main+xml", "pptx"),
    (b"ms-powerpoint.template.macroEnabled.main+xml", "pptx"),
    (b"spreadsheetml.sheet.main+xml", "xlsx"),
    (b"spreadsheetml.template.main+xml", "xlsx"),
    (b"ms-excel.sheet.macroEnabled.main+xml", "xlsx"),
    (b"ms-excel.template.macroEnabled.main+xml", "xlsx"),
)
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_PDF_SEARCH_BYTES = 1024  # the PDF header may follow a little junk
_TEXT_SAMPLE_BYTES = 8192
_CONTENT_TYPES_LIMIT = 1024 * 1024  # a package's list of content types is a few KB; more is not read here
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
        if other := _other_document_package(data):
            return Sniffed(None, other)
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
        if b"[Content_Types].xml" in directory:
            return _kind_from_content_types(data) or "zip"
        return "zip"
    return None


def _kind_from_content_types(data: bytes) -> str | None:
    """The office kind a package's ``[Content_Types].xml`` names for its main part, or None."""
    import zipfile  # only for packages whose main part has an unusual name

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > _CONTENT_TYPES_LIMIT:
                return None
            content_types = archive.read(info)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, RuntimeError, NotImplementedError):
        return None
    return main_content_type_kind(content_types)


def main_content_type_kind(content_types: bytes) -> str | None:
    """The office kind of the first main-part content type named in ``content_types`` (a whole
    ``[Content_Types].xml`` or one content type), or None."""
    return next((kind for marker, kind in _MAIN_CONTENT_TYPES if marker in content_types), None)


def _other_document_package(data: bytes) -> str:
    """What a document package we do not read is ("" for any other zip): said in the report, so
    that a user knows which files to convert rather than seeing "a zip archive"."""
    directory = _central_directory(data) or b""
    for member, what in _OTHER_PACKAGES:
        if member in directory:
            return what
    if data[30:38] == b"mimetype" and b"opendocument" in data[38:120]:  # ODF: the first member names its type
        return "OpenDocument file (.odt/.ods/.odp) not supported (save it as .docx, .xlsx or .pptx)"
    return ""


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

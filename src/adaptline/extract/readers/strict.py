"""Strict Open XML packages (ISO/IEC 29500 Strict), read as Transitional ones.

Word, PowerPoint and Excel can save "Strict Open XML" files: the same parts as a .docx, .pptx or
.xlsx, with the markup under ``http://purl.oclc.org/ooxml/...`` namespaces and relationship types.
python-docx and python-pptx then find no main document (a ``KeyError``), and openpyxl finds a
workbook without sheets: the document failed, or was read as empty. The namespaces map one to one
onto the Transitional ones (ECMA-376 Part 1, the namespace tables of its Strict and Transitional
schemas), so the package's XML parts are rewritten with them before a reader opens it. What Strict
changes beyond the names (units, ISO 8601 date cells, the ``conformance`` attribute) the libraries
read as they are.
"""

from __future__ import annotations

import io
import zipfile

from adaptline.extract.readers.base import rewritten_package

STRICT_NOTE = "Strict Open XML package: read after mapping its namespaces to the Transitional ones"

_STRICT = b"http://purl.oclc.org/ooxml/"
_TRANSITIONAL = b"http://schemas.openxmlformats.org/"
# Longest first: the relationship types whose names also changed come before their namespace.
_NAMESPACES = (
    (b"officeDocument/relationships/extendedProperties", b"officeDocument/2006/relationships/extended-properties"),
    (b"officeDocument/relationships/customProperties", b"officeDocument/2006/relationships/custom-properties"),
    (b"officeDocument/relationships", b"officeDocument/2006/relationships"),
    (b"officeDocument/extendedProperties", b"officeDocument/2006/extended-properties"),
    (b"officeDocument/customProperties", b"officeDocument/2006/custom-properties"),
    *(
        (b"officeDocument/" + name, b"officeDocument/2006/" + name)
        for name in (b"math", b"bibliography", b"characteristics", b"customXml", b"docPropsVTypes", b"sharedTypes")
    ),
    *(
        (b"drawingml/" + name, b"drawingml/2006/" + name)
        for name in (
            *(b"main", b"chart", b"chartDrawing", b"diagram", b"picture", b"lockedCanvas", b"compatibility"),
            *(b"wordprocessingDrawing", b"spreadsheetDrawing"),
        )
    ),
    *(
        (name + b"/main", name + b"/2006/main")
        for name in (b"wordprocessingml", b"presentationml", b"spreadsheetml", b"schemaLibrary")
    ),
)
_XML_SUFFIXES = (".xml", ".rels")


def as_transitional(data: bytes) -> tuple[bytes, bool]:
    """The package's bytes with Strict namespaces mapped to Transitional ones, and whether it was
    Strict. A Transitional package (the usual case) is returned as is, after reading only its
    package relationships."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    try:
        package_relationships = archive.read("_rels/.rels")
    except KeyError:
        return data, False  # not a package the readers can open either: they report it
    if _STRICT not in package_relationships:
        return data, False
    return rewritten_package(archive, _transitional_member), True


def _transitional_member(name: str, content: bytes) -> bytes:
    return _transitional_xml(content) if name.lower().endswith(_XML_SUFFIXES) else content


def _transitional_xml(content: bytes) -> bytes:
    if _STRICT not in content:
        return content
    for strict, transitional in _NAMESPACES:
        content = content.replace(_STRICT + strict, _TRANSITIONAL + transitional)
    return content

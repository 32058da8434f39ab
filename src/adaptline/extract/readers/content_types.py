"""A package's ``[Content_Types].xml`` completed after damage: every part it lost is typed again.

python-docx, python-pptx and openpyxl find a part's kind (a header, a slide, a worksheet) by its
content type, and refuse the whole file when a part has none ("no content type for partname").
When the list of types was cut short, the relationship that points to a part still says what the
part is (a ``.../relationships/header`` target is a header), as ECMA-376 Part 2 pairs them; a part
no relationship names gets the type its extension implies. Only a recovered (damaged) list of types
comes here: the imports wait till then.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

_TYPES_NAMESPACE = "http://schemas.openxmlformats.org/package/2006/content-types"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE = "application/vnd.openxmlformats-officedocument."
_APP_FOLDERS = {"word": "wordprocessingml", "ppt": "presentationml", "xl": "spreadsheetml"}
_MAIN_PARTS = {
    "word": _OFFICE + "wordprocessingml.document.main+xml",
    "ppt": _OFFICE + "presentationml.presentation.main+xml",
    "xl": _OFFICE + "spreadsheetml.sheet.main+xml",
}
# Relationship type (its last segment) -> content type, for the types every application shares.
_SHARED_TYPES = {
    "core-properties": "application/vnd.openxmlformats-package.core-properties+xml",
    "extended-properties": _OFFICE + "extended-properties+xml",
    "custom-properties": _OFFICE + "custom-properties+xml",
    "theme": _OFFICE + "theme+xml",
    "chart": _OFFICE + "drawingml.chart+xml",
    "drawing": _OFFICE + "drawing+xml",
    "diagramData": _OFFICE + "drawingml.diagramData+xml",
    "diagramLayout": _OFFICE + "drawingml.diagramLayout+xml",
    "diagramColors": _OFFICE + "drawingml.diagramColors+xml",
    "diagramQuickStyle": _OFFICE + "drawingml.diagramStyle+xml",
}
# Relationship types whose content type is ``<application's ML>.<type>+xml`` in its folder.
_APP_TYPES = {
    "wordprocessingml": {
        "styles", "numbering", "settings", "webSettings", "fontTable", "header", "footer",
        "footnotes", "endnotes", "comments",
    },
    "presentationml": {
        "slide", "slideLayout", "slideMaster", "notesSlide", "notesMaster", "handoutMaster",
        "presProps", "viewProps", "tableStyles", "comments", "commentAuthors",
    },
    "spreadsheetml": {"worksheet", "sharedStrings", "styles", "comments", "chartsheet", "table", "calcChain"},
}  # fmt: skip
_BY_EXTENSION = {
    "rels": "application/vnd.openxmlformats-package.relationships+xml",
    "xml": "application/xml",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "emf": "image/x-emf",
    "wmf": "image/x-wmf",
    "bin": "application/vnd.openxmlformats-officedocument.oleObject",
}
_UNKNOWN = "application/octet-stream"


def completed_content_types(types: object, members: list[str], read: Callable[[str], bytes]) -> None:
    """Add to ``types`` (the recovered ``Types`` element) an ``Override`` for every member it no
    longer types; ``read(name)`` gives a member's bytes (its recovered ones, if damaged)."""
    from lxml import etree

    from adaptline.extract.readers.package import hardened_parser, target_member

    recovering = hardened_parser(recover=True)
    overrides = {(o.get("PartName") or "").lstrip("/") for o in types.iter(f"{{{_TYPES_NAMESPACE}}}Override")}  # type: ignore[attr-defined]
    defaults = {(d.get("Extension") or "").lower() for d in types.iter(f"{{{_TYPES_NAMESPACE}}}Default")}  # type: ignore[attr-defined]
    named: dict[str, str] = {}  # member -> content type its relationship implies
    for rels in (name for name in members if name.endswith(".rels")):
        root = etree.fromstring(read(rels), recovering)
        source_folder = posixpath.dirname(posixpath.dirname(rels))  # word/_rels/document.xml.rels -> word
        for relationship in root.iter(_RELATIONSHIP) if root is not None else ():
            member = target_member(source_folder, relationship.get("Target") or "")
            if relationship.get("TargetMode") == "External" or not member:
                continue
            content_type = _implied_type((relationship.get("Type") or "").rsplit("/", 1)[-1], member)
            if content_type:
                named.setdefault(member, content_type)
    for member in members:
        if member == "[Content_Types].xml" or member.endswith("/") or member in overrides:
            continue
        extension = posixpath.splitext(member)[1].lstrip(".").lower()
        content_type = named.get(member) or (None if extension in defaults else _BY_EXTENSION.get(extension, _UNKNOWN))
        if content_type:
            etree.SubElement(types, f"{{{_TYPES_NAMESPACE}}}Override", PartName=f"/{member}", ContentType=content_type)  # type: ignore[arg-type]


def _implied_type(relationship_type: str, member: str) -> str | None:
    """The content type a relationship of this type implies for ``member``, or None."""
    folder = member.split("/", 1)[0]
    if relationship_type == "officeDocument":
        return _MAIN_PARTS.get(folder)
    if relationship_type in _SHARED_TYPES:
        return _SHARED_TYPES[relationship_type]
    language = _APP_FOLDERS.get(folder)
    if language and relationship_type in _APP_TYPES[language]:
        return f"{_OFFICE}{language}.{relationship_type}+xml"
    return None

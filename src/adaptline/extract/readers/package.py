"""Office packages with relationships to parts that are not there, repaired so a reader can open them.

Word, PowerPoint and Excel open a file whose relationships point to missing parts (``Target="NULL"``
left by add-ins, ``#_top`` bookmarks written as a target, an image deleted by another tool); Word at
most says an image cannot be shown. python-docx and python-pptx refuse the whole file instead
(``KeyError: "There is no item named 'word/NULL' in the archive"``: python-docx issues #797, #1105,
#1351; python-pptx #206). Such a relationship can be dropped without losing any text, since the part
it names does not exist.
"""

from __future__ import annotations

import io
import posixpath
from typing import TYPE_CHECKING, Any

from adaptline.extract.readers.base import WHOLE_DOCUMENT_ERRORS, ExtractError, Extraction, rewritten_package

if TYPE_CHECKING:
    from adaptline.extract.params import ExtractParams

DANGLING_NOTE = "relationship(s) to parts missing from the package dropped (Office opens such files)"

_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_KINDS = ("docx", "pptx", "xlsx")


def without_dangling_relationships(data: bytes) -> tuple[bytes, int]:
    """The package without its internal relationships to missing parts, and how many were dropped
    (0: ``data`` as it is). Only a file a library refused comes here: the imports wait till then,
    off the path of every worker's first document."""
    import zipfile

    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    archive = zipfile.ZipFile(io.BytesIO(data))
    members = set(archive.namelist())
    rewritten: dict[str, bytes] = {}
    dropped = 0
    for name in members:
        if not name.endswith(".rels"):
            continue
        root = etree.fromstring(archive.read(name), parser)
        folder = posixpath.dirname(posixpath.dirname(name))  # word/_rels/document.xml.rels -> word
        dangling = [
            rel
            for rel in root.iter(_RELATIONSHIP)
            if rel.get("TargetMode") != "External" and _missing(folder, rel.get("Target", ""), members)
        ]
        for relationship in dangling:
            relationship.getparent().remove(relationship)
        if dangling:
            dropped += len(dangling)
            rewritten[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    if not dropped:
        return data, 0
    return rewritten_package(archive, lambda name, content: rewritten.get(name, content)), dropped


def _missing(folder: str, target: str, members: set[str]) -> bool:
    """Whether no archive member is the one ``target`` names (as written, or percent-decoded)."""
    from urllib.parse import unquote

    return not {_member(folder, target), _member(folder, unquote(target))} & members


def _member(folder: str, target: str) -> str:
    """The archive member a relationship target names, relative to the source part's folder."""
    target = target.split("#", 1)[0]
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target)) if target else ""


def read_repairing(reader: Any, kind: str, data: bytes, params: ExtractParams) -> Extraction:
    """The reader's extraction. An Office file a library refused is tried once more without its
    relationships to missing parts, which Office itself ignores; a note says how many were dropped."""
    try:
        return reader.read(data, params)
    except (ExtractError, *WHOLE_DOCUMENT_ERRORS):
        raise
    except Exception:
        if kind not in _OFFICE_KINDS:
            raise
        try:
            repaired, dropped = without_dangling_relationships(data)
        except Exception:  # not repairable: the first error is the one to report
            dropped = 0
        if not dropped:
            raise
    extraction = reader.read(repaired, params)
    extraction.notes.insert(0, f"{dropped} {DANGLING_NOTE}")
    return extraction

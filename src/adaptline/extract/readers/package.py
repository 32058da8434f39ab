"""Office packages a library refuses, repaired so a reader can open them: parts whose XML is damaged,
and relationships to parts that are not there.

Damaged XML: a control character a generator copied into the text (``PCDATA invalid Char value 11``),
or a part cut short by a tool that crashed while saving. python-docx and python-pptx parse every part
when they open a file, so one damaged header or slide fails the whole document (python-docx #1598:
"a raw lxml.etree.XMLSyntaxError out of Document()"). Word and LibreOffice offer to recover such a
file; here lxml's recovering parser reads what it can of each damaged part, and a note says which.

Missing parts: Word, PowerPoint and Excel open a file whose relationships point to missing parts (``Target="NULL"``
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
RECOVERED_NOTE = "recovered as far as it could be read (damaged XML): text there may be missing"

_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_KINDS = ("docx", "pptx", "xlsx")
_XML_MEMBER_ENDINGS = (".xml", ".rels")
_OFFICE_PREFIXES = {  # the prefixes Word, PowerPoint and Excel declare, always with these namespaces
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcmitype": "http://purl.org/dc/dcmitype/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
}
_CORE_PROPERTIES = "docProps/core.xml"
_APP_PROPERTIES = "docProps/app.xml"
_APP_PROPERTIES_NAMESPACE = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
# Parts a document reads fine without: cut where nothing of them is left, they are written empty.
_EMPTY_ROOTS = {
    _CORE_PROPERTIES: ("{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}coreProperties", "cp"),
    _APP_PROPERTIES: (f"{{{_APP_PROPERTIES_NAMESPACE}}}Properties", None),
}
_RELATIONSHIPS_NAMESPACE = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPES_NAMESPACE = "http://schemas.openxmlformats.org/package/2006/content-types"
_RELATIONSHIPS = f"{{{_RELATIONSHIPS_NAMESPACE}}}Relationships"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_PACKAGE_RELATIONSHIPS = "_rels/.rels"
_CONTENT_TYPES = "[Content_Types].xml"
_SPREADSHEET_NAMESPACE = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REQUIRED_ATTRIBUTES = {  # package entries that mean nothing without these
    f"{{{_RELATIONSHIPS_NAMESPACE}}}Relationship": ("Id", "Type", "Target"),
    f"{{{_CONTENT_TYPES_NAMESPACE}}}Override": ("PartName", "ContentType"),
    f"{{{_CONTENT_TYPES_NAMESPACE}}}Default": ("Extension", "ContentType"),
}
_NAMED_PARTS_AT_MOST = 3
_SAFE_PART_NAME = r"[A-Za-z0-9_./\[\]-]{1,80}"  # package-generated names; anything else is not echoed


def hardened_parser(recover: bool = False) -> Any:
    """The lxml parser every package repair reads with: no entities, no network, no huge trees;
    with ``recover``, one that reads what it can of damaged XML instead of refusing it."""
    from lxml import etree

    return etree.XMLParser(recover=recover, resolve_entities=False, no_network=True, huge_tree=False)


def with_damaged_xml_recovered(data: bytes) -> tuple[bytes, list[str]]:
    """The package with each XML part that is not well-formed replaced by what lxml's recovering
    parser reads of it, and the names of those parts ([]: ``data`` as it is). A part with nothing
    readable, or whose root cannot be named, is left as it was, but for a relationships part,
    which then has none, and the document properties, which are then empty. The copy keeps the
    hardening of every other parse (no entities, no network, no huge trees); a DTD never gets
    this far (``safety.check_zip``)."""
    import zipfile

    from lxml import etree

    strict, recovering = hardened_parser(), hardened_parser(recover=True)
    archive = zipfile.ZipFile(io.BytesIO(data))
    rewritten: dict[str, bytes] = {}
    for name in archive.namelist():
        if not name.lower().endswith(_XML_MEMBER_ENDINGS):
            continue
        content = archive.read(name)
        try:
            etree.fromstring(content, strict)
            continue
        except etree.XMLSyntaxError:
            pass
        try:
            root = etree.fromstring(content, recovering)
        except etree.XMLSyntaxError:  # e.g. cut inside the XML declaration: no element at all
            root = None
        default = _default_namespace(name)
        copy = _well_formed_copy(root, default) if root is not None else None
        if name.lower().endswith(".rels") and (copy is None or copy.tag != _RELATIONSHIPS):  # cut in its root tag
            copy = etree.Element(_RELATIONSHIPS, nsmap={None: _RELATIONSHIPS_NAMESPACE})
        elif name in _EMPTY_ROOTS and (copy is None or copy.tag != _EMPTY_ROOTS[name][0]):
            tag, prefix = _EMPTY_ROOTS[name]
            copy = etree.Element(tag, nsmap={prefix: tag[1:].split("}")[0]})
        if name == _PACKAGE_RELATIONSHIPS and _CONTENT_TYPES in archive.NameToInfo:
            _restore_main_relationship(copy, rewritten.get(_CONTENT_TYPES) or archive.read(_CONTENT_TYPES))
        if copy is not None:
            rewritten[name] = etree.tostring(copy, xml_declaration=True, encoding="UTF-8", standalone=True)
    if not rewritten:
        return data, []
    if _CONTENT_TYPES in rewritten:  # what the cut took from the list of types is typed again
        from adaptline.extract.readers.content_types import completed_content_types

        types = etree.fromstring(rewritten[_CONTENT_TYPES])
        members = archive.namelist()
        completed_content_types(types, members, lambda name: rewritten.get(name) or archive.read(name))
        rewritten[_CONTENT_TYPES] = etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True)
    return rewritten_package(archive, lambda name, content: rewritten.get(name, content)), sorted(rewritten)


def _restore_main_relationship(relationships: Any, content_types: bytes) -> None:
    """Put back the package's relationship to its main part (the document, presentation or
    workbook) when the cut took it, found as sniffing finds it: by its content type."""
    from lxml import etree

    from adaptline.extract.sniff import main_content_type_kind

    if any(rel.get("Type") == _OFFICE_DOCUMENT for rel in relationships.iter(_RELATIONSHIP)):
        return
    types = etree.fromstring(content_types, hardened_parser(recover=True))
    for override in types.iter(f"{{{_CONTENT_TYPES_NAMESPACE}}}Override") if types is not None else ():
        if main_content_type_kind(override.get("ContentType", "").encode()) and override.get("PartName"):
            etree.SubElement(
                relationships,
                _RELATIONSHIP,
                {"Id": "rIdRecovered1", "Type": _OFFICE_DOCUMENT, "Target": override.get("PartName").lstrip("/")},
            )
            return


def _default_namespace(part_name: str) -> str | None:
    """The namespace of a part's unprefixed names, for when the cut took its declaration."""
    if part_name.lower().endswith(".rels"):
        return _RELATIONSHIPS_NAMESPACE
    if part_name == _CONTENT_TYPES:
        return _CONTENT_TYPES_NAMESPACE
    if part_name == _APP_PROPERTIES:
        return _APP_PROPERTIES_NAMESPACE
    return _SPREADSHEET_NAMESPACE if part_name.startswith("xl/") else None


def _well_formed_copy(root: Any, default: str | None) -> Any:
    """A copy of a recovered tree that serialises to well-formed XML (None: its root cannot be
    named). The recovering parser keeps what a strict one refuses: a repeated attribute, a
    reference to an undefined entity, a control character in a namespace name, and a prefix whose
    declaration was cut off (``w:hdr`` without ``xmlns:w``). So only elements, their attributes
    (the last of a repeated one), text and tails are copied, and a prefix Office always declares
    the same way is given its namespace. An element that cannot be named is dropped with its
    content, the text after it kept; so is a package entry the cut left without a required
    attribute (a relationship without its target)."""
    copy = _copied_element(root, default, None)
    if copy is None:
        return None
    copy.text = root.text
    stack = [(root, copy)]
    while stack:
        source, target = stack.pop()
        previous = None
        for child in source:
            element = _copied_element(child, default, target) if isinstance(child.tag, str) else None
            if element is not None:
                element.text, element.tail = child.text, child.tail
                stack.append((child, element))
                previous = element
            elif child.tail:  # a comment, instruction, entity reference or nameless element: its tail kept
                if previous is None:
                    target.text = (target.text or "") + child.tail
                else:
                    previous.tail = (previous.tail or "") + child.tail
    return copy


def _copied_element(source: Any, default: str | None, parent: Any) -> Any:
    """A new element named, attributed and namespaced as ``source`` (under ``parent``, if given);
    None when it cannot be named or lacks a required attribute."""
    from lxml import etree

    tag = _qualified(source.tag, default)
    if tag is None:
        return None
    attributes = {qualified: value for name, value in source.items() if (qualified := _qualified(name, None))}
    if any(name not in attributes for name in _REQUIRED_ATTRIBUTES.get(tag, ())):
        return None
    namespaces = {prefix: _clean(uri) for prefix, uri in source.nsmap.items() if uri}
    try:
        if parent is None:
            return etree.Element(tag, attributes, nsmap=namespaces)
        return etree.SubElement(parent, tag, attributes, nsmap=namespaces)
    except ValueError:  # a name lxml still refuses (an empty one, a bad character)
        return None


def _qualified(name: str, default: str | None) -> str | None:
    """``name`` as lxml takes it: ``{namespace}local``, or None when its prefix is undeclared and
    not one of Office's fixed ones. An unprefixed name without namespace gets ``default``."""
    if name.startswith("{"):
        namespace, local = name[1:].split("}", 1)
        return f"{{{_clean(namespace)}}}{local}"
    if ":" not in name:
        return f"{{{default}}}{name}" if default else name
    prefix, local = name.split(":", 1)
    namespace = _OFFICE_PREFIXES.get(prefix)
    return f"{{{namespace}}}{local}" if namespace and ":" not in local else None


def _clean(namespace: str) -> str:
    """A namespace name without the control characters the recovering parser let into it (as
    they are, or as U+FFFD)."""
    return "".join(character for character in namespace if " " <= character != "\ufffd")


def recovered_note(part_names: list[str]) -> str:
    """The report note for the parts ``with_damaged_xml_recovered`` rewrote."""
    import re

    safe = [name for name in part_names if re.fullmatch(_SAFE_PART_NAME, name)]
    named = ", ".join(safe[:_NAMED_PARTS_AT_MOST])
    rest = len(part_names) - min(len(safe), _NAMED_PARTS_AT_MOST)
    parts = named + (f" and {rest} more part(s)" if named and rest else "" if named else f"{rest} part(s)")
    return f"{parts} {RECOVERED_NOTE}"


def without_dangling_relationships(data: bytes) -> tuple[bytes, int]:
    """The package without its internal relationships to missing parts, and how many were dropped
    (0: ``data`` as it is). Only a file a library refused comes here: the imports wait till then,
    off the path of every worker's first document."""
    import zipfile

    from lxml import etree

    parser = hardened_parser()
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

    return not {target_member(folder, target), target_member(folder, unquote(target))} & members


def target_member(folder: str, target: str) -> str:
    """The archive member a relationship target names, relative to the source part's folder."""
    target = target.split("#", 1)[0]
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target)) if target else ""


def repaired_package(data: bytes) -> tuple[bytes, list[str]]:
    """The package with its damaged XML parts recovered, then its relationships to missing parts
    dropped, and a note per repair made ([]: nothing to repair)."""
    recovered, damaged_parts = with_damaged_xml_recovered(data)
    repaired, dropped = without_dangling_relationships(recovered)
    notes = [recovered_note(damaged_parts)] if damaged_parts else []
    if dropped:
        notes.append(f"{dropped} {DANGLING_NOTE}")
    return repaired, notes


def read_repairing(reader: Any, kind: str, data: bytes, params: ExtractParams) -> Extraction:
    """The reader's extraction. An Office file a library refused is tried once more as Office
    would open it: damaged XML parts recovered, relationships to missing parts dropped; a note
    says what was repaired."""
    try:
        return reader.read(data, params)
    except (ExtractError, *WHOLE_DOCUMENT_ERRORS):
        raise
    except Exception as error:
        if kind not in _OFFICE_KINDS:
            raise
        try:
            repaired, notes = repaired_package(data)
        except WHOLE_DOCUMENT_ERRORS:
            raise
        except Exception:  # not repairable
            notes = []
        if not notes:
            raise
        refusal = error
    try:
        extraction = reader.read(repaired, params)
    except (ExtractError, *WHOLE_DOCUMENT_ERRORS):
        raise
    except Exception:  # still refused: the error on the file as it is says more than one on the repair
        raise refusal from None
    extraction.notes[:0] = notes
    return extraction

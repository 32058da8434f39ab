"""Office documents embedded in another: an OLE object whose data is a .docx, .pptx or .xlsx
package (a BOM pasted into a slide, a test log into a report) is read with its own reader.

One level deep: what an embedded document embeds in turn is not read. Each embedded package passes
the same zip checks as a file before its reader sees it. Objects of other programs (a Visio
drawing, an old Equation 3.0 object: OLE compound files) are not read, and the caller notes them.
"""

from __future__ import annotations

from dataclasses import replace

from adaptline.extract.params import ExtractParams
from adaptline.extract.readers.base import WHOLE_DOCUMENT_ERRORS, ExtractError

_READABLE = ("docx", "pptx", "xlsx")


def embedded_text(
    data: bytes | None, part_name: str, params: ExtractParams, skip_parts: tuple[str, ...] = ()
) -> tuple[list[str], str]:
    """The text blocks of an embedded object (its records' texts, in order, but for those of
    ``skip_parts``), and why it was not read ("" when it was): the caller puts the reason in a
    report note."""
    if not params.read_embedded_documents:
        return [], "extract.read_embedded_documents is off"
    if data is None:
        return [], "no data inside the document (a linked file?)"
    from adaptline.extract.readers import READERS  # the registry imports this module's users lazily
    from adaptline.extract.readers.package import read_repairing
    from adaptline.extract.safety import check_zip
    from adaptline.extract.sniff import sniff

    kind = sniff(data, part_name).kind
    if kind not in _READABLE:
        return [], "not a Word, PowerPoint or Excel package"
    try:
        check_zip(data, kind, params)
        extraction = read_repairing(READERS[kind], kind, data, replace(params, read_embedded_documents=False))
    except ExtractError as error:
        return [], str(error)
    except WHOLE_DOCUMENT_ERRORS:
        raise
    except Exception as error:  # a damaged embedded package costs that object, not the document
        return [], f"unreadable ({type(error).__name__})"
    chunks = [chunk for chunk in extraction.chunks if chunk.location.part not in skip_parts]
    return [chunk.text for chunk in chunks if chunk.text.strip()], ""

"""SmartArt graphics, read as an outline of their text (shared by the docx and pptx readers).

python-docx and python-pptx see a SmartArt graphic as a drawing without text: its text lives in
the diagram's data part, which the graphic references (``dgm:relIds``, relationship ``r:dm``).
"""

from __future__ import annotations

from lxml import etree

_DRAWING = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_DGM = "{http://schemas.openxmlformats.org/drawingml/2006/diagram}"
DIAGRAM_REFERENCE = f"{_DGM}relIds"
DIAGRAM_DATA_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}dm"
_NODE_TYPES = {None, "node", "asst"}  # points with a node's text (not doc, pres, transitions)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


def diagram_lines(data_part: bytes) -> list[str]:
    """SmartArt as an outline of its nodes' text, from the diagram's data part: the nodes' order
    and nesting are in its parent-of connections (nodes they do not reach follow, in the part's
    order)."""
    root = etree.fromstring(data_part, _PARSER)
    points = {point.get("modelId"): point for point in root.iter(f"{_DGM}pt")}
    children: dict[str | None, list[tuple[int, str | None]]] = {}
    for connection in root.iter(f"{_DGM}cxn"):
        if connection.get("type", "parOf") == "parOf":
            order = connection.get("srcOrd", "0")
            key = int(order) if order.isdigit() else 0
            children.setdefault(connection.get("srcId"), []).append((key, connection.get("destId")))
    lines: list[str] = []
    seen: set[str | None] = set()

    def add(model_id: str | None, depth: int) -> int:
        seen.add(model_id)
        paragraphs = (
            "".join(t.text or "" for t in p.iter(f"{_DRAWING}t")) for p in points[model_id].iter(f"{_DRAWING}p")
        )
        text = " ".join(" ".join(paragraphs).split())
        if text:
            lines.append("  " * depth + "- " + text)
        return depth + 1 if text else depth

    def visit(model_id: str | None, depth: int) -> None:
        for _, child in sorted(children.get(model_id, []), key=lambda item: item[0]):
            if child in points and child not in seen and points[child].get("type") in _NODE_TYPES:
                visit(child, add(child, depth))

    for model_id, point in points.items():
        if point.get("type") == "doc":
            visit(model_id, 0)
    for model_id, point in points.items():
        if model_id not in seen and point.get("type") in _NODE_TYPES:
            add(model_id, 0)
    return lines

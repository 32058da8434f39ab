"""DrawingML charts (``c:chartSpace`` parts, ECMA-376 Part 1 §21.2) as their title and data.

A chart's numbers live in its part's cache (each series keeps the values it was last drawn with),
not in the text of the document around it. Word documents and slides both embed such parts;
python-docx reads none of it, and python-pptx's chart objects cost a proxy per point. Read here
straight from the XML: per plot, a markdown table of categories by series, or for XY and bubble
charts one (x, y) table per series. The chart types of Office 2016 (waterfall, histogram, pareto,
box and whisker, treemap, sunburst, funnel) are another format, ``cx:chartSpace`` ("chartex"),
read the same way: one table of categories and values per series.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from adaptline.extract.readers.base import markdown_table

_C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
_A_TEXT, _A_PARAGRAPH = (
    "{http://schemas.openxmlformats.org/drawingml/2006/main}t",
    "{http://schemas.openxmlformats.org/drawingml/2006/main}p",
)
_NUMBER_CACHES, _LEVEL = {f"{_C}numCache", f"{_C}numLit"}, f"{_C}lvl"
_CX = "{http://schemas.microsoft.com/office/drawing/2014/chartex}"
# The ``c:chart`` or ``cx:chart`` in a drawing's graphicData: its ``r:id`` names the part.
CHART_REFERENCES = (f"{_C}chart", f"{_CX}chart")
CHART_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
# No entities, no network, no huge trees: a chart part comes from an untrusted file.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


def parse_chart(chart_part: bytes) -> Any:
    """The ``c:chartSpace`` element of a chart part's bytes."""
    return etree.fromstring(chart_part, _PARSER)


def chart_lines(chart_space: Any) -> list[str]:
    """ "Chart: title" (when it has one), then one markdown table per plot or XY series."""
    if chart_space.tag == f"{_CX}chartSpace":
        return _chartex_lines(chart_space)
    chart = chart_space.find(f"{_C}chart")
    if chart is None:
        return []
    lines = []
    title = _title(chart)
    if title:
        lines.append(f"Chart: {title}")
    plot_area = chart.find(f"{_C}plotArea")
    for plot in [] if plot_area is None else plot_area:
        if not (isinstance(plot.tag, str) and plot.tag.startswith(_C) and plot.tag.endswith("Chart")):
            continue  # layout, axes, data table, shape properties
        series = plot.findall(f"{_C}ser")
        tables = []
        categories = next((_points(one, "cat") for one in series if one.find(f"{_C}cat") is not None), None)
        if categories is not None and any(one.find(f"{_C}val") is not None for one in series):
            values = [_points(one, "val") for one in series]
            rows = [["", *(_series_name(one, number) for number, one in enumerate(series, start=1))]]
            for index in sorted(categories):
                rows.append([categories[index], *(column.get(index, "") for column in values)])
            tables.append(rows)
        elif categories is None and all(one.find(f"{_C}val") is not None for one in series):
            values = [_points(one, "val") for one in series]  # values without categories: numbered
            rows = [["", *(_series_name(one, number) for number, one in enumerate(series, start=1))]]
            for index in sorted(set().union(*values)):
                rows.append([str(index + 1), *(column.get(index, "") for column in values)])
            tables.append(rows)
        else:
            for number, one in enumerate(series, start=1):
                xs, ys = _points(one, "xVal"), _points(one, "yVal")
                name = _series_name(one, number)
                tables.append([[f"{name} x", f"{name} y"], *([xs.get(i, ""), ys.get(i, "")] for i in sorted(xs | ys))])
        lines += [table for table in (markdown_table(rows) for rows in tables if len(rows) > 1) if table]
    return lines


def _chartex_lines(chart_space: Any) -> list[str]:
    """An Office 2016 chart: its title, then per series a table of its categories and values
    (from the data block the series names; series derived from another, such as a pareto line,
    have none of their own)."""
    chart = chart_space.find(f"{_CX}chart")
    if chart is None:
        return []
    lines = []
    title = chart.find(f"{_CX}title")
    if title is not None:
        literal = " ".join(v.text or "" for v in title.iterfind(f"{_CX}tx/{_CX}txData/{_CX}v"))
        text = " ".join((_rich_text(title) or literal).split())
        if text:
            lines.append(f"Chart: {text}")
    data = {block.get("id"): block for block in chart_space.iterfind(f"{_CX}chartData/{_CX}data")}
    for number, series in enumerate(chart.iter(f"{_CX}series"), start=1):
        data_id = series.find(f"{_CX}dataId")
        block = data.get(data_id.get("val")) if data_id is not None and series.get("ownerIdx") is None else None
        if block is None:
            continue
        name = " ".join((series.findtext(f"{_CX}tx/{_CX}txData/{_CX}v") or "").split()) or f"series {number}"
        categories = _chartex_points(block, "strDim", text=True)
        values = _chartex_points(block, "numDim", text=False)
        rows = [["", name], *([categories.get(i, str(i + 1)), values.get(i, "")] for i in sorted(categories | values))]
        table = markdown_table(rows) if len(rows) > 1 else ""
        if table:
            lines.append(table)
    return lines


def _chartex_points(block: Any, dimension: str, text: bool) -> dict[int, str]:
    """Point index -> value of a chartex data block's first string or number dimension (its first
    level: the leaves of a hierarchy)."""
    level = block.find(f"{_CX}{dimension}/{_CX}lvl")
    if level is None:
        return {}
    points = {}
    for point in level.iterfind(f"{_CX}pt"):
        value = point.text or ""
        points[int(point.get("idx", "0"))] = " ".join(value.split()) if text else _number(value)
    return points


def _title(chart: Any) -> str:
    """The chart title's rich text, or the cell text it refers to."""
    title = chart.find(f"{_C}title")
    if title is None:
        return ""
    cached = " ".join(node.text or "" for node in title.iterfind(f"{_C}tx/{_C}strRef/{_C}strCache/{_C}pt/{_C}v"))
    return " ".join((_rich_text(title) or cached).split())


def _rich_text(title: Any) -> str:
    """A title's rich text (``a:p`` paragraphs), paragraphs joined by spaces: the same in both formats."""
    return " ".join("".join(t.text or "" for t in paragraph.iter(_A_TEXT)) for paragraph in title.iter(_A_PARAGRAPH))


def _series_name(series: Any, number: int) -> str:
    """A series' name: its cached cell text, the literal value, or "series N" as Excel labels it."""
    texts = [node.text or "" for node in series.iterfind(f"{_C}tx/{_C}strRef/{_C}strCache/{_C}pt/{_C}v")]
    literal = series.findtext(f"{_C}tx/{_C}v")
    return " ".join((" ".join(texts) or literal or "").split()) or f"series {number}"


def _points(series: Any, axis: str) -> dict[int, str]:
    """Point index -> cached value of a series' ``c:cat``, ``c:val``, ``c:xVal`` or ``c:yVal``
    (a string or number cache; of multi-level categories, the innermost level, as Excel labels
    each point)."""
    element = series.find(f"{_C}{axis}")
    if element is None:
        return {}
    points = {}
    for point in element.iter(f"{_C}pt"):
        value = point.findtext(f"{_C}v")
        cache = point.getparent()
        if value is None or (cache.tag == _LEVEL and any(True for _ in cache.itersiblings(_LEVEL, preceding=True))):
            continue  # an outer level of multi-level categories
        points[int(point.get("idx", "0"))] = _number(value) if cache.tag in _NUMBER_CACHES else " ".join(value.split())
    return points


def _number(text: str) -> str:
    """A cached number as a reader would see it, without float noise (``93.40000001`` is ``93.4``)."""
    try:
        return f"{float(text):g}"
    except ValueError:
        return " ".join(text.split())

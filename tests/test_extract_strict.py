"""Strict Open XML (ISO/IEC 29500 Strict) documents read as their Transitional twins."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from extract_builders import make_docx, make_pptx, make_xlsx

from adaptline.extract.params import ExtractParams
from adaptline.extract.readers import READERS
from adaptline.extract.readers.strict import STRICT_NOTE, as_transitional
from adaptline.samples.ooxml import add_inline_chart, math_frac, math_run, math_sub

PARAMS = ExtractParams()
# What "Save as Strict Open XML" changes, written out from ECMA-376 Part 1 on its own (not from the
# module under test): Transitional namespace or relationship type -> Strict.
_TO_STRICT = (
    ("officeDocument/2006/relationships/extended-properties", "officeDocument/relationships/extendedProperties"),
    ("officeDocument/2006/relationships", "officeDocument/relationships"),
    ("officeDocument/2006/extended-properties", "officeDocument/extendedProperties"),
    ("officeDocument/2006/docPropsVTypes", "officeDocument/docPropsVTypes"),
    ("officeDocument/2006/math", "officeDocument/math"),
    ("wordprocessingml/2006/main", "wordprocessingml/main"),
    ("presentationml/2006/main", "presentationml/main"),
    ("spreadsheetml/2006/main", "spreadsheetml/main"),
    ("drawingml/2006/main", "drawingml/main"),
    ("drawingml/2006/chart", "drawingml/chart"),
    ("drawingml/2006/picture", "drawingml/picture"),
    ("drawingml/2006/wordprocessingDrawing", "drawingml/wordprocessingDrawing"),
)
_CONFORMANCE = {  # the root attribute Office writes into a Strict main part
    "word/document.xml": (b"<w:document ", b'<w:document w:conformance="strict" '),
    "xl/workbook.xml": (b"<workbook ", b'<workbook conformance="strict" '),
}


def _as_strict(data: bytes) -> bytes:
    """The package as Office would have saved it as Strict Open XML (the markup's names)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.endswith((".xml", ".rels")):
                for transitional, strict in _TO_STRICT:
                    content = content.replace(
                        f"http://schemas.openxmlformats.org/{transitional}".encode(),
                        f"http://purl.oclc.org/ooxml/{strict}".encode(),
                    )
                old, new = _CONFORMANCE.get(info.filename, (b"", b""))
                content = content.replace(old, new, 1) if old else content
            target.writestr(info, content)
    return out.getvalue()


def _docx_with_equation_and_chart() -> bytes:
    from pptx.chart.data import CategoryChartData
    from pptx.chart.xmlwriter import ChartXmlWriter
    from pptx.enum.chart import XL_CHART_TYPE

    document = docx.Document()
    document.add_heading("Load capacitance", 1)
    paragraph = document.add_paragraph("With ")
    equation = math_sub("C", "L") + math_run("=") + math_frac(math_sub("C", "1"), math_sub("C", "2"))
    paragraph._p.append(
        docx.oxml.parse_xml(
            '<m:oMath xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math">' + equation + "</m:oMath>"
        )
    )
    efficiency = CategoryChartData()
    efficiency.categories = ["10 %", "100 %"]
    efficiency.add_series("Rev B", (89.0, 92.5))
    add_inline_chart(document, "Figure 1.", ChartXmlWriter(XL_CHART_TYPE.COLUMN_CLUSTERED, efficiency).xml.encode())
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("kind", "build"),
    [
        ("docx", make_docx),
        ("docx", _docx_with_equation_and_chart),
        ("pptx", make_pptx),
        ("xlsx", make_xlsx),
    ],
)
def test_strict_documents_read_like_their_transitional_twin(kind: str, build) -> None:
    """python-docx and python-pptx found no main document in a Strict file (the document failed
    with a KeyError), and openpyxl found no sheets (the workbook was read as empty)."""
    transitional = build()
    expected = READERS[kind].read(transitional, PARAMS)
    assert expected.chunks and STRICT_NOTE not in expected.notes

    strict = READERS[kind].read(_as_strict(transitional), PARAMS)
    assert strict.chunks == expected.chunks
    assert strict.meta == expected.meta
    assert strict.notes == [STRICT_NOTE, *expected.notes]


def test_docx_equation_and_chart_are_in_the_strict_twin_too() -> None:
    [heading] = READERS["docx"].read(_as_strict(_docx_with_equation_and_chart()), PARAMS).chunks
    assert "With C_L=C_1/C_2" in heading.text
    assert "| 100 % | 92.5 |" in heading.text


def test_a_transitional_package_is_passed_through_unchanged() -> None:
    data = make_docx()
    assert as_transitional(data) == (data, False)


def test_a_package_without_package_relationships_is_left_for_the_reader_to_report() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
    assert as_transitional(out.getvalue()) == (out.getvalue(), False)

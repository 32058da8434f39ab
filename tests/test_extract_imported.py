"""Content a Word document imports from other files (``w:altChunk``), as report generators write it."""

from __future__ import annotations

import io
import signal
from collections.abc import Iterator
from contextlib import contextmanager

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from extract_builders import make_docx
from hypothesis import given, settings
from hypothesis import strategies as st

from adaptline.extract.params import ExtractParams
from adaptline.extract.readers import READERS
from adaptline.extract.readers.imported import html_text
from adaptline.extract.safety import check_zip

PARAMS = ExtractParams()
_ALT_CHUNK = (
    '<w:altChunk xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="{}"/>'
)
_WEB_ARCHIVE = (
    b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="part"\r\n\r\n--part\r\n'
    b'Content-Type: text/html; charset="windows-1252"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
    b"<html><body><p>Leakage 2 =B5A at 85 =B0C</p></body></html>\r\n--part--\r\n"
)


def _report_with_chunks(chunks: list[tuple[str, str, bytes]]) -> bytes:
    """A generated test report: a heading, then each (part name, content type, bytes) imported
    where it stands, between two paragraphs. An empty part name makes a reference to nothing."""
    document = docx.Document()
    document.add_heading("Test report", 1)
    document.add_paragraph("Before.")
    body = document.element.body
    for name, content_type, blob in chunks:
        rel_id = "rId999"
        if name:
            rel_id = document.part.relate_to(
                Part(PackURI(name), content_type, blob, document.part.package), RT.A_F_CHUNK
            )
        body.insert(len(body) - 1, parse_xml(_ALT_CHUNK.format(rel_id)))
    document.add_paragraph("After.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_imported_html_web_archive_text_and_word_content_are_read_where_they_stand() -> None:
    """python-docx reads no altChunk: a generated report's imported body was lost without a word.
    A .docx chunk typed as a main document part (as the Open XML SDK writes it) made python-docx
    fail on the whole host document."""
    data = _report_with_chunks(
        [
            ("/word/afchunk1.htm", "text/html", b"<h2>Ripple</h2><p>12 mV<br>at full load</p>"),
            ("/word/afchunk2.mht", "message/rfc822", _WEB_ARCHIVE),
            ("/word/afchunk3.txt", "text/plain", b"PASS: 14 of 14\r\n"),
            ("/word/afchunk4.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
             make_docx("Annex")),
            ("/word/afchunk5.rtf", "application/rtf", b"{\\rtf1 not read}"),
        ]
    )  # fmt: skip
    extraction = READERS["docx"].read(data, PARAMS)
    [body] = [chunk for chunk in extraction.chunks if chunk.location.part == "body"]
    assert body.location.heading_path == ("Test report",)
    assert body.text.startswith(
        "# Test report\n\nBefore.\n\n## Ripple\n\n12 mV\nat full load\n\nLeakage 2 µA at 85 °C\n\n"
        "PASS: 14 of 14\n\n# Scope"
    )
    assert body.text.endswith("Approved with actions.\n\nAfter.")
    annex = make_docx("Annex")
    annex_parts = {chunk.location.part: chunk.text for chunk in READERS["docx"].read(annex, PARAMS).chunks}
    assert annex_parts["header"] not in body.text  # Word drops an imported document's running parts
    assert extraction.notes == ["imported content (altChunk) of type application/rtf not read"]


def test_imported_web_page_with_a_doctype_passes_the_zip_check() -> None:
    """The zip check refuses DTDs in every member that starts like XML, whatever its name. A web
    page's ``<!DOCTYPE html>`` declares no entities: it must not cost the host document, even in a
    page longer than the 64 KB the check reads."""
    page = (
        b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        b'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html><body><h2>Ripple</h2>'
        + b"<p>12 mV at full load</p>" * 4000
        + b"</body></html>"
    )
    data = _report_with_chunks([("/word/afchunk1.htm", "text/html", page)])
    check_zip(data, "docx", PARAMS)
    body = [chunk.text for chunk in READERS["docx"].read(data, PARAMS).chunks if chunk.location.part == "body"]
    assert body[0].startswith("# Test report\n\nBefore.\n\n## Ripple\n\n12 mV at full load\n\n")
    assert "".join(body).count("12 mV at full load") == 4000


def test_imported_content_that_is_missing_or_damaged_is_a_note() -> None:
    word = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    data = _report_with_chunks([("", "", b""), ("/word/afchunk1.docx", word, b"PK\x03\x04broken")])
    extraction = READERS["docx"].read(data, PARAMS)
    assert [chunk.text for chunk in extraction.chunks] == ["# Test report\n\nBefore.\n\nAfter."]
    assert extraction.notes == [
        "imported content (altChunk) not read: its part is missing or an external file",
        "imported Word content (altChunk) not read: "
        "corrupt or unreadable docx file (zip directory unreadable: truncated or damaged)",
    ]


def test_html_text_keeps_headings_lists_and_tables_and_drops_scripts() -> None:
    html = """<html><head><title>Report</title><style>p { color: red }</style></head><body>
    <h1>Results &amp; limits</h1><p>Unit <b>SN-0042</b>&nbsp;passed.</p>
    <ol><li>Power on</li><li>Measure<ul><li>ripple</li><li>noise</li></ul></li><li>Log</li></ol>
    <table><tr><th>Test</th><th>Result</th></tr>
    <tr><td>Load step</td><td>pass<table><tr><td>0.5 A</td><td>ok</td></tr>
    <tr><td>1 A</td><td>ok</td></tr></table></td></tr>
    <tr><td>Line | reg</td><td><p>fail</p></td></tr></table>
    <script>document.write("not text")</script><p>End</p></body></html>"""
    assert html_text(html) == (
        "# Results & limits\n\nUnit SN-0042 passed.\n\n"
        "1. Power on\n2. Measure\n  - ripple\n  - noise\n3. Log\n\n"
        "| Test | Result |\n|---|---|\n| Load step | pass 0.5 A; ok 1 A; ok |\n| Line \\| reg | fail |\n\nEnd"
    )


def test_html_text_of_a_truncated_page_keeps_what_it_has() -> None:
    assert html_text("<p>Intro</p><table><tr><td>a</td><td>b") == "Intro\n\n| a | b |\n|---|---|"


@contextmanager
def _fails_after(seconds: int) -> Iterator[None]:
    """A loop that never ends fails the test instead of hanging the suite."""

    def stop(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_html_text_of_a_page_cut_inside_a_style_with_a_table_open_ends() -> None:
    """Closing the tables a truncated page left open looped for ever when the cut fell inside a
    <style> or <script> (found by the property test below)."""
    with _fails_after(10):
        assert html_text("<table><tr><td>kept</td><style>td {") == "| kept |\n|---|"


_TAG_SOUP = st.lists(
    st.sampled_from(
        [
            *("<p>", "</p>", "<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<th>", "</th>", "<br>"),
            *("<ul>", "</ul>", "<ol>", "</ol>", "<li>", "</li>", "<h2>", "</h2>", "<script>", "</script>"),
            *("<style>", "</style>", "<head>", "</head>", "&amp;", "&#xD800;", "&bogus;", "<", ">", "<!--"),
            *("-->", "<![CDATA[", "]]>", "x", " ", "\n", "|", "é"),
        ]
    ),
    max_size=60,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TAG_SOUP)
def test_html_text_ends_on_any_tag_soup(html: str) -> None:
    with _fails_after(10):
        assert isinstance(html_text(html), str)


def test_imported_content_in_table_cells_and_headers_is_read_there() -> None:
    """Word merges a chunk wherever it stands; so does the reader (a table cell, a header)."""
    document = docx.Document()
    document.add_paragraph("Body.")
    cell = document.add_table(rows=1, cols=2).cell(0, 1)
    document.add_table(rows=1, cols=1)  # an empty table after: the cell's chunk must stay in its cell
    header = document.sections[0].header
    for owner, container, name, html in (
        (document.part, cell._tc, "/word/afchunk1.htm", b"<p>PASS</p><p>12 mV</p>"),
        (header.part, header._element, "/word/afchunk2.htm", b"<p>Generated by ATE-03</p>"),
    ):
        part = Part(PackURI(name), "text/html", html, document.part.package)
        container.append(parse_xml(_ALT_CHUNK.format(owner.relate_to(part, RT.A_F_CHUNK))))
    document.tables[0].cell(0, 0).text = "Ripple"
    buffer = io.BytesIO()
    document.save(buffer)
    extraction = READERS["docx"].read(buffer.getvalue(), PARAMS)
    assert [(chunk.location.part, chunk.text) for chunk in extraction.chunks] == [
        ("header", "Generated by ATE-03"),
        ("body", "Body.\n\n| Ripple | PASS 12 mV |\n|---|---|"),
    ]
    assert extraction.notes == []

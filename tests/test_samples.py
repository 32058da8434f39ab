"""The embedded sample corpus: byte-identical generation, every required feature present, planted
personal data and jargon where the later stages expect them, and the small public builders."""

from __future__ import annotations

import difflib
import io
import re
import zipfile
from pathlib import Path

import docx
import openpyxl
import pptx
import pypdf
import pytest
import tree_sitter
import tree_sitter_c
from pptx.enum.shapes import MSO_SHAPE_TYPE

from adaptline.extract.params import ExtractParams
from adaptline.extract.readers.c import compiler_view
from adaptline.samples import (
    JARGON,
    PLANTED_PII,
    Formula,
    SheetSpec,
    SlideSpec,
    build_docx,
    build_pdf,
    build_pptx,
    build_xlsx,
    generate_corpus,
    generate_sample_corpus,
    write_c,
    write_term_lists,
)
from adaptline.samples.planted import BOILERPLATE_FOOTER, MARTA, PEOPLE
from adaptline.samples.reports import psu_bom_rows

REPO = Path(__file__).resolve().parents[1]
KIND_OF = {".docx": "docx", ".pptx": "pptx", ".xlsx": "xlsx", ".pdf": "pdf", ".c": "c", ".h": "c"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sample")
    generate_sample_corpus(root)
    return root


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# --- text of each kind, read with the plain libraries (not the extract stage) ----------------------


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    props = document.core_properties
    return "\n".join([*parts, props.author, props.last_modified_by, props.title])


def _shape_texts(shapes) -> list[str]:  # type: ignore[no-untyped-def]
    out = []
    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            out += _shape_texts(shape.shapes)
        elif shape.has_text_frame:
            out.append(shape.text_frame.text)
        elif shape.has_table:
            out += [cell.text for row in shape.table.rows for cell in row.cells]
    return out


def pptx_text(path: Path) -> str:
    deck = pptx.Presentation(str(path))
    parts = [deck.core_properties.author]
    for slide in deck.slides:
        parts += _shape_texts(slide.shapes)
        if slide.has_notes_slide:
            parts.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(parts)


def xlsx_text(path: Path) -> str:
    book = openpyxl.load_workbook(path, data_only=True, read_only=True)
    parts = [book.properties.creator or ""]
    for sheet in book.worksheets:
        parts += [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    return "\n".join(parts)


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(path)
    return "\n".join([*(page.extract_text() for page in reader.pages), str(reader.metadata.author)])


def corpus_text(root: Path) -> str:
    readers = {"docx": docx_text, "pptx": pptx_text, "xlsx": xlsx_text, "pdf": pdf_text}
    parts = []
    for path in sorted(root.rglob("*")):
        kind = KIND_OF.get(path.suffix)
        if kind == "c":
            parts.append(path.read_text(encoding="utf-8"))
        elif kind:
            parts.append(readers[kind](path))
    return "\n".join(parts)


# --- corpus-level -------------------------------------------------------------------------------------


def test_sample_corpus_is_byte_identical_and_complete(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    generate_sample_corpus(first)
    generate_sample_corpus(second)
    a, b = _files(first), _files(second)
    assert a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []
    assert len(a) >= 40
    kinds = {KIND_OF[Path(name).suffix] for name in a}
    assert kinds == {"docx", "pptx", "xlsx", "pdf", "c"}
    assert sum(len(data) for data in a.values()) < 3_000_000
    for folder in (
        "design_reviews",
        "test_reports",
        "slides",
        "bom",
        "specs",
        "firmware/stm32f4_sensor_node/src",
        "firmware/stm32f4_sensor_node/include",
        "firmware/stm32f7_gateway/src",
    ):
        assert any(name.startswith(folder + "/") for name in a), folder


def test_committed_sample_matches_generator(corpus: Path) -> None:
    committed = REPO / "data" / "sample"
    if not committed.is_dir():
        pytest.skip("data/sample not generated in this checkout")
    generated, on_disk = _files(corpus), _files(committed)
    # Office files are compared member by member: deflate output may differ between zlib builds.
    stale = sorted(name for name in generated if _content(name, on_disk.get(name)) != _content(name, generated[name]))
    assert stale == [], "run scripts/make_sample_corpus.py to refresh data/sample"


def _content(name: str, data: bytes | None) -> object:
    if data is None or not name.endswith(("docx", "pptx", "xlsx")):
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, info.date_time, archive.read(info)) for info in archive.infolist()]


def test_office_zips_have_fixed_times_and_order(corpus: Path) -> None:
    for path in sorted(corpus.rglob("*.*x")):
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            assert infos[0].filename == "[Content_Types].xml"
            assert [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])
            assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
            core = archive.read("docProps/core.xml").decode()
            assert re.search(r"<dcterms:created[^>]*>2024-", core) and re.search(r"<dcterms:modified[^>]*>2024-", core)


def test_planted_pii_and_jargon_occur_in_the_corpus(corpus: Path) -> None:
    text = corpus_text(corpus)
    missing = [(entity, value) for entity, values in PLANTED_PII.items() for value in values if value not in text]
    assert missing == []
    assert [term for term in JARGON if term not in text] == []
    assert {
        "PERSON",
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "IBAN_CODE",
        "CREDIT_CARD",
        "US_SSN",
        "IP_ADDRESS",
        "DATE_OF_BIRTH",
        "EMPLOYEE_ID",
        "STREET_ADDRESS",
        "API_TOKEN",
        "PASSWORD",
        "PRIVATE_KEY",
        "ORGANIZATION",
    } <= PLANTED_PII.keys()


def test_term_lists(tmp_path: Path) -> None:
    write_term_lists(tmp_path / "deny.txt", tmp_path / "allow.txt")
    deny = [line for line in (tmp_path / "deny.txt").read_text().splitlines() if not line.startswith("#")]
    allow = [line for line in (tmp_path / "allow.txt").read_text().splitlines() if not line.startswith("#")]
    assert deny == PLANTED_PII["ORGANIZATION"]
    assert {"Ohm", "Kelvin", "Tesla", "Fourier"} <= set(allow)


# --- per kind -----------------------------------------------------------------------------------------


def test_docx_features(corpus: Path) -> None:
    document = docx.Document(str(corpus / "design_reviews/PSU-DR-012_rev_B.docx"))
    styles = {p.style.name for p in document.paragraphs}
    assert {"Heading 1", "Heading 2", "Heading 3", "List Bullet", "List Number"} <= styles
    assert len(document.tables) >= 3
    section = document.sections[0]
    assert MARTA.name in section.header.paragraphs[0].text and MARTA.phone in section.header.paragraphs[0].text
    assert section.footer.paragraphs[0].text == BOILERPLATE_FOOTER
    props = document.core_properties
    assert props.author == MARTA.name and props.revision == 2
    assert props.created.year == 2024 and props.modified.isoformat().startswith("2024-03-18")


def test_docx_revisions_are_near_duplicates(corpus: Path) -> None:
    a = docx_text(corpus / "design_reviews/PSU-DR-012_rev_A.docx")
    b = docx_text(corpus / "design_reviews/PSU-DR-012_rev_B.docx")
    assert a != b
    assert difflib.SequenceMatcher(None, a, b).ratio() > 0.85


def test_boilerplate_footer_is_shared(corpus: Path) -> None:
    footers = [docx.Document(str(p)).sections[0].footer.paragraphs[0].text for p in sorted(corpus.rglob("*.docx"))]
    assert footers.count(BOILERPLATE_FOOTER) == len(footers) >= 8
    assert sum(BOILERPLATE_FOOTER in pdf_text(p) for p in corpus.rglob("*.pdf")) == 5


def test_same_bom_table_in_docx_and_xlsx(corpus: Path) -> None:
    document = docx.Document(str(corpus / "design_reviews/PSU-DR-012_rev_B.docx"))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    assert psu_bom_rows() in tables
    sheet = openpyxl.load_workbook(corpus / "bom/PSU-BOM_rev_B.xlsx", data_only=True)["PSU BOM"]
    rows = [list(r) for r in sheet.iter_rows(min_row=2, max_row=len(psu_bom_rows()) + 1, values_only=True)]
    as_text = [[str(v) if not isinstance(v, float) else f"{v:.2f}" for v in row] for row in rows]
    assert as_text == psu_bom_rows()


def test_pptx_features(corpus: Path) -> None:
    deck = pptx.Presentation(str(corpus / "slides/PWR-24-05_review_kickoff.pptx"))
    groups = [s for slide in deck.slides for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.GROUP]
    assert groups and "TPS54331 buck -> 5 V" in _shape_texts(groups[0].shapes)
    assert any(s.has_table for slide in deck.slides for s in slide.shapes)
    assert all(slide.shapes.title.text for slide in deck.slides)
    assert all(slide.notes_slide.notes_text_frame.text for slide in deck.slides)
    assert deck.core_properties.author == MARTA.name


def test_xlsx_formulas_have_cached_values_and_merges(corpus: Path) -> None:
    path = corpus / "test_results/thermal_log_THM-2024-044.xlsx"
    formulas = openpyxl.load_workbook(path)
    values = openpyxl.load_workbook(path, data_only=True)
    assert len(formulas.sheetnames) >= 2
    log = formulas["Log"]
    assert log.max_row >= 600
    assert "A1:H1" in [str(r) for r in log.merged_cells.ranges]
    assert log["H3"].value == "=MAX(B3:F3)"
    cached = values["Log"]["H3"].value
    assert isinstance(cached, float)
    assert cached == max(values["Log"].cell(row=3, column=c).value for c in range(2, 7))
    summary = values["Summary"]
    assert summary["B3"].value == max(values["Log"].cell(row=r, column=2).value for r in range(3, log.max_row + 1))
    with zipfile.ZipFile(corpus / "bom/PSU-BOM_rev_B.xlsx") as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<v></v>" not in sheet_xml and "<v />" not in sheet_xml
    assert re.search(r"<f>SUM\(G3:G14\)</f><v>5\.48</v>", sheet_xml)


def test_pdf_features(corpus: Path) -> None:
    hyphenated = 0
    for path in sorted(corpus.rglob("*.pdf")):
        reader = pypdf.PdfReader(path)
        assert 3 <= len(reader.pages) <= 8, path.name
        pages = [page.extract_text() for page in reader.pages]
        header = pages[0].splitlines()[0]
        for number, text in enumerate(pages, start=1):
            assert header in text and f"Page {number} of {len(pages)}" in text
        assert "Rev Date Author Description" in pages[0]
        hyphenated += len(re.findall(r"[a-z]{3,}-\n[a-z]{3,}", "\n".join(pages)))
    assert hyphenated >= 5


def test_pdf_revisions_are_near_duplicates(corpus: Path) -> None:
    c = pdf_text(corpus / "specs/SPEC-UART-001_rev_C.pdf")
    d = pdf_text(corpus / "specs/SPEC-UART-001_rev_D.pdf")
    assert c != d and difflib.SequenceMatcher(None, c, d).ratio() > 0.85


def test_c_tree(corpus: Path) -> None:
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_c.language()))
    longest = 0
    node_types: set[str] = set()
    for path in sorted((corpus / "firmware").rglob("*.[ch]")):
        source = path.read_bytes()
        assert source.startswith(b"/**\n * @file")
        assert re.search(rb"@author  [A-Z][a-z]+ [A-Z][a-z]+ <[^>]+@kestrel-dynamics\.example>", source)
        tree = parser.parse(compiler_view(source, ExtractParams()))  # as a C compiler reads it
        assert not tree.root_node.has_error, path.name
        for node in tree.root_node.children:
            node_types.add(node.type)
            if node.type == "function_definition":
                longest = max(longest, node.end_point[0] - node.start_point[0] + 1)
    assert longest > 150
    assert {"function_definition", "preproc_def", "type_definition", "comment", "preproc_ifdef"} <= node_types
    f4 = (corpus / "firmware/stm32f4_sensor_node/src/uart.c").read_text()
    f7 = (corpus / "firmware/stm32f7_gateway/src/uart.c").read_text()
    assert "stm32f4_uart_init" in f4 and "stm32f7_uart_init" in f7 and "stm32f4" not in f7
    assert difflib.SequenceMatcher(None, f4, f7).ratio() > 0.8
    assert "volatile uint32_t *)0x40023844u" in f4
    # CMSIS-style qualifier macros, which the parse only gets through blanked (extract.c_qualifier_macros)
    assert "    __IO uint32_t CR1;" in f4 and "__STATIC_INLINE uint16_t ring_next(uint16_t index)" in f7
    uart_h = (corpus / "firmware/stm32f4_sensor_node/include/uart.h").read_text()
    assert '#ifdef __cplusplus\nextern "C" {\n#endif' in uart_h  # the usual C++ guard around a header
    assert "static inline size_t stm32f4_uart_pending(" in uart_h


# --- builders and the synthetic corpus ---------------------------------------------------------------


def test_builders_make_readable_documents(tmp_path: Path) -> None:
    d = build_docx(
        tmp_path / "d.docx", ["Body text."], [(2, "Section")], [["A", "B"], ["1", "2"]], "HDR", "FTR", "Ann Example"
    )
    assert (
        "Body text." in docx_text(d)
        and "HDR" in docx_text(d)
        and docx.Document(str(d)).core_properties.author == "Ann Example"
    )
    p = build_pptx(tmp_path / "p.pptx", [SlideSpec("Title", ["point"], group=["g1", "g2"], notes="n1")])
    assert all(t in pptx_text(p) for t in ("Title", "point", "g1", "g2", "n1"))
    x = build_xlsx(tmp_path / "x.xlsx", [SheetSpec("S", [["a", "b", "sum"], [1, 2, Formula("A2+B2", 3)]])])
    assert openpyxl.load_workbook(x, data_only=True)["S"]["C2"].value == 3
    f = build_pdf(tmp_path / "f.pdf", ["first page text", "second page text"], header="HEAD", footer="FOOT")
    pages = [page.extract_text() for page in pypdf.PdfReader(f).pages]
    assert len(pages) == 2 and "second page text" in pages[1] and "Page 2 of 2" in pages[1] and "HEAD" in pages[1]
    c = write_c(
        tmp_path / "m.c", "int f(void) { return 0; }", brief="demo", author="Ann Example", email="ann@x.example"
    )
    assert "@author  Ann Example <ann@x.example>" in c.read_text()
    again = tmp_path / "again"
    assert (
        build_pdf(again / "f.pdf", ["first page text", "second page text"], "HEAD", "FOOT").read_bytes()
        == f.read_bytes()
    )
    assert (
        build_docx(
            again / "d.docx", ["Body text."], [(2, "Section")], [["A", "B"], ["1", "2"]], "HDR", "FTR", "Ann Example"
        ).read_bytes()
        == d.read_bytes()
    )


def test_generate_corpus_is_deterministic_and_extends(tmp_path: Path) -> None:
    small = _files(Path(generate_corpus(tmp_path / "s", 10, seed=3)[0]).parents[1])
    big = _files(Path(generate_corpus(tmp_path / "b", 15, seed=3)[0]).parents[1])
    other = _files(Path(generate_corpus(tmp_path / "o", 10, seed=4)[0]).parents[1])
    assert len(small) == 10 and len(big) == 15
    assert {name: big[name] for name in small} == small
    assert other != small
    assert {KIND_OF[Path(name).suffix] for name in small} == {"docx", "pptx", "xlsx", "pdf", "c"}
    texts = [docx_text(tmp_path / "s" / name) for name in small if name.endswith(".docx")]
    assert len(set(texts)) == len(texts)
    assert any(person.name in "".join(texts) for person in PEOPLE)


def test_xlsx_bytes_formula_cache_roundtrip() -> None:
    from adaptline.samples.ooxml import DocMeta, xlsx_bytes

    data = xlsx_bytes([SheetSpec("T", [["x"], [Formula("=1/3", 1 / 3)]])], DocMeta())
    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    assert book["T"]["A2"].value == pytest.approx(1 / 3)

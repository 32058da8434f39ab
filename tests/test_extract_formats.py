"""Per-format extraction on tiny generated documents: text, reading order, locations."""

from __future__ import annotations

import io
import itertools
import json
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from extract_builders import C_SOURCE, make_docx, make_pdf, make_pptx, make_xlsx

from adaptline.extract.params import ExtractParams, SensitivityRule
from adaptline.extract.readers import READERS
from adaptline.extract.readers.base import markdown_table, split_text
from adaptline.extract.runner import sensitivity_for
from adaptline.extract.sniff import sniff

PARAMS = ExtractParams()


def by_part(chunks, part):
    return [chunk for chunk in chunks if chunk.location.part == part]


def test_docx_reading_order_headings_lists_tables_and_running_parts() -> None:
    extraction = READERS["docx"].read(make_docx(), PARAMS)
    chunks = extraction.chunks
    assert extraction.meta == {"title": "Power Supply Design Review"}  # title kept, author never
    assert "Erika" not in str(extraction.meta)
    assert [c.text for c in by_part(chunks, "header")] == ["ACME Confidential · DR-0042 · prepared by Erika Mustermann"]
    assert [c.text for c in by_part(chunks, "footer")] == ["Printed copies are uncontrolled"]
    body = by_part(chunks, "body")
    assert [c.location.heading_path for c in body] == [("Scope",), ("Scope", "Findings"), ("Conclusion",)]
    assert body[0].text == "# Scope\n\nThis review covers the 3V3 buck converter."
    assert body[1].text == (
        "## Findings\n\n- Ripple exceeds the budget\n- Thermal margin is fine\n\n"
        "| Rail | Ripple mV |\n|---|---|\n| 3V3 | 45 |\n| 1V8 | 12 |\n\n"
        "1. Replace C12\n2. Re-run the load step test"
    )
    assert all("Erika" not in c.text for c in body)  # running header kept out of the body
    assert chunks[0].location.part == "header" and chunks[-1].location.part == "footer"


def test_docx_long_section_is_split_under_the_limit() -> None:
    document = docx.Document()
    document.add_heading("Long", level=1)
    for index in range(60):
        document.add_paragraph(f"Paragraph {index} " + "word " * 20)
    buffer = io.BytesIO()
    document.save(buffer)
    params = ExtractParams(max_chunk_chars=500)
    body = by_part(READERS["docx"].read(buffer.getvalue(), params).chunks, "body")
    assert len(body) > 5
    assert all(len(c.text) <= 500 for c in body)
    assert all(c.location.heading_path == ("Long",) for c in body)
    joined = "\n".join(c.text for c in body)
    assert "Paragraph 0 " in joined and "Paragraph 59 " in joined


def test_pptx_slides_titles_groups_tables_notes() -> None:
    chunks = READERS["pptx"].read(make_pptx(), PARAMS).chunks
    assert [(c.location.slide, c.location.part) for c in chunks] == [(1, "body"), (1, "notes"), (2, "body")]
    assert chunks[0].text == "# Motor Driver Status\n- Gate driver validated\n  - Dead time 200 ns"
    assert chunks[1].text == "Mention the EMI retest next week."
    # grouped shapes in top-to-bottom order (added bottom first), then the table further right/down
    assert chunks[2].text == (
        "# Test Matrix\nUpper grouped note\nLower grouped note\n| Test | Result |\n|---|---|\n| Surge | Pass |"
    )
    assert chunks[2].meta == {"slide_title": "Test Matrix"}


def test_xlsx_cached_formula_values_headers_merged_and_empty_rows() -> None:
    chunks = READERS["xlsx"].read(make_xlsx(), PARAMS).chunks
    assert [(c.location.sheet, c.location.cell_range) for c in chunks] == [("BOM", "A2:D6"), ("Results", "A1:B6")]
    assert chunks[0].text == (
        "Bill of materials rev B\n"
        "Columns: Ref | Part | Qty | Cost\n"
        "Ref: R1; Part: 10k 0402; Qty: 4; Cost: 0.01\n"
        "Ref: C12; Part: 22uF 0805; Qty: 2; Cost: 0.12\n"
        "Ref: Total; Cost: 0.28"
    )


def test_xlsx_chunks_every_n_rows_with_cell_ranges() -> None:
    chunks = READERS["xlsx"].read(make_xlsx(), ExtractParams(xlsx_rows_per_chunk=2)).chunks
    results = [c for c in chunks if c.location.sheet == "Results"]
    assert [c.location.cell_range for c in results] == ["A1:B3", "A4:B5", "A6:B6"]
    assert results[1].text == "Columns: Test | Value\nTest: T2; Value: 3\nTest: T3; Value: 4.5"


_PARSES_WITH_THE_STDLIB = (
    "import xml.etree.ElementTree as stdlib\n"
    "from openpyxl.reader import strings\n"
    "from openpyxl.worksheet import _reader as sheets\n"
    "assert sheets.iterparse is strings.iterparse is stdlib.iterparse, 'defusedxml parses'\n"
)


@pytest.mark.parametrize(("kind", "hidden"), [("xlsx", ("numpy", "PIL", "defusedxml")), ("pdf", ("PIL",))])
def test_readers_import_their_library_without_what_reading_never_uses(
    tmp_path: Path, kind: str, hidden: tuple[str, ...]
) -> None:
    """openpyxl loads numpy (to write numpy numbers) and Pillow (to load pictures of a workbook
    that is not read-only); pypdf loads Pillow (for page images). ~40 % of openpyxl's import, on the
    critical path of a run that adds one document. openpyxl parses sheets through defusedxml's
    Python parser when it is there, ~15 % slower than the standard library's in C; the zip check
    refuses DTDs before (test_extract_bad_inputs). What was hidden stays importable."""
    document = tmp_path / f"doc.{kind}"
    document.write_bytes(make_xlsx() if kind == "xlsx" else make_pdf(pages=2))
    library = {"xlsx": "openpyxl", "pdf": "pypdf"}[kind]
    code = (
        "import sys, pathlib\n"
        "from adaptline.extract.params import ExtractParams\n"
        "from adaptline.extract.readers import READERS\n"
        f"chunks = READERS[{kind!r}].read(pathlib.Path({str(document)!r}).read_bytes(), ExtractParams()).chunks\n"
        "assert chunks, 'no text'\n"
        f"assert {library!r} in sys.modules\n"
        f"assert not [name for name in {hidden!r} if name in sys.modules], 'pulled in'\n"
        f"{_PARSES_WITH_THE_STDLIB if kind == 'xlsx' else ''}"
        f"for name in {hidden!r}: __import__(name)\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_pdf_pages_without_running_lines_and_with_hyphens_joined() -> None:
    extraction = READERS["pdf"].read(make_pdf(pages=3), PARAMS)
    chunks = extraction.chunks
    assert extraction.meta == {"title": "Sensor Interface Specification"}
    assert [c.text for c in by_part(chunks, "header")] == ["SIS-100 Sensor Interface Specification Rev 2"]
    body = by_part(chunks, "body")
    assert [c.location.page for c in body] == [1, 2, 3]
    assert body[0].text == "Electrical requirements\nThe converter shall tolerate input transients of 40 V for 100 ms."
    assert body[1].text == "Timing requirements\nThe SPI clock shall not exceed 10 MHz."
    assert all("Page" not in c.text and "SIS-100" not in c.text for c in body)


def test_c_functions_with_comments_and_grouped_declarations() -> None:
    chunks = READERS["c"].read(C_SOURCE.encode(), PARAMS).chunks
    locations = [(c.location.function, c.location.line_start, c.location.line_end) for c in chunks]
    assert locations == [(None, 1, 12), ("uart_putc", 14, 23), ("add", 25, 25)]
    assert chunks[0].meta == {"symbols": ["UART_BASE", "uart_regs_t"]}
    assert chunks[0].text.startswith("/* uart.c - UART driver") and chunks[0].text.endswith("} uart_regs_t;")
    assert chunks[1].text.startswith("/**\n * Send one byte") and chunks[1].text.endswith("uart->DR = (uint32_t)c;\n}")
    assert all(c.location.part == "code" for c in chunks)
    # lossless: every non-blank source line is in exactly one chunk
    lines = [line for c in chunks for line in c.text.splitlines() if line.strip()]
    assert lines == [line for line in C_SOURCE.splitlines() if line.strip()]


def test_c_long_function_split_at_statement_boundaries() -> None:
    statements = "".join(f"    reg[{i}] = compute_value_for_register({i}, 0x{i:04x}u);\n" for i in range(40))
    source = f"/* Init all registers. */\nvoid init_all(void)\n{{\n{statements}}}\n".encode()
    chunks = READERS["c"].read(source, ExtractParams(max_chunk_chars=600)).chunks
    assert len(chunks) > 3
    assert all(c.location.function == "init_all" and len(c.text) <= 600 for c in chunks)
    assert chunks[0].text.startswith("/* Init all registers. */\nvoid init_all(void)\n{")
    assert chunks[-1].text.endswith("}")
    assert [c.meta["part"] for c in chunks] == list(range(1, len(chunks) + 1))
    for chunk in chunks[1:]:
        assert chunk.text.startswith("reg[")  # each piece starts on a statement
    assert chunks[0].location.line_start == 1 and chunks[-1].location.line_end == 44
    spans = [(c.location.line_start, c.location.line_end) for c in chunks]
    assert all(b[0] == a[1] + 1 for a, b in itertools.pairwise(spans))


def test_c_function_inside_include_guard_and_syntax_errors_noted() -> None:
    body = "".join(f"    x = x * {i} + {i};\n" for i in range(6))  # bodies are most of the file: it is skimmed
    source = (
        f"#ifndef DRV_H\n#define DRV_H\n\n/* Reset. */\nint drv_reset(int x)\n{{\n    return x +;\n{body}}}\n\n#endif\n"
    )
    source = source.encode()
    extraction = READERS["c"].read(source, ExtractParams(c_check_function_bodies=True))
    assert [c.location.function for c in extraction.chunks] == [None, "drv_reset", None]
    assert extraction.chunks[1].text.startswith("/* Reset. */\nint drv_reset(int x)")
    assert len(extraction.notes) == 1 and extraction.notes[0].startswith("C syntax errors near line(s) 7")
    # skimmed by default: the same chunks, but an error inside a function body goes unnoticed
    skimmed = READERS["c"].read(source, PARAMS)
    assert [c.to_dict() for c in skimmed.chunks] == [c.to_dict() for c in extraction.chunks]
    assert skimmed.notes == []
    # an error outside any function body is noted either way
    top_level = READERS["c"].read(source.replace(b"#define DRV_H", b"int broken = ;"), PARAMS)
    assert top_level.notes[0].startswith("C syntax errors near line(s) 2")


EXTERN_C_HEADER = """/* gpio.h - GPIO driver API */
#ifndef GPIO_H
#define GPIO_H

#if defined(__cplusplus)  /* C++ callers */
extern "C" {
#endif

/* Read one pin. */
static inline int gpio_read(volatile unsigned *port, int pin)
{
    return (*port >> pin) & 1u;
}

static inline void gpio_set(volatile unsigned *port, int pin) { *port |= 1u << pin; }

#ifdef __cplusplus
#if __cplusplus >= 201103L
static_assert(sizeof(int) == 4, "int");
#endif
} // extern "C"
#else
#define GPIO_C_ONLY 1
#endif

#endif /* GPIO_H */
"""


@pytest.mark.parametrize("check_bodies", [False, True])
def test_c_functions_inside_an_extern_c_guard_are_chunked_as_functions(check_bodies: bool) -> None:
    """tree-sitter-c reads both branches of ``#ifdef __cplusplus``: the brace of ``extern "C" {``
    then swallowed every function up to the closing guard, and the header was one declarations
    chunk with a syntax error. The reader parses what a C compiler sees."""
    extraction = READERS["c"].read(EXTERN_C_HEADER.encode(), ExtractParams(c_check_function_bodies=check_bodies))
    chunks = extraction.chunks
    locations = [(c.location.function, c.location.line_start, c.location.line_end) for c in chunks]
    assert locations == [(None, 1, 7), ("gpio_read", 9, 13), ("gpio_set", 15, 15), (None, 17, 26)]
    assert extraction.notes == []
    assert chunks[0].text.endswith('#if defined(__cplusplus)  /* C++ callers */\nextern "C" {\n#endif')  # as written
    assert chunks[1].text.startswith("/* Read one pin. */\nstatic inline int gpio_read(")
    assert chunks[3].meta == {"symbols": ["GPIO_C_ONLY"]}  # the C branch is still read
    lines = [line for c in chunks for line in c.text.splitlines() if line.strip()]
    assert lines == [line for line in EXTERN_C_HEADER.splitlines() if line.strip()]


def test_c_cplusplus_guard_quoted_in_a_comment_changes_nothing() -> None:
    source = b"/* Usage:\n#ifdef __cplusplus\n   wrap it\n*/\nint f(void) { return 1; }\n\n#endif\n"
    chunks = READERS["c"].read(source, PARAMS).chunks
    assert [c.location.function for c in chunks] == ["f", None]  # the comment is the function's
    assert chunks[0].text.startswith("/* Usage:\n#ifdef __cplusplus\n   wrap it\n*/\nint f(void)")


def test_c_bare_extern_c_block_keeps_its_functions() -> None:
    source = b'extern "C" {\n\n/* One. */\nint one(void) { return 1; }\n\n}\n'
    chunks = READERS["c"].read(source, PARAMS).chunks
    assert [(c.location.function, c.location.line_start, c.location.line_end) for c in chunks] == [
        (None, 1, 1),
        ("one", 3, 4),
        (None, 6, 6),
    ]


CMSIS_STYLE_SOURCE = """/* CMSIS-style register access and HAL-style hooks */
#define __IO volatile
#define __STATIC_INLINE static inline
typedef struct {
  __IO uint32_t CR1;   /*!< "__IO" in a comment stays */
  __IO uint32_t SR;
} USART_TypeDef;

static uint8_t rx_buffer[64] __ALIGNED(
    8);

/** Enable the USART. */
__STATIC_INLINE void usart_enable(USART_TypeDef *usart)
{
  usart->CR1 |= 1u;
}

__weak void HAL_UART_MspInit(void *huart)
{
  (void)huart;
}

/** Keeps the core in a loop. */
__STATIC_INLINE
__NO_RETURN void halt(void) { for (;;) {} }
"""


@pytest.mark.parametrize("check_bodies", [False, True])
def test_c_qualifier_macros_are_read_as_the_qualifiers_they_stand_for(check_bodies: bool) -> None:
    """tree-sitter does not expand macros: ``__IO uint32_t CR1;`` and ``__weak void f()`` were
    syntax errors, noted for nearly every CMSIS/HAL file. Blanked before parsing, they are not;
    the text keeps them, and a function keeps the qualifiers written before it."""
    params = ExtractParams(c_check_function_bodies=check_bodies)
    extraction = READERS["c"].read(CMSIS_STYLE_SOURCE.encode(), params)
    chunks = extraction.chunks
    assert extraction.notes == []
    locations = [(c.location.function, c.location.line_start, c.location.line_end) for c in chunks]
    assert locations == [(None, 1, 10), ("usart_enable", 12, 16), ("HAL_UART_MspInit", 18, 21), ("halt", 23, 25)]
    assert chunks[0].meta == {"symbols": ["__IO", "__STATIC_INLINE", "USART_TypeDef", "rx_buffer"]}
    assert chunks[1].text.startswith("/** Enable the USART. */\n__STATIC_INLINE void usart_enable(")
    assert chunks[2].text.startswith("__weak void HAL_UART_MspInit(")
    assert chunks[3].text.startswith("/** Keeps the core in a loop. */\n__STATIC_INLINE\n__NO_RETURN void halt(")
    assert "".join(c.text + "\n" for c in chunks).split() == CMSIS_STYLE_SOURCE.split()  # every byte kept

    unlisted = READERS["c"].read(CMSIS_STYLE_SOURCE.encode(), ExtractParams(c_qualifier_macros=()))
    assert unlisted.notes and unlisted.notes[0].startswith("C syntax errors near line(s) 5, 6")


def test_c_qualifier_macros_are_blanked_only_in_code() -> None:
    from adaptline.extract.readers.c import _without_qualifier_macros

    source = (
        b'#define __IO volatile\n/* __IO */ const char *s = "__IO";\n__IO int x; int __IOx; int my__IO;\n'
        b"int y __ALIGNED(sizeof(int) * (2));\nint z __ALIGNED(\n"
    )
    blanked = _without_qualifier_macros(source, ("__IO", "__ALIGNED"))
    assert len(blanked) == len(source) and blanked.count(b"\n") == source.count(b"\n")
    assert blanked.splitlines() == [
        b"#define __IO volatile",
        b'/* __IO */ const char *s = "__IO";',
        b"     int x; int __IOx; int my__IO;",
        b"int y " + b" " * len(b"__ALIGNED(sizeof(int) * (2))") + b";",
        b"int z " + b" " * len(b"__ALIGNED") + b"(",  # never closed: only the name goes
    ]
    assert _without_qualifier_macros(source, ()) is source


def test_c_qualifier_macros_must_be_identifiers() -> None:
    with pytest.raises(ValueError, match="not a C identifier"):
        ExtractParams(c_qualifier_macros=("__IO", "__attribute__((packed))"))


# Sources where matching braces by hand is easy to get wrong; skimming must change no chunk.
TRICKY_C_SOURCES = {
    "braces in strings, chars and comments": (
        '/* } { */\nconst char *s(void) { return "}{\\"}"; }\nchar c(void) { return \'}\'; } // }\n'
        "int after(int x)\n{\n    /* { */ return x; // {\n}\n"
    ),
    "braces that differ between #if branches": (
        "#if FAST\nint f(int a) {\n#else\nint f(int a, int b) {\n#endif\n    return a;\n}\nint g(void) { return 1; }\n"
    ),
    "directive inside a body": "int f(void)\n{\n#ifdef X\n    return 1;\n#else\n    return 2;\n#endif\n}\n",
    "macros with braces and continuations": (
        "#define LOCK() do { irq_off(); \\\n    } while (0)\n#define OPEN {\n"
        "void g(void)\n{\n    LOCK();\n    work();\n}\n"
    ),
    "extern C block": (
        '#ifdef __cplusplus\nextern "C" {\n#endif\nint f(int x) { return x; }\n#ifdef __cplusplus\n}\n#endif\n'
    ),
    "struct and initializers": (
        "typedef struct { int a; int b; } pair_t;\nstatic const pair_t table[] = { {1, 2}, {3, 4} };\n"
        "enum mode { OFF, ON };\nint use(pair_t *p) { return p->a + table[0].b; }\n"
    ),
    "K&R definition and attributes": (
        "int old(a, b)\nint a; int b;\n{\n    return a + b;\n}\n"
        "__attribute__((noinline)) static int attr(void) __attribute__((cold));\n"
        "static int attr(void) { if (1) { return 2; } return 3; }\n"
    ),
    "function returning a function pointer": "int (*pick(int k))(int)\n{\n    return k ? inc : dec;\n}\n",
    "long comment pushes a short body over the limit": (
        "/*" + " long words" * 60 + " */\nint f(void)\n{\n" + "    a();\n" * 8 + "}\n"
    ),
    "a body too long for one chunk": "void big(void)\n{\n"
    + "".join(f"    reg[{i}] = {i};\n" for i in range(80))
    + "}\n",
    "unbalanced (truncated) file": "int f(void)\n{\n    if (x) {\n        y();\n",
    "qualifier macros": CMSIS_STYLE_SOURCE,
}


@pytest.mark.parametrize("name", sorted(TRICKY_C_SOURCES))
@pytest.mark.parametrize("limit", [4000, 300])
def test_c_skimmed_bodies_give_the_same_chunks_as_a_full_parse(name: str, limit: int, monkeypatch) -> None:
    monkeypatch.setattr("adaptline.extract.readers.c._MIN_SKIMMED_SHARE", 0.0)  # skim even where bodies are few
    source = TRICKY_C_SOURCES[name].encode()
    skimmed = READERS["c"].read(source, ExtractParams(max_chunk_chars=limit))
    full = READERS["c"].read(source, ExtractParams(max_chunk_chars=limit, c_check_function_bodies=True))
    assert [c.to_dict() for c in skimmed.chunks] == [c.to_dict() for c in full.chunks]
    assert skimmed.notes == full.notes  # none of these has an error hidden inside a body


def test_c_skimmed_body_with_a_syntax_error_keeps_its_function() -> None:
    """tree-sitter-c fails on this attribute; the full parse then loses the function around it."""
    body = "".join(f"    acc[{i}] += v[{i}];\n" for i in range(6))
    source = (
        "/* Sum. */\nstatic inline float sum(const float *v)\n{\n"
        f"    float acc[8] __attribute__((aligned(32))) = {{ 0.0f }};\n{body}    return acc[0];\n}}\n\n"
        "int g(void)\n{\n    return 2;\n}\n"
    ).encode()
    full = READERS["c"].read(source, ExtractParams(c_check_function_bodies=True))
    assert [c.location.function for c in full.chunks] == [None, "g"]
    assert full.notes[0].startswith("C syntax errors near line(s) 3")
    skimmed = READERS["c"].read(source, PARAMS)
    assert [c.location.function for c in skimmed.chunks] == ["sum", "g"]
    assert skimmed.notes == []
    assert [c.text for c in skimmed.chunks] == [c.text for c in full.chunks]  # same bytes, better cut


def test_c_skimmable_bodies_are_function_bodies_only() -> None:
    from adaptline.extract.readers.c import _skimmable_bodies

    def bodies(text: str) -> list[str]:
        source = text.encode()
        return [source[start:end].decode() for start, end in _skimmable_bodies(source)]

    assert bodies(TRICKY_C_SOURCES["braces in strings, chars and comments"]) == [
        '{ return "}{\\"}"; }',
        "{ return '}'; }",
        "{\n    /* { */ return x; // {\n}",
    ]
    assert bodies(TRICKY_C_SOURCES["directive inside a body"]) == []
    assert bodies(TRICKY_C_SOURCES["braces that differ between #if branches"]) == []  # unbalanced
    assert bodies(TRICKY_C_SOURCES["struct and initializers"]) == ["{ return p->a + table[0].b; }"]
    assert bodies(TRICKY_C_SOURCES["K&R definition and attributes"]) == ["{ if (1) { return 2; } return 3; }"]


def test_c_skimmed_parse_leaves_short_bodies_out_and_keeps_long_ones() -> None:
    from adaptline.extract.readers.c import _LineIndex, _parse

    source = (
        TRICKY_C_SOURCES["braces in strings, chars and comments"] + TRICKY_C_SOURCES["a body too long for one chunk"]
    ).encode()

    def statements(params: ExtractParams) -> dict[str, int]:
        _, functions = _parse(source, source, _LineIndex(source), params)
        return {f.name: len(f.node.child_by_field_name("body").named_children) for f in functions}

    assert statements(ExtractParams(max_chunk_chars=300)) == {"s": 0, "c": 0, "after": 0, "big": 80}
    assert statements(ExtractParams(max_chunk_chars=300, c_check_function_bodies=True)) == {
        "s": 1,
        "c": 1,
        "after": 3,
        "big": 80,
    }


@pytest.mark.parametrize(
    ("maker", "name", "kind"),
    [(make_docx, "a.docx", "docx"), (make_pptx, "a.pptx", "pptx"), (make_xlsx, "a.xlsx", "xlsx")],
)
def test_sniff_office_kinds_from_zip_members_regardless_of_extension(maker, name, kind) -> None:
    data = maker()
    assert sniff(data, name).kind == kind
    wrong = sniff(data, "misnamed.bin")
    assert wrong.kind == kind and "content is " + kind in wrong.note


def _with_main_part_renamed(data: bytes, old: str, new: str) -> bytes:
    """The package with its main part under another name, as Word for the web saves a document
    ("word/document2.xml"): the name is free, only the package's relationship points to it."""
    folder, name = old.rsplit("/", 1)
    new_name = new.rsplit("/", 1)[1]
    renames = {old: new, f"{folder}/_rels/{name}.rels": f"{folder}/_rels/{new_name}.rels"}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename in ("[Content_Types].xml", "_rels/.rels"):
                content = content.replace(old.encode(), new.encode())
            target.writestr(renames.get(info.filename, info.filename), content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("maker", "kind", "old", "new"),
    [
        (make_docx, "docx", "word/document.xml", "word/document2.xml"),
        (make_pptx, "pptx", "ppt/presentation.xml", "ppt/presentation2.xml"),
        (make_xlsx, "xlsx", "xl/workbook.xml", "xl/workbook2.xml"),
    ],
)
def test_office_files_whose_main_part_has_another_name_are_read(maker, kind: str, old: str, new: str) -> None:
    """Sniffing looked for the usual main part name: a document from Word for the web failed as
    "not a valid docx"."""
    data = _with_main_part_renamed(maker(), old, new)
    assert old not in zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert sniff(data, f"online.{kind}") == sniff(maker(), f"online.{kind}")
    assert sniff(data, "online.bin").kind == kind
    assert READERS[kind].read(data, PARAMS).chunks == READERS[kind].read(maker(), PARAMS).chunks


def test_sniff_names_document_packages_it_does_not_read() -> None:
    def package(members: dict[str, bytes]) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for name, content in members.items():
                archive.writestr(name, content)
        return out.getvalue()

    xlsb = package({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x00"})
    assert sniff(xlsb, "results.xlsb").reason == "Excel binary workbook (.xlsb) not supported (save it as .xlsx)"
    odt = package({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})
    for name in ("review.odt", "review.docx"):
        found = sniff(odt, name)
        assert found.kind is None and found.reason.startswith("OpenDocument file (.odt/.ods/.odp) not supported")
    assert sniff(package({"a.txt": b"x"}), "logs.zip").reason == "zip archive that is not a docx/pptx/xlsx"


def test_sniff_pdf_and_c_and_unsupported() -> None:
    assert sniff(make_pdf(), "x.pdf").kind == "pdf"
    assert sniff(b"int x;\n", "x.h").kind == "c"
    assert sniff(b"\x00\x01\x02binary", "x.c").reason == "binary content with a C source extension"
    assert sniff(b"hello", "notes.txt").reason == "unsupported file type (.txt)"


def test_split_text_and_markdown_table() -> None:
    text = "\n\n".join(f"para {i} " + "x" * 40 for i in range(10))
    pieces = split_text(text, 120)
    assert all(len(p) <= 120 for p in pieces) and "".join(pieces).count("para") == 10
    assert markdown_table([["a", "b|c"], ["1", "2\n3"], ["", ""]]) == "| a | b\\|c |\n|---|---|\n| 1 | 2 3 |"


def test_sensitivity_first_matching_rule_wins() -> None:
    params = ExtractParams(
        sensitivity_rules=(SensitivityRule("hr/*", "restricted"), SensitivityRule("*.pdf", "public")),
        default_sensitivity="internal",
    )
    assert sensitivity_for("hr/salaries.pdf", params) == "restricted"
    assert sensitivity_for("specs/a.pdf", params) == "public"
    assert sensitivity_for("fw/main.c", params) == "internal"
    with pytest.raises(ValueError, match="not a level"):
        ExtractParams(sensitivity_rules=(SensitivityRule("*", "secret"),))


def test_docx_lists_from_paragraph_numbering_nested() -> None:
    document = docx.Document()
    document.add_heading("Procedure", level=1)
    for text, num_id, level in [("Power up", 9, 0), ("Measure rails", 9, 0), ("3V3 rail", 9, 1), ("Sign off", 9, 0)]:
        document.add_paragraph(text)._p.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = num_id
        document.paragraphs[-1]._p.pPr.numPr.get_or_add_ilvl().val = level
    document.add_paragraph("Notes follow.")
    document.add_paragraph("Bullet item")._p.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = 2
    buffer = io.BytesIO()
    document.save(buffer)
    body = by_part(READERS["docx"].read(buffer.getvalue(), PARAMS).chunks, "body")
    assert body[0].text == (
        "# Procedure\n\n1. Power up\n2. Measure rails\n  1. 3V3 rail\n3. Sign off\n\nNotes follow.\n\n- Bullet item"
    )


TOPICS = ["clocks", "resets", "power", "pins", "setup time", "hold time", "jitter", "skew"]


def test_pdf_chapter_running_heads_removed_when_on_enough_pages() -> None:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1)
    for page in range(1, 9):
        chapter = 1 if page <= 4 else 2
        pdf.drawString(72, 800, f"Chapter {chapter}: {'Interfaces' if chapter == 1 else 'Timing'} {page}")
        pdf.drawString(72, 700, f"Body text about {TOPICS[page - 1]}.")
        pdf.drawString(72, 60, f"{1000 + page * 3}.5")  # a table value at the page bottom: kept
        pdf.drawString(72, 40, str(page + 2))  # printed page numbers start at 3
        pdf.showPage()
    pdf.save()
    chunks = READERS["pdf"].read(buffer.getvalue(), PARAMS).chunks
    assert [c.text for c in by_part(chunks, "header")] == ["Chapter 1: Interfaces 1\nChapter 2: Timing 5"]
    assert [c.text for c in by_part(chunks, "body")] == [
        f"Body text about {topic}.\n{1000 + page * 3}.5" for page, topic in enumerate(TOPICS, start=1)
    ]
    assert by_part(chunks, "footer") == []


def test_pptx_slide_footers_recorded_once_and_slide_numbers_dropped() -> None:
    from pptx import Presentation

    presentation = Presentation()
    layout = presentation.slide_layouts[1]
    for number in (1, 2):
        slide = presentation.slides.add_slide(layout)
        slide.shapes.title.text = f"Status {number}"
        for placeholder in layout.placeholders:
            if placeholder.placeholder_format.idx in (11, 12):  # footer, slide number
                slide.shapes.clone_placeholder(placeholder)
        for shape in slide.placeholders:
            if shape.placeholder_format.idx == 11:
                shape.text_frame.text = "DR-0042 · prepared by Erika Mustermann"
            elif shape.placeholder_format.idx == 12:
                shape.text_frame.text = str(number)
    buffer = io.BytesIO()
    presentation.save(buffer)
    chunks = READERS["pptx"].read(buffer.getvalue(), PARAMS).chunks
    assert [(c.location.part, c.location.slide, c.text) for c in chunks] == [
        ("body", 1, "# Status 1"),
        ("body", 2, "# Status 2"),
        ("footer", None, "DR-0042 · prepared by Erika Mustermann"),
    ]


_MAIN_TYPES = {  # the main part's content type of the plain .docx/.pptx/.xlsx the builders write
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
_VARIANTS = {  # extension -> (kind, its main part's content type), as Office writes them
    ".docm": ("docx", "application/vnd.ms-word.document.macroEnabled.main+xml"),
    ".dotx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"),
    ".dotm": ("docx", "application/vnd.ms-word.template.macroEnabledTemplate.main+xml"),
    ".pptm": ("pptx", "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml"),
    ".ppsx": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml"),
    ".ppsm": ("pptx", "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml"),
    ".potx": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"),
    ".potm": ("pptx", "application/vnd.ms-powerpoint.template.macroEnabled.main+xml"),
    ".xlsm": ("xlsx", "application/vnd.ms-excel.sheet.macroEnabled.main+xml"),
    ".xltx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml"),
    ".xltm": ("xlsx", "application/vnd.ms-excel.template.macroEnabled.main+xml"),
}


def _with_main_type(data: bytes, old: str, new: str) -> bytes:
    import zipfile

    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                assert old.encode() in content
                content = content.replace(old.encode(), new.encode())
            archive.writestr(info, content)
    return buffer.getvalue()


@pytest.mark.parametrize("extension", sorted(_VARIANTS))
def test_macro_enabled_files_templates_and_slide_shows_read_like_their_plain_kind(extension: str) -> None:
    """.docm/.dotx/.pptm/.ppsx/.xlsm...: the same package under another main content type, which
    python-docx's Document() and python-pptx's Presentation() refuse."""
    kind, content_type = _VARIANTS[extension]
    plain = {"docx": make_docx, "pptx": make_pptx, "xlsx": make_xlsx}[kind]()
    variant = _with_main_type(plain, _MAIN_TYPES[kind], content_type)
    assert sniff(variant, f"doc{extension}") == sniff(plain, f"doc.{kind}")  # same kind, no mismatch note
    texts = [[(c.location, c.text) for c in READERS[kind].read(data, PARAMS).chunks] for data in (plain, variant)]
    assert texts[0] and texts[1] == texts[0]


def test_an_office_package_of_another_kind_is_refused_with_its_content_type() -> None:
    from adaptline.extract.readers import ExtractError

    glossary = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.glossary+xml"
    with pytest.raises(ExtractError, match=r"not a Word document \(main part of type .*glossary\+xml\)"):
        READERS["docx"].read(_with_main_type(make_docx(), _MAIN_TYPES["docx"], glossary), PARAMS)


def _docx_with_body_xml(paragraphs: list[str], cell_paragraph: str) -> bytes:
    """A .docx whose body paragraphs (and one table cell's) are the given ``w:p`` inner XML."""
    from docx.oxml import parse_xml

    namespaces = (
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml"'
    )
    document = docx.Document()
    body = document.element.body
    for inner in paragraphs:
        body.insert(len(body) - 1, parse_xml(f"<w:p {namespaces}>{inner}</w:p>"))  # before w:sectPr
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    cell._tc.remove(cell._tc.p_lst[0])
    cell._tc.append(parse_xml(f"<w:p {namespaces}>{cell_paragraph}</w:p>"))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_text_with_tracked_changes_content_controls_and_text_boxes() -> None:
    """Word's view with changes accepted: python-docx's Paragraph.text lost all of these."""
    run = '<w:r><w:t xml:space="preserve">{}</w:t></w:r>'.format
    when = 'w:author="A. Reviewer" w:date="2024-05-02T10:00:00Z"'
    box = (
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>'
        f"<w:p>{run('Label: VBUS 48 V')}</w:p><w:p>{run('Fuse F1 10 A')}</w:p>"
        "</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>"
        f"<w:txbxContent><w:p>{run('Label: VBUS 48 V')}</w:p><w:p>{run('Fuse F1 10 A')}</w:p></w:txbxContent>"
        "</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )
    data = _docx_with_body_xml(
        [
            run("The rail is ")
            + f'<w:del w:id="1" {when}><w:r><w:delText>12 V</w:delText></w:r></w:del>'
            + f'<w:ins w:id="2" {when}>{run("24 V")}</w:ins>'
            + run(" nominal."),
            run("Moved: ")
            + f'<w:moveFrom w:id="3" {when}>{run("old place")}</w:moveFrom>'
            + f'<w:moveTo w:id="4" {when}>{run("new place")}</w:moveTo>',
            run("Document number: ")
            + '<w:sdt><w:sdtPr><w:alias w:val="Number"/></w:sdtPr>'
            + f"<w:sdtContent>{run('PSU-DR-012')}</w:sdtContent></w:sdt>"
            + f'<w:fldSimple w:instr=" PAGE ">{run("3")}</w:fldSimple>'
            + f'<w:smartTag w:element="place">{run(" Munich")}</w:smartTag>'
            + f'<w:hyperlink w:anchor="spec">{run(" see SPEC-7")}</w:hyperlink>',
            run("Figure 2:") + box,
        ],
        cell_paragraph=run("Limit ") + f'<w:ins w:id="5" {when}>{run("85 °C")}</w:ins>',
    )
    [body] = [chunk.text for chunk in READERS["docx"].read(data, PARAMS).chunks]
    assert body == (
        "The rail is 24 V nominal.\n\n"
        "Moved: new place\n\n"
        "Document number: PSU-DR-0123 Munich see SPEC-7\n\n"
        "Figure 2:\n\n"
        "Label: VBUS 48 V\nFuse F1 10 A\n\n"  # the text box once, not its VML fallback copy too
        "| Limit 85 °C |\n|---|"
    )


def _deck_with(build) -> bytes:
    """A one-slide deck titled "Flow"; ``build(slide)`` adds the shapes."""
    from pptx import Presentation

    presentation = Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[5])
    slide.shapes.title.text = "Flow"
    build(slide)
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def _add_smartart(slide, data_model: str | None) -> None:
    """A SmartArt frame whose data part is ``data_model`` (None: a relationship to nothing)."""
    from pptx.opc.constants import RELATIONSHIP_TYPE
    from pptx.opc.package import Part
    from pptx.opc.packuri import PackURI
    from pptx.oxml import parse_xml

    rel_id = "rId99"
    if data_model is not None:
        content_type = "application/vnd.openxmlformats-officedocument.drawingml.diagramData+xml"
        part = Part(PackURI("/ppt/diagrams/data1.xml"), content_type, slide.part.package, data_model.encode())
        rel_id = slide.part.relate_to(part, RELATIONSHIP_TYPE.DIAGRAM_DATA)
    slide.shapes._spTree.append(
        parse_xml(
            '<p:graphicFrame xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<p:nvGraphicFramePr><p:cNvPr id="9" name="Diagram 1"/><p:cNvGraphicFramePr/><p:nvPr/>'
            '</p:nvGraphicFramePr><p:xfrm><a:off x="457200" y="1600200"/><a:ext cx="8229600" cy="4525963"/></p:xfrm>'
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/diagram">'
            '<dgm:relIds xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" '
            f'r:dm="{rel_id}" r:lo="" r:qs="" r:cs=""/></a:graphicData></a:graphic></p:graphicFrame>'
        )
    )


def _smartart_node(model_id: str, text: str) -> str:
    return f'<dgm:pt modelId="{model_id}"><dgm:t><a:bodyPr/><a:p><a:r><a:t>{text}</a:t></a:r></a:p></dgm:t></dgm:pt>'


_SMARTART_DATA_MODEL = (
    '<dgm:dataModel xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><dgm:ptLst>'
    '<dgm:pt modelId="0" type="doc"/>'
    + _smartart_node("2", "Design review")
    + _smartart_node("1", "Schematic capture")
    + _smartart_node("3", "Sign-off by QA")
    + '<dgm:pt modelId="7" type="parTrans"/><dgm:pt modelId="8" type="pres"><dgm:prSet/></dgm:pt>'
    "</dgm:ptLst><dgm:cxnLst>"  # the data part's order is not the diagram's: connections say it
    '<dgm:cxn modelId="c1" srcId="0" destId="2" srcOrd="1"/>'
    '<dgm:cxn modelId="c2" srcId="0" destId="1" srcOrd="0"/>'
    '<dgm:cxn modelId="c3" srcId="2" destId="3" srcOrd="0"/>'
    '<dgm:cxn modelId="c4" type="presOf" srcId="1" destId="8"/>'
    "</dgm:cxnLst></dgm:dataModel>"
)


def test_pptx_smartart_is_read_as_an_outline_and_a_broken_one_is_a_note() -> None:
    data_model = _SMARTART_DATA_MODEL
    extraction = READERS["pptx"].read(_deck_with(lambda slide: _add_smartart(slide, data_model)), PARAMS)
    assert [chunk.text for chunk in extraction.chunks] == [
        "# Flow\n- Schematic capture\n- Design review\n  - Sign-off by QA"
    ]
    broken = READERS["pptx"].read(_deck_with(lambda slide: _add_smartart(slide, None)), PARAMS)
    assert [chunk.text for chunk in broken.chunks] == ["# Flow"]
    assert broken.notes == ["slide 1: a SmartArt graphic could not be read (KeyError)"]


def test_pptx_charts_are_read_as_their_title_and_data() -> None:
    from pptx.chart.data import CategoryChartData, XyChartData
    from pptx.enum.chart import XL_CHART_TYPE
    from pptx.util import Inches

    def build(slide) -> None:
        efficiency = CategoryChartData()
        efficiency.categories = ["10 %", "50 %", "100 %"]
        efficiency.add_series("Rev A", (88.1, 93.4, 91.0))
        efficiency.add_series("Rev B", (89.0, None, 92.5))
        frame = slide.shapes.add_chart(XL_CHART_TYPE.LINE, Inches(1), Inches(2), Inches(6), Inches(2), efficiency)
        frame.chart.has_title = True
        frame.chart.chart_title.text_frame.text = "Efficiency vs load"
        ripple = XyChartData()
        series = ripple.add_series("Ripple mV")
        series.add_data_point(1.5, 20)
        series.add_data_point(3, 35)
        slide.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER, Inches(1), Inches(5), Inches(3), Inches(2), ripple)

    [chunk] = READERS["pptx"].read(_deck_with(build), PARAMS).chunks
    assert chunk.text == (
        "# Flow\nChart: Efficiency vs load\n"
        "|  | Rev A | Rev B |\n|---|---|---|\n| 10 % | 88.1 | 89 |\n| 50 % | 93.4 |  |\n| 100 % | 91 | 92.5 |\n"
        "| Ripple mV x | Ripple mV y |\n|---|---|\n| 1.5 | 20 |\n| 3 | 35 |"
    )


def test_xlsx_formulas_without_cached_values_are_a_note() -> None:
    """A workbook saved by a program that does not calculate (openpyxl here) holds formulas but no
    results: the cells read as empty, and the report says how many, per sheet number."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["Part", "Qty", "Unit", "Total"])
    workbook.active.append(["R1", 4, 0.1, "=B2*C2"])
    workbook.active.append(["C1", 2, 0.5, "=B3*C3"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    extraction = READERS["xlsx"].read(buffer.getvalue(), PARAMS)
    assert [chunk.text for chunk in extraction.chunks] == [
        "Columns: Part | Qty | Unit | Total\nPart: R1; Qty: 4; Unit: 0.1\nPart: C1; Qty: 2; Unit: 0.5"
    ]
    assert extraction.notes == [
        "sheet 1: 2 formula cell(s) without a cached value, left empty "
        "(saved by a program that does not calculate; open and save it in Excel to fill them)"
    ]
    assert READERS["xlsx"].read(make_xlsx(), PARAMS).notes == []  # its one formula has Excel's cached value


@pytest.mark.parametrize(
    ("cells", "uncached"),
    [
        (b'<c r="B2"><f>A2*2</f><v></v></c>', 1),  # openpyxl
        (b"<c><f>A2*2</f></c>", 1),
        (b"<c><f>A2*2</f><v>4</v></c>", 0),
        (b'<c><f t="shared" ref="B2:B3" si="0">A2*2</f><v>4</v></c><c><f t="shared" si="0"/><v>6</v></c>', 0),
        (b'<c><f t="shared" si="0"/></c>', 1),
        (b"<x:c><x:f>A1</x:f><x:v>1</x:v></x:c>", 0),  # a namespace prefix
        (b'<autoFilter ref="A1:B9"><filterColumn colId="0"/></autoFilter>', 0),  # not a formula
    ],
)
def test_formula_cells_without_a_cached_value_are_counted(cells: bytes, uncached: int) -> None:
    from adaptline.extract.readers.xlsx import _formulas_without_value

    assert _formulas_without_value(b"<sheetData><row>" + cells + b"</row></sheetData>") == uncached


def test_pdf_form_values_and_pages_without_a_text_layer() -> None:
    """Filled-in form fields are not in a page's text; a page with no text at all (a scan among
    text pages) is named in a note."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.drawString(72, 800, "EMC test record")
    page.acroForm.textfield(name="form1.report_number", tooltip="Report number", value="EMC-2024-031", x=180, y=750)
    page.acroForm.textfield(name="result", value="Pass,  6 dB margin", x=180, y=720)
    page.acroForm.checkbox(name="retest", checked=True, x=180, y=690)
    page.acroForm.checkbox(name="waiver", checked=False, x=180, y=660)
    page.acroForm.textfield(name="remarks", value="", x=180, y=630)
    page.showPage()
    page.rect(100, 100, 300, 300, fill=1)  # a page with no text, as a scanned one
    page.showPage()
    page.drawString(72, 800, "Signed off.")
    page.showPage()
    page.save()
    extraction = READERS["pdf"].read(buffer.getvalue(), PARAMS)
    assert [(c.location.part, c.location.page, c.text) for c in extraction.chunks] == [
        ("body", 1, "EMC test record"),
        ("body", 3, "Signed off."),
        ("form", None, "Report number: EMC-2024-031\nresult: Pass, 6 dB margin\nretest: Yes"),
    ]
    assert extraction.notes == ["1 of 3 pages without a text layer (scanned?): 2"]


def test_docx_footnotes_endnotes_and_comments_are_records_of_their_own() -> None:
    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    document = docx.Document()
    paragraph = document.add_paragraph("The inrush limiter is an NTC.")
    document.add_comment(paragraph.runs, text="Check the NTC at -40 °C.", author="J. Reviewer", initials="JR")
    namespace = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    for which, kind in (("footnote", "FOOTNOTES"), ("endnote", "ENDNOTES")):
        notes = (
            f'<w:{which}s {namespace}><w:{which} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
            f'</w:{which}><w:{which} w:id="1"><w:p><w:r><w:t>Per IEC 61000-4-5, </w:t></w:r></w:p>'
            f"<w:p><w:r><w:t>level 3 ({which}).</w:t></w:r></w:p></w:{which}></w:{which}s>"
        )
        part = Part(PackURI(f"/word/{which}s.xml"), getattr(CONTENT_TYPE, f"WML_{kind}"), notes.encode(),
                    document.part.package)  # fmt: skip
        document.part.relate_to(part, getattr(RELATIONSHIP_TYPE, kind))
    buffer = io.BytesIO()
    document.save(buffer)
    chunks = READERS["docx"].read(buffer.getvalue(), PARAMS).chunks
    assert [(chunk.location.part, chunk.text) for chunk in chunks] == [
        ("body", "The inrush limiter is an NTC."),
        ("footnotes", "Per IEC 61000-4-5, level 3 (footnote)."),
        ("endnotes", "Per IEC 61000-4-5, level 3 (endnote)."),
        ("comments", "Check the NTC at -40 °C."),  # its author is not text
    ]


def _omml(inner: str) -> str:
    return f'<m:oMath xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math">{inner}</m:oMath>'


def _m(tag: str, *parts: tuple[str, str], props: str = "") -> str:
    """An Office Math element ``m:tag`` with its properties and named parts (name, inner XML)."""
    inner = (f"<m:{tag}Pr>{props}</m:{tag}Pr>" if props else "") + "".join(f"<m:{n}>{x}</m:{n}>" for n, x in parts)
    return f"<m:{tag}>{inner}</m:{tag}>"


def _mr(text: str) -> str:
    return f"<m:r><m:t>{text}</m:t></m:r>"


def test_docx_equations_are_written_out_where_they_stand() -> None:
    """Office Math: python-docx reads none of it, so every equation was lost without a word."""
    run = '<w:r><w:t xml:space="preserve">{}</w:t></w:r>'.format
    sub = lambda base, script: _m("sSub", ("e", _mr(base)), ("sub", _mr(script)))  # noqa: E731
    divider = (
        sub("V", "out") + _mr("=") + sub("V", "in") + _mr("·")
        + _m("f", ("num", sub("R", "2")), ("den", sub("R", "1") + _mr("+") + sub("R", "2")))
    )  # fmt: skip
    power = (
        _mr("P=") + _m("nary", ("sub", _mr("k=1")), ("sup", _mr("n")), ("e", sub("V", "k") + sub("I", "k")),
                       props='<m:chr m:val="∑"/>')
        + _mr(", ") + _m("rad", ("deg", _mr("3")), ("e", _mr("x+1")))
        + _mr(", ") + _m("func", ("fName", _mr("sin")), ("e", _m("d", ("e", _mr("ωt")))))
        + _mr(", ") + _m("sSup", ("e", _m("d", ("e", _mr("a+b")))), ("sup", _mr("2")))
        + _mr(", ") + _m("d", ("e", _m("m", ("mr", "<m:e>" + _mr("1") + "</m:e><m:e>" + _mr("0") + "</m:e>"),
                                          ("mr", "<m:e>" + _mr("0") + "</m:e><m:e>" + _mr("1") + "</m:e>"))),
                         props='<m:begChr m:val="["/><m:endChr m:val="]"/>')
        + '<w:del w:id="9" w:author="A. Reviewer"><m:r><m:t>+0</m:t></m:r></w:del>'
    )  # fmt: skip
    display = f'<m:oMathPara xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math">{_omml(power)}</m:oMathPara>'
    data = _docx_with_body_xml(
        [run("Divider: ") + _omml(divider) + run(" at no load."), display], cell_paragraph=_omml(_mr("I_max"))
    )
    [body] = [chunk.text for chunk in READERS["docx"].read(data, PARAMS).chunks]
    assert body == (
        "Divider: V_out=V_in·R_2/(R_1+R_2) at no load.\n\n"
        "P=∑_(k=1)^n V_kI_k, ∛(x+1), sin(ωt), (a+b)^2, [1, 0; 0, 1]\n\n"
        "| I_max |\n|---|"
    )


def test_pdf_review_annotations_are_records_per_page_without_their_authors() -> None:
    """Sticky notes, text boxes and comments on highlights are not in a page's text; links, pop-ups
    (a copy of their parent's text) and the authors' names stay out."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import FreeText, Link, Popup, Text
    from pypdf.generic import ArrayObject, FloatObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(pages=2))))
    note = Text(rect=(50, 550, 70, 570), text="Is 3.3 V the worst case?  Check VDDA too.")
    note[NameObject("/T")] = TextStringObject("Jane Reviewer")
    added = writer.add_annotation(0, note)
    writer.add_annotation(0, Popup(rect=(80, 500, 200, 560), parent=added))
    writer.add_annotation(0, Link(rect=(50, 50, 100, 60), url="https://example.com/spec"))
    writer.add_annotation(1, FreeText(text="Table 4 is out of date", rect=(300, 700, 500, 720)))
    highlight = Text(rect=(60, 600, 80, 620), text="Reply: VDDA is covered in 5.2.")
    highlight[NameObject("/Subtype")] = NameObject("/Highlight")
    highlight[NameObject("/QuadPoints")] = ArrayObject([FloatObject(v) for v in (60, 620, 80, 620, 60, 600, 80, 600)])
    writer.add_annotation(0, highlight)
    buffer = io.BytesIO()
    writer.write(buffer)
    extraction = READERS["pdf"].read(buffer.getvalue(), PARAMS)
    annotations = [(c.location.page, c.text) for c in extraction.chunks if c.location.part == "annotations"]
    assert annotations == [
        (1, "Is 3.3 V the worst case? Check VDDA too.\nReply: VDDA is covered in 5.2."),
        (2, "Table 4 is out of date"),
    ]
    assert "Jane" not in json.dumps([c.to_dict() for c in extraction.chunks])
    assert extraction.notes == []


def test_pdf_damaged_annotation_list_costs_a_note_not_the_page() -> None:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, NumberObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(pages=1))))
    writer.pages[0][NameObject("/Annots")] = NumberObject(7)  # not an array
    buffer = io.BytesIO()
    writer.write(buffer)
    extraction = READERS["pdf"].read(buffer.getvalue(), PARAMS)
    assert [c.location.part for c in extraction.chunks] == ["body"]
    assert extraction.notes == ["page 1: annotations could not be read (TypeError)"]


def _workbook_with_comments() -> bytes:
    """Two sheets: legacy comments on the first (one with the author prefix Excel writes, one rich
    text), none on the second."""
    import openpyxl
    from openpyxl.comments import Comment

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "BOM"
    sheet.append(["Ref", "Qty"])
    sheet.append(["C1", 4])
    sheet["B2"].comment = Comment("J. Reviewer:\nShould be 6 after the rework", "J. Reviewer")
    sheet["A2"].comment = Comment("X7R, not Y5V", "Someone Else")
    workbook.create_sheet("Notes").append(["Status", "open"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewrite_members(data: bytes, changes: dict[str, bytes]) -> bytes:
    """A copy of the zip ``data`` with members replaced or added."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, changes.pop(info.filename, source.read(info)))
        for name, content in changes.items():
            target.writestr(name, content)
    return out.getvalue()


def test_xlsx_cell_comments_are_a_record_per_sheet_without_authors() -> None:
    extraction = READERS["xlsx"].read(_workbook_with_comments(), PARAMS)
    comments = [(c.location.sheet, c.text) for c in extraction.chunks if c.location.part == "comments"]
    assert comments == [("BOM", "A2: X7R, not Y5V\nB2: Should be 6 after the rework")]
    assert "Reviewer" not in json.dumps([c.to_dict() for c in extraction.chunks])
    assert extraction.notes == []


def test_xlsx_threaded_comments_replace_their_legacy_copy() -> None:
    data = _workbook_with_comments()
    threaded = (
        '<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">'
        '<threadedComment ref="B2" id="{1}" personId="{9}"><text>Should be 6 after the rework</text></threadedComment>'
        '<threadedComment ref="B2" id="{2}" parentId="{1}" personId="{8}"><text>Agreed, done in rev C</text>'
        "</threadedComment></ThreadedComments>"
    )
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" '
        'Target="../comments/comment1.xml" Id="rId1"/>'
        '<Relationship Type="http://schemas.microsoft.com/office/2017/10/relationships/threadedComment" '
        'Target="../threadedComments/threadedComment1.xml" Id="rId2"/></Relationships>'
    )
    data = _rewrite_members(
        data,
        {
            "xl/worksheets/_rels/sheet1.xml.rels": rels.encode(),
            "xl/threadedComments/threadedComment1.xml": threaded.encode(),
        },
    )
    extraction = READERS["xlsx"].read(data, PARAMS)
    comments = [c.text for c in extraction.chunks if c.location.part == "comments"]
    assert comments == ["B2: Should be 6 after the rework\nB2: Agreed, done in rev C"]


def test_xlsx_damaged_comments_part_costs_a_note_not_the_sheet() -> None:
    """A part with nothing to recover (damaged XML that is recovered: test_extract_bad_inputs.py)."""
    data = _rewrite_members(_workbook_with_comments(), {"xl/comments/comment1.xml": b"not XML at all"})
    extraction = READERS["xlsx"].read(data, PARAMS)
    assert [c.location.part for c in extraction.chunks] == ["table", "table"]
    assert extraction.notes == ["sheet 1: cell comments could not be read (XMLSyntaxError)"]


_PPTX_NAMESPACES = (
    'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:a14="http://schemas.microsoft.com/office/drawing/2010/main" '
    'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"'
)


def _text_box_xml(shape_id: int, top: int, paragraphs: str) -> str:
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="TextBox {shape_id}"/><p:cNvSpPr txBox="1"/><p:nvPr/>'
        f'</p:nvSpPr><p:spPr><a:xfrm><a:off x="914400" y="{top}"/><a:ext cx="4000000" cy="400000"/></a:xfrm>'
        f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr><p:txBody><a:bodyPr/><a:lstStyle/>{paragraphs}'
        "</p:txBody></p:sp>"
    )


def _equation_shape_xml(shape_id: int, top: int, choice_paragraphs: str) -> str:
    """A text box holding an equation, as PowerPoint saves it: the shape inside mc:AlternateContent,
    with a blank copy (drawn from a picture) as the fallback."""
    fallback = _text_box_xml(shape_id, top, "<a:p><a:r><a:t> </a:t></a:r></a:p>")
    return (
        f'<mc:AlternateContent {_PPTX_NAMESPACES}><mc:Choice Requires="a14">'
        f"{_text_box_xml(shape_id, top, choice_paragraphs)}</mc:Choice><mc:Fallback>{fallback}</mc:Fallback>"
        "</mc:AlternateContent>"
    )


def test_pptx_shapes_with_equations_are_read_with_the_equations() -> None:
    """python-pptx does not list a shape inside mc:AlternateContent, which is how PowerPoint saves
    every shape holding an equation: such a text box was lost whole."""
    from pptx.oxml import parse_xml

    inline = _mr("V=I") + _m("sSub", ("e", _mr("R")), ("sub", _mr("load")))
    power = _mr("P=") + _m("sSup", ("e", _mr("I")), ("sup", _mr("2"))) + _mr("R")
    display = f"<m:oMathPara><m:oMath>{power}</m:oMath></m:oMathPara>"
    ohm = _equation_shape_xml(
        10,
        1_500_000,
        f"<a:p><a:r><a:t>Ohm's law: </a:t></a:r><a14:m><m:oMath>{inline}</m:oMath></a14:m>"
        "<a:r><a:t> at 25 °C</a:t></a:r></a:p>"
        f"<a:p><a14:m>{display}</a14:m></a:p>",
    )
    group = (
        f'<p:grpSp {_PPTX_NAMESPACES}><p:nvGrpSpPr><p:cNvPr id="20" name="Group 20"/><p:cNvGrpSpPr/><p:nvPr/>'
        '</p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x="914400" y="3000000"/><a:ext cx="4000000" cy="900000"/>'
        '<a:chOff x="914400" y="3000000"/><a:chExt cx="4000000" cy="900000"/></a:xfrm></p:grpSpPr>'
        + _text_box_xml(21, 3_000_000, "<a:p><a:r><a:t>Grouped note</a:t></a:r></a:p>")
        + _equation_shape_xml(22, 3_500_000, f"<a:p><a14:m><m:oMath>{_mr('τ=RC')}</m:oMath></a14:m></a:p>")
        + "</p:grpSp>"
    )

    def build(slide) -> None:
        tree = slide.shapes._spTree
        tree.append(parse_xml(ohm))
        tree.append(parse_xml(group))
        slide.shapes.add_textbox(914400, 2_200_000, 4_000_000, 400_000).text_frame.text = "Plain box"
        table = slide.shapes.add_table(2, 1, 914400, 4_500_000, 4_000_000, 600_000).table
        table.cell(0, 0).text = "Limit"
        cell = table.cell(1, 0).text_frame.paragraphs[0]._p
        cell.append(parse_xml(f"<a14:m {_PPTX_NAMESPACES}><m:oMath>{_mr('I≤2 A')}</m:oMath></a14:m>"))

    [body] = [chunk.text for chunk in READERS["pptx"].read(_deck_with(build), PARAMS).chunks]
    assert body == (
        "# Flow\nOhm's law: V=IR_load at 25 °C\nP=I^2R\nPlain box\nGrouped note\nτ=RC\n| Limit |\n|---|\n| I≤2 A |"
    )


def _docx_with_chart(chart_xml: bytes) -> bytes:
    """A .docx with a paragraph holding an inline chart (the chart part's XML as given)."""
    from adaptline.samples.ooxml import add_inline_chart

    document = docx.Document()
    document.add_paragraph("Before.")
    add_inline_chart(document, "Figure 3: efficiency.", chart_xml)
    document.add_paragraph("After.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_charts_follow_their_paragraph_as_title_and_data() -> None:
    from pptx.chart.data import CategoryChartData
    from pptx.chart.xmlwriter import ChartXmlWriter
    from pptx.enum.chart import XL_CHART_TYPE

    efficiency = CategoryChartData()
    efficiency.categories = ["10 %", "50 %", "100 %"]
    efficiency.add_series("Rev A", (88.1, 93.4, 91.0))
    efficiency.add_series("Rev B", (89.0, None, 92.5))
    chart_xml = ChartXmlWriter(XL_CHART_TYPE.COLUMN_CLUSTERED, efficiency).xml.encode()
    chart_xml = chart_xml.replace(  # a title, as Word writes one
        b"<c:chart>",
        b"<c:chart><c:title><c:tx><c:rich><a:bodyPr/><a:p><a:r><a:t>Efficiency</a:t></a:r></a:p><a:p><a:r>"
        b"<a:t>vs load</a:t></a:r></a:p></c:rich></c:tx></c:title>",
    )
    extraction = READERS["docx"].read(_docx_with_chart(chart_xml), PARAMS)
    [body] = [chunk.text for chunk in extraction.chunks]
    assert body == (
        "Before.\n\nFigure 3: efficiency.\n\nChart: Efficiency vs load\n"
        "|  | Rev A | Rev B |\n|---|---|---|\n| 10 % | 88.1 | 89 |\n| 50 % | 93.4 |  |\n| 100 % | 91 | 92.5 |"
        "\n\nAfter."
    )
    assert extraction.notes == []


def test_docx_damaged_chart_costs_a_note_not_the_document() -> None:
    extraction = READERS["docx"].read(_docx_with_chart(b"<c:chartSpace"), PARAMS)
    assert [chunk.text for chunk in extraction.chunks] == ["Before.\n\nFigure 3: efficiency.\n\nAfter."]
    assert extraction.notes == ["a chart could not be read (XMLSyntaxError)"]


def test_chart_multi_level_categories_and_values_without_categories() -> None:
    from adaptline.extract.readers.charts import chart_lines, parse_chart

    def points(values: list[str]) -> str:
        return "".join(f'<c:pt idx="{i}"><c:v>{v}</c:v></c:pt>' for i, v in enumerate(values) if v)

    levels = f"<c:lvl>{points(['Jan', 'Feb', 'Jan'])}</c:lvl><c:lvl>{points(['2023', '', '2024'])}</c:lvl>"
    chart = (
        '<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart><c:plotArea>'
        "<c:layout/><c:barChart><c:ser><c:tx><c:v>Returns</c:v></c:tx><c:cat><c:multiLvlStrRef><c:f>A2:B4</c:f>"
        f'<c:multiLvlStrCache><c:ptCount val="3"/>{levels}</c:multiLvlStrCache></c:multiLvlStrRef></c:cat>'
        f"<c:val><c:numRef><c:numCache>{points(['3', '1.50000000001', '0'])}</c:numCache></c:numRef></c:val>"
        "</c:ser></c:barChart><c:lineChart><c:ser><c:val><c:numLit>"
        f"{points(['0.25', '', '0.75'])}</c:numLit></c:val></c:ser></c:lineChart><c:catAx/></c:plotArea>"
        "</c:chart></c:chartSpace>"
    )
    assert chart_lines(parse_chart(chart.encode())) == [
        "|  | Returns |\n|---|---|\n| Jan | 3 |\n| Feb | 1.5 |\n| Jan | 0 |",
        "|  | series 1 |\n|---|---|\n| 1 | 0.25 |\n| 3 | 0.75 |",
    ]


def _ole(rel_id: str, program: str) -> str:
    """A Word run holding an embedded object, as Word writes one."""
    return (
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:object '
        'xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<o:OLEObject Type="Embed" ProgID="{program}" ShapeID="_x0000_i1025" r:id="{rel_id}"/></w:object></w:r>'
    )


def _docx_with_embedded(embedded: list[tuple[str, bytes, str]]) -> bytes:
    """A .docx with one paragraph per (part name, bytes, program) embedded object, then a layout
    table whose cell holds a text box and the first object again."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    document = docx.Document()
    rel_ids = []
    for name, blob, program in embedded:
        part = Part(PackURI(f"/word/embeddings/{name}"), "application/octet-stream", blob, document.part.package)
        rel_ids.append(document.part.relate_to(part, _PACKAGE_RELATIONSHIP))
        document.add_paragraph(f"Object {name}:")._p.append(parse_xml(_ole(rel_ids[-1], program)))
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    cell.text = "Layout cell"
    box = (
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><w:drawing><wps:txbx>'
        "<w:txbxContent><w:p><w:r><w:t>Box in a cell</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></w:r>"
    )
    cell.paragraphs[0]._p.append(parse_xml(box))
    cell.paragraphs[0]._p.append(parse_xml(_ole(rel_ids[0], embedded[0][2])))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


_PACKAGE_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/package"


def test_embedded_office_documents_are_read_into_the_document() -> None:
    """A workbook pasted into a report or a slide is read with the xlsx reader; other programs'
    objects, a damaged package and an object in a table cell are report notes."""
    from pptx.opc.package import Part
    from pptx.opc.packuri import PackURI
    from pptx.oxml import parse_xml

    workbook = _workbook_with_comments()
    sheet_texts = [chunk.text for chunk in READERS["xlsx"].read(workbook, PARAMS).chunks]
    visio = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(512)  # an OLE compound file
    data = _docx_with_embedded(
        [("Sheet1.xlsx", workbook, "Excel.Sheet.12"), ("Drawing1.vsd", visio, "Visio.Drawing.15"),
         ("Broken.xlsx", workbook[:200], "Excel.Sheet.12")]
    )  # fmt: skip
    extraction = READERS["docx"].read(data, PARAMS)
    [body] = [chunk.text for chunk in extraction.chunks]
    paragraphs = ["Object Sheet1.xlsx:", *sheet_texts, "Object Drawing1.vsd:", "Object Broken.xlsx:"]
    table = ["| Layout cell |\n|---|", "Box in a cell"]  # what a cell holds beyond text follows its table
    assert body == "\n\n".join([*paragraphs, *table, *sheet_texts])
    assert extraction.notes == [
        "1 embedded object(s) (Excel.Sheet.12) not read: corrupt or unreadable xlsx file (zip directory unreadable: "
        "truncated or damaged)",
        "1 embedded object(s) (Visio.Drawing.15) not read: not a Word, PowerPoint or Excel package",
    ]
    off = READERS["docx"].read(data, replace(PARAMS, read_embedded_documents=False))
    assert off.chunks[0].text == "\n\n".join(
        ["Object Sheet1.xlsx:", "Object Drawing1.vsd:", "Object Broken.xlsx:", *table]
    )
    assert off.notes == [
        "3 embedded object(s) (Excel.Sheet.12) not read: extract.read_embedded_documents is off",
        "1 embedded object(s) (Visio.Drawing.15) not read: extract.read_embedded_documents is off",
    ]

    frame = (
        f"<p:graphicFrame {_PPTX_NAMESPACES} "
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><p:nvGraphicFramePr>'
        '<p:cNvPr id="30" name="Object 30"/><p:cNvGraphicFramePr/><p:nvPr/></p:nvGraphicFramePr>'
        '<p:xfrm><a:off x="914400" y="5000000"/><a:ext cx="914400" cy="914400"/></p:xfrm><a:graphic>'
        '<a:graphicData uri="http://schemas.openxmlformats.org/presentationml/2006/ole">'
        '<p:oleObj name="Worksheet" r:id="{}" progId="{}"><p:embed/></p:oleObj>'
        "</a:graphicData></a:graphic></p:graphicFrame>"
    ).format

    def build(slide) -> None:
        part = Part(PackURI("/ppt/embeddings/Sheet1.xlsx"), "application/octet-stream", slide.part.package, workbook)
        rel_id = slide.part.relate_to(
            part, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/package"
        )
        slide.shapes._spTree.append(parse_xml(frame(rel_id, "Excel.Sheet.12")))
        slide.shapes._spTree.append(parse_xml(frame("rId99", "Visio.Drawing.15")))

    deck = READERS["pptx"].read(_deck_with(build), PARAMS)
    assert [chunk.text for chunk in deck.chunks] == ["\n".join(["# Flow", *sheet_texts])]
    assert deck.notes == [
        "slide 1: an embedded object (Visio.Drawing.15) was not read: no data inside the document (a linked file?)"
    ]


def test_docx_nested_tables_and_content_controls_in_cells_are_read() -> None:
    from docx.oxml import parse_xml

    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Item", "Details"
    table.cell(1, 0).text = "Setup"
    details = table.cell(1, 1)
    details.text = "Near-field scan:"
    nested = details.add_table(rows=2, cols=2)
    for row, values in enumerate([("Probe", "RF-K7"), ("Bandwidth", "30 MHz")]):
        for col, value in enumerate(values):
            nested.cell(row, col).text = value
    details._tc.append(
        parse_xml(
            '<w:sdt xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:sdtContent>'
            "<w:p><w:r><w:t>Result: pass</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        )
    )
    buffer = io.BytesIO()
    document.save(buffer)
    [body] = [chunk.text for chunk in READERS["docx"].read(buffer.getvalue(), PARAMS).chunks]
    assert body == (
        "| Item | Details |\n|---|---|\n| Setup | Near-field scan: Probe; RF-K7 Bandwidth; 30 MHz Result: pass |"
    )


def test_pptx_review_comments_classic_and_modern_are_a_record_per_slide_without_authors() -> None:
    from pptx.opc.package import Part
    from pptx.opc.packuri import PackURI

    classic = (
        '<p:cmLst xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">'
        '<p:cm authorId="0" dt="2024-05-02T10:00:00.000" idx="1"><p:pos x="10" y="10"/>'
        "<p:text>Is the  48 V rail  still current?</p:text></p:cm></p:cmLst>"
    )
    modern = (
        '<p188:cmLst xmlns:p188="http://schemas.microsoft.com/office/powerpoint/2018/8/main" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<p188:cm id="{1}" authorId="{9}" created="2024-05-02T10:00:00.000">'
        '<p188:replyLst><p188:reply id="{2}" authorId="{8}" created="2024-05-03T10:00:00.000"><p188:txBody>'
        "<a:bodyPr/><a:p><a:r><a:t>Yes, since rev C.</a:t></a:r></a:p></p188:txBody></p188:reply></p188:replyLst>"
        "<p188:txBody><a:bodyPr/><a:p><a:r><a:t>Add the </a:t></a:r><a:r><a:t>inrush figure</a:t></a:r></a:p>"
        "<a:p><a:r><a:t>from the scope capture.</a:t></a:r></a:p></p188:txBody></p188:cm></p188:cmLst>"
    )

    def build(slide) -> None:
        part = slide.part
        classic_type = "application/vnd.openxmlformats-officedocument.presentationml.comments+xml"
        for name, xml, content_type, reltype in (
            ("comment1", classic, classic_type, "http://schemas.openxmlformats.org/officeDocument/2006/relationships"),
            ("modernComment_1", modern, "application/vnd.ms-powerpoint.comments+xml",
             "http://schemas.microsoft.com/office/2018/10/relationships"),
        ):  # fmt: skip
            uri = PackURI(f"/ppt/comments/{name}.xml")
            part.relate_to(Part(uri, content_type, part.package, xml.encode()), f"{reltype}/comments")

    extraction = READERS["pptx"].read(_deck_with(build), PARAMS)
    comments = [(c.location.slide, c.text) for c in extraction.chunks if c.location.part == "comments"]
    assert comments == [
        (1, "Is the 48 V rail still current?\nAdd the inrush figure from the scope capture.\nYes, since rev C.")
    ]
    assert extraction.notes == []


def test_pptx_damaged_comments_part_costs_a_note_not_the_deck() -> None:
    from pptx.opc.package import Part
    from pptx.opc.packuri import PackURI

    def build(slide) -> None:
        damaged = Part(PackURI("/ppt/comments/comment1.xml"), "application/xml", slide.part.package, b"<p:cmLst")
        slide.part.relate_to(damaged, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments")

    extraction = READERS["pptx"].read(_deck_with(build), PARAMS)
    assert [c.text for c in extraction.chunks] == ["# Flow"]
    assert extraction.notes == ["slide 1: comments could not be read (XMLSyntaxError)"]


def test_pdf_attached_office_files_are_read_and_other_attachments_are_notes_by_type() -> None:
    """A workbook attached to a report is read into an "attachments" record; other attachments are
    notes with their type and reason, never their names (a file name can be a person's)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(pages=1))))
    writer.add_attachment("Jane_Doe_measurements.xlsx", make_xlsx())
    writer.add_attachment("Jane_Doe_old.xlsx", b"PK\x03\x04 damaged")
    writer.add_attachment("scope.CSV", b"t,v\n0,1\n")
    buffer = io.BytesIO()
    writer.write(buffer)
    extraction = READERS["pdf"].read(buffer.getvalue(), PARAMS)
    [attachments] = [chunk.text for chunk in extraction.chunks if chunk.location.part == "attachments"]
    assert attachments == "\n\n".join(chunk.text for chunk in READERS["xlsx"].read(make_xlsx(), PARAMS).chunks)
    assert extraction.notes == [
        "1 embedded file(s) (.csv) not read: not a Word, PowerPoint or Excel package",
        "1 embedded file(s) (.xlsx) not read: "
        "corrupt or unreadable xlsx file (zip directory unreadable: truncated or damaged)",
    ]
    assert "Jane" not in json.dumps(extraction.notes)
    off = READERS["pdf"].read(buffer.getvalue(), replace(PARAMS, read_embedded_documents=False))
    assert [chunk.location.part for chunk in off.chunks] == ["body"]
    assert off.notes == [
        "1 embedded file(s) (.csv) not read: extract.read_embedded_documents is off",
        "2 embedded file(s) (.xlsx) not read: extract.read_embedded_documents is off",
    ]


def test_pptx_placeholders_placed_by_the_master_keep_their_reading_order() -> None:
    """The default template's layouts give their placeholders no position: they inherit the
    master's. The body text then sorted after a text box drawn below it."""
    from pptx import Presentation
    from pptx.util import Inches

    presentation = Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[1])  # Title and Content
    slide.shapes.title.text = "Architecture"
    slide.placeholders[1].text_frame.text = "Buck converter for the 5 V rail"
    slide.shapes.add_textbox(Inches(0.5), Inches(6.6), Inches(4), Inches(0.5)).text_frame.text = "Block diagram"
    slide.shapes.add_textbox(Inches(0.5), Inches(0.2), Inches(4), Inches(0.3)).text_frame.text = "Draft"
    buffer = io.BytesIO()
    presentation.save(buffer)
    [chunk] = READERS["pptx"].read(buffer.getvalue(), PARAMS).chunks
    assert chunk.text == "# Architecture\nDraft\n- Buck converter for the 5 V rail\nBlock diagram"


_CHARTEX = (
    '<cx:chartSpace xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:cx="http://schemas.microsoft.com/office/drawing/2014/chartex"><cx:chartData><cx:data id="0">'
    '<cx:strDim type="cat"><cx:f>Sheet1!$A$2:$A$4</cx:f><cx:lvl ptCount="3"><cx:pt idx="0">Budget</cx:pt>'
    '<cx:pt idx="1">Buck loss</cx:pt><cx:pt idx="2">LDO loss</cx:pt></cx:lvl></cx:strDim>'
    '<cx:numDim type="val"><cx:f>Sheet1!$B$2:$B$4</cx:f><cx:lvl ptCount="3" formatCode="General">'
    '<cx:pt idx="0">21.2</cx:pt><cx:pt idx="1">-1.6</cx:pt><cx:pt idx="2">-1.30000000001</cx:pt></cx:lvl>'
    "</cx:numDim></cx:data></cx:chartData><cx:chart><cx:title><cx:tx><cx:txData><cx:v>Power  budget</cx:v>"
    "</cx:txData></cx:tx></cx:title><cx:plotArea><cx:plotAreaRegion>"
    '<cx:series layoutId="waterfall" uniqueId="{1}"><cx:tx><cx:txData><cx:f>Sheet1!$B$1</cx:f><cx:v>Watts</cx:v>'
    '</cx:txData></cx:tx><cx:dataId val="0"/></cx:series>'
    '<cx:series layoutId="paretoLine" ownerIdx="0" uniqueId="{2}"><cx:dataId val="0"/></cx:series>'
    "</cx:plotAreaRegion></cx:plotArea></cx:chart></cx:chartSpace>"
)
_CHARTEX_TEXT = (
    "Chart: Power budget\n|  | Watts |\n|---|---|\n| Budget | 21.2 |\n| Buck loss | -1.6 |\n| LDO loss | -1.3 |"
)


def test_office_2016_charts_chartex_are_read_as_title_and_data() -> None:
    """Waterfall, histogram, pareto and the other Office 2016 types are another chart format;
    they were lost without a word in both Word and PowerPoint."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    document = docx.Document()
    content_type = "application/vnd.ms-office.chartex+xml"
    part = Part(PackURI("/word/charts/chartEx1.xml"), content_type, _CHARTEX.encode(), document.part.package)
    rel_id = document.part.relate_to(part, "http://schemas.microsoft.com/office/2014/relationships/chartEx")
    document.add_paragraph("Figure 2:")._p.append(
        parse_xml(
            '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
            'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
            'xmlns:cx="http://schemas.microsoft.com/office/drawing/2014/chartex" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<mc:AlternateContent><mc:Choice Requires="cx1"><w:drawing><wp:inline><wp:extent cx="1" cy="1"/>'
            '<wp:docPr id="1" name="Chart 1"/><a:graphic>'
            '<a:graphicData uri="http://schemas.microsoft.com/office/drawing/2014/chartex">'
            f'<cx:chart r:id="{rel_id}"/></a:graphicData></a:graphic></wp:inline></w:drawing></mc:Choice>'
            "<mc:Fallback><w:t>[picture]</w:t></mc:Fallback></mc:AlternateContent></w:r>"
        )
    )
    buffer = io.BytesIO()
    document.save(buffer)
    [body] = [chunk.text for chunk in READERS["docx"].read(buffer.getvalue(), PARAMS).chunks]
    assert body == f"Figure 2:\n\n{_CHARTEX_TEXT}"

    from pptx.opc.package import Part as DeckPart
    from pptx.opc.packuri import PackURI as DeckURI
    from pptx.oxml import parse_xml as parse_deck_xml

    def build(slide) -> None:
        part = DeckPart(DeckURI("/ppt/charts/chartEx1.xml"), content_type, slide.part.package, _CHARTEX.encode())
        chart_id = slide.part.relate_to(part, "http://schemas.microsoft.com/office/2014/relationships/chartEx")
        frame = (
            f"<mc:AlternateContent {_PPTX_NAMESPACES} "
            'xmlns:cx="http://schemas.microsoft.com/office/drawing/2014/chartex" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><mc:Choice Requires="cx1">'
            '<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="40" name="Chart 40"/><p:cNvGraphicFramePr/><p:nvPr/>'
            '</p:nvGraphicFramePr><p:xfrm><a:off x="914400" y="3000000"/><a:ext cx="914400" cy="914400"/></p:xfrm>'
            '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/drawing/2014/chartex">'
            f'<cx:chart r:id="{chart_id}"/></a:graphicData></a:graphic></p:graphicFrame></mc:Choice>'
            "<mc:Fallback/></mc:AlternateContent>"
        )
        slide.shapes._spTree.append(parse_deck_xml(frame))

    [chunk] = READERS["pptx"].read(_deck_with(build), PARAMS).chunks
    assert chunk.text == f"# Flow\n{_CHARTEX_TEXT}"


def test_xlsx_percentages_read_as_the_sheet_shows_them() -> None:
    """Excel stores 25 % as 0.25; a quoted or escaped "%" in a format is text and scales nothing."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Check", "Value"])
    for name, value, number_format in [
        ("duty", 0.25, "0%"),  # built in (id 9)
        ("ripple", 0.0125, "0.0%"),  # custom
        ("tolerance", 0.07, "0.00%;[Red]-0.00%"),
        ("load", 1, "0%"),
        ("quoted", 5, '0"%"'),
        ("escaped", 5, "0\\%"),
        ("plain", 0.25, "General"),
        ("status", "pass", "0%"),
    ]:
        sheet.append([name, value])
        sheet.cell(sheet.max_row, 2).number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    [chunk] = READERS["xlsx"].read(buffer.getvalue(), PARAMS).chunks
    assert chunk.text.splitlines()[1:] == [
        "Check: duty; Value: 25%",
        "Check: ripple; Value: 1.25%",
        "Check: tolerance; Value: 7%",
        "Check: load; Value: 100%",
        "Check: quoted; Value: 5",
        "Check: escaped; Value: 5",
        "Check: plain; Value: 0.25",
        "Check: status; Value: pass",
    ]


def test_docx_symbols_and_ruby_base_text_are_read() -> None:
    """``w:sym`` (a character inserted from a symbol font) and ruby were read as nothing."""
    sym = '<w:sym w:font="{}" w:char="{}"/>'.format
    text = '<w:t xml:space="preserve">{}</w:t>'.format
    data = _docx_with_body_xml(
        [
            "<w:r>" + text("C4: 10 ") + sym("Symbol", "F06D") + text("F ") + sym("Symbol", "B1") + text("10 %, 4.7 k")
            + sym("Symbol", "F057") + sym("Wingdings", "F0FC") + text(", ") + sym("Cambria Math", "2264") + text(" 85 ")
            + sym("Symbol", "F0B0") + text("C") + sym("Symbol", "F0FF") + sym("Symbol", "not hex") + "</w:r>",
            "<w:r><w:ruby><w:rubyPr/><w:rt><w:r><w:t>かいろ</w:t></w:r></w:rt><w:rubyBase><w:r><w:t>回路</w:t></w:r>"
            "</w:rubyBase></w:ruby></w:r><w:r><w:t>図</w:t></w:r>",
        ],
        cell_paragraph="<w:r>" + text("ESR ") + sym("Symbol", "A3") + text(" 5 m") + sym("Symbol", "57") + "</w:r>"
        + "<w:r>" + text(", R3 4.7 k") + "</w:r>"
        + '<w:r><w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol"/></w:rPr><w:t>W</w:t></w:r>',  # shows "Ω"
    )  # fmt: skip
    [body] = [chunk.text for chunk in READERS["docx"].read(data, PARAMS).chunks]
    assert (
        body == "C4: 10 μF ±10 %, 4.7 kΩ, ≤ 85 °C\n\n回路図\n\n| ESR ≤ 5 mΩ, R3 4.7 kΩ |\n|---|"
    )  # "W" typed in Symbol


def test_pptx_symbol_font_characters_are_read_as_unicode() -> None:
    """PowerPoint keeps a character inserted from the Symbol font as its private-use code (U+F0xx)
    in a run whose a:sym (or a:latin) font is Symbol."""
    from pptx.oxml import parse_xml as parse_deck_xml

    def run(text: str, fonts: str = "") -> str:
        return f'<a:r><a:rPr lang="en-US">{fonts}</a:rPr><a:t>{text}</a:t></a:r>'

    symbol = '<a:sym typeface="Symbol" pitchFamily="18" charset="2"/>'
    paragraph = (
        "<a:p>" + run("C4: 10 ") + run("\uf06d", symbol) + run("F ")
        + run("\uf0b1", '<a:latin typeface="Arial"/>' + symbol) + run("10 %, 4.7 k")
        + run("\uf057", '<a:latin typeface="Symbol"/>') + run("\uf0fc", '<a:sym typeface="Wingdings"/>')
        + run(", max 85 \uf0b0C, C5: 1 ") + run("m", '<a:latin typeface="Symbol"/>') + run("F") + "</a:p>"
    )  # fmt: skip

    def build(slide) -> None:
        shape = parse_deck_xml(f"<p:spTree {_PPTX_NAMESPACES}>{_text_box_xml(3, 1600000, paragraph)}</p:spTree>")[0]
        slide.shapes._spTree.append(shape)

    [chunk] = READERS["pptx"].read(_deck_with(build), PARAMS).chunks
    assert chunk.text == "# Flow\nC4: 10 μF ±10 %, 4.7 kΩ, max 85 C, C5: 1 μF"  # typed in Symbol: "m" shows "μ"


def test_hidden_sheets_and_slides_are_read_and_noted() -> None:
    import openpyxl
    from pptx import Presentation

    workbook = openpyxl.Workbook()
    workbook.active.append(["Ref", "Qty"])
    for title, state in (("Old rev", "hidden"), ("Lookup", "veryHidden")):
        sheet = workbook.create_sheet(title)
        sheet.append(["Key", "Value"])
        sheet.append(["R1", "10k"])
        sheet.sheet_state = state
    buffer = io.BytesIO()
    workbook.save(buffer)
    extraction = READERS["xlsx"].read(buffer.getvalue(), PARAMS)
    assert [chunk.location.sheet for chunk in extraction.chunks] == ["Sheet", "Old rev", "Lookup"]
    assert extraction.notes == [  # by number: a sheet's name may be a person's
        "sheet 2 is hidden, read like the others",
        "sheet 3 is very hidden (only a macro can show it), read like the others",
    ]

    presentation = Presentation()
    for number in range(1, 5):
        presentation.slides.add_slide(presentation.slide_layouts[5]).shapes.title.text = f"Slide {number}"
    presentation.slides[1]._element.set("show", "0")
    presentation.slides[3]._element.set("show", "false")
    buffer = io.BytesIO()
    presentation.save(buffer)
    extraction = READERS["pptx"].read(buffer.getvalue(), PARAMS)
    assert [chunk.location.slide for chunk in extraction.chunks] == [1, 2, 3, 4]
    assert extraction.notes == ["hidden slide(s) 2, 4 read like the others"]


def test_docx_header_text_boxes_and_tables_are_read_in_order() -> None:
    """A header's text box (where a document number or classification often stands) was lost, and
    its tables came after all of its paragraphs."""
    from docx.oxml import parse_xml

    namespaces = (
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
    )
    run = '<w:r><w:t xml:space="preserve">{}</w:t></w:r>'.format
    box = (
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>'
        f"<w:p>{run('DR-0042 Rev B')}</w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice>"
        "</mc:AlternateContent></w:r>"
    )
    document = docx.Document()
    document.add_paragraph("Body.")
    header = document.sections[0].header
    header.paragraphs[0].text = "ACME Power"
    table = header.add_table(rows=1, cols=2, width=docx.shared.Inches(4))
    table.cell(0, 0).text, table.cell(0, 1).text = "Sheet", "1 of 3"
    header._element.append(parse_xml(f"<w:p {namespaces}>{run('Classification:')}{box}</w:p>"))
    header._element.append(
        parse_xml(f"<w:sdt {namespaces}><w:sdtContent><w:p>{run('Approved')}</w:p></w:sdtContent></w:sdt>")
    )
    buffer = io.BytesIO()
    document.save(buffer)
    [header_chunk] = [
        chunk.text
        for chunk in READERS["docx"].read(buffer.getvalue(), PARAMS).chunks
        if chunk.location.part == "header"
    ]
    assert header_chunk == "ACME Power\n| Sheet | 1 of 3 |\n|---|---|\nClassification:\nDR-0042 Rev B\nApproved"


def _docx_with_smartart(data_model: str | None) -> bytes:
    """A .docx whose second paragraph holds a SmartArt graphic with ``data_model`` (None: a
    relationship to nothing)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    document = docx.Document()
    document.add_paragraph("Before.")
    paragraph = document.add_paragraph("Process:")
    rel_id = "rId999"
    if data_model is not None:
        content_type = "application/vnd.openxmlformats-officedocument.drawingml.diagramData+xml"
        part = Part(PackURI("/word/diagrams/data1.xml"), content_type, data_model.encode(), document.part.package)
        rel_id = document.part.relate_to(part, RT.DIAGRAM_DATA)
    paragraph._p.append(
        parse_xml(
            '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:drawing><wp:inline>'
            '<wp:extent cx="5486400" cy="3200400"/><wp:docPr id="1" name="Diagram 1"/><a:graphic>'
            '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/diagram">'
            '<dgm:relIds xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" '
            f'r:dm="{rel_id}" r:lo="" r:qs="" r:cs=""/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>'
        )
    )
    document.add_paragraph("After.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_smartart_follows_its_paragraph_as_an_outline_and_a_broken_one_is_a_note() -> None:
    extraction = READERS["docx"].read(_docx_with_smartart(_SMARTART_DATA_MODEL), PARAMS)
    assert [chunk.text for chunk in extraction.chunks] == [
        "Before.\n\nProcess:\n\n- Schematic capture\n- Design review\n  - Sign-off by QA\n\nAfter."
    ]
    assert extraction.notes == []
    broken = READERS["docx"].read(_docx_with_smartart(None), PARAMS)
    assert [chunk.text for chunk in broken.chunks] == ["Before.\n\nProcess:\n\nAfter."]
    assert broken.notes == ["a SmartArt graphic could not be read (KeyError)"]


def test_pdf_pages_carry_the_bookmark_path_open_at_their_top() -> None:
    """A specification's bookmarks (Word writes them from its headings) give each page's chunks a
    heading path, as a Word document's sections have: "which section of the spec" for an audit."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    _, height = A4
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pages = [  # (bookmarks: (title, level, y), body line)
        ([], "Contents and revision history."),
        ([("1 Scope", 0, height - 90)], "This spec covers the 24 V supply."),
        ([("2 Electrical", 0, height - 90), ("2.1 Input", 1, height / 2)], "Input range 18 to 32 V."),
        ([], "Inrush current below 2 A."),
        ([("2.2 Output", 1, height - 120), ("3 Mechanical", 0, height - 400)], "Output 5 V at 3 A."),
        ([("3.1 Housing", 1, height - 90)], "IP54 housing."),
        ([("3.2 Sealing", 1, height - 90), ("3.3 Labels", 1, height - 110)], "Gasket, then labels."),
        ([("4 Tests", 0, height - 90), ("4.1 EMC", 1, height - 110)], "EN 55032 class B."),
    ]
    for number, (bookmarks, line) in enumerate(pages, start=1):
        pdf.drawString(72, height - 100, line)
        for title, level, y in bookmarks:
            key = f"p{number}-{title}"
            pdf.bookmarkPage(key, fit="XYZ", top=y)
            pdf.addOutlineEntry(title, key, level=level)
        pdf.showPage()
    pdf.save()
    chunks = READERS["pdf"].read(buffer.getvalue(), PARAMS).chunks
    assert [(chunk.location.page, chunk.location.heading_path) for chunk in chunks] == [
        (1, None),
        (2, ("1 Scope",)),
        (3, ("2 Electrical",)),  # 2.1 starts halfway down page 3
        (4, ("2 Electrical", "2.1 Input")),
        (5, ("2 Electrical", "2.2 Output")),
        (6, ("3 Mechanical", "3.1 Housing")),  # 3 starts low on page 5
        (7, ("3 Mechanical", "3.2 Sealing")),  # a sibling below: the page began in 3.2
        (8, ("4 Tests", "4.1 EMC")),  # a chapter and its first section, both at the top
    ]


def test_pdf_page_with_a_damaged_size_keeps_its_bookmarks_and_the_document() -> None:
    """Placing a bookmark at a page's top needs the page's size; a page whose ``/MediaBox`` is
    damaged failed the whole document ("Expected four values for /MediaBox, got 3")."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    _, height = A4
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    for title, line in (("1 Scope", "This spec covers the 24 V supply."), ("2 Electrical", "Input range 18 to 32 V.")):
        pdf.drawString(72, height - 100, line)
        pdf.bookmarkPage(title, fit="XYZ", top=height - 90)
        pdf.addOutlineEntry(title, title, level=0)
        pdf.showPage()
    pdf.save()
    box = b"/MediaBox [ 0 0 595.2756 841.8898 ]"
    data = buffer.getvalue()
    second = data.index(box, data.index(box) + 1)
    damaged = data[:second] + box.replace(b" 841.8898", b" " * 9) + data[second + len(box) :]  # offsets kept
    chunks = READERS["pdf"].read(damaged, PARAMS).chunks
    assert [(chunk.location.page, chunk.location.heading_path) for chunk in chunks] == [
        (1, ("1 Scope",)),
        (2, ("2 Electrical",)),  # its size unknown, the whole page counts as its top
    ]


def test_xlsx_text_boxes_are_a_record_per_sheet() -> None:
    """Notes an engineer puts in a text box beside a table: openpyxl reads no shapes."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "Ripple"
    workbook.active.append(["Rail", "mVpp"])
    workbook.active.append(["5V", 42])
    buffer = io.BytesIO()
    workbook.save(buffer)

    def shape(shape_id: int, *paragraphs: str) -> str:
        runs = "".join(f"<a:p><a:r><a:t>{text}</a:t></a:r></a:p>" for text in paragraphs)
        return (
            f'<xdr:sp><xdr:nvSpPr><xdr:cNvPr id="{shape_id}" name="TextBox {shape_id}"/><xdr:cNvSpPr txBox="1"/>'
            f"</xdr:nvSpPr><xdr:spPr/><xdr:txBody><a:bodyPr/>{runs}</xdr:txBody></xdr:sp>"
        )

    def anchor(content: str) -> str:
        def corner(tag: str, col: int, row: int) -> str:
            offsets = "<xdr:colOff>0</xdr:colOff>", "<xdr:rowOff>0</xdr:rowOff>"
            return f"<xdr:{tag}><xdr:col>{col}</xdr:col>{offsets[0]}<xdr:row>{row}</xdr:row>{offsets[1]}</xdr:{tag}>"

        corners = corner("from", 3, 1) + corner("to", 6, 6)
        return f"<xdr:twoCellAnchor>{corners}{content}<xdr:clientData/></xdr:twoCellAnchor>"

    fallback = (
        '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        f'<mc:Choice Requires="a14">{shape(4, "Scope probe P2")}</mc:Choice>'
        f"<mc:Fallback>{shape(4, 'Scope probe P2')}</mc:Fallback></mc:AlternateContent>"
    )
    group = '<xdr:nvGrpSpPr><xdr:cNvPr id="5" name="Group"/><xdr:cNvGrpSpPr/></xdr:nvGrpSpPr><xdr:grpSpPr/>'
    drawing = (
        '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        + anchor(shape(2, "Measured with a 20 MHz", "bandwidth limit."))
        + anchor(f"<xdr:grpSp>{group}{shape(3, 'Rev B board')}</xdr:grpSp>")
        + anchor(fallback)
        + "</xdr:wsDr>"
    ).encode()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source:
        sheet_xml = source.read("xl/worksheets/sheet1.xml")
        content_types = source.read("[Content_Types].xml")
    data = _rewrite_members(
        buffer.getvalue(),
        {
            "xl/worksheets/sheet1.xml": sheet_xml.replace(
                b"</worksheet>",
                b'<drawing xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/>'
                b"</worksheet>",
            ),
            "[Content_Types].xml": content_types.replace(
                b"</Types>",
                b'<Override PartName="/xl/drawings/drawing1.xml" '
                b'ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/></Types>',
            ),
            "xl/worksheets/_rels/sheet1.xml.rels": (
                b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                b'drawing" Target="../drawings/drawing1.xml"/></Relationships>'
            ),
            "xl/drawings/drawing1.xml": drawing,
        },
    )
    extraction = READERS["xlsx"].read(data, PARAMS)
    shapes = [chunk for chunk in extraction.chunks if chunk.location.part == "shapes"]
    assert [(chunk.location.sheet, chunk.text) for chunk in shapes] == [
        ("Ripple", "Measured with a 20 MHz\nbandwidth limit.\nRev B board\nScope probe P2")
    ]
    assert extraction.notes == []
    damaged = READERS["xlsx"].read(_rewrite_members(data, {"xl/drawings/drawing1.xml": b"not XML at all"}), PARAMS)
    assert [chunk.location.part for chunk in damaged.chunks] == ["table"]  # the sheet is still read
    assert damaged.notes == ["sheet 1: text boxes and charts could not be read (XMLSyntaxError)"]


def test_xlsx_charts_are_read_into_the_shapes_record() -> None:
    """A chart's title says what its data shows; Excel keeps the plotted values in the chart part
    too (openpyxl writes none, so its chart reads as the title alone)."""
    import openpyxl
    from openpyxl.chart import BarChart, Reference
    from pptx.chart.data import CategoryChartData
    from pptx.chart.xmlwriter import ChartXmlWriter
    from pptx.enum.chart import XL_CHART_TYPE

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Ripple"
    for row in (["Load", "mVpp"], ["0.5 A", 12], ["3 A", 42]):
        sheet.append(row)
    chart = BarChart()
    chart.title = "Ripple vs load"
    chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=3), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=3))
    sheet.add_chart(chart, "D2")
    buffer = io.BytesIO()
    workbook.save(buffer)
    extraction = READERS["xlsx"].read(buffer.getvalue(), PARAMS)
    assert [(c.location.part, c.location.sheet, c.text) for c in extraction.chunks if c.location.part == "shapes"] == [
        ("shapes", "Ripple", "Chart: Ripple vs load")
    ]
    cached = CategoryChartData()  # as Excel saves it: the plotted values cached in the chart part
    cached.categories = ["0.5 A", "3 A"]
    cached.add_series("mVpp", (12, 42))
    chart_xml = ChartXmlWriter(XL_CHART_TYPE.COLUMN_CLUSTERED, cached).xml.encode()
    excel = READERS["xlsx"].read(_rewrite_members(buffer.getvalue(), {"xl/charts/chart1.xml": chart_xml}), PARAMS)
    [shapes] = [chunk.text for chunk in excel.chunks if chunk.location.part == "shapes"]
    assert shapes == "|  | mVpp |\n|---|---|\n| 0.5 A | 12 |\n| 3 A | 42 |"


def test_xlsx_styles_openpyxl_rejects_are_mended_or_left_out() -> None:
    """An empty <fill/> (instrument and report software write it; Excel opens the file) made
    openpyxl refuse the whole workbook. A stylesheet it still cannot read is replaced by a plain
    one: the values are read, dates as plain numbers, and a note says so."""
    import datetime as dt

    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["Run", "Date", "Yield"])
    workbook.active.append(["A1", dt.datetime(2024, 3, 5), 0.97])
    workbook.active["C2"].number_format = "0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    styles = zipfile.ZipFile(io.BytesIO(data)).read("xl/styles.xml")
    expected = READERS["xlsx"].read(data, PARAMS)
    assert expected.chunks[0].text.endswith("Run: A1; Date: 2024-03-05; Yield: 97%")

    empty_fill = _rewrite_members(
        data, {"xl/styles.xml": styles.replace(b'<fills count="2">', b'<fills count="3"><fill/>')}
    )
    mended = READERS["xlsx"].read(empty_fill, PARAMS)
    assert mended.chunks == expected.chunks  # dates and percentages as before
    assert mended.notes == ["empty fill styles mended (openpyxl rejects them; Excel does not)"]

    broken = READERS["xlsx"].read(_rewrite_members(data, {"xl/styles.xml": b"<styleSheet><fonts"}), PARAMS)
    assert broken.chunks[0].text.endswith("Run: A1; Date: 45356; Yield: 0.97")
    assert broken.notes == [
        "the workbook's styles could not be read (XMLSyntaxError) and were left out: "
        "dates and percentages show as plain numbers"
    ]


def test_pptx_a_slide_that_cannot_be_read_costs_that_slide_not_the_deck(monkeypatch) -> None:
    from pptx import Presentation

    from adaptline.extract.readers import pptx as pptx_reader

    presentation = Presentation()
    for number in (1, 2, 3):
        slide = presentation.slides.add_slide(presentation.slide_layouts[1])
        slide.shapes.title.text = f"Slide {number}"
        slide.placeholders[1].text = f"point {number}"
    buffer = io.BytesIO()
    presentation.save(buffer)
    rels = "ppt/slides/_rels/slide2.xml.rels"
    layout_missing = _rewrite_members(
        buffer.getvalue(),
        {
            rels: zipfile.ZipFile(buffer)
            .read(rels)
            .replace(b"../slideLayouts/slideLayout2.xml", b"../slideLayouts/NULL")
        },
    )
    shape_text = pptx_reader._shape_text

    def fails_on_slide_3(shape, inherited, unread, number, params):
        if number == 3:
            raise ValueError("a damaged shape")
        return shape_text(shape, inherited, unread, number, params)

    monkeypatch.setattr(pptx_reader, "_shape_text", fails_on_slide_3)
    extraction = READERS["pptx"].read(layout_missing, PARAMS)
    assert [chunk.text for chunk in extraction.chunks] == ["# Slide 1\n- point 1", "# Slide 2\n- point 2"]
    assert extraction.notes == [
        "slide 2: its layout is missing from the file",
        "slide 3 could not be read (ValueError)",
    ]


def test_xlsx_a_sheet_whose_cells_cannot_be_read_costs_that_sheet_not_the_workbook() -> None:
    data = make_xlsx()
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet2.xml")
    damaged = sheet.replace(b"<sheetData>", b'<sheetData><row r="9"><c r="A9"><v>not a number</v></c></row>', 1)
    extraction = READERS["xlsx"].read(_rewrite_members(data, {"xl/worksheets/sheet2.xml": damaged}), PARAMS)
    expected = READERS["xlsx"].read(data, PARAMS)
    assert extraction.chunks == [chunk for chunk in expected.chunks if chunk.location.sheet == "BOM"]
    assert extraction.notes == ["sheet 2: its cells could not be read (ValueError)"]


def test_pdf_a_page_whose_text_cannot_be_read_costs_that_page_not_the_document(monkeypatch) -> None:
    import pypdf

    extract_text = pypdf.PageObject.extract_text

    def fails_on_page_2(page, *args, **kwargs):
        if page.page_number == 1:
            raise ValueError("a damaged content stream")
        return extract_text(page, *args, **kwargs)

    monkeypatch.setattr(pypdf.PageObject, "extract_text", fails_on_page_2)
    extraction = READERS["pdf"].read(make_pdf(pages=3), PARAMS)
    assert [chunk.location.page for chunk in extraction.chunks if chunk.location.part == "body"] == [1, 3]
    assert extraction.notes == ["page 2: text could not be read (ValueError)"]  # not "without a text layer"


def test_docx_damaged_footnotes_cost_the_footnotes_not_the_document() -> None:
    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    document = docx.Document()
    document.add_paragraph("The inrush limiter is an NTC.")
    part = Part(PackURI("/word/footnotes.xml"), CONTENT_TYPE.WML_FOOTNOTES, b"<w:footnotes", document.part.package)
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    buffer = io.BytesIO()
    document.save(buffer)
    extraction = READERS["docx"].read(buffer.getvalue(), PARAMS)
    assert [chunk.text for chunk in extraction.chunks] == ["The inrush limiter is an NTC."]
    assert extraction.notes == ["footnotes could not be read (XMLSyntaxError)"]

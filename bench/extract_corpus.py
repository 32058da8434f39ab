"""A seeded generator of engineering-like documents of all five kinds, for the extract benchmarks.

Sizes are typical of real files (multi-section reports, 8-slide decks, 150-row sheets, 5-page
specs, 15-function C files), so parser time, not process overhead, dominates.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import docx
import openpyxl
from pptx import Presentation
from pptx.util import Inches
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

KINDS = ("docx", "pptx", "xlsx", "pdf", "c")
_VOCABULARY = (
    "voltage current ripple converter buck boost regulator inductor capacitor ferrite gate driver mosfet "
    "thermal margin derating firmware interrupt register clock jitter phase loop filter bandwidth sensor "
    "calibration offset gain adc dac spi i2c uart can bus frame checksum watchdog reset brownout supply "
    "rail load step transient surge emi emc shield ground plane layer via trace impedance connector "
    "harness cable fuse relay contactor motor encoder torque speed controller pwm duty cycle dead time "
)
WORDS = tuple(_VOCABULARY.split())


def sentence(rng: random.Random, n: int = 14) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def make(kind: str, rng: random.Random) -> bytes:
    return {"docx": _docx, "pptx": _pptx, "xlsx": _xlsx, "pdf": _pdf, "c": _c}[kind](rng)


def generate(out_dir: Path, n_docs: int, seed: int) -> list[Path]:
    """Write ``n_docs`` documents (kinds in rotation) under ``out_dir``; return their paths."""
    rng = random.Random(seed)
    paths = []
    for index in range(n_docs):
        kind = KINDS[index % len(KINDS)]
        path = out_dir / kind / f"doc_{index:05d}.{kind}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(make(kind, rng))
        paths.append(path)
    return paths


def _docx(rng: random.Random) -> bytes:
    document = docx.Document()
    document.core_properties.title = sentence(rng, 5)
    document.sections[0].header.paragraphs[0].text = "Design review DR-" + str(rng.randint(1000, 9999))
    document.sections[0].footer.paragraphs[0].text = "Company internal"
    for section in range(6):
        document.add_heading(sentence(rng, 4), level=1 + section % 2)
        for _ in range(3):
            document.add_paragraph(" ".join(sentence(rng) for _ in range(4)))
        for _ in range(3):
            document.add_paragraph(sentence(rng, 8), style="List Bullet")
        table = document.add_table(rows=5, cols=4)
        for row in table.rows:
            for cell in row.cells:
                cell.text = f"{rng.choice(WORDS)} {rng.randint(0, 999)}"
    return _save(document)


def _pptx(rng: random.Random) -> bytes:
    presentation = Presentation()
    for index in range(8):
        slide = presentation.slides.add_slide(presentation.slide_layouts[1])
        slide.shapes.title.text = sentence(rng, 4)
        frame = slide.placeholders[1].text_frame
        frame.text = sentence(rng, 8)
        for level in (0, 1, 1, 0):
            paragraph = frame.add_paragraph()
            paragraph.text = sentence(rng, 8)
            paragraph.level = level
        slide.notes_slide.notes_text_frame.text = " ".join(sentence(rng) for _ in range(3))
        if index == 4:
            table = slide.shapes.add_table(4, 3, Inches(1), Inches(5), Inches(6), Inches(1.5)).table
            for row in range(4):
                for col in range(3):
                    table.cell(row, col).text = f"{rng.choice(WORDS)} {rng.randint(0, 99)}"
    return _save(presentation)


def _xlsx(rng: random.Random) -> bytes:
    workbook = openpyxl.Workbook()
    for index, title in enumerate(("BOM", "Results")):
        sheet = workbook.active if index == 0 else workbook.create_sheet(title)
        sheet.title = title
        sheet.append(["Ref", "Part", "Value", "Qty", "Unit cost", "Note"])
        for row in range(150):
            sheet.append(
                [
                    f"R{row}",
                    rng.choice(WORDS),
                    rng.randint(1, 1000),
                    rng.randint(1, 20),
                    round(rng.random(), 3),
                    sentence(rng, 5),
                ]
            )
    return _save(workbook)


def _pdf(rng: random.Random) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    _, height = A4
    pages = 5
    for page in range(1, pages + 1):
        pdf.drawString(60, height - 40, "SPEC-" + str(rng.randint(100, 999)) + " Interface specification")
        y = height - 80
        for _ in range(40):
            pdf.drawString(60, y, sentence(rng, 12))
            y -= 16
        pdf.drawString(60, 30, f"Page {page} of {pages}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _c(rng: random.Random) -> bytes:
    lines = ["/* Driver module. */", "#include <stdint.h>", ""]
    for index in range(5):
        lines += [f"#define REG_{index}_OFFSET 0x{rng.randint(0, 0xFFF):03x}u  /* {sentence(rng, 4)} */"]
    lines += ["", "typedef struct {", "    volatile uint32_t CR;", "    volatile uint32_t SR;", "} regs_t;", ""]
    for index in range(15):
        name = f"{rng.choice(WORDS)}_{rng.choice(WORDS)}_{index}"
        lines += [f"/* {sentence(rng, 10)} */", f"int {name}(regs_t *regs, int value)", "{"]
        for step in range(rng.randint(10, 30)):
            lines.append(f"    regs->CR = (regs->CR & ~0x{step:02x}u) | ((uint32_t)value << {step % 16});")
        lines += ["    return (int)regs->SR;", "}", ""]
    return "\n".join(lines).encode()


def _save(document: object) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()

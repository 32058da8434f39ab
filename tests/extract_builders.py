"""Tiny documents of every kind, built in memory for the extract tests and benchmarks, and a way
to put them in a corpus as documents that have been there a while."""

from __future__ import annotations

import io
import os
import re
import time
import zipfile
from pathlib import Path

import docx
import openpyxl
from pptx import Presentation
from pptx.util import Inches
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


def make_docx(title: str = "Power Supply Design Review", extra: str = "") -> bytes:
    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.author = "Erika Mustermann"
    section = document.sections[0]
    section.header.paragraphs[0].text = "ACME Confidential · DR-0042 · prepared by Erika Mustermann"
    section.footer.paragraphs[0].text = "Printed copies are uncontrolled"
    document.add_heading("Scope", level=1)
    document.add_paragraph("This review covers the 3V3 buck converter." + extra)
    document.add_heading("Findings", level=2)
    document.add_paragraph("Ripple exceeds the budget", style="List Bullet")
    document.add_paragraph("Thermal margin is fine", style="List Bullet")
    table = document.add_table(rows=3, cols=2)
    for row, (name, value) in enumerate([("Rail", "Ripple mV"), ("3V3", "45"), ("1V8", "12")]):
        table.cell(row, 0).text = name
        table.cell(row, 1).text = value
    document.add_paragraph("Replace C12", style="List Number")
    document.add_paragraph("Re-run the load step test", style="List Number")
    document.add_heading("Conclusion", level=1)
    document.add_paragraph("Approved with actions.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_pptx() -> bytes:
    presentation = Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[1])  # title and content
    slide.shapes.title.text = "Motor Driver Status"
    body = slide.placeholders[1].text_frame
    body.text = "Gate driver validated"
    paragraph = body.add_paragraph()
    paragraph.text = "Dead time 200 ns"
    paragraph.level = 1
    slide.notes_slide.notes_text_frame.text = "Mention the EMI retest next week."
    slide2 = presentation.slides.add_slide(presentation.slide_layouts[5])  # title only
    slide2.shapes.title.text = "Test Matrix"
    group = slide2.shapes.add_group_shape()
    low = group.shapes.add_textbox(Inches(1), Inches(5), Inches(3), Inches(1))
    low.text_frame.text = "Lower grouped note"
    high = group.shapes.add_textbox(Inches(1), Inches(2), Inches(3), Inches(1))
    high.text_frame.text = "Upper grouped note"
    table = slide2.shapes.add_table(2, 2, Inches(5), Inches(3), Inches(4), Inches(1)).table
    for col, (head, value) in enumerate([("Test", "Surge"), ("Result", "Pass")]):
        table.cell(0, col).text = head
        table.cell(1, col).text = value
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def make_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "BOM"
    sheet["A1"] = "Bill of materials rev B"
    sheet.merge_cells("A1:D1")
    sheet.append(["Ref", "Part", "Qty", "Cost"])
    sheet.append(["R1", "10k 0402", 4, 0.01])
    sheet.append([None, None, None, None])
    sheet.append(["C12", "22uF 0805", 2, 0.12])
    sheet.append(["Total", None, None, "=D3*C3+D5*C5"])
    other = workbook.create_sheet("Results")
    other.append(["Test", "Value"])
    for index in range(5):
        other.append([f"T{index}", index * 1.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return with_cached_value(buffer.getvalue(), "xl/worksheets/sheet1.xml", "D6", "0.28")


def with_cached_value(xlsx: bytes, member: str, cell: str, value: str) -> bytes:
    """Add the cached result Excel would store for a formula cell (openpyxl writes none)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == member:
                text = data.decode("utf-8")
                text = re.sub(rf'(<c r="{cell}"[^>]*>)(<f>[^<]*</f>)(<v\s*/>|<v></v>)?', rf"\1\2<v>{value}</v>", text)
                data = text.encode("utf-8")
            target.writestr(info, data)
    return out.getvalue()


_PDF_BODIES = [
    ["Electrical requirements", "The converter shall tolerate input tran-", "sients of 40 V for 100 ms."],
    ["Timing requirements", "The SPI clock shall not exceed 10 MHz."],
    ["Environmental requirements", "Operating range is -40 to 85 degrees."],
]


def make_pdf(pages: int = 3, encrypt_password: str | None = None) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle("Sensor Interface Specification")
    if encrypt_password is not None:
        pdf.setEncrypt(encrypt_password)
    _, height = A4
    for page in range(1, pages + 1):
        pdf.drawString(72, height - 40, "SIS-100 Sensor Interface Specification Rev 2")
        y = height - 100
        for line in _PDF_BODIES[(page - 1) % len(_PDF_BODIES)]:
            pdf.drawString(72, y, line)
            y -= 16
        pdf.drawString(72, 40, f"Page {page} of {pages}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


C_SOURCE = """\
/* uart.c - UART driver
 * Author: Max Example <max@example.com>
 */
#include <stdint.h>

#define UART_BASE 0x40011000u

/* Register block of the UART peripheral. */
typedef struct {
    volatile uint32_t SR;
    volatile uint32_t DR;
} uart_regs_t;

/**
 * Send one byte, blocking until the transmit register is empty.
 */
void uart_putc(char c)
{
    uart_regs_t *uart = (uart_regs_t *)UART_BASE;
    while ((uart->SR & 0x80u) == 0u) {
    }
    uart->DR = (uint32_t)c;
}

static int add(int a, int b) { return a + b; }
"""


AN_HOUR_AGO_NS = time.time_ns() - 3600 * 10**9


def write_old(path: Path, data: bytes) -> None:
    """Write a file dated an hour back, as documents that sat in the corpus for a while (the stat
    index does not remember files modified in the last seconds)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, ns=(AN_HOUR_AGO_NS, AN_HOUR_AGO_NS))

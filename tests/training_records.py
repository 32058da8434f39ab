"""Small engineering records (docx/pdf/c/pptx/xlsx) for the base, cpt, sft_data and sft tests.

Built directly as ``Record`` objects (no extraction), so these tests do not depend on the data stages.
"""

from __future__ import annotations

from pathlib import Path

from adaptline.records import Location, Record, sha256_bytes, write_records

PARTS = ["STM32F407", "DRV8353", "INA240", "TPS54360", "LM5164", "ADS1115"]
SIGNALS = ["PWM_A", "ADC_CH3", "UART_TX2", "SPI_MOSI", "GPIO_PB7", "CAN_RX"]

C_FUNCTION = """/**
 * Set the PWM duty cycle of channel {n} in percent (0..100).
 */
void pwm_set_duty_{n}(uint8_t percent)
{{
    if (percent > 100u) {{
        percent = 100u;
    }}
    TIM1->CCR{n} = (TIM1->ARR * percent) / 100u;
}}"""


def _doc_id(path: str) -> str:
    return sha256_bytes(path.encode("utf-8"))


def make_records(n_docs: int = 24) -> list[Record]:
    """``n_docs`` documents, one to three records each, cycling through the five kinds."""
    records: list[Record] = []
    for i in range(n_docs):
        part, signal = PARTS[i % len(PARTS)], SIGNALS[(i * 5) % len(SIGNALS)]
        kind = ("docx", "pdf", "c", "pptx", "xlsx")[i % 5]
        if kind == "c":
            path = f"firmware/src/pwm_{i}.c"
            loc = Location(part="code", function=f"pwm_set_duty_{i}", line_start=1, line_end=10)
            texts = [(loc, C_FUNCTION.format(n=i))]
        elif kind == "docx":
            path = f"specs/spec_{i}.docx"
            texts = [
                (
                    Location(heading_path=("Power stage", f"Section {j + 1}")),
                    f"The {part} drives {signal} at {10 * (j + 1)} kHz. Keep the trace to {part} short.",
                )
                for j in range(2)
            ]
        elif kind == "pdf":
            path = f"test_reports/report_{i}.pdf"
            texts = [
                (
                    Location(page=j + 1, heading_path=("Results",)),
                    f"Measured ripple on {signal} was {i + j} mV with the {part} at 25 C.",
                )
                for j in range(3)
            ]
        elif kind == "pptx":
            path = f"slides/review_{i}.pptx"
            texts = [
                (Location(slide=1), f"# Design review {i}\n- {part} selected\n- {signal} rerouted\n- EMI margin ok")
            ]
        else:
            path = f"bom/bom_{i}.xlsx"
            texts = [
                (
                    Location(part="table", sheet="BOM", cell_range="A1:C3"),
                    "Columns: Ref | Part number | Qty\n"
                    f"Ref: U{i}; Part number: {part}; Qty: {i % 4 + 1}\n"
                    f"Ref: R{i}; Part number: RC0603-{i}K; Qty: 2",
                )
            ]
        for chunk, (loc, text) in enumerate(texts):
            records.append(
                Record(
                    doc_id=_doc_id(path),
                    source_path=path,
                    kind=kind,
                    location=loc,
                    chunk_index=chunk,
                    text=text,
                    context=f"{path} · {kind}",
                )
            )
    return records


def write_splits(root: Path, n_docs: int = 24) -> Path:
    """data/split/{train,val,test}.jsonl under ``root`` (documents assigned round-robin 8:1:1-ish)."""
    split_dir = root / "data" / "split"
    by_split: dict[str, list[Record]] = {"train": [], "val": [], "test": []}
    doc_index: dict[str, int] = {}
    for record in make_records(n_docs):
        index = doc_index.setdefault(record.doc_id, len(doc_index))
        name = "val" if index % 8 == 6 else "test" if index % 8 == 7 else "train"
        by_split[name].append(record)
    for name, items in by_split.items():
        write_records(split_dir / f"{name}.jsonl", items)
    return split_dir

"""Write the embedded sample corpus (data/sample) and scalable synthetic corpora for benchmarks.

``generate_sample_corpus`` writes the hand-written documents of this package (design reviews,
test reports, decks, workbooks, specs, firmware); ``generate_corpus`` writes ``n_docs`` synthetic
documents of all five kinds for benchmarks. Both are byte-identical for identical arguments.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from adaptline.samples.decks import decks
from adaptline.samples.firmware import c_file, firmware_files
from adaptline.samples.ooxml import Block, DocMeta, Formula, SheetSpec, SlideSpec, docx_bytes, pptx_bytes, xlsx_bytes
from adaptline.samples.pdf import pdf_bytes
from adaptline.samples.planted import ALLOW_LIST, BOILERPLATE_FOOTER, CUSTOMERS, PEOPLE
from adaptline.samples.reports import reports
from adaptline.samples.specs import specs
from adaptline.samples.workbooks import workbooks

KINDS = ("docx", "pptx", "xlsx", "pdf", "c")


def sample_documents() -> dict[str, Callable[[], bytes]]:
    """Relative path -> function returning the file's bytes, for every file of the sample corpus."""
    docs: dict[str, Callable[[], bytes]] = {}
    for path, (blocks, meta, header, footer) in reports().items():
        docs[path] = lambda b=blocks, m=meta, h=header, f=footer: docx_bytes(b, m, h, f)
    for path, (slides, meta) in decks().items():
        docs[path] = lambda s=slides, m=meta: pptx_bytes(s, m)
    for path, (sheets, meta) in workbooks().items():
        docs[path] = lambda s=sheets, m=meta: xlsx_bytes(s, m)
    for path, spec in specs().items():
        docs[path] = lambda s=spec: pdf_bytes(s.blocks, s.header, s.footer, s.title, s.author)
    for path, (brief, code, person) in firmware_files().items():
        name = path.rsplit("/", 1)[-1]
        docs[path] = lambda n=name, b=brief, c=code, p=person: c_file(n, b, c, p.name, p.email).encode("utf-8")
    return dict(sorted(docs.items()))


def generate_sample_corpus(out_dir: str | Path) -> list[Path]:
    """Write the sample corpus under ``out_dir``; returns the written files in sorted order.

    Files of the corpus already in ``out_dir`` are overwritten; other files are left alone.
    """
    root = Path(out_dir)
    written = []
    for rel, make in sample_documents().items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(make())
        written.append(target)
    return written


def write_term_lists(deny_path: str | Path, allow_path: str | Path) -> None:
    """The deny-list (customer names) and allow-list (jargon never to redact) for the sample corpus."""
    deny = ["# Customer organisations named in data/sample; the scrub stage replaces them.", *CUSTOMERS]
    allow = [
        "# Terms the scrub stage must never redact in data/sample (exact, or re:<regex> full match).",
        *ALLOW_LIST,
    ]
    for path, lines in ((deny_path, deny), (allow_path, allow)):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- synthetic corpus for benchmarks --------------------------------------------------------------

_PARTS = [
    "LM317T",
    "TPS54331",
    "STM32F407VG",
    "STM32F767ZI",
    "74HC595",
    "ADXL355",
    "INA240",
    "DRV8353",
    "LM358",
    "NE555",
    "MCP2515",
    "TCAN1042",
    "W25Q64JV",
    "AMS1117",
    "BSS138",
    "IRLZ44N",
    "SN65HVD230",
    "OPA2333",
]
_SUBSYSTEMS = [
    "power stage",
    "clock tree",
    "RS-485 interface",
    "CAN transceiver",
    "ADC front end",
    "gate driver",
    "bootloader",
    "battery charger",
    "motor controller",
    "sensor bridge",
    "LED driver",
    "USB PHY",
]
_MEASURES = [
    "ripple",
    "phase margin",
    "rise time",
    "quiescent current",
    "junction temperature",
    "jitter",
    "efficiency",
    "settling time",
    "noise floor",
    "overshoot",
    "leakage current",
    "propagation delay",
]
_UNITS = [
    ("mV", 1, 80),
    ("degrees", 30, 70),
    ("ns", 2, 400),
    ("uA", 1, 900),
    ("degC", 40, 125),
    ("ps", 5, 300),
    ("%", 70, 97),
    ("us", 1, 500),
    ("nV/sqrt(Hz)", 3, 60),
    ("%", 1, 25),
    ("nA", 1, 800),
    ("ns", 1, 60),
]
_ACTIONS = [
    "re-measure after the layout change",
    "add a 100nF decoupling capacitor",
    "increase the gate resistor",
    "reduce the loop area",
    "update the firmware timeout",
    "order a second source",
    "repeat at -40 degC",
    "review the derating",
    "add a test point",
    "tighten the tolerance to 1 %",
]
_VERBS = ["measured", "simulated", "verified", "characterised", "reviewed", "estimated"]


def _sentence(rng: random.Random) -> str:
    i = rng.randrange(len(_MEASURES))
    unit, low, high = _UNITS[i]
    value = round(rng.uniform(low, high), rng.choice([0, 1, 2]))
    return (
        f"The {_MEASURES[i]} of the {rng.choice(_SUBSYSTEMS)} around the {rng.choice(_PARTS)} was "
        f"{rng.choice(_VERBS)} at {value} {unit}; we will {rng.choice(_ACTIONS)} (item {rng.randrange(1, 999)})."
    )


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def _synthetic_doc(kind: str, index: int, rng: random.Random) -> tuple[str, bytes]:
    """One synthetic document: (relative path, bytes)."""
    person = rng.choice(PEOPLE)
    title = f"{rng.choice(_SUBSYSTEMS).title()} note {index:05d}"
    created = datetime(2023, 1, 1) + timedelta(days=rng.randrange(700), minutes=rng.randrange(1440))
    meta = DocMeta(author=person.name, title=title, created=created, modified=created + timedelta(days=1))
    header = f"DOC-{index:05d} | {person.name}, {person.phone}"
    if kind == "docx":
        blocks: list[Block] = [("h", 1, title)]
        for s in range(rng.randint(2, 4)):
            blocks += [
                ("h", 2, f"{s + 1} {rng.choice(_SUBSYSTEMS).title()}"),
                ("p", _paragraph(rng, rng.randint(2, 5))),
            ]
        blocks.append(("ul", [rng.choice(_ACTIONS) for _ in range(3)]))
        blocks.append(
            (
                "table",
                [
                    ["Part", "Qty", "Note"],
                    *[[rng.choice(_PARTS), str(rng.randint(1, 20)), rng.choice(_MEASURES)] for _ in range(4)],
                ],
            )
        )
        return f"docx/doc_{index:05d}.docx", docx_bytes(blocks, meta, header, BOILERPLATE_FOOTER)
    if kind == "pptx":
        slides = [SlideSpec(title, [f"Owner: {person.name}", f"Customer: {rng.choice(CUSTOMERS)}"])]
        slides += [
            SlideSpec(
                rng.choice(_SUBSYSTEMS).title(),
                [_sentence(rng) for _ in range(3)],
                group=[rng.choice(_PARTS), rng.choice(_PARTS)],
                notes=_sentence(rng),
            )
            for _ in range(rng.randint(2, 4))
        ]
        return f"pptx/deck_{index:05d}.pptx", pptx_bytes(slides, meta)
    if kind == "xlsx":
        rows: list[list[object]] = [[title], ["Part", "Qty", "Unit price", "Ext. price"]]
        total = 0.0
        for r in range(3, 3 + rng.randint(10, 60)):
            qty, price = rng.randint(1, 50), round(rng.uniform(0.01, 12.0), 2)
            total += qty * price
            rows.append([rng.choice(_PARTS), qty, price, Formula(f"B{r}*C{r}", round(qty * price, 6))])
        rows.append([None, None, "Total", Formula(f"SUM(D3:D{len(rows)})", round(total, 6))])
        sheet = SheetSpec("BOM", rows, merged=["A1:D1"], header_row=2)
        return f"xlsx/bom_{index:05d}.xlsx", xlsx_bytes([sheet], meta)
    if kind == "pdf":
        blocks = [("h", 1, title)]
        for page in range(rng.randint(2, 3)):
            if page:
                blocks.append(("break",))
            blocks += [("h", 2, f"{page + 1} {rng.choice(_SUBSYSTEMS).title()}")]
            blocks += [("p", _paragraph(rng, rng.randint(3, 6))) for _ in range(rng.randint(2, 4))]
        return f"pdf/spec_{index:05d}.pdf", pdf_bytes(blocks, header, BOILERPLATE_FOOTER, title, person.name)
    functions = []
    for f in range(rng.randint(2, 5)):
        reg = 0x40000000 + rng.randrange(0x30000) * 4
        functions.append(
            f"/** @brief {_sentence(rng)} */\nuint32_t block{index}_fn{f}(uint32_t arg)\n{{\n"
            f"    volatile uint32_t *reg = (volatile uint32_t *)0x{reg:08X}u;\n"
            f"    *reg = (arg << {rng.randrange(16)}) | 0x{rng.randrange(1 << 16):04X}u;\n"
            f"    return *reg & 0x{rng.randrange(1 << 16):04X}u;\n}}\n"
        )
    code = "#include <stdint.h>\n\n" + "\n".join(functions)
    name = f"module_{index:05d}.c"
    return f"c/{name}", c_file(name, title, code, person.name, person.email).encode("utf-8")


def generate_corpus(out_dir: str | Path, n_docs: int, seed: int = 0) -> list[Path]:
    """Write ``n_docs`` synthetic documents cycling through the five kinds under ``out_dir``
    (docx/, pptx/, xlsx/, pdf/, c/). Document ``i`` depends only on (seed, i), so a larger corpus
    extends a smaller one with the same seed."""
    root = Path(out_dir)
    written = []
    for index in range(n_docs):
        rng = random.Random(seed * 1_000_003 + index)
        rel, data = _synthetic_doc(KINDS[index % len(KINDS)], index, rng)
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(target)
    return written

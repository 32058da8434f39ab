"""Damaged files: how many each tool still reads, adaptline vs. MarkItDown.

Office cases take an Office file of the sample corpus and damage one of its XML parts, chosen at
random, in one of two ways real files show: the part cut short at a random byte (a tool that
crashed while saving), or a control character put in at a random byte (a report generator that
copied it from its data: "PCDATA invalid Char value 11"). The zip itself stays sound. PDF cases
take a PDF of the sample corpus and cut the file short at a random byte past its first quarter
(an aborted download or copy), or zero 200 bytes at a random place (a bad sector). Both tools
read every case in this one process; a case counts as read when the tool returns text without
raising. For adaptline the cases it read are split by whether a note says a part was recovered.
The seed makes the cases the same on every run, so two versions of the code can be compared.

    .venv/bin/python bench/bench_extract_damaged.py --cases 300 --pdf-cases 100 [--seed 7]
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import warnings
import zipfile
from collections import Counter
from pathlib import Path

from adaptline.config import load_section
from adaptline.extract import ExtractParams
from adaptline.extract.sniff import EXTENSION_KINDS
from adaptline.extract.worker import extract_document

_ROOT = Path(__file__).resolve().parent.parent
_KINDS = ("docx", "pptx", "xlsx")
_CONTROL_CHARACTERS = (0x01, 0x02, 0x0B, 0x0C, 0x1F)  # not allowed in XML 1.0, common in pasted data
_RECOVERED = ("recovered as far as it could be read", "damaged pdf (cut short?)")
_ZEROED_BYTES = 200


def damaged_pdfs(sample_dir: Path, cases: int, seed: int) -> list[tuple[str, str, str, bytes]]:
    """(kind, damage, "", file bytes) for ``cases`` damaged copies of the corpus's PDFs."""
    files = sorted(sample_dir.rglob("*.pdf"))
    rng = random.Random(seed)
    out = []
    for _ in range(cases if files else 0):
        data = rng.choice(files).read_bytes()
        if rng.random() < 0.5:
            out.append(("pdf", "cut short", "", data[: rng.randrange(len(data) // 4, len(data))]))
        else:
            at = rng.randrange(len(data) - _ZEROED_BYTES)
            out.append(("pdf", "bytes zeroed", "", data[:at] + bytes(_ZEROED_BYTES) + data[at + _ZEROED_BYTES :]))
    return out


def damaged_cases(sample_dir: Path, cases: int, seed: int) -> list[tuple[str, str, str, bytes]]:
    """(kind, damage, part name, file bytes) for ``cases`` damaged copies of the corpus's Office files."""
    files = sorted(path for path in sample_dir.rglob("*") if path.suffix.lower().lstrip(".") in _KINDS)
    if not files:
        sys.exit(f"no Office files under {sample_dir}")
    rng = random.Random(seed)
    out = []
    for _ in range(cases):
        path = rng.choice(files)
        archive = zipfile.ZipFile(path)
        parts = [name for name in archive.namelist() if name.lower().endswith((".xml", ".rels"))]
        part = rng.choice(parts)
        content = archive.read(part)
        if rng.random() < 0.5:
            damage, content = "cut short", content[: rng.randrange(len(content))]
        else:
            at = rng.randrange(len(content))
            damage, content = "control char", content[:at] + bytes([rng.choice(_CONTROL_CHARACTERS)]) + content[at:]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as rewritten:
            for name in archive.namelist():
                rewritten.writestr(name, content if name == part else archive.read(name))
        out.append((EXTENSION_KINDS["." + path.suffix.lower().lstrip(".")], damage, part, buffer.getvalue()))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=300, help="damaged Office files to make and read")
    parser.add_argument("--pdf-cases", type=int, default=100, help="damaged PDFs to make and read")
    parser.add_argument("--seed", type=int, default=7, help="random seed (same seed, same cases)")
    parser.add_argument("--sample-dir", type=Path, default=_ROOT / "data" / "sample")
    parser.add_argument("--no-peer", action="store_true", help="skip MarkItDown")
    args = parser.parse_args()

    params = load_section(ExtractParams, "extract", _ROOT / "params.yaml")
    peer = None
    if not args.no_peer:
        from markitdown import MarkItDown

        peer = MarkItDown()
    counts: Counter[tuple[str, str, str]] = Counter()
    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cases = damaged_cases(args.sample_dir, args.cases, args.seed)
        cases += damaged_pdfs(args.sample_dir, args.pdf_cases, args.seed)
        for index, (kind, damage, _part, data) in enumerate(cases):
            path = Path(folder) / f"case{index}.{kind}"
            path.write_bytes(data)
            result = extract_document(str(path), kind, params)
            if result["status"] != "extracted":
                ours = "failed"
            elif any(marker in note for note in result.get("notes", []) for marker in _RECOVERED):
                ours = "read, repaired"
            else:
                ours = "read as it is"
            counts[(kind, damage, "adaptline: " + ours)] += 1
            counts[(kind, damage, "cases")] += 1
            if peer is not None:
                try:
                    peer.convert(str(path))
                    counts[(kind, damage, "markitdown: read")] += 1
                except Exception:
                    counts[(kind, damage, "markitdown: failed")] += 1

    columns = [
        "cases",
        "adaptline: read, repaired",
        "adaptline: read as it is",
        "adaptline: failed",
    ]
    if peer is not None:
        columns += ["markitdown: read", "markitdown: failed"]
    print(f"{args.cases} Office files with one damaged XML part, {args.pdf_cases} damaged PDFs (seed {args.seed})")
    print("| kind | damage | " + " | ".join(columns) + " |")
    print("|---|---|" + "---|" * len(columns))
    rows = sorted({(kind, damage) for kind, damage, _ in counts})
    for kind, damage in [*rows, ("all", "all")]:
        cells = [
            sum(n for (k, d, c), n in counts.items() if c == column and kind in (k, "all") and damage in (d, "all"))
            for column in columns
        ]
        print(f"| {kind} | {damage} | " + " | ".join(str(cell) for cell in cells) + " |")


if __name__ == "__main__":
    main()

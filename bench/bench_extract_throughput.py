"""Extraction throughput per kind, adaptline vs. MarkItDown, side by side on the same files.

Both run in this one process, one document at a time, interleaved document by document (one
core each, imports warmed up), so the figures compare parsers, not parallelism; the adaptline
stage with its worker pool over all cores is timed as an extra line. A few damaged/odd files
(truncated, encrypted, wrong extension, odd encodings) are run too, and failures are counted
for both tools. C is timed a second way too, with every function body parsed
(``extract.c_check_function_bodies: true``) instead of skimmed.

    .venv/bin/python bench/bench_extract_throughput.py --per-kind 40 [--c-dir /usr/include]
"""

from __future__ import annotations

import argparse
import codecs
import dataclasses
import gc
import os
import random
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import extract_corpus

from adaptline.extract import ExtractParams, run_extract
from adaptline.extract.readers import READERS
from adaptline.extract.sniff import sniff
from adaptline.extract.worker import default_workers, extract_document
from adaptline.records import sha256_bytes


def ours(path: Path, params: ExtractParams) -> bool:
    """adaptline's per-document path (hash, sniff, safety checks, reader); True if extracted."""
    data = path.read_bytes()
    sha256_bytes(data)
    sniffed = sniff(data, path.name)
    if sniffed.kind is None:
        return False
    return extract_document(str(path), sniffed.kind, params)["status"] == "extracted"


def markitdown(converter: object, path: Path) -> bool:
    try:
        result = converter.convert_local(str(path))  # type: ignore[attr-defined]
    except Exception:
        return False
    return bool(result.text_content)


def bad_files(out: Path, rng: random.Random) -> list[Path]:
    """Damaged or odd inputs of every kind."""
    out.mkdir(parents=True)
    files: dict[str, bytes] = {}
    for kind in extract_corpus.KINDS:
        data = extract_corpus.make(kind, rng)
        files[f"truncated.{kind}"] = data[: len(data) // 2]
    files["pdf_named.docx"] = extract_corpus.make("pdf", rng)
    files["ole_protected.docx"] = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 4096
    files["latin1.c"] = "/* Température 85 °C */\nint t = 85;\n".encode("latin-1")
    files["utf16.h"] = codecs.BOM_UTF16_LE + "/* µV */\nint u;\n".encode("utf-16-le")
    for name, data in files.items():
        (out / name).write_bytes(data)
    return sorted(out.iterdir())


@dataclasses.dataclass
class Timing:
    """Seconds and failures of each side over one list of files."""

    ours_s: float = 0.0
    md_s: float = 0.0
    full_s: float = 0.0  # ours again with every C function body parsed (0 when not timed)
    ours_fail: int = 0
    md_fail: int = 0


def side_by_side(paths: list[Path], params: ExtractParams, converter: object, full: ExtractParams | None) -> Timing:
    """Both tools over ``paths``, interleaved file by file so a change in machine load hits both
    alike; with ``full``, ours is timed a second way (C: every function body parsed)."""
    timing = Timing()
    for path in paths:
        started = time.perf_counter()
        timing.ours_fail += not ours(path, params)
        middle = time.perf_counter()
        timing.md_fail += not markitdown(converter, path)
        ended = time.perf_counter()
        timing.ours_s += middle - started
        timing.md_s += ended - middle
        if full is not None:
            ours(path, full)
            timing.full_s += time.perf_counter() - ended
    return timing


def real_c(c_dir: Path, limit: int, params: ExtractParams, full_bodies: ExtractParams, converter: object) -> None:
    """The C comparison on real sources (generated C parses cleanly; real code has macros, errors)."""
    paths = sorted(p for p in c_dir.rglob("*") if p.suffix in (".c", ".h") and p.is_file())[:limit]
    mb = sum(p.stat().st_size for p in paths) / 1e6
    t = side_by_side(paths, params, converter, full_bodies)
    n = len(paths)
    print(
        f"c under {c_dir}: {n} files, {mb:.2f} MB\n"
        f"  ours {n / t.ours_s:.1f} doc/s, {mb / t.ours_s:.2f} MB/s, {t.ours_fail} failed"
        f" | MarkItDown {n / t.md_s:.1f} doc/s, {mb / t.md_s:.2f} MB/s, {t.md_fail} failed | {t.md_s / t.ours_s:.1f}x"
        f" (all bodies parsed: {t.md_s / t.full_s:.1f}x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--c-dir", type=Path, action="append", default=[], help="also time real .c/.h files under DIR")
    parser.add_argument("--c-limit", type=int, default=1000, help="at most this many files per --c-dir (sorted)")
    args = parser.parse_args()
    os.environ.setdefault("ADAPTLINE_PROGRESS", "0")
    warnings.filterwarnings("ignore")
    # Our readers load their libraries first, as a stage worker does: openpyxl is imported as the
    # stage imports it (without numpy, Pillow and defusedxml), and MarkItDown then reads workbooks
    # with that same openpyxl. The other way round, openpyxl keeps the defusedxml that MarkItDown
    # brings, and our side would parse workbooks ~20 % slower than the stage does.
    for reader in READERS.values():
        reader.load()
    from markitdown import MarkItDown

    converter = MarkItDown()
    params = ExtractParams()
    full_bodies = dataclasses.replace(params, c_check_function_bodies=True)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpus: dict[str, list[Path]] = {}
        for kind in extract_corpus.KINDS:
            (root / "good" / kind).mkdir(parents=True)
            corpus[kind] = []
            for index in range(args.per_kind):
                path = root / "good" / kind / f"doc_{index:04d}.{kind}"
                path.write_bytes(extract_corpus.make(kind, rng))
                corpus[kind].append(path)
            ours(corpus[kind][0], params), markitdown(converter, corpus[kind][0])  # warm up imports
        # As a stage worker does when it starts (worker.serve): freeze the import-time heap, so a
        # full collection does not walk both tools' imports. Otherwise the document whose
        # allocations trigger one pays ~50 ms for it, and one kind's figure moved 15-20 % with
        # unrelated code changes.
        gc.collect()
        gc.freeze()

        print(f"{args.per_kind} generated documents per kind; one process, one document at a time")
        header = f"{'kind':<5} {'MB':>6} | {'ours doc/s':>10} {'MB/s':>6} {'fail':>4} | {'MarkItDown doc/s':>16}"
        print(header + f" {'MB/s':>6} {'fail':>4} | {'speed-up':>8}")
        total = {"ours": 0.0, "md": 0.0, "mb": 0.0, "n": 0}
        for kind, paths in corpus.items():
            mb = sum(p.stat().st_size for p in paths) / 1e6
            t = side_by_side(paths, params, converter, full_bodies if kind == "c" else None)
            n = len(paths)
            print(
                f"{kind:<5} {mb:6.2f} | {n / t.ours_s:10.1f} {mb / t.ours_s:6.2f} {t.ours_fail:4d} | "
                f"{n / t.md_s:16.1f} {mb / t.md_s:6.2f} {t.md_fail:4d} | {t.md_s / t.ours_s:7.1f}x"
            )
            if t.full_s:
                print(
                    f"  (c with c_check_function_bodies: true: {n / t.full_s:.1f} doc/s, {mb / t.full_s:.2f} MB/s, "
                    f"{t.md_s / t.full_s:.1f}x)"
                )
            total["ours"] += t.ours_s
            total["md"] += t.md_s
            total["mb"] += mb
            total["n"] += n
        print(
            f"{'all':<5} {total['mb']:6.2f} | {total['n'] / total['ours']:10.1f} {total['mb'] / total['ours']:6.2f}"
            f"      | {total['n'] / total['md']:16.1f} {total['mb'] / total['md']:6.2f}      | "
            f"{total['md'] / total['ours']:7.1f}x"
        )

        for c_dir in args.c_dir:
            real_c(c_dir, args.c_limit, params, full_bodies, converter)

        bad = bad_files(root / "bad", rng)
        ours_failed = [p.name for p in bad if not ours(p, params)]
        md_failed = [p.name for p in bad if not markitdown(converter, p)]
        print(f"\ndamaged/odd inputs ({len(bad)} files): ours failed (reported with a reason) on {len(ours_failed)}, ")
        print(f"  MarkItDown raised/returned nothing on {len(md_failed)}")
        print(f"  ours failed:       {', '.join(ours_failed)}")
        print(f"  MarkItDown failed: {', '.join(md_failed)}")

        started = time.perf_counter()
        report = run_extract(root / "good", root / "out.jsonl", root / "report.json", root / "cache", params)
        seconds = time.perf_counter() - started
        n = report["totals"]["files"]
        print(
            f"\nadaptline stage, worker pool ({default_workers(0)} workers, {os.cpu_count()} cores), cold cache: "
            f"{n} files in {seconds:.2f} s = {n / seconds:.1f} doc/s, {total['mb'] / seconds:.2f} MB/s"
        )


if __name__ == "__main__":
    main()

"""The C reader on real source trees: syntax-error notes with and without qualifier macros, and
whether skimmed function bodies give the same chunks as a full parse.

    .venv/bin/python bench/c_reader_check.py DIR [DIR ...] [--macros GGML_RESTRICT,GGML_API] [--equivalence]

Every distinct .c/.h file under the folders is read once (symlinks skipped, identical files
counted once). For each macro setting (none listed, the params default, the default plus
``--macros``) it prints how many files carry a "C syntax errors" note, how many function chunks
come out, and the time (best of two passes). ``--equivalence`` then extracts every file at two
chunk limits, skimmed and with every body parsed, and prints how many extractions agree.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

from adaptline.extract.params import ExtractParams
from adaptline.extract.readers.c import CReader

_EQUIVALENCE_CHUNK_LIMITS = (4000, 1500)


def distinct_sources(folders: list[Path]) -> list[tuple[str, bytes]]:
    seen: set[bytes] = set()
    found = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix not in (".c", ".h") or path.is_symlink() or not path.is_file():
                continue
            data = path.read_bytes()
            if data not in seen:
                seen.add(data)
                found.append((str(path), data))
    return found


def notes_and_functions(sources: list[tuple[str, bytes]], params: ExtractParams) -> tuple[int, int, float]:
    """(files with a syntax-error note, function chunks, seconds): the faster of two passes."""
    reader = CReader()
    best = None
    for _ in range(2):
        started = time.perf_counter()
        noted = functions = 0
        for _, data in sources:
            extraction = reader.read(data, params)
            noted += any(note.startswith("C syntax errors") for note in extraction.notes)
            functions += sum(1 for chunk in extraction.chunks if chunk.location.function)
        elapsed = time.perf_counter() - started
        best = (noted, functions, elapsed) if best is None or elapsed < best[2] else best
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--macros", default="", help="comma-separated names added to extract.c_qualifier_macros")
    parser.add_argument("--equivalence", action="store_true", help="also compare skimmed and full parses")
    args = parser.parse_args()
    sources = distinct_sources(args.folders)
    print(f"{len(sources)} distinct .c/.h files, {sum(len(data) for _, data in sources) / 1e6:.2f} MB")
    default = ExtractParams()
    extra = tuple(name for name in args.macros.split(",") if name)
    settings = [("none listed", dataclasses.replace(default, c_qualifier_macros=())), ("defaults", default)]
    if extra:
        listed = default.c_qualifier_macros + extra
        settings.append((f"defaults + {len(extra)} listed", dataclasses.replace(default, c_qualifier_macros=listed)))
    for label, params in settings:
        noted, functions, elapsed = notes_and_functions(sources, params)
        print(f"  {label:<22} with a syntax-error note: {noted:>6}  function chunks: {functions:>7}  {elapsed:.2f} s")
    if args.equivalence:
        reader = CReader()
        differ = []
        for path, data in sources:
            for limit in _EQUIVALENCE_CHUNK_LIMITS:
                at_limit = dataclasses.replace(default, max_chunk_chars=limit)
                skimmed = reader.read(data, at_limit)
                full = reader.read(data, dataclasses.replace(at_limit, c_check_function_bodies=True))
                if [c.to_dict() for c in skimmed.chunks] != [c.to_dict() for c in full.chunks]:
                    differ.append(f"{path} (max_chunk_chars {limit})")
        total = len(sources) * len(_EQUIVALENCE_CHUNK_LIMITS)
        print(f"skimmed vs full parse: {total - len(differ)} of {total} extractions identical")
        for line in differ:
            print(f"  differ: {line}")


if __name__ == "__main__":
    main()

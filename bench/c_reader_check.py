"""The C reader on real source trees: syntax-error notes with and without qualifier macros, and
whether skimmed function bodies give the same chunks as a full parse.

    .venv/bin/python bench/c_reader_check.py DIR [DIR ...] [--macros GGML_RESTRICT,GGML_API] [--equivalence]
        [--recovery]

Every distinct .c/.h file under the folders is read once (symlinks skipped, identical files
counted once). For each macro setting (none listed, the params default, the default plus
``--macros``) it prints how many files carry a "C syntax errors" note, how many function chunks
come out, and the time (best of two passes). ``--recovery`` adds, per setting, how many function
definitions a rough regex finds (a name and a parameter list at the start of a line, then the
opening brace) and how many of them come out as a chunk of that function. ``--equivalence`` then
extracts every file at two chunk limits, skimmed and with every body parsed, and prints how many
extractions agree.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import time
from pathlib import Path

from adaptline.extract.params import ExtractParams
from adaptline.extract.readers.c import CReader

_EQUIVALENCE_CHUNK_LIMITS = (4000, 1500)
# A definition as people write them: unindented return type and name, a parameter list without
# ";", "{" or "}", then the body's brace (on that line or a later one). Keywords are not names.
_DEFINITION = re.compile(
    rb"^(?![ \t#])(?!(?:if|for|while|switch|return|else|do|typedef|struct|enum|union)\b)"
    rb"[A-Za-z_][\w \t*]*?\b([A-Za-z_]\w*)[ \t]*\([^;{}]*\)[ \t\r\n]*\{",
    re.MULTILINE,
)


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


def recovered_definitions(sources: list[tuple[str, bytes]], params: ExtractParams) -> tuple[int, int]:
    """(definitions the regex finds, of those the ones chunked as that function)."""
    reader = CReader()
    found = recovered = 0
    for _, data in sources:
        names = [match.group(1).decode("ascii") for match in _DEFINITION.finditer(data)]
        if not names:
            continue
        chunked = {chunk.location.function for chunk in reader.read(data, params).chunks}
        found += len(names)
        recovered += sum(name in chunked for name in names)
    return found, recovered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--macros", default="", help="comma-separated names added to extract.c_qualifier_macros")
    parser.add_argument("--equivalence", action="store_true", help="also compare skimmed and full parses")
    parser.add_argument("--recovery", action="store_true", help="also count regex-found definitions chunked as such")
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
        if args.recovery:
            found, recovered = recovered_definitions(sources, params)
            share = f"{recovered / found:.1%}" if found else "-"
            print(f"  {'':<22} definitions (regex): {found:>6}  chunked as functions: {recovered:>6} ({share})")
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

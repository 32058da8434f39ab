"""DVC stage `extract`: raw documents -> data/extracted/records.jsonl + extract_report.json."""

from __future__ import annotations

import gc
import sys

from adaptline.stage import exit_without_teardown, run_stage


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # Forked first, before argparse and the rest are imported, to load parser libraries on the
    # other core meanwhile. Its folders are read from the command line as argparse will read them.
    from adaptline.extract.early import EarlyWorker, option_value

    input_dir, cache_dir = option_value(argv, "--input-dir"), option_value(argv, "--cache-dir")
    early_worker = EarlyWorker.start(input_dir, cache_dir) if input_dir and cache_dir else None
    try:
        import argparse

        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--input-dir", required=True, help="raw documents folder (read recursively)")
        parser.add_argument("--output", required=True, help="records JSONL to write")
        parser.add_argument("--report", required=True, help="extract report JSON (DVC metrics)")
        parser.add_argument("--cache-dir", required=True, help="per-document extraction cache (outside DVC outputs)")
        parser.add_argument("--params", default="params.yaml")
        args = parser.parse_args(argv)

        from adaptline.config import load_section
        from adaptline.extract import ExtractParams, ExtractStageError, run_extract

        params = load_section(ExtractParams, "extract", args.params, cache_dir=args.cache_dir)
        try:
            run_extract(args.input_dir, args.output, args.report, args.cache_dir, params, early_worker)
        except ExtractStageError as error:
            print(f"extract: {error}", file=sys.stderr)
            return 1
    finally:
        if early_worker is not None:
            early_worker.discard()
    return 0


if __name__ == "__main__":
    # A run mostly copies cached documents: it makes ~100k objects and no cycles worth collecting,
    # and the process ends with it, without the interpreter's teardown. Workers turn collection
    # back on: parsers do make cycles.
    gc.disable()
    exit_without_teardown(run_stage("extract", main))

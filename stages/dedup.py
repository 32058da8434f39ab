"""DVC stage `dedup`: scrubbed records -> kept records + dedup_report.json (every drop explained)."""

from __future__ import annotations

import argparse
import sys

from adaptline.stage import run_stage


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", required=True, help="scrubbed records JSONL")
    parser.add_argument("--output", required=True, help="kept records JSONL to write")
    parser.add_argument("--report", required=True, help="dedup report JSON (DVC metrics + dropped records)")
    parser.add_argument("--cache-dir", required=True, help="MinHash signature cache (outside DVC outputs)")
    parser.add_argument("--params", default="params.yaml")
    args = parser.parse_args(argv)

    from adaptline.config import load_section
    from adaptline.dedup import DedupError, DedupParams, run_dedup

    params = load_section(DedupParams, "dedup", args.params)
    try:
        run_dedup(args.input, args.output, args.report, args.cache_dir, params)
    except DedupError as error:
        print(f"dedup: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(run_stage("dedup", main))

"""DVC stage `split`: deduplicated records -> train/val/test JSONL, assignments, split_report.json."""

from __future__ import annotations

import argparse
import sys

from adaptline.stage import run_stage


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", required=True, help="deduplicated records JSONL")
    parser.add_argument("--dedup-report", required=True, help="dedup report JSON (cluster and drop counts)")
    parser.add_argument("--output-dir", required=True, help="folder for {train,val,test}.jsonl and assignments.json")
    parser.add_argument("--report", required=True, help="split report JSON (DVC metrics)")
    parser.add_argument("--cache-dir", required=True, help="MinHash signature cache shared with dedup")
    parser.add_argument("--params", default="params.yaml")
    args = parser.parse_args(argv)

    from adaptline.config import load_section
    from adaptline.dedup import DedupParams
    from adaptline.split import SplitError, SplitParams, run_split

    params = load_section(SplitParams, "split", args.params)
    dedup_params = load_section(DedupParams, "dedup", args.params)
    try:
        run_split(args.input, args.dedup_report, args.output_dir, args.report, args.cache_dir, params, dedup_params)
    except SplitError as error:
        print(f"split: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(run_stage("split", main))

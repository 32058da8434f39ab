"""DVC stage `scrub`: data/extracted/records.jsonl -> data/scrubbed/records.jsonl + scrub_report.json."""

from __future__ import annotations

import argparse
import sys

from adaptline.stage import run_stage


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", required=True, help="records JSONL from extract")
    parser.add_argument("--output", required=True, help="scrubbed records JSONL to write")
    parser.add_argument("--report", required=True, help="scrub report JSON (DVC metrics; counts only)")
    parser.add_argument("--cache-dir", required=True, help="analysis cache (outside DVC outputs)")
    parser.add_argument("--params", default="params.yaml")
    args = parser.parse_args(argv)

    from adaptline.config import load_section
    from adaptline.scrub import ScrubError, ScrubParams, run_scrub
    from adaptline.scrub.engine import ScrubEngineError

    params = load_section(ScrubParams, "scrub", args.params)
    try:
        run_scrub(args.input, args.output, args.report, args.cache_dir, params)
    except (ScrubError, ScrubEngineError) as error:
        print(f"scrub: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(run_stage("scrub", main))

"""DVC stage `base`: the starting model (tiny, local directory or hub id) + base_manifest.json."""

from __future__ import annotations

import argparse
import sys

from adaptline.stage import run_stage


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train", required=True, help="train split JSONL (the tiny tokenizer is trained on it)")
    parser.add_argument("--output-dir", required=True, help="models/base")
    parser.add_argument("--params", default="params.yaml")
    args = parser.parse_args(argv)

    from adaptline.config import load_section
    from adaptline.training import BaseParams
    from adaptline.training.base import run_base

    run_base(load_section(BaseParams, "base", args.params), args.train, args.output_dir)
    return 0


if __name__ == "__main__":
    sys.exit(run_stage("base", main))

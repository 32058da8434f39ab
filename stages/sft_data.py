"""DVC stage `sft_data@<adapter>`: instruction/response pairs per split from the adapter's records + golden set."""

from __future__ import annotations

import argparse
import sys

from adaptline.stage import run_stage


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--adapter", required=True, help="adapter name (a key of params.yaml `adapters` and `sft_data`)"
    )
    parser.add_argument("--split-dir", required=True, help="folder with {train,val,test}.jsonl records")
    parser.add_argument("--output-dir", required=True, help="data/sft_pairs/<adapter>")
    parser.add_argument("--report", help="metrics/sft_data/<adapter>.json (pair counts per split and task)")
    parser.add_argument("--params", default="params.yaml")
    args = parser.parse_args(argv)

    from pathlib import Path

    from adaptline.training import SftDataParams
    from adaptline.training.params import load_adapter, load_adapter_section
    from adaptline.training.sft_data import SPLITS, build_pairs

    spec = load_adapter(args.params, args.adapter)
    params = load_adapter_section(SftDataParams, "sft_data", args.adapter, args.params)
    paths = {s: Path(args.split_dir) / f"{s}.jsonl" for s in SPLITS}
    build_pairs(args.adapter, spec, params, paths, args.output_dir, args.report)
    return 0


if __name__ == "__main__":
    sys.exit(run_stage("sft_data", main))

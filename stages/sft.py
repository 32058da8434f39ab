"""DVC stage `sft@<adapter>`: a new LoRA adapter trained with trl on the pairs, on top of base + merged CPT.

Runs as `python stages/sft.py ...` or `accelerate launch [--config_file ...] stages/sft.py ...`.
"""

from __future__ import annotations

import argparse
import sys

from adaptline.stage import run_stage


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--adapter", required=True, help="adapter name (a key of params.yaml `sft`)")
    parser.add_argument("--base", required=True, help="models/base")
    parser.add_argument("--cpt", required=True, help="models/cpt/<adapter> (merged before the new adapter)")
    parser.add_argument("--pairs", required=True, help="data/sft_pairs/<adapter> ({train,val}.jsonl)")
    parser.add_argument("--output-dir", required=True, help="models/sft/<adapter>")
    parser.add_argument("--metrics", required=True, help="metrics/sft/<adapter>.json")
    parser.add_argument("--live-dir", help="dvclive/sft/<adapter>")
    parser.add_argument("--params", default="params.yaml")
    args = parser.parse_args(argv)

    from adaptline.training import SftParams
    from adaptline.training.params import load_adapter_section
    from adaptline.training.sft import run_sft

    params = load_adapter_section(SftParams, "sft", args.adapter, args.params)
    run_sft(args.adapter, params, args.base, args.cpt, args.pairs, args.output_dir, args.metrics, args.live_dir)
    return 0


if __name__ == "__main__":
    sys.exit(run_stage("sft", main))

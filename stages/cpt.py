"""DVC stage `cpt@<adapter>`: continued pretraining of one adapter (LoRA / QLoRA / full) on its train records.

Runs as `python stages/cpt.py ...` or `accelerate launch [--config_file ...] stages/cpt.py ...`.
"""

from __future__ import annotations

import argparse
import sys

from adaptline.stage import run_stage


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--adapter", required=True, help="adapter name (a key of params.yaml `adapters` and `cpt`)")
    parser.add_argument("--base", required=True, help="models/base")
    parser.add_argument("--train", required=True, help="data/split/train.jsonl")
    parser.add_argument("--val", required=True, help="data/split/val.jsonl (validation loss, early stopping)")
    parser.add_argument("--output-dir", required=True, help="models/cpt/<adapter>")
    parser.add_argument("--metrics", required=True, help="metrics/cpt/<adapter>.json")
    parser.add_argument("--live-dir", help="dvclive/cpt/<adapter> (training curves for dvc plots)")
    parser.add_argument("--params", default="params.yaml")
    args = parser.parse_args(argv)

    from adaptline.training import CptParams
    from adaptline.training.cpt import run_cpt
    from adaptline.training.params import load_adapter, load_adapter_section

    spec = load_adapter(args.params, args.adapter)
    params = load_adapter_section(CptParams, "cpt", args.adapter, args.params)
    run_cpt(args.adapter, spec, params, args.base, args.train, args.val, args.output_dir, args.metrics, args.live_dir)
    return 0


if __name__ == "__main__":
    sys.exit(run_stage("cpt", main))

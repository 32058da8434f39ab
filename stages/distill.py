"""distill@<adapter>: distil the merged SFT model (teacher) into a smaller student."""

from __future__ import annotations

import argparse
import sys

from adaptline.stage import run_stage


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--adapter", required=True)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--base", required=True)
    parser.add_argument("--cpt", required=True)
    parser.add_argument("--sft", required=True)
    parser.add_argument("--train", required=True)
    parser.add_argument("--test", required=True)
    parser.add_argument("--pairs-train", help="data/sft_pairs/<adapter>/train.jsonl")
    parser.add_argument("--pairs-test", help="data/sft_pairs/<adapter>/test.jsonl")
    parser.add_argument("--out", required=True, help="models/student/<adapter>")
    parser.add_argument("--metrics", required=True, help="metrics/distill/<adapter>.json")
    parser.add_argument("--live", help="dvclive directory")
    args = parser.parse_args()

    from adaptline.config import load_section
    from adaptline.distill.params import DistillParams
    from adaptline.distill.train import run_distill
    from adaptline.evaluate import EvaluateParams
    from adaptline.evaluate.data import AdapterScope

    params = load_section(DistillParams, "distill", args.params)
    eval_params = load_section(EvaluateParams, "evaluate", args.params)
    scope = AdapterScope.from_params(args.params, args.adapter)
    run_distill(
        args.adapter,
        args.base,
        [args.cpt, args.sft],
        args.train,
        args.test,
        args.pairs_train,
        args.pairs_test,
        params,
        eval_params,
        args.out,
        args.metrics,
        args.live,
        scope,
    )


if __name__ == "__main__":
    sys.exit(run_stage("distill", main))

"""qat@<adapter>: QAT of the merged base+CPT+SFT model vs. PTQ; torchao checkpoint + GGUF export."""

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
    parser.add_argument("--pairs", help="data/sft_pairs/<adapter>/test.jsonl")
    parser.add_argument("--out", required=True, help="models/qat/<adapter>")
    parser.add_argument("--metrics", required=True, help="metrics/qat/<adapter>.json")
    parser.add_argument("--live", help="dvclive directory")
    args = parser.parse_args()

    from adaptline.config import load_section
    from adaptline.evaluate import EvaluateParams
    from adaptline.evaluate.data import AdapterScope
    from adaptline.quantize.params import QatParams
    from adaptline.quantize.qat import run_qat

    params = load_section(QatParams, "qat", args.params)
    eval_params = load_section(EvaluateParams, "evaluate", args.params)
    scope = AdapterScope.from_params(args.params, args.adapter)
    run_qat(
        args.adapter,
        args.base,
        [args.cpt, args.sft],
        args.train,
        args.test,
        args.pairs,
        params,
        eval_params,
        args.out,
        args.metrics,
        args.live,
        scope,
    )


if __name__ == "__main__":
    sys.exit(run_stage("qat", main))

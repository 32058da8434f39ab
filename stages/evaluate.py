"""evaluate@<adapter>: score base, CPT and SFT (and optionally QAT/student) models side by side."""

from __future__ import annotations

import argparse
import sys

from adaptline.stage import run_stage


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--adapter", required=True)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--train", required=True, help="data/split/train.jsonl (domain terms are mined here)")
    parser.add_argument("--test", required=True, help="data/split/test.jsonl")
    parser.add_argument("--pairs", help="data/sft_pairs/<adapter>/test.jsonl")
    parser.add_argument("--base", required=True)
    parser.add_argument("--cpt")
    parser.add_argument("--sft")
    parser.add_argument("--qat", help="models/qat/<adapter> (optional)")
    parser.add_argument("--student", help="models/student/<adapter> (optional)")
    parser.add_argument("--metrics", required=True, help="metrics/evaluate/<adapter>.json")
    parser.add_argument("--plot", help="per-model CSV for dvc plots")
    args = parser.parse_args()

    from adaptline.config import load_section
    from adaptline.evaluate import EvaluateParams, evaluate_adapter, load_eval_data
    from adaptline.evaluate.data import AdapterScope
    from adaptline.evaluate.models import adapter_loaders

    params = load_section(EvaluateParams, "evaluate", args.params)
    scope = AdapterScope.from_params(args.params, args.adapter)
    data = load_eval_data(args.train, args.test, args.pairs, params, scope)
    loaders = adapter_loaders(args.base, args.cpt, args.sft, args.qat, args.student)
    evaluate_adapter(args.adapter, loaders, data, params, args.metrics, args.plot)


if __name__ == "__main__":
    sys.exit(run_stage("evaluate", main))

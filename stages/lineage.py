"""DVC stage `lineage`: lineage.json + model card (README.md) per artifact, and lineage/index.json."""

from __future__ import annotations

import argparse
import sys

from adaptline.stage import run_stage


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models-dir", required=True, help="folder searched for artifact manifests")
    parser.add_argument("--extract-report", required=True)
    parser.add_argument("--extracted", required=True, help="extracted records JSONL")
    parser.add_argument("--scrubbed", required=True, help="scrubbed records JSONL (redaction counts)")
    parser.add_argument("--dedup-report", required=True)
    parser.add_argument("--assignments", required=True, help="data/split/assignments.json")
    parser.add_argument("--evaluate-dir", required=True, help="metrics/evaluate (one JSON per adapter)")
    parser.add_argument("--dvc-lock", default="dvc.lock", help="read, not a dependency (DVC rewrites it)")
    parser.add_argument("--output-dir", required=True, help="lineage folder to write")
    parser.add_argument("--params", default="params.yaml")
    args = parser.parse_args(argv)

    from adaptline.config import load_section
    from adaptline.extract.params import ExtractParams
    from adaptline.lineage import Layout, LineageError, LineageParams, run_lineage

    params = load_section(LineageParams, "lineage", args.params)
    extract = load_section(ExtractParams, "extract", args.params)
    layout = Layout.default(".").with_paths(
        params=args.params,
        dvc_lock=args.dvc_lock,
        extract_report=args.extract_report,
        extracted=args.extracted,
        scrubbed=args.scrubbed,
        dedup_report=args.dedup_report,
        assignments=args.assignments,
        models_dir=args.models_dir,
        evaluate_dir=args.evaluate_dir,
        lineage_dir=args.output_dir,
    )
    try:
        run_lineage(layout, params, extract.input_dir, tuple(extract.sensitivity_levels))
    except LineageError as error:
        print(f"lineage: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(run_stage("lineage", main))

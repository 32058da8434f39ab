"""The extract stage under real `dvc repro`: one document added -> only it is extracted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from extract_builders import C_SOURCE, make_docx, make_pdf
from pipeline_copy import REPO_ROOT, dvc, run

STAGE = {
    "cmd": (
        f"python {REPO_ROOT / 'stages/extract.py'} --input-dir ${{extract.input_dir}} "
        "--output data/extracted/records.jsonl --report data/extracted/extract_report.json "
        "--cache-dir .cache/extract --params params.yaml"
    ),
    "deps": ["${extract.input_dir}"],
    "params": ["extract"],
    "outs": ["data/extracted/records.jsonl"],
    "metrics": ["data/extracted/extract_report.json"],
}


@pytest.mark.slow
def test_dvc_repro_is_incremental(tmp_path: Path) -> None:
    raw = tmp_path / "data/raw"
    raw.mkdir(parents=True)
    (raw / "review.docx").write_bytes(make_docx())
    (raw / "uart.c").write_bytes(C_SOURCE.encode())
    (tmp_path / "params.yaml").write_text(yaml.safe_dump({"extract": {"input_dir": "data/raw", "workers": 2}}))
    (tmp_path / "dvc.yaml").write_text(yaml.safe_dump({"stages": {"extract": STAGE}}, sort_keys=False))
    (tmp_path / ".gitignore").write_text("/.cache/\n")
    run(["git", "init", "-q", "-b", "main"], tmp_path)
    dvc(tmp_path, "init", "-q")
    dvc(tmp_path, "repro")
    report_path = tmp_path / "data/extracted/extract_report.json"
    report = json.loads(report_path.read_text())
    assert (report["totals"]["extracted"], report["totals"]["cache_misses"]) == (2, 2)

    (raw / "spec.pdf").write_bytes(make_pdf())
    dvc(tmp_path, "repro")
    report = json.loads(report_path.read_text())
    assert (report["totals"]["cache_hits"], report["totals"]["cache_misses"]) == (2, 1)
    assert "up to date" in dvc(tmp_path, "status").stdout
    shown = dvc(tmp_path, "metrics", "show", "--json").stdout
    assert '"records": ' in shown


def test_bytecode_beside_the_sources_is_not_a_stage_dependency() -> None:
    """Stages depend on src/ folders; Python's __pycache__ there must not change their hashes."""
    ignored = dvc(REPO_ROOT, "check-ignore", "src/adaptline/extract/__pycache__/runner.cpython-311.pyc", check=False)
    assert ignored.returncode == 0, ignored.stdout + ignored.stderr
    assert dvc(REPO_ROOT, "check-ignore", "src/adaptline/extract/runner.py", check=False).returncode == 1

"""End to end: real `dvc repro` of the whole pipeline in a temporary copy of this repository."""

from __future__ import annotations

import json

import pytest
import yaml
from pipeline_copy import dvc

pytestmark = pytest.mark.slow


def test_repro_produces_every_stage_output_and_is_then_up_to_date(sample_pipeline):
    root = sample_pipeline
    report = json.loads((root / "data/extracted/extract_report.json").read_text())
    sample_files = sorted(
        p.relative_to(root / "data/sample").as_posix() for p in (root / "data/sample").rglob("*") if p.is_file()
    )
    assert sorted(f["path"] for f in report["files"]) == sample_files  # every input accounted for
    stages = yaml.safe_load((root / "dvc.yaml").read_text())["stages"]
    lock = yaml.safe_load((root / "dvc.lock").read_text())["stages"]
    expected = set()
    for name, stage in stages.items():
        if "foreach" in stage:
            items = stage["foreach"]
            keys = yaml.safe_load((root / "params.yaml").read_text())
            for part in items.strip("${}").split("."):
                keys = keys[part]
            expected |= {f"{name}@{key}" for key in keys}
        else:
            expected.add(name)
    assert set(lock) == expected, "every stage (and every adapter's stage) ran"
    for entry in lock.values():
        for out in entry.get("outs", []):
            path = root / out["path"]
            assert path.exists() and (path.is_dir() or path.stat().st_size > 0), out["path"]
    status = dvc(root, "status").stdout
    assert "up to date" in status, status


# Notices the model libraries print in every run that a user cannot act on, and their progress
# bars (the tests run with ADAPTLINE_PROGRESS=0): see adaptline.log.quiet_model_library_notices.
LIBRARY_NOISE = (
    "Failed to load ",  # torchao's CUDA kernel libraries, on a machine without CUDA
    "register_constant() on Enum subclasses",
    "is_gradient_checkpointing",
    "`gradient_checkpointing` is deprecated",
    "Loading weights",
    "Writing model shards",
    "Tokenizing train dataset",
)


def test_repro_output_is_free_of_library_noise(sample_pipeline):
    log = (sample_pipeline.parent / "repro.log").read_text(encoding="utf-8")
    assert "Running stage 'distill@" in log  # the whole pipeline's output
    noisy = [line[:160] for line in log.splitlines() if any(noise in line for noise in LIBRARY_NOISE)]
    assert noisy == []

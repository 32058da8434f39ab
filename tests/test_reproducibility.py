"""Reproducibility guarantees of the whole pipeline, checked with real `dvc repro` runs (slow).

(b) In a temporary git repository: run corpus v1 and commit, add documents, run v2 and commit,
    check out v1, `dvc checkout`: every v1 artifact comes back. (a) Meanwhile, in a second copy of
    v1, delete every output and rerun everything from scratch: every cached output hashes to what
    v1's dvc.lock recorded and every v1 artifact (adapters, QAT export, GGUF, student, lineage)
    comes back bit for bit. The two run side by side, as `dvc exp run --jobs 2` would run them:
    bit-for-bit results must not depend on what else the machine is doing.
Reports declared ``cache: false`` (timings, cache counters) are excluded: they are not meant to be
reproducible, and lineage leaves their hashes out for the same reason.
"""

from __future__ import annotations

import fnmatch
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from pipeline_copy import Background, dvc, run

from adaptline.cli import main as adaptline
from adaptline.lineage.dvclock import dvc_md5, read_lock, uncached_outputs
from adaptline.manifest import MANIFEST_NAME, hash_tree
from adaptline.samples import build_docx, write_c

pytestmark = pytest.mark.slow


def cached_outputs(root: Path) -> dict[str, str]:
    """Every output in dvc.lock that DVC caches (path -> md5), across all stages."""
    patterns = uncached_outputs(root / "dvc.yaml")
    outs = {}
    for entry in read_lock(root / "dvc.lock").values():
        for path, md5 in entry["outs"].items():
            if not any(fnmatch.fnmatchcase(path, p) for p in patterns):
                outs[path] = md5
    return outs


def delete_outputs(root: Path) -> None:
    """Remove every stage output and the content caches; then `repro --force --no-run-cache` recomputes
    everything (plain `dvc repro` would restore missing outputs from DVC's run cache instead)."""
    for entry in read_lock(root / "dvc.lock").values():
        for path in entry["outs"]:
            target = root / path
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    shutil.rmtree(root / ".cache", ignore_errors=True)


def artifacts(root: Path) -> dict[str, dict[str, str]]:
    """Artifact folder -> file hashes, for every model artifact (folders holding a manifest)."""
    models = root / "models"
    found = sorted(models.rglob(MANIFEST_NAME)) if models.is_dir() else []
    return {p.parent.relative_to(root).as_posix(): hash_tree(p.parent, exclude=()) for p in found}


def declares_models(root: Path) -> bool:
    stages = (yaml.safe_load((root / "dvc.yaml").read_text()) or {}).get("stages") or {}
    return any(name.startswith(("cpt", "sft")) for name in stages)


def test_v2_grows_incrementally_and_v1_reproduces_bit_for_bit(sample_pipeline, tmp_path, capsys):
    """(b) corpus v1 (the shared pipeline, committed), add documents -> v2 (only the new documents
    are extracted), check out v1, `dvc checkout`: the v1 artifacts are back. (a) Side by side, in
    another copy of v1: delete every output and rerun from scratch: every cached output hashes to
    v1's dvc.lock and every artifact is bit-identical."""
    root, clean = tmp_path / "repo", tmp_path / "clean"
    shutil.copytree(sample_pipeline, root, symlinks=True)
    shutil.copytree(sample_pipeline, clean, symlinks=True)
    assert declares_models(root)
    v1_commit = run(["git", "rev-parse", "HEAD"], root).stdout.strip()
    v1_outputs, v1_artifacts = cached_outputs(root), artifacts(root)
    assert v1_artifacts, "dvc.yaml declares model stages but no artifact manifest was written"
    v1_code = json.loads((root / "lineage/index.json").read_text())["code"]
    delete_outputs(clean)
    rerun = Background(clean, "repro", "--force", "--no-run-cache")
    try:
        sample = root / "data/sample"
        build_docx(
            sample / "design_reviews/NEW-DR-101_added_review.docx",
            paragraphs=["The added review re-checks the 5V buck converter loop compensation at 400 kHz."],
            headings=["Added review"],
        )
        write_c(sample / "firmware/added/src/watchdog.c", "void iwdg_kick(void) { IWDG->KR = 0xAAAAu; }\n", "watchdog")
        dvc(root, "repro")
        totals = json.loads((root / "data/extracted/extract_report.json").read_text())["totals"]
        assert totals["cache_misses"] == 2 and totals["files"] == totals["cache_hits"] + 2  # only the new documents
        assert "up to date" in dvc(root, "status").stdout
        run(["git", "add", "-A"], root)
        run(["git", "commit", "-qm", "corpus v2"], root)
        assert cached_outputs(root) != v1_outputs, "adding documents changed no output"
        run(["git", "checkout", "-q", v1_commit], root)
        dvc(root, "checkout")
        assert artifacts(root) == v1_artifacts, "dvc checkout did not restore the v1 artifacts"
        assert cached_outputs(root) == v1_outputs
        rerun.wait()
    finally:
        rerun.stop()
    assert artifacts(clean) == v1_artifacts, "rerunning v1 did not reproduce its artifacts bit for bit"
    assert cached_outputs(clean) == v1_outputs
    for path, md5 in v1_outputs.items():
        assert dvc_md5(clean / path) == md5, f"{path} differs from dvc.lock after a clean rerun"
    assert "up to date" in dvc(clean, "status").stdout
    assert adaptline(["verify", "--all", "--repo-root", str(clean)]) == 0, capsys.readouterr().out
    index = json.loads((clean / "lineage/index.json").read_text())
    assert {entry["artifact_dir"] for entry in index["artifacts"]} == set(v1_artifacts)
    assert index["code"] == v1_code and index["code"]["dirty"] is False


def test_git_is_available():
    """The tests above need git; fail clearly rather than with a confusing subprocess error."""
    assert subprocess.run(["git", "--version"], capture_output=True).returncode == 0

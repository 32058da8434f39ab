"""Lineage and the ``adaptline`` command on the real sample pipeline (slow: a full `dvc repro`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adaptline.cli import main as adaptline
from adaptline.records import read_records
from adaptline.samples import PLANTED_PII

pytestmark = pytest.mark.slow


@pytest.fixture
def repo(sample_pipeline) -> Path:
    """The shared sample pipeline (tests that tamper with it restore every byte)."""
    return sample_pipeline


def cli(capsys, root: Path, *args: str) -> tuple[int, str]:
    code = adaptline([*args, "--repo-root", str(root)])
    return code, capsys.readouterr().out


def test_every_artifact_has_lineage_and_a_card(repo):
    index = json.loads((repo / "lineage/index.json").read_text())
    manifests = sorted(
        p.parent.relative_to(repo).as_posix() for p in (repo / "models").rglob("adaptline_manifest.json")
    )
    assert manifests and sorted(e["artifact_dir"] for e in index["artifacts"]) == manifests
    report = json.loads((repo / "data/extracted/extract_report.json").read_text())
    for entry in index["artifacts"]:
        lineage = json.loads((repo / entry["lineage"]).read_text())
        data = lineage["training_data"]
        listed = sorted(d["path"] for d in data["documents"] + data["excluded"])
        assert listed == sorted(f["path"] for f in report["files"])  # every input document, once
        assert data["documents"] and lineage["code"]["commit"] and lineage["dvc_lock"]
        assert (repo / entry["card"]).read_text().startswith("---\nbase_model: ")


def test_verify_trace_and_report_on_the_sample_pipeline(repo, capsys):
    code, out = cli(capsys, repo, "verify", "--all")
    assert code == 0, out
    name = json.loads((repo / "lineage/index.json").read_text())["artifacts"][0]["artifact"]
    code, out = cli(capsys, repo, "trace", name, "--json")
    trained = json.loads(out)["documents"]
    assert code == 0 and trained
    code, out = cli(capsys, repo, "trace", "--doc", trained[0]["path"], "--json")
    assert code == 0 and name in {e["artifact"] for e in json.loads(out)["artifacts"]}
    assert cli(capsys, repo, "report", "--output", "reports/index.html")[0] == 0


def test_no_planted_personal_data_in_lineage_or_report(repo):
    values = [value for group in PLANTED_PII.values() for value in group]
    assert any(v in r.text for r in read_records(repo / "data/extracted/records.jsonl") for v in values)
    files = [p for p in (repo / "lineage").rglob("*") if p.is_file()] + [repo / "reports/index.html"]
    for path in files:
        text = path.read_text(encoding="utf-8")
        leaked = [v for v in values if v in text]
        assert not leaked, f"{path.relative_to(repo)} contains planted personal data"


def replace_bytes(path: Path, data: bytes) -> None:
    """A new file, not an in-place write: DVC may link outputs to its cache, which must stay intact."""
    path.unlink()
    path.write_bytes(data)


def test_verify_detects_tampering(repo, capsys):
    lineage = json.loads(
        (repo / json.loads((repo / "lineage/index.json").read_text())["artifacts"][0]["lineage"]).read_text()
    )
    document = repo / lineage["source_root"] / lineage["training_data"]["documents"][0]["path"]
    adapter_dir = repo / lineage["artifact_dir"]
    weights = sorted(p for p in adapter_dir.iterdir() if p.suffix in (".safetensors", ".bin", ".gguf", ".pt"))
    assert weights, f"no weight file in {adapter_dir}"
    saved_doc, saved_weights = document.read_bytes(), weights[0].read_bytes()
    try:
        replace_bytes(document, saved_doc + b"\n")
        replace_bytes(weights[0], saved_weights[:-1] + bytes([saved_weights[-1] ^ 1]))
        code, out = cli(capsys, repo, "verify", lineage["artifact"])
        assert code == 1
        assert f"source document changed (trained on): {lineage['source_root']}/" in out
        assert f"artifact file changed: {lineage['artifact_dir']}/{weights[0].name}" in out
    finally:
        replace_bytes(document, saved_doc)
        replace_bytes(weights[0], saved_weights)
    assert cli(capsys, repo, "verify", lineage["artifact"])[0] == 0

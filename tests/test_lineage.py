"""The lineage stage on a synthetic pipeline: documents, reasons, sensitivity, cards, strictness.

``fake_pipeline`` builds the outputs of every upstream stage by hand (tiny files, real formats):
extract report + records (with planted personal data in text and meta), scrubbed records with
redaction counts, a dedup report, split assignments, artifact folders with manifests, evaluation
metrics and a dvc.lock whose hashes match the files. test_cli.py reuses it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from adaptline.lineage import Layout, LineageError, LineageParams, run_lineage
from adaptline.lineage.build import build_all
from adaptline.lineage.card import front_matter
from adaptline.lineage.dvclock import dvc_md5, read_lock, uncached_outputs, upstream_stages
from adaptline.lineage.gitinfo import code_state
from adaptline.manifest import ArtifactManifest
from adaptline.records import Location, Record, sha256_bytes, write_json, write_records

LEVELS = ("public", "internal", "confidential", "restricted")
PLANTED = ("Jane Roe", "jane.roe@example.com", "+1 555 0100", "4111 1111 1111 1111", "EMP-004217")
PII_TEXT = f"Reviewed by {PLANTED[0]} ({PLANTED[1]}, {PLANTED[2]}), card {PLANTED[3]}, badge {PLANTED[4]}."

# path -> (kind, chunks); bytes are derived from the path so every document has its own sha256
DOCS = {
    "reviews/r1.docx": ("docx", 2),  # train split, trained by every "all" artifact
    "reviews/r2.docx": ("docx", 2),  # every chunk a near-duplicate of r1
    "specs/s1.pdf": ("pdf", 2),  # test split: held out
    "fw/main.c": ("c", 3),  # confidential (sensitivity rule *.c)
    "slides/p1.pptx": ("pptx", 1),  # train; outside the firmware adapter's scope
    "specs/s2.pdf": ("pdf", 1),  # train and in scope, but not in the training set (a record limit)
}
FAILED = "bad/broken.pdf"
COPY = "reviews/r1_copy.docx"  # byte-identical to r1: skipped at extraction
SPLITS = {"reviews/r1.docx": "train", "specs/s1.pdf": "test", "fw/main.c": "train", "slides/p1.pptx": "train",
          "specs/s2.pdf": "train"}  # fmt: skip


def _bytes(path: str) -> bytes:
    return f"fake {path} contents\n".encode() * 3


def _records(path: str, scrubbed: bool) -> list[Record]:
    kind, chunks = DOCS[path]
    doc_id = sha256_bytes(_bytes(path))
    level = "confidential" if path.endswith(".c") else "internal"
    out = []
    for index in range(chunks):
        text = f"{path} chunk {index}. " + ("Reviewed by <PERSON_1> (<EMAIL_ADDRESS_1>)." if scrubbed else PII_TEXT)
        out.append(
            Record(
                doc_id=doc_id,
                source_path=path,
                kind=kind,
                location=Location(part="body"),
                chunk_index=index,
                text=text,
                context=f"{path} · {kind}",
                extractor_version=f"{kind}/1",
                sensitivity=level,
                redactions={"EMAIL_ADDRESS": 1, "PERSON": 1} if scrubbed else {},
                meta={"author": "<PERSON_1>" if scrubbed else PLANTED[0]},
            )
        )
    return out


def record_ids(path: str) -> list[str]:
    return [r.record_id for r in _records(path, True)]


def _artifact(root: Path, name: str, adapter: str, ids: list[str], parents: list[str]) -> None:
    folder = root / "models" / name
    folder.mkdir(parents=True)
    (folder / "adapter_model.safetensors").write_bytes(f"weights of {name}".encode() * 10)
    (folder / "adapter_config.json").write_text(json.dumps({"r": 8}), encoding="utf-8")
    family = name.split("/")[0]
    ArtifactManifest(
        artifact=name,
        stage=f"{family}@{adapter}",
        adapter=adapter,
        params={family: {"max_steps": 8, "lr": 0.001}},
        base_model={"path": "models/base", "sha256": "b" * 64},
        parents=parents,
        inputs={"data/split/train.jsonl": "c" * 64},
        train_record_ids=ids,
        metrics={"train_loss": 2.5},
    ).write(folder)


def write_lock(root: Path) -> None:
    """A dvc.lock shaped like DVC's, with hashes of the files as they are now."""

    def out(path: str) -> dict:
        return {"path": path, "hash": "md5", "md5": dvc_md5(root / path)}

    stages = {
        "extract": {"cmd": "python stages/extract.py", "deps": [out("data/sample")],
                    "outs": [out("data/extracted/records.jsonl")], "params": {"params.yaml": {"extract": {}}}},
        "scrub": {"cmd": "python stages/scrub.py", "deps": [out("data/extracted/records.jsonl")],
                  "outs": [out("data/scrubbed/records.jsonl")]},
        "split": {"cmd": "python stages/split.py", "deps": [out("data/scrubbed/records.jsonl")],
                  "outs": [out("data/split/assignments.json")]},
    }  # fmt: skip
    for name in sorted(p.relative_to(root / "models").as_posix() for p in (root / "models").glob("*/*")):
        family, adapter = name.split("/")
        deps = [out("data/split/assignments.json")]
        if family == "sft":
            deps.append(out(f"models/cpt/{adapter}"))
        stages[f"{family}@{adapter}"] = {
            "cmd": f"python stages/{family}.py",
            "deps": deps,
            "outs": [out(f"models/{name}")],
        }
    (root / "dvc.lock").write_text(yaml.safe_dump({"schema": "2.0", "stages": stages}), encoding="utf-8")


def fake_pipeline(root: Path) -> Path:
    """Write every upstream output of a small pipeline under ``root`` and return ``root``."""
    params = {
        "extract": {"input_dir": "data/sample", "sensitivity_levels": list(LEVELS), "default_sensitivity": "internal",
                    "sensitivity_rules": [{"glob": "*.c", "level": "confidential"}]},
        "adapters": {"all": {"kinds": [], "paths": []}, "firmware": {"kinds": ["c"], "paths": ["fw/*"]}},
        "lineage": {"card_tags": ["adaptline", "test"]},
    }  # fmt: skip
    root.mkdir(parents=True, exist_ok=True)
    (root / "params.yaml").write_text(yaml.safe_dump(params), encoding="utf-8")
    sample = root / "data/sample"
    for path in [*DOCS, FAILED]:
        (sample / path).parent.mkdir(parents=True, exist_ok=True)
        (sample / path).write_bytes(_bytes(path))
    (sample / COPY).write_bytes(_bytes("reviews/r1.docx"))

    files = []
    for path in sorted([*DOCS, FAILED, COPY]):
        doc_id = sha256_bytes((sample / path).read_bytes())
        kind, chunks = DOCS.get(path, ("docx", 0))
        entry = {"path": path, "status": "extracted", "reason": "", "doc_id": doc_id, "kind": kind, "n_records": chunks}
        if path == FAILED:
            entry.update(status="failed", reason="pdf: not a valid PDF (no xref)", kind=None, n_records=0)
        if path == COPY:
            entry.update(status="skipped", reason="identical to reviews/r1.docx", n_records=0)
        files.append(entry)
    write_json(root / "data/extracted/extract_report.json", {"files": files, "totals": {"files": len(files)}})
    write_records(root / "data/extracted/records.jsonl", [r for p in DOCS for r in _records(p, False)])
    write_records(root / "data/scrubbed/records.jsonl", [r for p in DOCS for r in _records(p, True)])
    r1, r2 = record_ids("reviews/r1.docx"), record_ids("reviews/r2.docx")
    dropped = [
        {"record_id": rid, "doc_id": rid[:16], "source_path": "reviews/r2.docx", "kind": "docx",
         "duplicate_of": r1[i], "duplicate_of_path": "reviews/r1.docx", "similarity": 0.91,
         "cluster_id": f"c{i + 1:05d}", "reason": "near"}
        for i, rid in enumerate(r2)
    ]  # fmt: skip
    write_json(root / "data/dedup/dedup_report.json", {"dropped": dropped, "totals": {"dropped_near": 2}})
    assignments = {
        sha256_bytes(_bytes(p)): {"split": s, "source_path": p, "kind": DOCS[p][0], "n_records": DOCS[p][1]}
        for p, s in SPLITS.items()
    }
    write_json(root / "data/split/assignments.json", assignments)

    cpt_ids = r1 + record_ids("fw/main.c") + record_ids("slides/p1.pptx")
    _artifact(root, "cpt/all", "all", cpt_ids, [])
    _artifact(root, "sft/all", "all", r1[:1], ["cpt/all"])
    _artifact(root, "cpt/firmware", "firmware", record_ids("fw/main.c"), [])
    write_json(
        root / "metrics/evaluate/all.json",
        {"adapter": "all", "models": {"base": {"perplexity": 40.0}, "cpt": {"perplexity": 12.5, "term_recall": 0.6},
                                      "sft": {"perplexity": 11.0}}},
    )  # fmt: skip
    write_lock(root)
    return root


def lineage_of(root: Path, name: str) -> dict:
    return json.loads((root / "lineage" / name / "lineage.json").read_text(encoding="utf-8"))


def run_stage(root: Path, params: LineageParams | None = None) -> dict:
    return run_lineage(Layout.default(root), params or LineageParams(), "data/sample", LEVELS)


@pytest.fixture
def pipeline(tmp_path: Path) -> Path:
    root = fake_pipeline(tmp_path / "repo")
    run_stage(root)
    return root


def _by_path(docs: list[dict]) -> dict[str, dict]:
    return {doc["path"]: doc for doc in docs}


def test_every_document_is_listed_once_with_its_fate(pipeline):
    lineage = lineage_of(pipeline, "cpt/all")
    data = lineage["training_data"]
    trained, excluded = _by_path(data["documents"]), _by_path(data["excluded"])
    assert sorted(trained) == ["fw/main.c", "reviews/r1.docx", "slides/p1.pptx"]
    assert set(trained).isdisjoint(excluded) and len(trained) + len(excluded) == len(DOCS) + 2
    reasons = {path: doc["reason"] for path, doc in excluded.items()}
    assert reasons == {
        "bad/broken.pdf": "extraction_failed",
        COPY: "duplicate",
        "reviews/r2.docx": "duplicate",
        "specs/s1.pdf": "held_out",
        "specs/s2.pdf": "not_selected",
    }
    assert excluded["reviews/r2.docx"]["detail"] == "duplicate of reviews/r1.docx"
    assert [d["duplicate_of"] for d in excluded["reviews/r2.docx"]["dropped_chunks"]] == record_ids("reviews/r1.docx")
    assert excluded["specs/s1.pdf"]["detail"] == "held out in the test split"
    assert excluded[COPY]["detail"] == "file identical to reviews/r1.docx"
    assert "not a valid PDF" in excluded["bad/broken.pdf"]["detail"]
    r1 = trained["reviews/r1.docx"]
    assert r1["sha256"] == sha256_bytes(_bytes("reviews/r1.docx")) and r1["kind"] == "docx" and r1["split"] == "train"
    assert r1["chunks"] == {"extracted": 2, "trained": 2}
    assert r1["redactions"] == {"EMAIL_ADDRESS": 2, "PERSON": 2}
    assert data["totals"]["records_trained"] == 6
    assert data["totals"]["excluded_by_reason"] == {"duplicate": 2, "extraction_failed": 1, "held_out": 1,
                                                    "not_selected": 1}  # fmt: skip


def test_sft_lists_its_cpt_data_and_filtered_documents(pipeline):
    sft = _by_path(lineage_of(pipeline, "sft/all")["training_data"]["documents"])
    assert sft["reviews/r1.docx"]["trained_by"] == ["cpt/all", "sft/all"]
    assert sft["fw/main.c"]["trained_by"] == ["cpt/all"]
    assert lineage_of(pipeline, "sft/all")["ancestors"] == ["cpt/all"]
    firmware = lineage_of(pipeline, "cpt/firmware")["training_data"]
    assert [d["path"] for d in firmware["documents"]] == ["fw/main.c"]
    excluded = _by_path(firmware["excluded"])
    assert excluded["slides/p1.pptx"]["reason"] == "filtered_by_adapter"
    assert excluded["reviews/r1.docx"]["reason"] == "filtered_by_adapter"
    assert "kinds c; paths fw/*" in excluded["slides/p1.pptx"]["detail"]


def test_sensitivity_is_the_highest_training_level(tmp_path):
    root = fake_pipeline(tmp_path / "repo")
    shutil.rmtree(root / "models/cpt/firmware")
    _artifact(root, "cpt/docs", "all", record_ids("reviews/r1.docx"), [])
    write_lock(root)
    run_stage(root)
    assert lineage_of(root, "cpt/all")["sensitivity"] == "confidential"
    assert lineage_of(root, "cpt/docs")["sensitivity"] == "internal"
    index = json.loads((root / "lineage/index.json").read_text())
    assert {e["artifact"]: e["sensitivity"] for e in index["artifacts"]} == {
        "cpt/all": "confidential", "cpt/docs": "internal", "sft/all": "confidential"}  # fmt: skip
    card = (root / "lineage/cpt/docs/README.md").read_text()
    assert "**Sensitivity: internal**" in card and "sensitivity: internal" in card


def test_lineage_records_code_lock_params_base_and_files(pipeline):
    lineage = lineage_of(pipeline, "sft/all")
    assert lineage["stage"] == "sft@all" and lineage["artifact_dir"] == "models/sft/all"
    assert sorted(lineage["dvc_lock"]) == ["cpt@all", "extract", "scrub", "sft@all", "split"]
    lock = read_lock(pipeline / "dvc.lock")
    assert lineage["dvc_lock"]["cpt@all"]["outs"] == lock["cpt@all"]["outs"]
    assert lineage["params"] == {"sft": {"lr": 0.001, "max_steps": 8}}
    assert lineage["base_model"]["sha256"] == "b" * 64
    assert sorted(lineage["files"]) == ["adapter_config.json", "adapter_model.safetensors"]
    assert lineage["code"]["commit"] is None  # not a git repository: recorded, not an error
    assert lineage["evaluation"]["metrics"] == {"perplexity": 11.0}
    assert lineage["warnings"] == []


def test_model_card_front_matter(pipeline):
    text = (pipeline / "lineage/cpt/all/README.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    matter = yaml.safe_load(text.split("---\n")[1])
    assert matter["base_model"] == "models/base" and matter["library_name"] == "peft"
    assert matter["tags"] == [*LineageParams().card_tags, "cpt", "adapter-all", "sensitivity-confidential"]
    assert matter["metrics"] == ["perplexity", "term_recall"]
    results = matter["model-index"][0]["results"][0]["metrics"]
    assert {m["type"]: m["value"] for m in results} == {"perplexity": 12.5, "term_recall": 0.6}
    assert "`reviews/r1.docx`" in text and "| 2/2 |" in text
    no_eval = front_matter({**lineage_of(pipeline, "cpt/firmware"), "evaluation": {}}, LineageParams())
    assert "model-index" not in no_eval and no_eval["library_name"] == "peft"


def test_output_bytes_are_deterministic(pipeline):
    before = {p: p.read_bytes() for p in sorted((pipeline / "lineage").rglob("*")) if p.is_file()}
    run_stage(pipeline)
    after = {p: p.read_bytes() for p in sorted((pipeline / "lineage").rglob("*")) if p.is_file()}
    assert before == after and len(before) == 7  # 3 artifacts x 2 files + index


def test_no_personal_data_reaches_any_lineage_file(pipeline):
    files = [p for p in (pipeline / "lineage").rglob("*") if p.is_file()]
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        for value in PLANTED:
            assert value not in text, f"{value!r} leaked into {path}"
        assert "chunk 0." not in text  # no record text at all


def test_optional_stages_may_be_missing(tmp_path):
    root = fake_pipeline(tmp_path / "repo")
    for path in ("data/dedup/dedup_report.json", "data/split/assignments.json", "data/scrubbed/records.jsonl",
                 "metrics/evaluate/all.json", "dvc.lock"):  # fmt: skip
        (root / path).unlink()
    shutil.rmtree(root / "models/sft")
    run_stage(root)
    lineage = lineage_of(root, "cpt/all")
    assert lineage["dvc_lock"] == {} and lineage["evaluation"] == {}
    assert _by_path(lineage["training_data"]["documents"])["reviews/r1.docx"]["split"] is None
    assert not (root / "lineage/sft").exists()


def test_no_artifacts_writes_an_empty_index(tmp_path):
    root = fake_pipeline(tmp_path / "repo")
    shutil.rmtree(root / "models")
    assert run_stage(root)["artifacts"] == []


@pytest.mark.parametrize("breakage", ["tampered_file", "unknown_record", "missing_parent", "no_extract"])
def test_broken_inputs_fail_loudly(tmp_path, breakage):
    root = fake_pipeline(tmp_path / "repo")
    if breakage == "tampered_file":
        (root / "models/cpt/all/adapter_model.safetensors").write_bytes(b"tampered")
        match = "cpt/all: files differ from its manifest .*adapter_model.safetensors"
    elif breakage == "unknown_record":
        _rewrite_manifest(root / "models/cpt/all", train_record_ids=["ffffffffffffffff-00000"])
        match = "trained record ffffffffffffffff-00000 is not among the extracted records"
    elif breakage == "missing_parent":
        shutil.rmtree(root / "models/cpt/all")
        match = "names parent cpt/all, which has no manifest"
    else:
        (root / "data/extracted/records.jsonl").unlink()
        match = "records.jsonl not found"
    with pytest.raises(LineageError, match=match):
        run_stage(root)


def _rewrite_manifest(folder: Path, **changes) -> None:
    path = folder / "adaptline_manifest.json"
    data = json.loads(path.read_text())
    data.update(changes)
    write_json(path, data)


def test_code_state_in_a_git_repository(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git not installed")
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t.invalid", "PATH": "/usr/bin:/bin"}  # fmt: skip
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "dvc.lock").write_text("x")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "v1"]):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, env=env, capture_output=True)
    clean = LineageParams().clean_paths
    state = code_state(tmp_path, clean)
    assert len(state["commit"]) == 40 and state["dirty"] is False
    (tmp_path / "dvc.lock").write_text("y")  # DVC rewrites these during a run
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub/.gitignore").write_text("/out\n")
    (tmp_path / ".gitignore").write_text("/lineage\n")
    assert code_state(tmp_path, clean)["dirty"] is False
    for args in (["add", "-A"], ["commit", "-qm", "record the run"]):  # a commit of DVC's files only
        subprocess.run(["git", *args], cwd=tmp_path, check=True, env=env, capture_output=True)
    assert code_state(tmp_path, clean) == {"commit": state["commit"], "dirty": False, "changed_files": 0}
    (tmp_path / "a.txt").write_text("b")
    (tmp_path / "new_document.docx").write_text("c")
    assert code_state(tmp_path, clean) == {"commit": state["commit"], "dirty": True, "changed_files": 2}


def test_dvc_md5_matches_dvc(tmp_path):
    dvc = Path(sys.executable).parent / "dvc"
    if not dvc.exists():
        pytest.skip("dvc not installed in this environment")
    (tmp_path / "d/sub").mkdir(parents=True)
    (tmp_path / "d/a.bin").write_bytes(b"\x00\x01" * 100)
    (tmp_path / "d/sub/b.txt").write_text("line\r\nline\n")
    env = {"DVC_NO_ANALYTICS": "1", "PATH": f"{dvc.parent}:/usr/bin:/bin", "HOME": str(tmp_path)}
    subprocess.run([str(dvc), "init", "--no-scm", "-q"], cwd=tmp_path, check=True, env=env, capture_output=True)
    subprocess.run([str(dvc), "add", "-q", "d"], cwd=tmp_path, check=True, env=env, capture_output=True)
    recorded = yaml.safe_load((tmp_path / "d.dvc").read_text())["outs"][0]["md5"]
    assert dvc_md5(tmp_path / "d") == recorded
    assert dvc_md5(tmp_path / "missing") is None


def test_upstream_stages_follow_outputs_into_dependencies(pipeline):
    lock = read_lock(pipeline / "dvc.lock")
    assert upstream_stages(lock, "cpt@firmware") == ["cpt@firmware", "extract", "scrub", "split"]
    assert build_all(Layout.default(pipeline), LineageParams(), "data/sample", LEVELS).keys() == {
        "cpt/all", "cpt/firmware", "sft/all"}  # fmt: skip


def test_stage_script_runs_with_paths_from_arguments(tmp_path):
    root = fake_pipeline(tmp_path / "repo")
    script = Path(__file__).resolve().parents[1] / "stages/lineage.py"
    args = ["--models-dir", "models", "--extract-report", "data/extracted/extract_report.json",
            "--extracted", "data/extracted/records.jsonl", "--scrubbed", "data/scrubbed/records.jsonl",
            "--dedup-report", "data/dedup/dedup_report.json", "--assignments", "data/split/assignments.json",
            "--evaluate-dir", "metrics/evaluate", "--output-dir", "out/lineage"]  # fmt: skip
    result = subprocess.run([sys.executable, str(script), *args], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (root / "out/lineage/sft/all/lineage.json").is_file()
    _rewrite_manifest(root / "models/cpt/all", train_record_ids=["ffffffffffffffff-00000"])
    result = subprocess.run([sys.executable, str(script), *args], cwd=root, capture_output=True, text=True)
    assert result.returncode == 1 and "lineage: cpt/all: trained record" in result.stderr


def test_uncached_reports_are_left_out_of_recorded_hashes(tmp_path):
    root = fake_pipeline(tmp_path / "repo")
    dvc_yaml = {
        "stages": {
            "extract": {"cmd": "x", "outs": ["data/extracted/records.jsonl"],
                        "metrics": [{"data/extracted/extract_report.json": {"cache": False}}]},
            "cpt": {"foreach": {"all": {}}, "do": {"cmd": "y", "outs": ["models/cpt/${key}"],
                                                  "metrics": [{"metrics/cpt/${key}.json": {"cache": False}}]}},
        }
    }  # fmt: skip
    (root / "dvc.yaml").write_text(yaml.safe_dump(dvc_yaml))
    assert uncached_outputs(root / "dvc.yaml") == ["data/extracted/extract_report.json", "metrics/cpt/*.json"]
    lock = yaml.safe_load((root / "dvc.lock").read_text())
    lock["stages"]["extract"]["outs"].append({"path": "data/extracted/extract_report.json", "md5": "1" * 32})
    (root / "dvc.lock").write_text(yaml.safe_dump(lock))
    run_stage(root)
    first = (root / "lineage/cpt/all/lineage.json").read_bytes()
    recorded = json.loads(first)["dvc_lock"]["extract"]["outs"]
    assert recorded["data/extracted/extract_report.json"] == "uncached"
    assert recorded["data/extracted/records.jsonl"] == dvc_md5(root / "data/extracted/records.jsonl")
    lock["stages"]["extract"]["outs"][-1]["md5"] = "2" * 32  # a rerun with other timings in the report
    (root / "dvc.lock").write_text(yaml.safe_dump(lock))
    run_stage(root)
    assert (root / "lineage/cpt/all/lineage.json").read_bytes() == first

"""The ``adaptline`` command on a synthetic pipeline (see test_lineage.fake_pipeline)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from test_lineage import PLANTED, fake_pipeline, run_stage

from adaptline.cli import main


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = fake_pipeline(tmp_path / "repo")
    run_stage(root)
    return root


def cli(capsys, root: Path, *args: str) -> tuple[int, str, str]:
    code = main([*args, "--repo-root", str(root)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("command", [[], ["trace"], ["verify"], ["report"]])
def test_help_on_every_subcommand(capsys, command):
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: adaptline") and ("--json" in out or not command)


def test_console_script_is_runnable():
    result = subprocess.run([sys.executable, "-m", "adaptline.cli", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "trace" in result.stdout and "verify" in result.stdout


def test_trace_artifact_text_and_json(capsys, repo):
    code, out, _ = cli(capsys, repo, "trace", "cpt/all")
    assert code == 0
    assert "cpt/all (models/cpt/all): sensitivity confidential" in out
    assert "reviews/r1.docx  [docx, train, internal] chunks 2/2" in out
    assert "specs/s1.pdf  [pdf] held_out: held out in the test split" in out
    code, out, _ = cli(capsys, repo, "trace", str(repo / "models/sft/all"), "--json")
    data = json.loads(out)
    assert code == 0 and data["artifact"] == "sft/all" and data["ancestors"] == ["cpt/all"]
    assert [d["path"] for d in data["documents"]] == ["fw/main.c", "reviews/r1.docx", "slides/p1.pptx"]
    assert data["from_lineage_file"] is True


def test_trace_document_lists_every_artifact_and_how(capsys, repo):
    code, out, _ = cli(capsys, repo, "trace", "--doc", "reviews/r2.docx", "--json")
    data = json.loads(out)
    assert code == 0 and data["document"] == "reviews/r2.docx" and data["unchanged"] is True
    how = {entry["artifact"]: entry["how"] for entry in data["artifacts"]}
    assert how == {"cpt/all": "duplicate", "cpt/firmware": "duplicate", "sft/all": "duplicate"}
    code, out, _ = cli(capsys, repo, "trace", "--doc", str(repo / "data/sample/specs/s1.pdf"))
    assert code == 0 and "cpt/all: held out: held out in the test split" in out
    code, out, _ = cli(capsys, repo, "trace", "--doc", "data/sample/fw/main.c")
    assert "cpt/firmware: trained on (3/3 chunks)" in out and "sft/all: trained on (3/3 chunks) (via cpt/all)" in out


def test_trace_errors_are_clear(capsys, repo):
    code, _, err = cli(capsys, repo, "trace", "cpt/nope")
    assert code == 2 and "unknown artifact 'cpt/nope'; known artifacts: cpt/all, cpt/firmware, sft/all" in err
    code, _, err = cli(capsys, repo, "trace", "--doc", "not/there.docx")
    assert code == 2 and "not in the lineage of any artifact" in err
    with pytest.raises(SystemExit) as exit_info:
        main(["trace", "--repo-root", str(repo)])
    assert exit_info.value.code == 2 and "exactly one of ARTIFACT, --doc PATH or --sha256" in capsys.readouterr().err
    code, _, err = cli(capsys, repo.parent, "trace", "cpt/all")
    assert code == 2 and "no params.yaml" in err


def test_verify_passes_on_an_untouched_pipeline(capsys, repo):
    code, out, _ = cli(capsys, repo, "verify", "--all")
    assert code == 0, out
    assert out.count("OK  ") == 3
    code, out, _ = cli(capsys, repo, "verify", "sft/all", "--json")
    (result,) = json.loads(out)
    assert code == 0 and result["ok"] and result["checked"]["source_documents"] == 8


def test_verify_detects_a_tampered_source_document(capsys, repo):
    (repo / "data/sample/reviews/r1.docx").write_bytes(b"edited after training")
    (repo / "data/sample/specs/s1.pdf").unlink()
    code, out, _ = cli(capsys, repo, "verify", "cpt/all")
    assert code == 1
    assert "FAIL cpt/all" in out
    assert "source document changed (trained on): data/sample/reviews/r1.docx" in out
    assert "source document missing (not trained on): data/sample/specs/s1.pdf" in out


def test_verify_detects_a_tampered_adapter_file(capsys, repo):
    (repo / "models/cpt/all/adapter_model.safetensors").write_bytes(b"tampered weights")
    (repo / "models/cpt/all/adapter_config.json").unlink()
    code, out, _ = cli(capsys, repo, "verify", "models/cpt/all")
    assert code == 1
    assert "artifact file changed: models/cpt/all/adapter_model.safetensors" in out
    assert "artifact file missing: models/cpt/all/adapter_config.json" in out
    assert "artifact folder differs from dvc.lock (cpt@all): models/cpt/all" in out
    code, out, _ = cli(capsys, repo, "verify", "cpt/firmware")
    assert code == 0, out  # other artifacts are unaffected


def test_verify_detects_a_rewritten_manifest_and_extra_file(capsys, repo):
    manifest = repo / "models/sft/all/adaptline_manifest.json"
    data = json.loads(manifest.read_text())
    data["train_record_ids"] = []
    manifest.write_text(json.dumps(data))
    (repo / "models/sft/all/extra.bin").write_bytes(b"x")
    code, out, _ = cli(capsys, repo, "verify", "sft/all")
    assert code == 1
    assert "manifest changed since lineage was written" in out and "artifact file not in manifest" in out


def test_verify_max_level(capsys, repo):
    code, out, _ = cli(capsys, repo, "verify", "cpt/all", "--max-level", "internal")
    assert code == 1 and "sensitivity confidential is above the allowed internal" in out
    code, out, _ = cli(capsys, repo, "verify", "cpt/all", "--max-level", "confidential")
    assert code == 0, out
    with pytest.raises(SystemExit) as exit_info:
        main(["verify", "cpt/all", "--max-level", "secret", "--repo-root", str(repo)])
    assert exit_info.value.code == 2 and "must be one of public, internal" in capsys.readouterr().err


def test_verify_without_lineage_files_computes_lineage(capsys, repo):
    shutil.rmtree(repo / "lineage")
    code, out, _ = cli(capsys, repo, "verify", "cpt/all")
    assert code == 0 and "note: no lineage.json" in out
    (repo / "data/sample/fw/main.c").write_text("changed")
    code, out, _ = cli(capsys, repo, "verify", "cpt/all")
    # recomputed lineage takes the doc ids from the records, so the edited file no longer matches
    assert code == 1 and "source document changed (trained on): data/sample/fw/main.c" in out


def test_report_is_one_self_contained_page(capsys, repo):
    code, out, _ = cli(capsys, repo, "report", "--output", "out/report.html")
    assert code == 0 and out.strip().endswith("out/report.html")
    html = (repo / "out/report.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html and "<svg" in html
    assert "<script" not in html and 'src="http' not in html and "<link" not in html
    for heading in ("Pipeline", "Corpus composition", "Drops by reason", "Metrics per model", "Lineage per artifact"):
        assert f"<h2>{heading}</h2>" in html
    for stage in ("extract", "cpt@all", "sft@all"):  # the DAG (from dvc.lock here: no dvc repository)
        assert f">{stage}</text>" in html
    assert "reviews/r1.docx" in html and "held out in the test split" in html and "12.5" in html
    for value in PLANTED:
        assert value not in html


def test_report_lists_documents_extracted_with_notes(capsys, repo):
    """Content the extract stage could not read (or a reader's remark) is on the page, grouped by
    note with its numbers as N, not only in the extract report's JSON."""
    report_path = repo / "data/extracted/extract_report.json"
    report = json.loads(report_path.read_text())
    extracted = [entry for entry in report["files"] if entry["status"] == "extracted"]
    extracted[0]["reason"] = "hidden slide(s) 2 read like the others"
    extracted[1]["reason"] = "hidden slide(s) 7 read like the others"
    report_path.write_text(json.dumps(report))
    code, _, _ = cli(capsys, repo, "report", "--output", "out/report.html")
    html = (repo / "out/report.html").read_text(encoding="utf-8")
    assert code == 0 and "Extracted with notes" in html
    assert '<td>hidden slide(s) N read like the others</td><td class="n">2</td>' in html


def test_openlineage_event(capsys, repo):
    code, out, _ = cli(capsys, repo, "trace", "cpt/firmware", "--format", "openlineage")
    event = json.loads(out)
    assert code == 0 and event["eventType"] == "COMPLETE" and event["job"]["name"] == "cpt@firmware"
    assert [i["name"] for i in event["inputs"]] == ["data/sample/fw/main.c"]
    assert event["outputs"][0]["name"] == "models/cpt/firmware"
    assert event["eventTime"].endswith("Z") and len(event["run"]["runId"]) == 36


def test_no_personal_data_in_any_command_output(capsys, repo):
    outputs = []
    for args in (["trace", "cpt/all"], ["trace", "sft/all", "--json"], ["trace", "--doc", "reviews/r1.docx"],
                 ["verify", "--all", "--json"], ["trace", "cpt/all", "--format", "openlineage"]):  # fmt: skip
        code, out, err = cli(capsys, repo, *args)
        assert code == 0
        outputs.append(out + err)
    for value in PLANTED:
        assert all(value not in text for text in outputs), value


def test_verify_upstream_code_change_with_identical_outputs_is_a_note(capsys, repo):
    """A stage rerun by new code to byte-identical outputs leaves lineage valid (DVC skips it);
    a changed upstream output does not."""
    lock_path = repo / "dvc.lock"
    lock = yaml.safe_load(lock_path.read_text())
    lock["stages"]["scrub"]["deps"].append({"path": "src/adaptline/scrub", "md5": "0" * 32 + ".dir"})
    lock_path.write_text(yaml.safe_dump(lock))
    run_stage(repo)  # lineage written against this lock
    lock["stages"]["scrub"]["deps"][-1]["md5"] = "1" * 32 + ".dir"  # new scrub code, same outputs
    lock_path.write_text(yaml.safe_dump(lock))
    code, out, _ = cli(capsys, repo, "verify", "cpt/all")
    assert code == 0, out
    assert "note: dvc.lock scrub: dep(s) src/adaptline/scrub changed since lineage was written" in out
    lock["stages"]["scrub"]["outs"][0]["md5"] = "2" * 32  # the scrubbed records changed
    lock_path.write_text(yaml.safe_dump(lock))
    code, out, _ = cli(capsys, repo, "verify", "cpt/all")
    assert code == 1 and "dvc.lock scrub out data/scrubbed/records.jsonl changed since lineage was written" in out


def test_trace_a_copy_outside_the_corpus_and_a_sha256(capsys, repo, tmp_path):
    """An auditor holding a copy (an attachment, a download) asks which models its bytes reached."""
    import hashlib

    original = repo / "data/sample/reviews/r1.docx"
    copy = tmp_path / "attachment.docx"
    shutil.copyfile(original, copy)
    sha = hashlib.sha256(original.read_bytes()).hexdigest()
    code, out, _ = cli(capsys, repo, "trace", "--doc", str(copy), "--json")
    data = json.loads(out)
    assert code == 0 and data["by_content"] is True and data["sha256"] == sha
    hows = {
        document["document"]: {entry["artifact"]: entry["how"] for entry in document["artifacts"]}
        for document in data["documents"]
    }
    assert hows == {  # the fake corpus holds the same bytes twice: both paths are answered
        "reviews/r1.docx": {"cpt/all": "trained_on", "cpt/firmware": "filtered_by_adapter", "sft/all": "trained_on"},
        "reviews/r1_copy.docx": dict.fromkeys(["cpt/all", "cpt/firmware", "sft/all"], "duplicate"),
    }
    code, out, _ = cli(capsys, repo, "trace", "--sha256", sha[:12].upper())
    assert code == 0 and out.startswith(f"sha256 {sha}: 2 corpus paths hold it.\ndata/sample/reviews/r1.docx")
    assert "cpt/all: trained on (2/2 chunks)" in out
    assert "cpt/all: dropped as duplicate: file identical to reviews/r1.docx" in out

    code, _, err = cli(capsys, repo, "trace", "--sha256", "12ab")
    assert code == 2 and "'12ab' is not a sha256 (8 to 64 hex digits)" in err
    stranger = tmp_path / "stranger.docx"
    stranger.write_bytes(b"never seen")
    code, _, err = cli(capsys, repo, "trace", "--doc", str(stranger))
    assert code == 2 and "is in no artifact's lineage by path, and no artifact's lineage holds a document" in err


def test_output_into_a_closed_pipe_ends_quietly(repo):
    """``adaptline trace ... | head -1``: no BrokenPipeError traceback once the reader has gone."""
    command = [sys.executable, "-m", "adaptline.cli", "trace", "cpt/all", "--repo-root", str(repo)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # long before the command prints anything
    assert process.wait(timeout=120) == 141
    assert process.stderr.read() == b""

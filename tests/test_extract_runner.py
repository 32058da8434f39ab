"""The stage as a whole: incremental cache, determinism, report, CLI."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest
import yaml
from extract_builders import C_SOURCE, make_docx, make_pdf, make_pptx, make_xlsx

from adaptline.extract import ExtractParams, SensitivityRule, run_extract
from adaptline.records import read_records, sha256_bytes

PARAMS = ExtractParams(workers=2)
REPO_ROOT = Path(__file__).resolve().parents[1]


def corpus(root: Path) -> Path:
    raw = root / "raw"
    files = {
        "reviews/dr-0042.docx": make_docx(),
        "decks/status.pptx": make_pptx(),
        "bom/board.xlsx": make_xlsx(),
        "specs/sis-100.pdf": make_pdf(),
        "fw/uart.c": C_SOURCE.encode(),
    }
    for name, data in files.items():
        (raw / name).parent.mkdir(parents=True, exist_ok=True)
        (raw / name).write_bytes(data)
    return raw


def run(root: Path, raw: Path, params: ExtractParams = PARAMS, cache: str = "cache") -> dict:
    return run_extract(raw, root / "out/records.jsonl", root / "out/report.json", root / cache, params)


def counters(report: dict) -> tuple[int, int]:
    return report["totals"]["cache_hits"], report["totals"]["cache_misses"]


def test_full_run_records_and_report(tmp_path: Path) -> None:
    raw = corpus(tmp_path)
    report = run(tmp_path, raw)
    assert report["totals"] | {"seconds": 0} == {
        "files": 5, "extracted": 5, "skipped": 0, "failed": 0, "records": 17,
        "cache_hits": 0, "cache_misses": 5, "seconds": 0, "workers": 2,
    }  # fmt: skip
    assert report["kinds"]["docx"] == {"files": 1, "extracted": 1, "failed": 0, "records": 5}
    assert json.loads((tmp_path / "out/report.json").read_text()) == report
    records = list(read_records(tmp_path / "out/records.jsonl"))
    assert len(records) == 17
    docx_records = [r for r in records if r.kind == "docx"]
    assert [r.chunk_index for r in docx_records] == [0, 1, 2, 3, 4]
    assert docx_records[0].doc_id == sha256_bytes((raw / "reviews/dr-0042.docx").read_bytes())
    assert docx_records[1].context == "reviews/dr-0042.docx · docx · Scope"
    assert docx_records[0].context == "reviews/dr-0042.docx · docx · header"
    assert docx_records[0].extractor_version == "docx-5"
    c_record = next(r for r in records if r.location.function == "uart_putc")
    assert c_record.context == "fw/uart.c · c · uart_putc, lines 14-23"
    sheet = next(r for r in records if r.kind == "xlsx")
    assert sheet.context == "bom/board.xlsx · xlsx · sheet BOM A2:D6, table"
    assert {r.source_path: r.sensitivity for r in records if r.kind in ("c", "pdf")} == {
        "fw/uart.c": "confidential",  # default rules: firmware sources are confidential
        "specs/sis-100.pdf": "internal",
    }


def test_incremental_add_modify_remove_rename(tmp_path: Path) -> None:
    raw = corpus(tmp_path)
    assert counters(run(tmp_path, raw)) == (0, 5)
    assert counters(run(tmp_path, raw)) == (5, 0)

    (raw / "specs/extra.pdf").write_bytes(make_pdf(pages=2))  # add one document
    report = run(tmp_path, raw)
    assert counters(report) == (5, 1)
    assert report["totals"]["extracted"] == 6

    (raw / "reviews/dr-0042.docx").write_bytes(make_docx(extra=" Revision B."))  # modify one
    assert counters(run(tmp_path, raw)) == (5, 1)
    assert any("Revision B." in r.text for r in read_records(tmp_path / "out/records.jsonl"))

    (raw / "specs/extra.pdf").unlink()  # remove one
    report = run(tmp_path, raw)
    assert counters(report) == (5, 0)
    paths = {r.source_path for r in read_records(tmp_path / "out/records.jsonl")}
    assert "specs/extra.pdf" not in paths and len(report["files"]) == 5

    (raw / "fw/uart.c").rename(raw / "fw/uart_stm32.c")  # rename: same bytes, cache reused
    report = run(tmp_path, raw)
    assert counters(report) == (5, 0)
    paths = {r.source_path for r in read_records(tmp_path / "out/records.jsonl")}
    assert "fw/uart_stm32.c" in paths and "fw/uart.c" not in paths


def test_cache_key_holds_content_params_only(tmp_path: Path) -> None:
    raw = corpus(tmp_path)
    run(tmp_path, raw)
    assert counters(run(tmp_path, raw, ExtractParams(workers=1, timeout_s=5.0))) == (5, 0)
    rules = (SensitivityRule("specs/*", "confidential"),)
    report = run(tmp_path, raw, ExtractParams(workers=1, sensitivity_rules=rules))
    assert counters(report) == (5, 0)
    levels = {r.source_path: r.sensitivity for r in read_records(tmp_path / "out/records.jsonl")}
    assert levels["specs/sis-100.pdf"] == "confidential" and levels["fw/uart.c"] == "internal"
    assert counters(run(tmp_path, raw, ExtractParams(workers=1, max_chunk_chars=1000))) == (0, 5)


def test_two_runs_give_identical_bytes(tmp_path: Path) -> None:
    raw = corpus(tmp_path)
    (raw / "dup").mkdir()
    shutil.copy(raw / "specs/sis-100.pdf", raw / "dup/copy.pdf")
    run(tmp_path, raw, ExtractParams(workers=2), cache="cache_a")
    first = (tmp_path / "out/records.jsonl").read_bytes()
    first_files = json.loads((tmp_path / "out/report.json").read_text())["files"]
    run(tmp_path, raw, ExtractParams(workers=1), cache="cache_b")
    assert (tmp_path / "out/records.jsonl").read_bytes() == first
    assert json.loads((tmp_path / "out/report.json").read_text())["files"] == first_files
    duplicate = next(entry for entry in first_files if entry["path"] == "specs/sis-100.pdf")
    assert duplicate["status"] == "skipped" and duplicate["reason"] == "identical to dup/copy.pdf"


def test_stage_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("extract_stage", REPO_ROOT / "stages/extract.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    main = module.main
    raw = corpus(tmp_path)
    params = tmp_path / "params.yaml"
    rules = [{"glob": "specs/*", "level": "restricted"}]
    section = {"input_dir": str(raw), "workers": 1, "max_chunk_chars": 2000, "sensitivity_rules": rules}
    params.write_text(yaml.safe_dump({"extract": section}))
    args = ["--output", str(tmp_path / "o/records.jsonl"), "--report", str(tmp_path / "o/report.json")]
    args += ["--cache-dir", str(tmp_path / "c"), "--params", str(params)]
    assert main(["--input-dir", str(raw), *args]) == 0
    assert json.loads((tmp_path / "o/report.json").read_text())["totals"]["extracted"] == 5
    levels = {r.source_path: r.sensitivity for r in read_records(tmp_path / "o/records.jsonl")}
    assert levels == {
        "bom/board.xlsx": "internal", "decks/status.pptx": "internal", "fw/uart.c": "internal",
        "reviews/dr-0042.docx": "internal", "specs/sis-100.pdf": "restricted",
    }  # fmt: skip
    assert main(["--input-dir", str(tmp_path / "missing"), *args]) == 1
    assert "missing does not exist" in capsys.readouterr().err


def test_reader_fingerprint_tracks_version_and_source() -> None:
    from adaptline.extract.readers import READERS, fingerprint

    prints = {kind: fingerprint(reader) for kind, reader in READERS.items()}
    assert all(value.startswith(f"{kind}-") and "+" in value for kind, value in prints.items())
    assert len(set(prints.values())) == len(prints)  # each kind's own source is hashed

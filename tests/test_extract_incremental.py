"""What makes a rerun of extract cheap, and why it stays correct: the stat index, the rendered
records cache, lazy task consumption and the listing of the input folder."""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import time
from pathlib import Path

import pytest
from extract_builders import C_SOURCE, make_docx, write_old

from adaptline.extract import ExtractParams, run_extract
from adaptline.extract import runner as extract_runner
from adaptline.extract import worker as extract_worker
from adaptline.extract.stat_index import INDEX_FILE
from adaptline.extract.worker import Task, WorkerPool
from adaptline.records import read_records

PARAMS = ExtractParams(workers=2)


def run(tmp_path: Path, raw: Path) -> dict:
    return run_extract(raw, tmp_path / "out/records.jsonl", tmp_path / "out/report.json", tmp_path / "cache", PARAMS)


def counters(report: dict) -> tuple[int, int]:
    return report["totals"]["cache_hits"], report["totals"]["cache_misses"]


def index_entries(tmp_path: Path) -> dict:
    return json.loads((tmp_path / "cache" / INDEX_FILE).read_text())["entries"]


def test_stat_index_sees_a_same_size_rewrite_with_the_old_mtime(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = tmp_path / "raw"
    write_old(raw / "fw/uart.c", C_SOURCE.encode())
    write_old(raw / "reviews/dr.docx", make_docx())
    assert counters(run(tmp_path, raw)) == (0, 2)
    assert set(index_entries(tmp_path)) == {"fw/uart.c", "reviews/dr.docx"}
    sniffed: list[str] = []
    real_sniff = extract_runner.sniff
    monkeypatch.setattr(extract_runner, "sniff", lambda data, rel: sniffed.append(rel) or real_sniff(data, rel))
    assert counters(run(tmp_path, raw)) == (2, 0)
    assert sniffed == []  # unchanged stat: neither read nor sniffed again

    edited = C_SOURCE.replace("uart", "UART").encode()  # same length, different bytes
    assert len(edited) == len(C_SOURCE.encode()) and edited != C_SOURCE.encode()
    write_old(raw / "fw/uart.c", edited)  # same size and mtime: only ctime tells the rewrite
    report = run(tmp_path, raw)
    assert counters(report) == (1, 1)
    texts = [r.text for r in read_records(tmp_path / "out/records.jsonl") if r.kind == "c"]
    assert sniffed == ["fw/uart.c"]
    assert any("UART_putc" in text for text in texts)


def test_files_modified_just_now_are_not_remembered(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write_old(raw / "old.c", b"int settled;\n")
    (raw / "new.c").write_bytes(b"int fresh;\n")  # mtime = now: racily clean, hashed again next run
    run(tmp_path, raw)
    assert set(index_entries(tmp_path)) == {"old.c"}


def test_corrupt_or_foreign_index_only_costs_a_reread(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write_old(raw / "a.c", b"int a;\n")
    run(tmp_path, raw)
    first = (tmp_path / "out/records.jsonl").read_bytes()
    (tmp_path / "cache" / INDEX_FILE).write_text("{not json")
    assert counters(run(tmp_path, raw)) == (1, 0)
    assert (tmp_path / "out/records.jsonl").read_bytes() == first


def test_rendered_records_equal_a_fresh_rendering(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write_old(raw / "fw/uart.c", C_SOURCE.encode())
    write_old(raw / "reviews/dr.docx", make_docx())
    run(tmp_path, raw)
    first = (tmp_path / "out/records.jsonl").read_bytes()
    first_report = json.loads((tmp_path / "out/report.json").read_text())
    assert counters(run(tmp_path, raw)) == (2, 0)  # served from the rendered cache
    assert (tmp_path / "out/records.jsonl").read_bytes() == first
    second_report = json.loads((tmp_path / "out/report.json").read_text())
    assert second_report["files"] == first_report["files"]
    assert list(Path(tmp_path / "cache/rendered").rglob("*.txt"))


def test_report_lines_encoded_during_the_scan_equal_a_fresh_report(tmp_path: Path) -> None:
    """A rerun encodes the report lines of settled files while the new documents parse; those
    documents' lines, and everything else, read as in a run from an empty cache."""
    raw = tmp_path / "raw"
    write_old(raw / "fw/uart.c", C_SOURCE.encode())
    write_old(raw / "notes.txt", b"not a document")
    run(tmp_path, raw)
    write_old(raw / "reviews/dr.docx", make_docx())
    write_old(raw / "reviews/dr.v2.docx", make_docx())  # a duplicate of a document parsed in this run
    write_old(raw / "specs/broken.pdf", b"%PDF-1.7\n1 0 obj <<")  # fails in its worker
    assert counters(run(tmp_path, raw)) == (1, 2)
    rerun = (tmp_path / "out/report.json").read_text()
    fresh_report = tmp_path / "fresh/report.json"
    fresh = run_extract(raw, tmp_path / "fresh/records.jsonl", fresh_report, tmp_path / "fresh-cache", PARAMS)
    assert counters(fresh) == (0, 3)
    files = rerun[: rerun.index("\n  ],\n")]
    assert files == fresh_report.read_text()[: len(files)]
    statuses = {entry["path"]: entry["status"] for entry in json.loads(rerun)["files"]}
    assert statuses == {
        "fw/uart.c": "extracted", "notes.txt": "skipped", "reviews/dr.v2.docx": "skipped",
        "reviews/dr.docx": "extracted", "specs/broken.pdf": "failed",
    }  # fmt: skip


@pytest.mark.parametrize("damage", ["last line cut off", "header garbled"])
def test_damaged_rendered_entry_is_rendered_again(tmp_path: Path, damage: str) -> None:
    """Rendered entries are copied to the output as bytes, unchecked but for their header and
    line count: a damaged one is rendered again from the parser result, never copied."""
    raw = tmp_path / "raw"
    write_old(raw / "fw/uart.c", C_SOURCE.encode())
    run(tmp_path, raw)
    first = (tmp_path / "out/records.jsonl").read_bytes()
    [entry] = Path(tmp_path / "cache/rendered").rglob("*.txt")
    data = entry.read_bytes()
    assert data.count(b"\n") > 2
    entry.write_bytes(data[: data.rstrip(b"\n").rindex(b"\n") + 1] if damage == "last line cut off" else b"{" + data)
    assert counters(run(tmp_path, raw)) == (1, 0)  # still a results-cache hit: nothing parsed again
    assert (tmp_path / "out/records.jsonl").read_bytes() == first
    assert entry.read_bytes() == data


def test_unchanged_stat_index_is_not_written_again(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write_old(raw / "a.c", b"int a;\n")
    run(tmp_path, raw)
    index = tmp_path / "cache" / INDEX_FILE
    written = index.stat().st_ino  # written atomically (a new file), so a rewrite changes the inode
    run(tmp_path, raw)
    assert index.stat().st_ino == written
    write_old(raw / "b.c", b"int b;\n")
    run(tmp_path, raw)
    assert set(index_entries(tmp_path)) == {"a.c", "b.c"}


def test_workers_collect_garbage_when_the_stage_process_does_not(monkeypatch: pytest.MonkeyPatch) -> None:
    """stages/extract.py runs with the collector off; parsers build reference cycles, so workers
    (forked from it) turn it back on, after freezing what they inherited (else their first
    collection walks, and copies, the parent's whole heap)."""
    monkeypatch.setattr(
        extract_worker,
        "extract_document",
        lambda *args: {
            "status": "extracted",
            "chunks": [],
            "meta": {"gc": gc.isenabled(), "inherited_frozen": gc.get_freeze_count() > 0},
            "notes": [],
        },
    )
    gc.disable()
    try:
        with WorkerPool(PARAMS, workers=1) as pool:
            [(_, result)] = pool.run(iter([Task("a.c", "a.c", "c", "0" * 64)]))
    finally:
        gc.enable()
    assert result["meta"] == {"gc": True, "inherited_frozen": True}


def test_tasks_are_pulled_while_workers_parse(tmp_path: Path) -> None:
    """The scan goes on while the first document is parsed (and no worker starts for no task)."""
    paths = []
    for name in ("a.c", "b.c"):
        paths.append(tmp_path / name)
        paths[-1].write_bytes(b"int x;\n")
    seen_children: list[int] = []

    def tasks():
        yield Task("a.c", str(paths[0]), "c", extract_runner.sha256_bytes(paths[0].read_bytes()))
        seen_children.append(len(multiprocessing.active_children()))
        yield Task("b.c", str(paths[1]), "c", extract_runner.sha256_bytes(paths[1].read_bytes()))

    with WorkerPool(PARAMS, workers=2) as pool:
        results = dict((task.key, result["status"]) for task, result in pool.run(tasks()))
    assert results == {"a.c": "extracted", "b.c": "extracted"}
    assert seen_children == [1]
    with WorkerPool(PARAMS, workers=2) as pool:
        assert list(pool.run(iter(()))) == []


def test_pool_workers_exit_before_it_is_closed(tmp_path: Path) -> None:
    """When its tasks are done, the pool tells its workers to stop; they exit while the caller
    writes its outputs, and ``close`` only reaps them."""
    path = tmp_path / "a.c"
    path.write_bytes(b"int x;\n")
    with WorkerPool(PARAMS, workers=2) as pool:
        [(_, result)] = pool.run(iter([Task("a.c", str(path), "c", extract_runner.sha256_bytes(path.read_bytes()))]))
        assert result["status"] == "extracted"
        for _ in range(500):  # active_children() reaps the workers that exited
            if not multiprocessing.active_children():
                break
            time.sleep(0.01)
        assert multiprocessing.active_children() == []


def test_pool_kills_a_busy_worker_when_its_caller_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """A caller that fails while a worker still parses does not wait for that document."""

    def extract_document(path: str, *args: object) -> dict:
        if path == "slow":
            time.sleep(120)
        return {"status": "extracted", "chunks": [], "meta": {}, "notes": []}

    monkeypatch.setattr(extract_worker, "extract_document", extract_document)
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="caller failed"), WorkerPool(PARAMS, workers=2) as pool:
        for _ in pool.run(iter([Task("slow", "slow", "c", ""), Task("fast", "fast", "c", "")])):
            raise RuntimeError("caller failed")
    assert time.monotonic() - started < 4  # killed at once, not after close's 5 s wait for an exit
    assert multiprocessing.active_children() == []


def test_unlistable_subfolder_is_reported_not_lost(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = tmp_path / "raw"
    write_old(raw / "ok/a.c", b"int a;\n")
    write_old(raw / "locked/b.c", b"int b;\n")
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(extract_runner.os, "scandir", scandir)
    report = run(tmp_path, raw)
    entries = {entry["path"]: entry for entry in report["files"]}
    assert entries["locked/"]["status"] == "failed"
    assert entries["locked/"]["reason"] == "unreadable folder (Permission denied): not extracted"
    assert entries["ok/a.c"]["status"] == "extracted"


def test_new_documents_are_looked_up_first_and_duplicates_stay_in_path_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new file that sorts last still reaches a worker before the cached documents are read;
    which of two identical files is kept still follows path order."""
    raw = tmp_path / "raw"
    for name in ("a.c", "b.c", "m.c"):
        write_old(raw / name, f"int {name[0]};\n".encode())
    run(tmp_path, raw)
    (raw / "z.c").write_bytes(b"int z;\n")  # new, sorts last
    (raw / "0_copy.c").write_bytes(b"int m;\n")  # new, identical to m.c, sorts first
    looked_up: list[str] = []
    real_lookup = extract_runner._Scan._lookup
    monkeypatch.setattr(
        extract_runner._Scan, "_lookup", lambda self, rel, *rest: looked_up.append(rel) or real_lookup(self, rel, *rest)
    )
    report = run(tmp_path, raw)
    assert looked_up == ["0_copy.c", "z.c", "a.c", "b.c"]
    entries = {entry["path"]: entry for entry in report["files"]}
    assert entries["m.c"]["reason"] == "identical to 0_copy.c" and entries["0_copy.c"]["status"] == "extracted"
    assert [r.source_path for r in read_records(tmp_path / "out/records.jsonl")] == ["0_copy.c", "a.c", "b.c", "z.c"]

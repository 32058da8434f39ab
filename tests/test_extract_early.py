"""The early worker: forked as the stage starts, it preloads the readers of the files the stat
index does not know, becomes the pool's first worker, and never costs a document."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from extract_builders import C_SOURCE, make_docx, make_pdf, write_old

from adaptline.extract import ExtractParams, run_extract
from adaptline.extract.early import Channel, EarlyWorker, new_kinds, option_value

PARAMS = ExtractParams(workers=2)

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the early worker needs os.fork")


def run(tmp_path: Path, raw: Path, early: EarlyWorker | None = None, out: str = "out") -> dict:
    output, report = tmp_path / out / "records.jsonl", tmp_path / out / "report.json"
    return run_extract(raw, output, report, tmp_path / f"{out}-cache", PARAMS, early)


def start(tmp_path: Path, raw: Path) -> EarlyWorker:
    early = EarlyWorker.start(str(raw), str(tmp_path / "out-cache"))
    assert early is not None
    return early


@pytest.fixture
def indexed_corpus(tmp_path: Path) -> Path:
    """A C file and a docx that a first run has extracted and put in the stat index."""
    raw = tmp_path / "raw"
    write_old(raw / "fw/uart.c", C_SOURCE.encode())
    write_old(raw / "reviews/dr.docx", make_docx())
    assert run(tmp_path, raw)["totals"]["cache_misses"] == 2
    return raw


def test_new_kinds_are_those_of_new_and_changed_files(tmp_path: Path, indexed_corpus: Path) -> None:
    cache = str(tmp_path / "out-cache")
    assert list(new_kinds(str(indexed_corpus), cache)) == []
    write_old(indexed_corpus / "specs/new.pdf", make_pdf(pages=2))
    (indexed_corpus / "notes.txt").write_text("not a document")
    assert list(new_kinds(str(indexed_corpus), cache)) == ["pdf"]
    write_old(indexed_corpus / "fw/uart.c", C_SOURCE.replace("uart", "UART").encode())  # same size, new bytes
    assert list(new_kinds(str(indexed_corpus), cache)) == ["c", "pdf"]  # path order
    assert list(new_kinds(str(indexed_corpus), str(tmp_path / "no-cache"))) == ["c", "docx", "pdf"]  # no index: all


def test_early_worker_preloads_only_the_likely_readers(tmp_path: Path, indexed_corpus: Path) -> None:
    """In a fresh interpreter, as in the stage process: a new .pdf brings pypdf in, and not
    python-docx or tree-sitter, whose files are unchanged."""
    write_old(indexed_corpus / "specs/new.pdf", make_pdf(pages=2))
    code = (
        "import sys\n"
        "from adaptline.extract.early import _preload\n"
        f"_preload({str(indexed_corpus)!r}, {str(tmp_path / 'out-cache')!r})\n"
        "print(sorted(name for name in ('pypdf', 'docx', 'tree_sitter') if name in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["['pypdf']"]


def test_early_worker_stops_preloading_once_a_task_waits(tmp_path: Path, indexed_corpus: Path) -> None:
    """Once the pool has sent the params, the worker takes its task instead of loading the readers
    of the kinds the scan meets later (each loads with its first task)."""
    write_old(indexed_corpus / "reviews/dr.docx", make_docx(extra="A changed review."))
    write_old(indexed_corpus / "specs/new.pdf", make_pdf(pages=2))
    loaded = {}
    for waiting in (False, True):
        code = (
            "import os, sys\n"
            "from adaptline.extract.early import _preload\n"
            "ours, theirs = os.pipe()\n"
            f"if {waiting}: os.write(theirs, b'params')\n"
            f"_preload({str(indexed_corpus)!r}, {str(tmp_path / 'out-cache')!r}, ours)\n"
            "print(sorted(name for name in ('pypdf', 'docx') if name in sys.modules))\n"
        )
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        loaded[waiting] = done.stdout.split()
    assert loaded == {False: ["['docx',", "'pypdf']"], True: ["['docx']"]}  # path order: reviews/ before specs/


def test_early_worker_becomes_the_first_worker_and_gives_the_same_records(tmp_path: Path, indexed_corpus: Path) -> None:
    write_old(indexed_corpus / "specs/new.pdf", make_pdf(pages=2))
    early = start(tmp_path, indexed_corpus)
    report = run(tmp_path, indexed_corpus, early)
    assert early.adopted
    assert early.process.exitcode == 0  # stopped by the pool, not killed
    assert (report["totals"]["cache_hits"], report["totals"]["cache_misses"]) == (2, 1)
    assert report["totals"]["failed"] == 0
    run(tmp_path, indexed_corpus, out="plain")  # the same corpus, no early worker, own cache
    assert (tmp_path / "out/records.jsonl").read_bytes() == (tmp_path / "plain/records.jsonl").read_bytes()


def test_unused_early_worker_is_killed(tmp_path: Path, indexed_corpus: Path) -> None:
    early = start(tmp_path, indexed_corpus)
    report = run(tmp_path, indexed_corpus, early)
    assert report["totals"]["cache_misses"] == 0
    assert not early.adopted and early.process.exitcode == -9  # nothing to parse: discarded, and reaped
    with pytest.raises(ChildProcessError):
        os.waitpid(early.process.pid, os.WNOHANG)


def test_dead_early_worker_costs_no_document(tmp_path: Path, indexed_corpus: Path) -> None:
    write_old(indexed_corpus / "specs/new.pdf", make_pdf(pages=2))
    early = start(tmp_path, indexed_corpus)
    early.process.kill()
    early.process.join()
    report = run(tmp_path, indexed_corpus, early)
    assert report["totals"]["failed"] == 0 and report["totals"]["cache_misses"] == 1
    entry = next(file for file in report["files"] if file["path"] == "specs/new.pdf")
    assert entry["status"] == "extracted"


def test_failed_fork_means_no_early_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    open_fds = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    monkeypatch.setattr(os, "fork", no_fork)
    assert EarlyWorker.start(str(tmp_path), str(tmp_path / "cache")) is None
    if open_fds is not None:
        assert len(os.listdir("/proc/self/fd")) == open_fds  # both socket ends closed


def test_stage_process_leaves_no_process_behind(tmp_path: Path, indexed_corpus: Path) -> None:
    """The stage command as dvc runs it, in its own process group: when it exits, no process of
    the group is left (its early worker and pool are stopped and reaped), whether its early worker
    parsed, had nothing to do, or the stage failed."""
    write_old(indexed_corpus / "specs/new.pdf", make_pdf(pages=2))
    (tmp_path / "params.yaml").write_text(json.dumps({"extract": {"workers": 2}}))
    stage = [sys.executable, str(Path(__file__).resolve().parents[1] / "stages/extract.py")]
    stage += ["--output", str(tmp_path / "stage/records.jsonl"), "--report", str(tmp_path / "stage/report.json")]
    stage += ["--cache-dir", str(tmp_path / "stage-cache"), "--params", str(tmp_path / "params.yaml")]
    env = {**os.environ, "ADAPTLINE_PROGRESS": "0"}
    for input_dir, expected_code in ((indexed_corpus, 0), (indexed_corpus, 0), (tmp_path / "missing", 1)):
        with open(tmp_path / "stderr.txt", "w+") as stderr:  # a file, not a pipe a leftover child could hold
            process = subprocess.Popen(
                [*stage, "--input-dir", str(input_dir)], stderr=stderr, env=env, start_new_session=True
            )
            assert process.wait(timeout=120) == expected_code, stderr.seek(0) or stderr.read()
            with pytest.raises(ProcessLookupError):
                os.killpg(process.pid, 0)  # the group is empty
    assert "missing does not exist" in (tmp_path / "stderr.txt").read_text()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--input-dir", "raw", "--cache-dir", "c"], "raw"),
        (["--input-dir=raw", "--output", "o"], "raw"),
        (["--input-dir", "a", "--input-dir", "b"], "b"),  # the last wins, as in argparse
        (["--output", "--input-dir"], None),  # no value after it
        (["--input", "raw"], None),  # abbreviated: argparse reads it, the early worker is not started
        ([], None),
    ],
)
def test_option_value_reads_the_command_line_as_argparse_does(argv: list[str], expected: str | None) -> None:
    assert option_value(argv, "--input-dir") == expected


def test_channel_speaks_what_a_multiprocessing_connection_speaks() -> None:
    """The early worker's end (``Channel``) against the stage process's (``Connection``), both
    ways, for a small message and one over the size Connection sends in two writes."""
    import socket
    from multiprocessing.connection import Connection

    ours, theirs = socket.socketpair()
    connection, channel = Connection(ours.detach()), Channel(theirs.detach())
    big = {"chunks": ["x" * 70_000], "status": "extracted"}
    for message in (PARAMS, big):
        connection.send(message)
        assert channel.recv() == message
        channel.send(message)
        assert connection.recv() == message
    connection.close()
    with pytest.raises(EOFError):  # closed between messages
        channel.recv()


def test_channel_reports_a_message_cut_short() -> None:
    read_end, write_end = os.pipe()
    os.write(write_end, (100).to_bytes(4, "big", signed=True) + b"only part")
    os.close(write_end)
    with pytest.raises(OSError, match="end of file during message"):
        Channel(read_end).recv()
    os.close(read_end)


def test_stage_rerun_does_not_import_yaml(tmp_path: Path, indexed_corpus: Path) -> None:
    """The second run of the stage command reads its params from the JSON kept in its cache folder:
    PyYAML (~20 ms) is not imported."""
    (tmp_path / "params.yaml").write_text("extract:\n  workers: 2\n", encoding="utf-8")
    stage = [sys.executable, "-X", "importtime", str(Path(__file__).resolve().parents[1] / "stages/extract.py")]
    stage += ["--input-dir", str(indexed_corpus), "--output", str(tmp_path / "stage/records.jsonl")]
    stage += ["--report", str(tmp_path / "stage/report.json"), "--cache-dir", str(tmp_path / "stage-cache")]
    stage += ["--params", str(tmp_path / "params.yaml")]
    env = {**os.environ, "ADAPTLINE_PROGRESS": "0"}
    imported = []
    for _ in range(2):
        done = subprocess.run(stage, capture_output=True, text=True, env=env, check=True)
        imported.append([line.split("|")[-1].strip() for line in done.stderr.splitlines() if "import time:" in line])
    assert "yaml" in imported[0] and "yaml" not in imported[1]

"""Core types: the record round trip, strict params loading, the content cache."""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pytest

from adaptline import records as records_module
from adaptline.cache import ContentCache, cache_key
from adaptline.config import PARSED_PARAMS_PREFIX, ParamsError, from_dict, load_section, read_params_file, to_dict
from adaptline.records import Location, Record, read_records, write_bytes, write_records


def _record(path: str, chunk: int, text: str = "UART init at 0x40011000") -> Record:
    return Record(
        doc_id="ab" * 32,
        source_path=path,
        kind="c",
        location=Location(part="code", function="uart_init", line_start=3, line_end=9, heading_path=("A", "B")),
        chunk_index=chunk,
        text=text,
        context=f"{path} · c · uart_init",
        extractor_version="c/1",
    )


def test_record_round_trip_and_canonical_order(tmp_path):
    records = [_record("b.c", 1), _record("a.c", 2), _record("a.c", 0, "ΩΩ 4.7kΩ")]
    out = tmp_path / "r.jsonl"
    write_records(out, records)
    loaded = list(read_records(out))
    assert [(r.source_path, r.chunk_index) for r in loaded] == [("a.c", 0), ("a.c", 2), ("b.c", 1)]
    assert loaded[0] == records[2]
    assert loaded[0].location.heading_path == ("A", "B")
    assert loaded[0].record_id == "abababababababab-00000"
    first = out.read_bytes()
    write_records(out, list(reversed(records)))
    assert out.read_bytes() == first


def test_read_records_names_the_bad_line(tmp_path):
    out = tmp_path / "r.jsonl"
    out.write_text('{"doc_id": "x"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"r.jsonl:1"):
        list(read_records(out))


def test_write_bytes_writes_every_piece_in_order(tmp_path):
    """More pieces than one writev call takes, empty pieces, and bytes alike."""
    pieces = [f"{index}:".encode() * (index % 7) for index in range(3 * records_module._IOV_MAX + 5)]
    write_bytes(tmp_path / "out", pieces)
    assert (tmp_path / "out").read_bytes() == b"".join(pieces)
    write_bytes(tmp_path / "out", iter([b"one ", b"", b"two"]))
    assert (tmp_path / "out").read_bytes() == b"one two"
    write_bytes(tmp_path / "out", b"whole")
    assert (tmp_path / "out").read_bytes() == b"whole"
    assert [path.name for path in tmp_path.iterdir()] == ["out"]


@pytest.mark.skipif(not hasattr(records_module.os, "writev"), reason="no writev on this platform")
def test_write_bytes_goes_on_after_short_writes(tmp_path, monkeypatch):
    """writev may write less than it is given (signals, full pipes, quotas): the rest still goes out."""
    real_writev = records_module.os.writev

    def short_writev(fd, buffers):  # at most 5 bytes per call, sometimes ending inside a piece
        head, budget = [], 5
        for buffer in buffers:
            if budget <= 0:
                break
            head.append(bytes(buffer[:budget]))
            budget -= len(head[-1])
        return real_writev(fd, head)

    monkeypatch.setattr(records_module.os, "writev", short_writev)
    pieces = [b"abc", b"defghij", b"", b"k", b"lmnopqrstu"]
    write_bytes(tmp_path / "out", pieces)
    assert (tmp_path / "out").read_bytes() == b"abcdefghijklmnopqrstu"


@dataclass(frozen=True)
class _Lora:
    r: int = 8
    alpha: float = 16.0


@dataclass(frozen=True)
class _Params:
    mode: Literal["fast", "slow"] = "fast"
    lora: _Lora = field(default_factory=_Lora)
    globs: list[str] = field(default_factory=list)
    limit: int | None = None


def test_params_strict_types_and_keys(tmp_path):
    params = from_dict(_Params, {"mode": "slow", "lora": {"r": 4, "alpha": 8}, "globs": ["**/*.c"]}, "x")
    assert params.lora == _Lora(r=4, alpha=8.0) and params.mode == "slow" and params.limit is None
    assert to_dict(params)["lora"] == {"r": 4, "alpha": 8.0}
    with pytest.raises(ParamsError, match=r"x.lora: unknown key\(s\) rank"):
        from_dict(_Params, {"lora": {"rank": 4}}, "x")
    with pytest.raises(ParamsError, match=r"x.lora.r: expected an integer"):
        from_dict(_Params, {"lora": {"r": "4"}}, "x")
    with pytest.raises(ParamsError, match=r"x.mode: 'medium' is not one of"):
        from_dict(_Params, {"mode": "medium"}, "x")
    with pytest.raises(ParamsError, match=r"x.lora.r: expected an integer"):
        from_dict(_Params, {"lora": {"r": True}}, "x")
    (tmp_path / "params.yaml").write_text("stage:\n  mode: fast\n  limit: 3\n", encoding="utf-8")
    assert load_section(_Params, "stage", tmp_path / "params.yaml").limit == 3
    with pytest.raises(ParamsError, match="missing section 'other'"):
        load_section(_Params, "other", tmp_path / "params.yaml")


def test_parsed_params_are_kept_as_json_until_the_file_changes(tmp_path):
    """With a cache folder, an unchanged params.yaml is read back from JSON (so PyYAML need not be
    imported); an edit is parsed again and replaces it; data JSON would change is never kept."""
    params_file, cache = tmp_path / "params.yaml", tmp_path / "cache"
    params_file.write_text("stage:\n  mode: fast\n  limit: 3\nadapters:\n  b: {}\n  a: {}\n", encoding="utf-8")
    assert load_section(_Params, "stage", params_file, cache_dir=cache).limit == 3
    (kept,) = cache.glob(f"{PARSED_PARAMS_PREFIX}*.json")
    kept.write_text('{"stage": {"limit": 5}, "adapters": {}}', encoding="utf-8")  # proves the JSON is what is read
    assert load_section(_Params, "stage", params_file, cache_dir=cache).limit == 5
    kept.write_text("{not json", encoding="utf-8")  # damaged: parsed again, and rewritten
    assert list(read_params_file(params_file, cache)["adapters"]) == ["b", "a"]  # order kept
    assert read_params_file(params_file, cache) == read_params_file(params_file)

    params_file.write_text("stage:\n  limit: 4\n", encoding="utf-8")  # an edit: parsed, and the old JSON dropped
    assert load_section(_Params, "stage", params_file, cache_dir=cache).limit == 4
    assert len(list(cache.glob(f"{PARSED_PARAMS_PREFIX}*.json"))) == 1

    params_file.write_text("stage:\n  limit: 4\nreleased: 2026-12-01\nby_id: {1: a}\n", encoding="utf-8")
    assert read_params_file(params_file, cache)["by_id"] == {1: "a"}  # a date and integer keys: not kept
    assert read_params_file(params_file, cache)["by_id"] == {1: "a"}
    assert len(list(cache.glob(f"{PARSED_PARAMS_PREFIX}*.json"))) == 1  # still the previous file's


def test_content_cache_counts_hits_and_misses(tmp_path):
    cache = ContentCache(tmp_path / "c")
    key = cache_key("sha", "v1", {"a": 1})
    assert key == cache_key("sha", "v1", {"a": 1}) != cache_key("sha", "v2", {"a": 1})
    assert cache.get(key) is None
    cache.put(key, {"records": [1, 2]})
    assert cache.get(key) == {"records": [1, 2]}
    assert cache.stats.to_dict() == {"hits": 1, "misses": 1}
    damaged = Path(cache._path(key))
    damaged.write_bytes(damaged.read_bytes()[:-3])  # e.g. a disk filled up mid-write
    assert cache.get(key) is None  # a miss (recomputed and overwritten), not an error
    assert cache.get_bytes("nope") is None
    cache.put_bytes("raw", b"\x00\xff")
    assert cache.get_bytes("raw") == b"\x00\xff"
    assert cache.stats.to_dict() == {"hits": 2, "misses": 3}


def test_import_without_hides_a_dependency_only_during_the_import(tmp_path, monkeypatch):
    from adaptline.imports import import_without

    guarded = "try:\n    import optional_dep\n    HAS = True\nexcept ImportError:\n    HAS = False\n"
    (tmp_path / "library_a.py").write_text(guarded)
    (tmp_path / "library_b.py").write_text(guarded)
    (tmp_path / "optional_dep.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("library_a", "library_b", "optional_dep"):
        monkeypatch.delitem(sys.modules, name, raising=False)

    import_without("library_a", "optional_dep")
    assert sys.modules["library_a"].HAS is False
    assert "optional_dep" not in sys.modules  # the marker is gone: importable again
    assert importlib.import_module("optional_dep").VALUE == 1
    import_without("library_b", "optional_dep")  # already loaded: nothing is hidden
    assert sys.modules["library_b"].HAS is True

    # One of two already loaded: the other is still hidden (openpyxl after python-pptx, which
    # loads Pillow: numpy must stay out).
    (tmp_path / "library_c.py").write_text(
        guarded + "try:\n    import other_dep\n    OTHER = True\nexcept ImportError:\n    OTHER = False\n"
    )
    (tmp_path / "other_dep.py").write_text("VALUE = 2\n")
    for name in ("library_c", "other_dep"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    import_without("library_c", "optional_dep", "other_dep")
    assert (sys.modules["library_c"].HAS, sys.modules["library_c"].OTHER) == (True, False)
    assert importlib.import_module("other_dep").VALUE == 2


def test_hide_for_this_process_hides_only_modules_not_loaded(tmp_path, monkeypatch):
    import importlib.util

    from adaptline.imports import hide_for_this_process

    (tmp_path / "loaded_dep.py").write_text("VALUE = 1\n")
    (tmp_path / "unloaded_dep.py").write_text("VALUE = 2\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("loaded_dep", "unloaded_dep"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    loaded = importlib.import_module("loaded_dep")
    assert hide_for_this_process("loaded_dep", "unloaded_dep") == ["unloaded_dep"]
    assert sys.modules["loaded_dep"] is loaded
    assert importlib.util.find_spec("unloaded_dep") is None  # what libraries ask before importing it
    with pytest.raises(ImportError):
        importlib.import_module("unloaded_dep")
    monkeypatch.delitem(sys.modules, "unloaded_dep")


def test_model_library_notices_are_quieted_and_other_warnings_kept(monkeypatch):
    import logging
    import os
    import warnings

    import torch

    from adaptline import log as log_module

    class Collect(logging.Handler):  # on the loggers themselves: torch's do not propagate to the root
        def emit(self, record: logging.LogRecord) -> None:
            shown.append(record.getMessage().split(":")[0])

    shown: list[str] = []
    monkeypatch.setattr(log_module, "_quieted", False)
    monkeypatch.setenv("ADAPTLINE_PROGRESS", "0")
    for variable in ("HF_HUB_DISABLE_PROGRESS_BARS", "HF_DATASETS_DISABLE_PROGRESS_BARS"):
        monkeypatch.delenv(variable, raising=False)
    torchao, pytree = (logging.getLogger(name) for name in ("torchao", "torch.utils._pytree"))
    saved = {logger: (list(logger.filters), list(logger.handlers)) for logger in (torchao, pytree)}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        log_module.quiet_model_library_notices()
        try:
            for logger in (torchao, pytree):
                logger.addHandler(Collect())
            monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
            torchao.warning("Failed to load /x/torchao/_C_mxfp8.so: Could not load this library")
            torchao.warning("Skipping import of cpp extensions due to incompatible torch version")
            pytree.warning("<enum 'E'> ... Calling register_constant() on Enum subclasses is deprecated")
            pytree.warning("another pytree warning")
            monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
            torchao.warning("Failed to load /x/torchao/_C_cutlass_90a.abi3.so: undefined symbol")  # with CUDA
            warnings.warn("`is_gradient_checkpointing` is deprecated, use ...", FutureWarning, stacklevel=1)
            warnings.warn("some other deprecation", FutureWarning, stacklevel=1)
        finally:
            for logger, (filters, handlers) in saved.items():
                logger.filters[:], logger.handlers[:] = filters, handlers
    assert shown == [
        "Skipping import of cpp extensions due to incompatible torch version",
        "another pytree warning",
        "Failed to load /x/torchao/_C_cutlass_90a.abi3.so",
    ]
    assert [str(w.message) for w in caught] == ["some other deprecation"]
    assert os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] == os.environ["HF_DATASETS_DISABLE_PROGRESS_BARS"] == "1"


def test_open_live_logs_curves_without_pandas(tmp_path):
    """dvclive loads pandas only to accept DataFrames; the stages log scalars (~0.75 s saved)."""
    import subprocess

    code = (
        "import json, sys\n"
        "from adaptline.live import open_live\n"
        "assert open_live(None) is None\n"
        "live = open_live('curves')\n"
        "for step, loss in enumerate((2.0, 1.5)):\n"
        "    live.step = step\n"
        "    live.log_metric('train/loss', loss)\n"
        "live.end()\n"
        "assert 'pandas' not in sys.modules\n"
        "print(json.load(open('curves/metrics.json'))['train']['loss'])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["1.5"]
    assert (tmp_path / "curves/plots/metrics/train/loss.tsv").read_text().splitlines()[1:] == ["0\t2.0", "1\t1.5"]
    assert not (tmp_path / "dvc.yaml").exists()  # the repository's dvc.yaml declares the plots


@pytest.mark.parametrize("code", [0, 1])
def test_exit_without_teardown_keeps_the_exit_code_and_flushes_output(code):
    """Buffered stdout and log lines written just before still reach a pipe."""
    import subprocess

    program = (
        "import logging, sys\n"
        "from adaptline.stage import exit_without_teardown\n"
        "logging.basicConfig(stream=sys.stderr)\n"
        "print('printed', end='')\n"
        "logging.getLogger('x').warning('logged')\n"
        f"exit_without_teardown({code})\n"
        "print('never')\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr.strip()) == (code, "printed", "WARNING:x:logged")

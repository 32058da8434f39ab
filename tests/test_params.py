"""Every params.yaml section loads into its stage's typed params, and dvc.yaml uses exactly those sections."""

from __future__ import annotations

import importlib

import pytest
import yaml
from pipeline_copy import REPO_ROOT

from adaptline.config import from_dict, load_section
from adaptline.training.params import load_adapter_section, load_adapters

PARAMS_FILE = REPO_ROOT / "params.yaml"

# section -> "module:Class" of the frozen dataclass that owns it
SECTIONS = {
    "extract": "adaptline.extract:ExtractParams",
    "scrub": "adaptline.scrub:ScrubParams",
    "dedup": "adaptline.dedup:DedupParams",
    "split": "adaptline.split:SplitParams",
    "base": "adaptline.training.params:BaseParams",
    "evaluate": "adaptline.evaluate.params:EvaluateParams",
    "deploy": "adaptline.quantize.params:DeployParams",
    "qat": "adaptline.quantize.params:QatParams",
    "distill": "adaptline.distill.params:DistillParams",
    "lineage": "adaptline.lineage.params:LineageParams",
}
# section -> class of each ``<section>.<adapter>`` entry (one per adapter in ``adapters``)
PER_ADAPTER = {
    "cpt": "adaptline.training.params:CptParams",
    "sft_data": "adaptline.training.params:SftDataParams",
    "sft": "adaptline.training.params:SftParams",
}
TOP_LEVEL_SCALARS = {"launcher"}  # interpolated into dvc.yaml commands


def _cls(path: str) -> type:
    module, name = path.split(":")
    return getattr(importlib.import_module(module), name)


def _data() -> dict:
    return yaml.safe_load(PARAMS_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_every_section_loads(section):
    assert load_section(_cls(SECTIONS[section]), section, PARAMS_FILE) is not None


@pytest.mark.parametrize("section", sorted(PER_ADAPTER))
def test_every_adapter_has_every_per_adapter_section(section):
    adapters = load_adapters(PARAMS_FILE)
    assert set(adapters) == set(_data()[section]), f"{section} must list exactly the adapters"
    for name in adapters:
        assert load_adapter_section(_cls(PER_ADAPTER[section]), section, name, PARAMS_FILE) is not None


def test_deploy_names_known_adapters():
    assert set(_data()["deploy"]["adapters"]) <= set(load_adapters(PARAMS_FILE))


def test_params_yaml_has_no_orphan_sections():
    known = set(SECTIONS) | set(PER_ADAPTER) | TOP_LEVEL_SCALARS | {"adapters"}
    assert set(_data()) <= known, set(_data()) - known


def test_defaults_match_params_yaml_keys():
    """A key in a dataclass but missing from params.yaml would be invisible to `dvc exp run -S`."""
    data = _data()
    for section, path in SECTIONS.items():
        cls = _cls(path)
        assert set(data[section]) == set(cls.__dataclass_fields__), section
        from_dict(cls, data[section], section)
    for section, path in PER_ADAPTER.items():
        cls = _cls(path)
        for name, entry in data[section].items():
            assert set(entry) == set(cls.__dataclass_fields__), f"{section}.{name}"


def test_every_param_section_is_used_by_a_stage():
    """Each params.yaml section is declared by some stage in dvc.yaml (or interpolated into it)."""
    dvc_text = (REPO_ROOT / "dvc.yaml").read_text(encoding="utf-8")
    stages = yaml.safe_load(dvc_text)["stages"]
    declared: set[str] = set()
    for stage in stages.values():
        body = stage.get("do", stage)
        for entry in body.get("params", []):
            name = entry if isinstance(entry, str) else next(iter(entry))
            declared.add(name.split(".")[0])
    for section in _data():
        assert section in declared or "${" + section in dvc_text, f"no stage uses params section {section}"


@pytest.mark.parametrize(
    ("stage", "arguments", "key", "message"),
    [
        ("extract", ["--input-dir", "raw", "--output", "r.jsonl", "--report", "r.json", "--cache-dir", "c"],
         ("extract", "timeout_s"), "extract: invalid params: extract.timeout_s: expected a number, got 'soon'"),
        ("base", ["--train", "t.jsonl", "--output-dir", "m"],
         ("base", "vocab_size"), "base: invalid params: base.vocab_size: expected an integer, got 'soon'"),
    ],
)  # fmt: skip
def test_a_bad_params_value_ends_the_stage_with_one_line(tmp_path, stage, arguments, key, message):
    """As after ``dvc exp run -S extract.timeout_s=soon``: the stage says which key, no traceback."""
    import subprocess
    import sys

    params = yaml.safe_load(PARAMS_FILE.read_text(encoding="utf-8"))
    params[key[0]][key[1]] = "soon"
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params), encoding="utf-8")
    (tmp_path / "raw").mkdir()
    command = [sys.executable, str(REPO_ROOT / "stages" / f"{stage}.py"), *arguments, "--params", "params.yaml"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr.strip()) == (1, message)


def test_run_stage_keeps_the_traceback_of_other_errors():
    from adaptline.stage import run_stage

    def broken() -> int:
        raise ValueError("a bug, not a params value")

    with pytest.raises(ValueError, match="a bug"):
        run_stage("x", broken)
    assert run_stage("x", lambda: None) == 0
    assert run_stage("x", lambda: 3) == 3


def test_run_stage_prints_an_input_error_as_one_line(capsys):
    from adaptline.stage import StageInputError, run_stage

    def empty_split() -> int:
        raise StageInputError("QAT needs train text: the train split is empty")

    assert run_stage("qat", empty_split) == 1
    assert capsys.readouterr().err == "qat: QAT needs train text: the train split is empty\n"


@pytest.mark.parametrize(
    ("adapter", "message"),
    [
        ("nothing", "cpt: adapter 'nothing' selects no train records (kinds ['c'], paths ['nowhere/**'])"),
        ("typo", "cpt: invalid params: adapters.typo: no such adapter in params.yaml (have: all, firmware, nothing)"),
    ],
)
def test_a_cpt_adapter_that_selects_nothing_ends_the_stage_with_one_line(tmp_path, adapter, message):
    """Before the model is loaded (there is none here): the records are read first."""
    import subprocess
    import sys

    params = yaml.safe_load(PARAMS_FILE.read_text(encoding="utf-8"))
    params["adapters"]["nothing"] = {"kinds": ["c"], "paths": ["nowhere/**"]}
    params["cpt"]["nothing"] = params["cpt"]["firmware"]
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params), encoding="utf-8")
    for name in ("train.jsonl", "val.jsonl"):
        (tmp_path / name).write_text("", encoding="utf-8")
    command = [sys.executable, str(REPO_ROOT / "stages" / "cpt.py"), "--adapter", adapter, "--base", "no-model"]
    command += ["--train", "train.jsonl", "--val", "val.jsonl", "--output-dir", "out", "--metrics", "m.json"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr.strip()) == (1, message)

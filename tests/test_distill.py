"""Distillation: loss properties, learning, beating an untrained student, reproducibility, top-k cache."""

from __future__ import annotations

import json

import pytest
import tiny_lm
import torch

from adaptline.distill.loss import kd_loss_full, kd_loss_topk
from adaptline.distill.params import DistillParams
from adaptline.distill.train import build_student, distill_train, n_params, run_distill, topk_cache, training_rows
from adaptline.evaluate import EvaluateParams
from adaptline.evaluate.data import read_pairs, read_texts
from adaptline.evaluate.params import PairParams
from adaptline.evaluate.perplexity import perplexity

STEPS = DistillParams(max_steps=60, batch_size=8, block_size=64, warmup_steps=5)


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    project = tiny_lm.shared_project(tmp_path_factory)
    teacher, tokenizer = tiny_lm.load_merged(project["base"], [project["cpt"], project["sft"]])
    texts, _ = read_texts(project["train"])
    pairs = read_pairs(project["pairs"])
    rows = training_rows(tokenizer, texts, [p.prompt + p.completion for p in pairs], STEPS.block_size)
    test_texts, _ = read_texts(project["test"])
    return project, teacher, tokenizer, rows, test_texts


def test_kd_loss_zero_for_identical_logits_and_topk_matches_full_at_full_k():
    torch.manual_seed(0)
    student, teacher = torch.randn(2, 5, 11), torch.randn(2, 5, 11)
    mask = torch.ones(2, 5)
    assert float(kd_loss_full(teacher, teacher, mask, 2.0)) == pytest.approx(0.0, abs=1e-6)
    full = kd_loss_full(student, teacher, mask, 2.0)
    top = teacher.topk(11, dim=-1)
    assert float(kd_loss_topk(student, top.values, top.indices, mask, 2.0)) == pytest.approx(float(full), rel=1e-5)
    assert float(full) > 0.0
    half = mask.clone()
    half[1] = 0
    assert float(kd_loss_full(student, teacher, half, 2.0)) == pytest.approx(
        float(kd_loss_full(student[:1], teacher[:1], mask[:1], 2.0)), rel=1e-5
    )


def test_student_learns_and_beats_untrained_student(setup):
    _, teacher, tokenizer, rows, test_texts = setup
    student = build_student(teacher.config, STEPS, seed=0)
    untrained = build_student(teacher.config, STEPS, seed=0)
    assert n_params(student) < n_params(teacher) / 2
    history = distill_train(student, teacher, tokenizer, rows, STEPS)
    first = sum(h["loss"] for h in history[:5]) / 5
    last = sum(h["loss"] for h in history[-5:]) / 5
    assert last < 0.6 * first
    trained_ppl = perplexity(student, tokenizer, test_texts, 128, 8)["perplexity"]
    untrained_ppl = perplexity(untrained, tokenizer, test_texts, 128, 8)["perplexity"]
    teacher_ppl = perplexity(teacher, tokenizer, test_texts, 128, 8)["perplexity"]
    assert trained_ppl < untrained_ppl / 5
    assert teacher_ppl < trained_ppl  # the smaller student does not beat its teacher here


def test_distillation_is_bit_reproducible(setup):
    _, teacher, tokenizer, rows, _ = setup
    params = DistillParams(max_steps=5, batch_size=4, block_size=64)
    states = []
    for _ in range(2):
        student = build_student(teacher.config, params, seed=0)
        history = distill_train(student, teacher, tokenizer, rows, params)
        states.append((history, student.state_dict()))
    assert states[0][0] == states[1][0]
    assert all(torch.equal(states[0][1][k], states[1][1][k]) for k in states[0][1])


def test_topk_cache_is_written_once_and_trains(setup, tmp_path):
    _, teacher, tokenizer, rows, _ = setup
    params = DistillParams(max_steps=10, batch_size=4, block_size=64, top_k=8, teacher_logits="topk_cache")
    path = tmp_path / "cache.safetensors"
    cache = topk_cache(teacher, tokenizer, rows, params, path)
    assert path.is_file() and cache["values"].shape == (sum(len(r) for r in rows), 8)
    stamp = path.stat().st_mtime_ns
    again = topk_cache(teacher, tokenizer, rows, params, path)
    assert path.stat().st_mtime_ns == stamp and torch.equal(again["indices"], cache["indices"])
    student = build_student(teacher.config, params, seed=0)
    history = distill_train(student, None, tokenizer, rows, params, cache=cache)
    assert history[-1]["kd"] < history[0]["kd"]


def test_run_distill_stage_outputs(setup, tmp_path):
    project = setup[0]
    params = DistillParams(max_steps=20, batch_size=8, block_size=64, speed_new_tokens=8)
    eval_params = EvaluateParams(pairs=PairParams(max_pairs=3, max_new_tokens=8))
    out, metrics = tmp_path / "models/student/a", tmp_path / "metrics/distill/a.json"
    args = ("a", project["base"], [project["cpt"], project["sft"]], project["train"], project["test"])
    run_distill(*args, project["pairs"], project["pairs"], params, eval_params, out, metrics, tmp_path / "live")
    report = json.loads(metrics.read_text())
    assert set(report["models"]) >= {"teacher", "student"}
    summary = report["summary"]
    assert summary["student_params"] < summary["teacher_params"]
    assert summary["student_bytes"] < summary["teacher_bytes"]
    assert report["models"]["student"]["nll"] < summary["student_untrained_nll"]
    assert report["speed"]["student_tokens_per_s"] > 0
    manifest = json.loads((out / "adaptline_manifest.json").read_text())
    assert manifest["parents"] == ["sft/a"] and manifest["artifact"] == "student/a"
    first = (out / "model.safetensors").read_bytes()
    run_distill(*args, project["pairs"], project["pairs"], params, eval_params, out, metrics, None)
    assert (out / "model.safetensors").read_bytes() == first


def test_params_section_loads_from_repo_params():
    from pipeline_copy import REPO_ROOT

    from adaptline.config import load_section, read_params_file

    params = REPO_ROOT / "params.yaml"
    if not params.is_file() or "distill" not in read_params_file(params):
        pytest.skip("params.yaml has no distill section yet")
    assert isinstance(load_section(DistillParams, "distill", params), DistillParams)

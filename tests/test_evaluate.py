"""Evaluate suite: metric functions, the shared gcc check, and the stage on a tiny adapter chain."""

from __future__ import annotations

import csv
import json
import subprocess

import pytest
import tiny_lm
import torch
from transformers import LlamaForCausalLM

from adaptline.config import ParamsError, from_dict
from adaptline.evaluate import EvaluateParams, evaluate_adapter, evaluate_model, load_eval_data
from adaptline.evaluate.csyntax import check_c_functions
from adaptline.evaluate.data import AdapterScope
from adaptline.evaluate.generation import score_pairs, token_f1
from adaptline.evaluate.models import adapter_loaders
from adaptline.evaluate.params import CSyntaxParams, PairParams, TermParams
from adaptline.evaluate.suite import c_function
from adaptline.evaluate.terms import build_items, mine_terms

FAST = EvaluateParams(pairs=PairParams(max_pairs=4, max_new_tokens=8))


def test_token_f1_and_exact_match_values():
    assert token_f1("GPIO_Init ( pin )", "GPIO_Init(pin)") == 1.0
    assert token_f1("a b", "c d") == 0.0
    assert token_f1("a b c d", "a b") == pytest.approx(2 * 0.5 * 1.0 / 1.5)
    pairs = [tiny_lm_pair("x y", "t1"), tiny_lm_pair("z", "t2")]
    scores = score_pairs(["x  y", "w"], pairs)
    assert scores["pairs_exact_match"] == 0.5
    assert scores["pairs_t1_f1"] == 1.0 and scores["pairs_t2_f1"] == 0.0


def tiny_lm_pair(completion: str, task: str):
    from adaptline.evaluate.data import Pair

    return Pair("prompt", completion, task, ())


def test_mined_terms_are_domain_like_and_items_deterministic():
    texts = tiny_lm.corpus(40, seed=1)
    terms = mine_terms(texts, TermParams())
    assert set(terms) <= set(tiny_lm.PARTS) | {"115200"}
    assert "STM32F407" in terms and "board" not in terms
    items = build_items(tiny_lm.corpus(5, seed=2), terms, TermParams(num_candidates=4), seed=0)
    again = build_items(tiny_lm.corpus(5, seed=2), terms, TermParams(num_candidates=4), seed=0)
    assert items == again and items
    for item in items:
        assert item.candidates[0].strip() == item.term and len(set(item.candidates)) == 4


def test_gcc_check_one_call_maps_errors_to_functions(monkeypatch):
    calls = []
    real_run = subprocess.run

    def counting_run(*args, **kwargs):
        calls.append(args)
        return real_run(*args, **kwargs)

    monkeypatch.setattr(subprocess, "run", counting_run)
    snippets = [
        "int add(int a, int b) { return a + b; }",
        "int bad(int a) { return a + ; }",
        "void f(void) { undefined_thing = 1; }",
        "int open(void) { return 1; ",
        "int add(int a, int b) { return a - b; }",  # same name as #0: must not count as a redefinition
    ]
    results = check_c_functions(snippets, CSyntaxParams())
    assert len(calls) == 1
    assert [r.syntax_ok for r in results] == [True, False, True, False, True]
    assert [r.compile_ok for r in results] == [True, False, False, False, True]


def test_c_function_assembles_signature_and_body():
    prompt = "Write the body of:\nstatic uint8_t crc8(const uint8_t *p, size_t n)\n"
    code = c_function(prompt, "uint8_t c = 0; while (n--) c ^= *p++; return c;")
    assert code.startswith("static uint8_t crc8(const uint8_t *p, size_t n)\n{")
    assert check_c_functions([code], CSyntaxParams())[0].compile_ok


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return tiny_lm.shared_project(tmp_path_factory)


def test_trained_model_beats_untrained_and_chance(project):
    """The metrics must be able to fail: an untrained model scores near chance, a trained one better."""
    data = load_eval_data(project["train"], project["test"], project["pairs"], FAST, AdapterScope(kinds=("docx",)))
    trained, tokenizer = tiny_lm.load_merged(project["base"], [])
    torch.manual_seed(5)
    untrained = LlamaForCausalLM(trained.config).eval()
    good, _ = evaluate_model(trained, tokenizer, data, FAST)
    bad, _ = evaluate_model(untrained, tokenizer, data, FAST)
    assert good["perplexity"] < bad["perplexity"] / 10
    assert bad["perplexity"] > 0.5 * len(tokenizer)  # uniform-ish over the vocabulary
    assert good["term_mrr"] > bad["term_mrr"]
    assert good["term_top1"] > good["term_chance"]


def test_evaluate_adapter_writes_side_by_side_metrics(project, tmp_path):
    data = load_eval_data(project["train"], project["test"], project["pairs"], FAST)
    loaders = adapter_loaders(project["base"], project["cpt"], project["sft"])
    metrics, plot = tmp_path / "a.json", tmp_path / "a.csv"
    report = evaluate_adapter("a", loaders, data, FAST, metrics, plot)
    assert list(report["models"]) == ["base", "cpt", "sft", "reference"]
    for name in ("base", "cpt", "sft"):
        values = report["models"][name]
        assert values["perplexity"] > 1.0 and 0.0 <= values["term_top1"] <= 1.0
        assert values["pairs"] == 4.0 and "c_syntax_ok" in values
    assert report["models"]["reference"]["c_compile_ok"] == 1.0  # the reference C completion compiles
    assert json.loads(metrics.read_text())["models"]["sft"] == report["models"]["sft"]
    rows = list(csv.DictReader(plot.open()))
    assert [r["model"] for r in rows] == ["base", "cpt", "sft", "reference"]
    first = metrics.read_bytes()
    evaluate_adapter("a", adapter_loaders(project["base"], project["cpt"], project["sft"]), data, FAST, metrics)
    assert metrics.read_bytes() == first  # deterministic bytes


def test_adapter_scope_selects_records_and_reads_params(tmp_path):
    from adaptline.records import Location, Record

    def record(kind: str, path: str) -> Record:
        return Record("0" * 64, path, kind, Location(), 0, "text")

    scope = AdapterScope(kinds=("c",), paths=("firmware/**",))
    assert scope.keeps(record("c", "firmware/drv/gpio.c"))
    assert not scope.keeps(record("c", "tools/gen.c")) and not scope.keeps(record("pdf", "firmware/a.pdf"))
    assert AdapterScope().keeps(record("pdf", "x.pdf"))
    params = tmp_path / "params.yaml"
    params.write_text("adapters:\n  fw:\n    kinds: [c]\n    paths: ['src/*.c']\n", encoding="utf-8")
    assert AdapterScope.from_params(params, "fw") == AdapterScope(("c",), ("src/*.c",))


def test_params_section_is_strict_and_matches_repo_params():
    with pytest.raises(ParamsError, match="normalise"):
        from_dict(EvaluateParams, {"terms": {"normalise": "token"}}, "evaluate")
    from pipeline_copy import REPO_ROOT

    from adaptline.config import load_section, read_params_file

    params = REPO_ROOT / "params.yaml"
    if not params.is_file() or "evaluate" not in read_params_file(params):
        pytest.skip("params.yaml has no evaluate section yet")
    assert isinstance(load_section(EvaluateParams, "evaluate", params), EvaluateParams)


def test_batched_generation_matches_one_by_one(project):
    from adaptline.evaluate.generation import generate

    model, tokenizer = tiny_lm.load_merged(project["base"], [])
    prompts = ["Step 3: enable", "The board uses STM32F407 with", "Step"]
    batched = generate(model, tokenizer, prompts, PairParams(max_new_tokens=10, batch_size=3))
    single = generate(model, tokenizer, prompts, PairParams(max_new_tokens=10, batch_size=1))
    assert batched == single and all(batched)

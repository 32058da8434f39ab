"""QAT: prepare/convert round trip, bit-reproducibility, torchao checkpoint reload, GGUF via llama.cpp."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
import tiny_lm
import torch
from torchao.quantization import quantize_
from torchao.quantization.qat import QATConfig

from adaptline.evaluate import EvaluateParams
from adaptline.evaluate.data import document_ids, read_texts
from adaptline.evaluate.params import PairParams
from adaptline.quantize.checkpoint import dir_size, load_quantized, save_quantized
from adaptline.quantize.gguf_check import compare_with_llama_cpp
from adaptline.quantize.gguf_export import export_gguf
from adaptline.quantize.params import QatParams, QuantScheme
from adaptline.quantize.qat import qat_finetune, recovered_fraction, run_qat
from adaptline.quantize.scheme import convert_config, linear_filter, prepare_config

SHORT = QatParams(max_steps=4, batch_size=2, block_size=64)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return tiny_lm.shared_project(tmp_path_factory)


@pytest.fixture(scope="module")
def merged(project):
    model, tokenizer = tiny_lm.load_merged(project["base"], [project["cpt"], project["sft"]])
    texts, _ = read_texts(project["train"])
    return model, tokenizer, texts


def logits_of(model, ids: list[int]) -> torch.Tensor:
    with torch.no_grad():
        return model(torch.tensor([ids])).logits[0]


def test_prepare_convert_round_trip(merged):
    model, tokenizer, texts = merged
    model = copy.deepcopy(model)
    scheme = QuantScheme()
    quantize_(model, prepare_config(scheme), filter_fn=linear_filter(scheme))
    q_proj = model.model.layers[0].self_attn.q_proj
    assert type(q_proj).__name__ == "FakeQuantizedLinear"
    assert type(model.lm_head).__name__ == "Linear"  # skipped module stays full precision
    ids = document_ids(tokenizer, texts[0])[:48]
    fake = logits_of(model, ids)
    quantize_(model, QATConfig(step="convert"), filter_fn=linear_filter(scheme))
    assert type(model.model.layers[0].self_attn.q_proj) is torch.nn.Linear
    quantize_(model, convert_config(scheme), filter_fn=linear_filter(scheme))
    weight = model.model.layers[0].self_attn.q_proj.weight
    assert type(weight).__name__ == "IntxUnpackedToInt8Tensor"
    assert int(weight.qdata.min()) >= -8 and int(weight.qdata.max()) <= 7  # int4 range
    real = logits_of(model, ids)
    # fake quantization simulates the real int4/int8 arithmetic: same predictions, tiny differences
    assert float((fake - real).abs().max()) < 0.05
    assert bool((fake.argmax(-1) == real.argmax(-1)).float().mean() > 0.95)


def test_qat_finetune_is_bit_reproducible_and_learns(merged):
    model, tokenizer, texts = merged
    runs = []
    for _ in range(2):
        copy_ = copy.deepcopy(model)
        losses = qat_finetune(copy_, tokenizer, texts, SHORT)
        runs.append((losses, {k: v.clone() for k, v in copy_.state_dict().items()}))
    assert runs[0][0] == runs[1][0]
    assert all(torch.equal(runs[0][1][k], runs[1][1][k]) for k in runs[0][1])
    assert all(np.isfinite(runs[0][0]))


def test_torchao_checkpoint_reloads_with_identical_logits(merged, tmp_path):
    model, tokenizer, texts = merged
    quantized = save_quantized(copy.deepcopy(model), tokenizer, QuantScheme(), tmp_path / "q")
    reloaded = load_quantized(tmp_path / "q")
    assert type(reloaded.model.layers[1].mlp.down_proj.weight).__name__ == "IntxUnpackedToInt8Tensor"
    ids = document_ids(tokenizer, texts[1])
    assert torch.equal(logits_of(quantized, ids), logits_of(reloaded, ids))
    model.save_pretrained(tmp_path / "float")
    assert dir_size(tmp_path / "q") < 0.7 * dir_size(tmp_path / "float")


@pytest.mark.parametrize("weight_dtype", ["int4", "int8"])
def test_gguf_loads_in_llama_cpp_and_matches_pytorch(merged, tmp_path, weight_dtype):
    pytest.importorskip("llama_cpp")
    model, tokenizer, texts = merged
    scheme = QuantScheme(weight_dtype=weight_dtype)
    quantized = save_quantized(copy.deepcopy(model), tokenizer, scheme, tmp_path / "q")
    path = export_gguf(quantized, tokenizer, tmp_path / "model.gguf")
    check = compare_with_llama_cpp(path, quantized, tokenizer, texts[3], new_tokens=3)
    assert check["tokenizer_match"] == 1.0  # the GGUF tokenizer metadata reproduces the HF tokenizer
    assert abs(check["nll_llama_cpp"] - check["nll_pytorch"]) < 0.02
    assert check["argmax_agreement"] > 0.9
    assert check["greedy_match"] == 1.0
    assert check["nll_pytorch"] < 2.0  # a trained model, so the comparison is not between two noise sources


def test_gguf_of_untrained_model_is_detected_as_different(merged, tmp_path):
    """The check can fail: a GGUF of another model's weights does not match this model."""
    pytest.importorskip("llama_cpp")
    model, tokenizer, texts = merged
    torch.manual_seed(9)
    other = type(model)(model.config).eval()
    path = export_gguf(other, tokenizer, tmp_path / "other.gguf", float_type="F32")
    check = compare_with_llama_cpp(path, model, tokenizer, texts[3])
    assert abs(check["nll_llama_cpp"] - check["nll_pytorch"]) > 1.0


def test_recovered_fraction():
    assert recovered_fraction(1.0, 1.5, 1.25) == 0.5
    assert recovered_fraction(1.0, 1.5, 1.5) == 0.0
    assert recovered_fraction(1.0, 0.9, 0.8) is None
    assert recovered_fraction(1.0, 1.5, 1.25, min_loss=0.5) == 0.5
    assert recovered_fraction(1.0, 1.00003, 0.8, min_loss=0.01) is None  # 6,667 "recovered" would be noise


def _models(ptq_nll: float, ptq_mrr: float) -> dict[str, dict[str, float]]:
    return {
        "unquantized": {"nll": 2.0, "term_mrr": 0.5},
        "ptq": {"nll": ptq_nll, "term_mrr": ptq_mrr},
        "qat": {"nll": 2.1, "term_mrr": 0.45},
    }


def test_summary_leaves_out_ratios_over_a_negligible_ptq_loss():
    from adaptline.quantize.qat import _summary

    sizes = {"unquantized_bytes": 400, "ptq_bytes": 100, "qat_bytes": 100}
    qat_float = {"nll": 2.05}
    summary, notes = _summary(_models(2.5, 0.3), qat_float, sizes, [3.0, 2.5], QatParams())
    assert summary["qat_recovered_fraction_nll"] == pytest.approx(0.8)  # (2.5 - 2.1) / (2.5 - 2.0)
    assert summary["qat_quantization_gap_ratio"] == pytest.approx(0.1)  # (2.1 - 2.05) / 0.5
    assert summary["qat_recovered_fraction_term_mrr"] == pytest.approx(0.75)  # (0.45 - 0.3) / (0.5 - 0.3)
    assert notes == []

    summary, notes = _summary(_models(2.00003, 0.499), qat_float, sizes, [3.0, 2.5], QatParams())
    assert summary["qat_recovered_fraction_nll"] is None and "qat_quantization_gap_ratio" not in summary
    assert summary["qat_recovered_fraction_term_mrr"] is None
    assert summary["ptq_quantization_gap_nll"] == pytest.approx(3e-5)  # the gap itself is still reported
    assert notes == [
        "qat_recovered_fraction_nll and qat_quantization_gap_ratio left out: PTQ changed test nll by +3e-05; "
        "they need a loss of at least qat.min_ptq_loss_nll = 0.01",
        "qat_recovered_fraction_term_mrr left out: PTQ changed term MRR by -0.001; "
        "it needs a loss of at least qat.min_ptq_loss_term_mrr = 0.01",
    ]


def test_run_qat_stage_outputs(project, tmp_path, monkeypatch):
    params = QatParams(max_steps=6, batch_size=2, block_size=64)
    eval_params = EvaluateParams(pairs=PairParams(max_pairs=3, max_new_tokens=8))
    import adaptline.quantize.qat as qat_module

    threads_while_training = []
    finetune = qat_module.qat_finetune

    def spy(*args, **kwargs):
        threads_while_training.append(torch.get_num_threads())
        return finetune(*args, **kwargs)

    monkeypatch.setattr(qat_module, "qat_finetune", spy)
    threads_before = torch.get_num_threads()
    out, metrics = tmp_path / "models/qat/a", tmp_path / "metrics/qat/a.json"
    report = run_qat(
        "a",
        project["base"],
        [project["cpt"], project["sft"]],
        project["train"],
        project["test"],
        project["pairs"],
        params,
        eval_params,
        out,
        metrics,
        tmp_path / "dvclive",
    )
    assert threads_while_training == [params.torch_threads] == [1]  # bit-reproducible QAT
    assert torch.get_num_threads() == threads_before
    assert set(report["models"]) >= {"unquantized", "ptq", "qat"}
    summary = json.loads(metrics.read_text())["summary"]
    assert summary["size_qat_bytes"] < summary["size_unquantized_bytes"]
    assert summary["size_gguf_bytes"] < summary["size_qat_bytes"]
    assert report["models"]["ptq"]["nll"] >= report["models"]["unquantized"]["nll"] - 1e-3
    manifest = json.loads((out / "adaptline_manifest.json").read_text())
    assert manifest["parents"] == ["sft/a"] and manifest["artifact"] == "qat/a"
    assert "model.gguf" in manifest["files"] and manifest["train_record_ids"]
    assert (tmp_path / "dvclive/metrics.json").is_file()
    from adaptline.evaluate.models import adapter_loaders

    loaded, _ = adapter_loaders(project["base"], qat=out)["qat"]()  # the evaluate stage's --qat path
    assert type(loaded.model.layers[0].mlp.up_proj.weight).__name__ == "IntxUnpackedToInt8Tensor"
    if "gguf_tokenizer_match" in summary:  # llama-cpp-python installed: the stage checked its own GGUF
        assert summary["gguf_tokenizer_match"] == 1.0 and summary["gguf_greedy_match"] == 1.0


def test_params_sections_load_from_repo_params():
    from pipeline_copy import REPO_ROOT

    from adaptline.config import load_section, read_params_file
    from adaptline.quantize.params import DeployParams

    params = REPO_ROOT / "params.yaml"
    if not params.is_file() or "qat" not in read_params_file(params):
        pytest.skip("params.yaml has no qat section yet")
    assert isinstance(load_section(QatParams, "qat", params), QatParams)
    deploy = load_section(DeployParams, "deploy", params)
    assert set(deploy.adapters) <= set(read_params_file(params)["adapters"])


def test_a_failing_or_crashing_llama_cpp_is_an_error_not_a_crash(tmp_path, monkeypatch):
    """llama.cpp runs in a child process: its failure is reported, the caller (the qat stage) lives."""
    from adaptline.quantize import gguf_check

    with pytest.raises(gguf_check.LlamaCppError, match=r"on missing\.gguf \(exit code 1\)"):
        gguf_check.run_llama_cpp(tmp_path / "missing.gguf", [1, 2], "text", True, 1)
    segfaulting = tmp_path / "python"
    segfaulting.write_text("#!/bin/sh\nkill -SEGV $$\n")
    segfaulting.chmod(0o755)
    monkeypatch.setattr(gguf_check.sys, "executable", str(segfaulting))
    with pytest.raises(gguf_check.LlamaCppError, match=r"on model\.gguf \(signal 11\)$"):
        gguf_check.run_llama_cpp(tmp_path / "model.gguf", [1, 2], "text", True, 1)

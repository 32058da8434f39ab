"""CPT: adapter filters, packing without cross-document attention, the training stage, reproducibility."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import torch
from peft import PeftModel
from safetensors.torch import load_file
from tiny_lm import TINY_SIZES
from training_records import make_records, write_splits

from adaptline.manifest import MANIFEST_NAME
from adaptline.modeling import base_model_ref, build_tiny_model, load_base, load_merged, save_base, train_tokenizer
from adaptline.records import read_records
from adaptline.stage import StageInputError
from adaptline.training import AdapterSpec, CptParams, TrainParams
from adaptline.training.cpt import run_cpt
from adaptline.training.data import (
    IGNORE_INDEX,
    collate,
    document_ids,
    mix_rehearsal,
    pack_documents,
    select_records,
)

FAST = CptParams(seq_len=64, train=TrainParams(max_steps=4, batch_size=2, eval_every=2, warmup_steps=1))


@pytest.fixture(autouse=True)
def fresh_accelerate_state():
    """Each stage run is its own process in the pipeline; here an earlier Trainer may have set the global state."""
    from accelerate.state import AcceleratorState

    AcceleratorState._reset_state(reset_partial_state=True)
    yield


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("cpt")
    split_dir = write_splits(root)
    texts = [r.training_text() for r in read_records(split_dir / "train.jsonl")]
    tokenizer = train_tokenizer(texts, vocab_size=400)
    save_base(build_tiny_model(tokenizer, seed=0, num_kv_heads=2, **TINY_SIZES), tokenizer, root / "base")
    return root


ALL = AdapterSpec()


def _run(project, out, params=FAST, spec=ALL, adapter="all"):
    split = project / "data" / "split"
    return run_cpt(
        adapter,
        spec,
        params,
        project / "base",
        split / "train.jsonl",
        split / "val.jsonl",
        out / "adapter",
        out / "metrics.json",
        out / "live",
    )


def test_select_records_by_kind_and_path():
    records = make_records(20)
    firmware = select_records(records, AdapterSpec(kinds=["c"], paths=["**"]))
    assert firmware and {r.kind for r in firmware} == {"c"}
    specs = select_records(records, AdapterSpec(kinds=["docx", "pdf"], paths=["specs/*"]))
    assert specs and all(r.source_path.startswith("specs/") for r in specs)
    assert len(select_records(records, AdapterSpec())) == len(records)
    assert select_records(records, AdapterSpec(kinds=["c"], paths=["specs/*"])) == []


def test_pack_documents_restarts_positions_and_masks_boundaries():
    docs = [[1, 10, 11, 2], [1, 20, 2], [1, 30, 31, 32, 33, 34, 2]]
    rows = pack_documents(docs, seq_len=6, pad_id=0)
    assert [r.input_ids for r in rows] == [[1, 10, 11, 2, 1, 20], [2, 1, 30, 31, 32, 33], [34, 2, 0, 0, 0, 0]]
    assert [r.position_ids for r in rows] == [[0, 1, 2, 3, 0, 1], [0, 0, 1, 2, 3, 4], [0, 1, 0, 1, 2, 3]]
    assert rows[0].labels == [IGNORE_INDEX, 10, 11, 2, IGNORE_INDEX, 20]
    assert rows[2].labels == [IGNORE_INDEX, 2] + [IGNORE_INDEX] * 4
    assert [r.sources for r in rows] == [(0, 1), (1, 2), (2,)]
    assert sum(t != 0 for r in rows for t in r.input_ids) == sum(map(len, docs))


@pytest.mark.parametrize("attention", ["sdpa", "eager"])
def test_packed_documents_do_not_attend_to_each_other(attention):
    """Changing document 1 leaves the logits of document 2 (same packed row) unchanged."""
    texts = [r.training_text() for r in make_records(10)]
    tokenizer = train_tokenizer(texts, vocab_size=300)
    model = build_tiny_model(tokenizer, seed=0, **TINY_SIZES)
    model.config._attn_implementation = attention
    doc2 = document_ids(tokenizer, "The DRV8353 gate driver switches PWM_A at 20 kHz.")
    firsts = [document_ids(tokenizer, "Ripple on ADC_CH3 was 4 mV."), document_ids(tokenizer, "void f(void) { }")]
    outputs, unmasked = [], []
    for doc1 in firsts:
        batch = collate(pack_documents([doc1, doc2], seq_len=128, pad_id=tokenizer.pad_token_id))
        with torch.no_grad():
            logits = model(input_ids=batch["input_ids"], position_ids=batch["position_ids"], use_cache=False).logits
            plain = model(input_ids=batch["input_ids"], use_cache=False).logits
        outputs.append(logits[0, len(doc1) : len(doc1) + len(doc2)])
        unmasked.append(plain[0, len(doc1) : len(doc1) + len(doc2)])
    with torch.no_grad():
        alone = model(input_ids=torch.tensor([doc2])).logits[0]
    torch.testing.assert_close(outputs[0], outputs[1], rtol=0, atol=1e-5)
    torch.testing.assert_close(outputs[0], alone, rtol=0, atol=1e-5)
    assert (unmasked[0] - unmasked[1]).abs().max() > 1e-3  # control: without position_ids they do mix


def test_mix_rehearsal_fraction_is_seeded():
    docs = [[i] for i in range(30)]
    general = [[100 + i] for i in range(5)]
    mixed = mix_rehearsal(docs, general, 0.25, seed=1)
    assert len(mixed) == 40 and sum(d[0] >= 100 for d in mixed) == 10
    assert mixed == mix_rehearsal(docs, general, 0.25, seed=1)
    assert mix_rehearsal(docs, general, 0.0, seed=1) == docs


def test_cpt_writes_a_loadable_adapter_metrics_and_manifest(project, tmp_path):
    metrics = _run(project, tmp_path, spec=AdapterSpec(kinds=["c"]), adapter="firmware")
    adapter_dir = tmp_path / "adapter"
    base, _ = load_base(project / "base")
    peft_model = PeftModel.from_pretrained(base, str(adapter_dir))
    assert peft_model.peft_config["default"].r == 8
    targets = {name.rsplit(".", 1)[-1] for name in peft_model.peft_config["default"].target_modules}
    assert targets == {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}
    # saved in sorted order, not the per-process set order PEFT would write (byte-stable across runs)
    saved = json.loads((adapter_dir / "adapter_config.json").read_text())["target_modules"]
    assert saved == sorted(saved) and len(saved) == 14

    on_disk = json.loads((tmp_path / "metrics.json").read_text())
    assert on_disk == metrics and metrics["steps"] == 4
    assert metrics["val_loss"] > 0 and abs(metrics["val_perplexity"] - torch.tensor(metrics["val_loss"]).exp()) < 1e-2
    assert (tmp_path / "live" / "plots" / "metrics" / "train" / "loss.tsv").is_file()

    manifest = json.loads((adapter_dir / MANIFEST_NAME).read_text())
    train = list(read_records(project / "data" / "split" / "train.jsonl"))
    firmware_ids = {r.record_id for r in train if r.kind == "c"}
    assert manifest["train_record_ids"] and set(manifest["train_record_ids"]) <= firmware_ids
    assert manifest["base_model"]["sha256"] == base_model_ref(project / "base")["sha256"]
    assert manifest["parents"] == [] and manifest["artifact"] == "cpt/firmware"
    assert "adapter_model.safetensors" in manifest["files"]


def test_cpt_lowers_val_loss_and_two_runs_are_bit_identical(project, tmp_path):
    params = replace(FAST, train=replace(FAST.train, max_steps=12, eval_every=4, learning_rate=5e-3))
    first = _run(project, tmp_path / "a", params)
    second = _run(project, tmp_path / "b", params)
    assert first == second
    a = (tmp_path / "a" / "adapter" / "adapter_model.safetensors").read_bytes()
    b = (tmp_path / "b" / "adapter" / "adapter_model.safetensors").read_bytes()
    assert a == b
    assert any(
        v.abs().sum() > 0
        for k, v in load_file(tmp_path / "a" / "adapter" / "adapter_model.safetensors").items()
        if "lora_B" in k
    )  # trained, not the zero init
    base, tokenizer = load_base(project / "base")
    merged, _ = load_merged(project / "base", [tmp_path / "a" / "adapter"])
    from adaptline.training.data import read_adapter_records
    from adaptline.training.loop import evaluate_loss

    val = read_adapter_records(project / "data" / "split" / "val.jsonl", AdapterSpec())
    rows = pack_documents([document_ids(tokenizer, r.training_text()) for r in val], 64, tokenizer.pad_token_id)
    before, after = evaluate_loss(base, rows, 4, "cpu"), evaluate_loss(merged, rows, 4, "cpu")
    assert after < before - 0.05
    assert abs(after - first["val_loss"]) < 1e-4


def test_full_fine_tuning_saves_a_model_load_merged_accepts(project, tmp_path):
    params = replace(FAST, method="full", train=replace(FAST.train, max_steps=2))
    _run(project, tmp_path, params)
    assert (tmp_path / "adapter" / "model.safetensors").is_file()
    model, _ = load_merged(project / "base", [tmp_path / "adapter"])
    base, _ = load_base(project / "base")
    assert not torch.equal(model.model.embed_tokens.weight, base.model.embed_tokens.weight)


def test_early_stopping_restores_the_best_weights(project, tmp_path):
    params = replace(
        FAST,
        train=replace(
            FAST.train,
            max_steps=40,
            eval_every=1,
            early_stopping_patience=1,
            learning_rate=0.5,
            schedule="constant",
            warmup_steps=0,
        ),
    )
    metrics = _run(project, tmp_path, params)
    assert metrics["stopped_early"] and metrics["steps"] < 40
    assert metrics["best_step"] == metrics["steps"] - 1


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message shown without CUDA")
def test_nf4_without_cuda_fails_clearly(project, tmp_path):
    with pytest.raises(StageInputError, match="needs a CUDA GPU"):
        _run(project, tmp_path, replace(FAST, quantization="nf4"))


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize(
    "changes",
    [
        {"quantization": "nf4"},
        {"train": replace(FAST.train, precision="bf16")},
        {"train": replace(FAST.train, precision="bf16", compile=True)},
    ],
    ids=["qlora-nf4", "bf16", "bf16-compile"],
)
def test_gpu_paths(project, tmp_path, changes):
    metrics = _run(project, tmp_path, replace(FAST, **changes))
    assert metrics["steps"] == FAST.train.max_steps and metrics["val_loss"] > 0
    base, _ = load_base(project / "base")
    PeftModel.from_pretrained(base, str(tmp_path / "adapter"))

"""The shared model helpers: tokenizer training, tiny Llama, base manifest, loading with adapters."""

from __future__ import annotations

import json

import pytest
import torch
from peft import LoraConfig, get_peft_model
from tiny_lm import TINY_SIZES
from training_records import make_records

from adaptline.manifest import hash_tree
from adaptline.modeling import (
    BASE_MANIFEST_NAME,
    base_model_ref,
    build_tiny_model,
    load_base,
    load_merged,
    save_base,
    torch_threads,
    train_tokenizer,
)


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [r.training_text() for r in make_records(20)]


@pytest.fixture(scope="module")
def tokenizer(texts):
    return train_tokenizer(texts, vocab_size=400)


def test_tokenizer_special_tokens_and_chat_template(tokenizer):
    assert (tokenizer.pad_token, tokenizer.bos_token, tokenizer.eos_token) == ("<pad>", "<s>", "</s>")
    assert len({tokenizer.pad_token_id, tokenizer.bos_token_id, tokenizer.eos_token_id}) == 3
    assert len(tokenizer) <= 400
    chat = tokenizer.apply_chat_template(
        [{"role": "user", "content": "Which MCU?"}], tokenize=False, add_generation_prompt=True
    )
    assert chat == "<|user|>\nWhich MCU?</s>\n<|assistant|>\n"
    ids = tokenizer.apply_chat_template([{"role": "user", "content": "x"}], tokenize=True)
    ids = ids["input_ids"] if isinstance(ids, dict) or hasattr(ids, "keys") else ids
    assert tokenizer.convert_tokens_to_ids("<|user|>") == ids[0]


def test_tokenizer_is_byte_level_lossless_and_deterministic(texts, tokenizer):
    sample = "Ωmega µC: TIM1->CCR2 = 0x7F; // ü"
    assert tokenizer.decode(tokenizer(sample)["input_ids"]) == sample
    assert tokenizer.unk_token is None
    again = train_tokenizer(texts, vocab_size=400)
    assert again.get_vocab() == tokenizer.get_vocab()
    assert tokenizer("<s>x</s>", add_special_tokens=True)["input_ids"][0] == tokenizer.bos_token_id


def test_tiny_model_is_seeded_and_sized_from_tokenizer(tokenizer):
    a = build_tiny_model(tokenizer, seed=3, **TINY_SIZES)
    b = build_tiny_model(tokenizer, seed=3, **TINY_SIZES)
    c = build_tiny_model(tokenizer, seed=4, **TINY_SIZES)
    assert a.config.vocab_size == len(tokenizer)
    assert a.config.num_hidden_layers == 2 and a.config.hidden_size == 32
    assert a.config.eos_token_id == tokenizer.eos_token_id
    sa, sb, sc = a.state_dict(), b.state_dict(), c.state_dict()
    assert all(torch.equal(sa[k], sb[k]) for k in sa)
    assert not torch.equal(sa["model.embed_tokens.weight"], sc["model.embed_tokens.weight"])


def test_save_base_manifest_hashes_every_file(tmp_path, tokenizer):
    model = build_tiny_model(tokenizer, seed=0, **TINY_SIZES)
    manifest = save_base(model, tokenizer, tmp_path / "a")
    save_base(model, tokenizer, tmp_path / "b")
    on_disk = json.loads((tmp_path / "a" / BASE_MANIFEST_NAME).read_text())
    assert on_disk == manifest
    assert manifest["files"] == hash_tree(tmp_path / "a", exclude=(BASE_MANIFEST_NAME,))
    assert {"model.safetensors", "tokenizer.json", "config.json"} <= set(manifest["files"])
    assert (tmp_path / "b" / BASE_MANIFEST_NAME).read_bytes() == (tmp_path / "a" / BASE_MANIFEST_NAME).read_bytes()
    assert base_model_ref(tmp_path / "a")["sha256"] == manifest["sha256"]


def test_load_base_and_load_merged(tmp_path, tokenizer, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    model = build_tiny_model(tokenizer, seed=0, **TINY_SIZES)
    save_base(model, tokenizer, tmp_path / "base")
    ids = torch.tensor([tokenizer("The STM32F407 drives PWM_A")["input_ids"]])
    with torch.no_grad():
        expected = model(ids).logits

    loaded, loaded_tok = load_base(tmp_path / "base")
    assert loaded.dtype == torch.float32 and not loaded.training
    assert loaded_tok.get_vocab() == tokenizer.get_vocab()
    assert loaded_tok.chat_template == tokenizer.chat_template
    with torch.no_grad():
        assert torch.equal(loaded(ids).logits, expected)

    adapters = []
    for seed in (1, 2):  # two stacked adapters with non-zero weights
        base, _ = load_merged(tmp_path / "base", adapters)
        torch.manual_seed(seed)
        peft_model = get_peft_model(
            base, LoraConfig(r=4, lora_alpha=8, target_modules="all-linear", init_lora_weights=False)
        )
        peft_model.save_pretrained(tmp_path / f"ad{seed}")
        with torch.no_grad():
            want = peft_model(ids).logits
        adapters.append(tmp_path / f"ad{seed}")
        merged, _ = load_merged(tmp_path / "base", adapters)
        assert type(merged).__name__ == "LlamaForCausalLM"  # plain model: adapters merged and unloaded
        with torch.no_grad():
            got = merged(ids).logits
        torch.testing.assert_close(got, want, rtol=1e-4, atol=1e-4)
        assert not torch.allclose(got, expected, atol=1e-3)


def test_base_stage_builds_tiny_model_and_copies_local_dirs(tmp_path):
    import runpy
    import sys

    import yaml
    from training_records import write_splits

    from adaptline.training import BaseParams
    from adaptline.training.base import run_base

    split = write_splits(tmp_path)
    params = {
        "model": "tiny",
        "vocab_size": 300,
        "hidden_size": 32,
        "num_layers": 2,
        "num_heads": 4,
        "num_kv_heads": 2,
        "intermediate_size": 64,
        "max_position": 128,
        "seed": 0,
    }
    (tmp_path / "params.yaml").write_text(yaml.safe_dump({"base": params}))
    script = str(__import__("pathlib").Path(__file__).resolve().parents[1] / "stages" / "base.py")
    argv = sys.argv
    sys.argv = [
        script,
        "--train",
        str(split / "train.jsonl"),
        "--output-dir",
        str(tmp_path / "base"),
        "--params",
        str(tmp_path / "params.yaml"),
    ]
    try:
        with pytest.raises(SystemExit) as done:
            runpy.run_path(script, run_name="__main__")
    finally:
        sys.argv = argv
    assert done.value.code == 0
    model, tokenizer = load_base(tmp_path / "base")
    assert model.config.num_key_value_heads == 2 and model.config.vocab_size == len(tokenizer) <= 300
    first = json.loads((tmp_path / "base" / BASE_MANIFEST_NAME).read_text())

    copied = run_base(BaseParams(model=str(tmp_path / "base")), split / "train.jsonl", tmp_path / "copy")
    assert copied["sha256"] == first["sha256"]  # same files, same combined hash
    with pytest.raises(ValueError, match="allow_download"):
        run_base(BaseParams(model="some-org/some-model"), split / "train.jsonl", tmp_path / "hub")


@pytest.mark.skipif(torch.cuda.is_available(), reason="with CUDA, bitsandbytes serves QLoRA and stays importable")
def test_model_stages_do_not_import_bitsandbytes_without_cuda() -> None:
    """peft and transformers' trainer utilities import bitsandbytes whenever ``find_spec`` finds
    it; it only serves nf4 (QLoRA, CUDA only) and costs every model stage ~1.4 s of torch.compile
    setup. Every model stage imports ``adaptline.modeling`` before either library."""
    import subprocess
    import sys

    code = (
        "import importlib.util, sys\n"
        "import adaptline.modeling\n"
        "assert sys.modules['bitsandbytes'] is None\n"
        "assert importlib.util.find_spec('bitsandbytes') is None\n"  # what peft and transformers ask
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]


def test_torch_threads_pins_and_restores() -> None:
    before = torch.get_num_threads()
    with torch_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with torch_threads(0):  # 0: torch's default, untouched
        assert torch.get_num_threads() == before

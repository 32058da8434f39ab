"""Tiny models and data for the evaluate/qat/distill tests: a 2-layer Llama, LoRA adapters, splits.

Built from configs in seconds, no downloads, with ``adaptline.modeling`` (the base stage's
tokenizer, model builder and loaders), so the tests exercise the same code as the pipeline.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import torch
from peft import LoraConfig, get_peft_model

from adaptline.modeling import build_tiny_model, load_merged, save_base, train_tokenizer
from adaptline.records import Location, Record, write_records

# The 2-layer Llama the unit tests build (the base stage's builder, smaller than tiny_model below).
TINY_SIZES = {"hidden_size": 32, "num_layers": 2, "num_heads": 4, "intermediate_size": 64, "max_position": 128}

PARTS = ["STM32F407", "PN-4711", "CTRL_REG1", "ADC_CH3", "GPIO_Init", "UART_TX2", "R12-47K", "HAL_Delay"]
VERBS = ["configure", "enable", "reset", "check", "calibrate", "disable"]


def corpus(n: int, seed: int) -> list[str]:
    """Engineering-flavoured sentences that reuse a small set of domain terms."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        a, b = rng.sample(PARTS, 2)
        out.append(
            f"Step {i % 7}: {rng.choice(VERBS)} {a} before you {rng.choice(VERBS)} {b}. "
            f"The board uses {a} with {b} at 115200 baud."
        )
    return out


def write_split(path: Path, texts: list[str], prefix: str) -> None:
    records = [
        Record(
            doc_id=f"{prefix}{i:063x}"[:64],
            source_path=f"docs/{prefix}_{i}.docx",
            kind="docx",
            location=Location(),
            chunk_index=0,
            text=text,
        )
        for i, text in enumerate(texts)
    ]
    write_records(path, records)


def write_pairs(path: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    rows = [
        {
            "prompt": "Write the body of:\nint add(int a, int b)\n",
            "completion": "{\n  return a + b;\n}",
            "task": "c_write_body",
            "source_record_ids": [],
        }
    ]
    for i in range(n):
        part = rng.choice(PARTS)
        rows.append({"prompt": f"Which part is used in step {i}?\n", "completion": f"{part}", "task": "lookup"})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in rows), encoding="utf-8")


def make_base(texts: list[str], out_dir: Path, train_steps: int = 0, seed: int = 0) -> Path:
    """The base stage's tokenizer + a 2-layer Llama (adaptline.modeling), trained ``train_steps`` on ``texts``."""
    tokenizer = train_tokenizer(texts, vocab_size=320)
    model = build_tiny_model(
        tokenizer, hidden_size=64, num_layers=2, num_heads=4, intermediate_size=128, max_position=512, seed=seed,
        num_kv_heads=2,
    )  # fmt: skip
    if train_steps:
        train_causal(model, tokenizer, texts, train_steps)
    save_base(model, tokenizer, out_dir)
    return out_dir


def train_causal(model, tokenizer, texts: list[str], steps: int, lr: float = 3e-3) -> None:
    from adaptline.evaluate.data import batches, windows

    rows = windows(tokenizer, texts, 128)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    model.train()
    for step in range(steps):
        chunk = [rows[(step * 8 + i) % len(rows)] for i in range(8)]
        loss = model(**next(batches(chunk, 8, tokenizer.pad_token_id))).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    model.eval()


def make_adapter(base_dirs: list[Path], out_dir: Path, seed: int) -> Path:
    """A LoRA adapter with non-zero random weights on the merged ``base_dirs`` chain."""
    model = load_merged(base_dirs[0], base_dirs[1:])[0]
    torch.manual_seed(seed)
    config = LoraConfig(r=4, lora_alpha=8, target_modules="all-linear", init_lora_weights=False)
    peft_model = get_peft_model(model, config)
    with torch.no_grad():
        for name, param in peft_model.named_parameters():
            if "lora_B" in name:
                param.mul_(0.01)
    peft_model.save_pretrained(out_dir)
    return out_dir


def make_project(root: Path, base_steps: int = 40) -> dict[str, Path]:
    """data/split/{train,test}.jsonl, pairs, models/base, models/cpt/a, models/sft/a under ``root``."""
    train, test = corpus(60, seed=1), corpus(12, seed=2)
    paths = make_project_paths(root)
    write_split(paths["train"], train, "a")
    write_split(paths["test"], test, "b")
    write_pairs(paths["pairs"], 6, seed=3)
    make_base(train, paths["base"], train_steps=base_steps)
    make_adapter([paths["base"]], paths["cpt"], seed=1)
    make_adapter([paths["base"], paths["cpt"]], paths["sft"], seed=2)
    return paths


def shared_project(tmp_path_factory) -> dict[str, Path]:
    """``make_project`` built once per pytest session (the evaluate/qat/distill modules share it)."""
    root = tmp_path_factory.getbasetemp() / "tiny_project"
    done = root / ".complete"
    if not done.exists():
        paths = make_project(root)
        done.write_text("ok")
        return paths
    return make_project_paths(root)


def make_project_paths(root: Path) -> dict[str, Path]:
    return {
        "train": root / "data/split/train.jsonl",
        "test": root / "data/split/test.jsonl",
        "pairs": root / "data/sft_pairs/a/test.jsonl",
        "base": root / "models/base",
        "cpt": root / "models/cpt/a",
        "sft": root / "models/sft/a",
    }

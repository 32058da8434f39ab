"""Benchmark: tokens/s and peak memory of one CPT training step, three data paths side by side.

Same model (random-init Llama from ``--hidden/--layers/...``), same LoRA (all linear layers), same
documents (seeded random token ids, lengths drawn in ``[--min-doc, --max-doc]``):

  (a) trl ``SFTTrainer`` with ``packing=True`` (the usual recipe; trl's packed, padding-free batches);
  (b) plain transformers + peft on fixed-length rows: documents concatenated and cut into rows of
      exactly ``--seq-len`` tokens, plain causal attention (attends across documents: the speed
      ceiling, not a correct recipe);
  (c) adaptline's CPT path: ``pack_documents`` rows with per-document ``position_ids`` (no attention
      across documents; sdpa gets a block-diagonal mask, flash_attention_2 the varlen kernel).

Each variant runs in its own child process (peak memory = that child's max RSS on CPU, or
``torch.cuda.max_memory_allocated`` on CUDA); tokens/s counts non-padding tokens over the timed
steps (after ``--warmup`` steps). CPU, small:

    .venv/bin/python bench/bench_cpt_throughput.py
GPU, the issue's target shape (1.2B Llama, seq 2048):

    python bench/bench_cpt_throughput.py --hidden 2048 --layers 16 --heads 32 --kv-heads 8 \
        --intermediate 8192 --vocab 32000 --seq-len 2048 --batch 8 --min-doc 200 --max-doc 3000 \
        --steps 10 --attn flash_attention_2
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time

VARIANTS = {"a": "trl SFTTrainer packing=True", "b": "plain peft, fixed rows", "c": "adaptline packed, doc-masked"}


def build(args):
    """Model with LoRA, plus the seeded documents (lists of token ids)."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import LlamaConfig, LlamaForCausalLM, set_seed

    set_seed(0)
    config = LlamaConfig(
        vocab_size=args.vocab,
        hidden_size=args.hidden,
        intermediate_size=args.intermediate,
        num_hidden_layers=args.layers,
        num_attention_heads=args.heads,
        num_key_value_heads=args.kv_heads,
        max_position_embeddings=max(args.seq_len, args.max_doc) + 1,
        tie_word_embeddings=False,
        attn_implementation=args.attn,
    )
    model = LlamaForCausalLM(config)
    if torch.cuda.is_available():
        model = model.to("cuda", dtype=torch.bfloat16)
    lora = LoraConfig(r=args.rank, lora_alpha=2 * args.rank, target_modules="all-linear", task_type="CAUSAL_LM")
    rng = random.Random(1)
    need = args.steps_total * args.batch * args.seq_len * 2  # enough tokens for every variant
    docs, total = [], 0
    while total < need:
        n = rng.randint(args.min_doc, args.max_doc)
        docs.append([1] + [rng.randrange(3, args.vocab) for _ in range(n - 2)] + [2])
        total += n
    return model, lora, get_peft_model, docs


def plain_loop(model, rows, args, use_positions: bool) -> tuple[int, float]:
    """(timed non-padding tokens, timed seconds) for ``args.steps_total`` optimizer steps."""
    import torch

    from adaptline.training.data import collate

    device = "cuda" if torch.cuda.is_available() else "cpu"
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    if args.compile:
        model = torch.compile(model)
    model.train()
    tokens, start = 0, 0.0
    for step in range(args.steps_total):
        if step == args.warmup:
            _sync()
            start, tokens = time.perf_counter(), 0
        batch = collate(rows[(step * args.batch) % len(rows) :][: args.batch], device)
        if not use_positions:
            batch.pop("position_ids")
        with torch.autocast(device, dtype=torch.bfloat16, enabled=device == "cuda"):
            loss = model(**batch, use_cache=False).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        tokens += int((batch["input_ids"] != 0).sum()) if use_positions else batch["input_ids"].numel()
    _sync()
    return tokens, time.perf_counter() - start


def trl_loop(model, lora, docs, args) -> tuple[int, float]:
    import tempfile

    import torch
    from datasets import Dataset
    from transformers import PreTrainedTokenizerFast, TrainerCallback
    from trl import SFTConfig, SFTTrainer

    from adaptline.modeling import train_tokenizer

    tokenizer: PreTrainedTokenizerFast = train_tokenizer(["x y z"], vocab_size=300)
    marks: dict[str, float] = {}

    class Timer(TrainerCallback):
        def on_step_begin(self, a, state, control, **kw):
            if state.global_step == args.warmup:
                _sync()
                marks["t0"], marks["n0"] = time.perf_counter(), state.num_input_tokens_seen

        def on_train_end(self, a, state, control, **kw):
            _sync()
            marks["t1"], marks["n1"] = time.perf_counter(), state.num_input_tokens_seen

    with tempfile.TemporaryDirectory() as scratch:
        config = SFTConfig(
            output_dir=scratch,
            max_steps=args.steps_total,
            per_device_train_batch_size=args.batch,
            max_length=args.seq_len,
            packing=True,
            learning_rate=1e-4,
            bf16=torch.cuda.is_available(),
            use_cpu=not torch.cuda.is_available(),
            report_to=[],
            save_strategy="no",
            logging_steps=10**9,
            include_num_input_tokens_seen="non_padding",
            torch_compile=args.compile,
            disable_tqdm=True,
            dataloader_num_workers=0,
        )
        trainer = SFTTrainer(
            model=model,
            args=config,
            peft_config=lora,
            train_dataset=Dataset.from_list([{"input_ids": d} for d in docs]),
            processing_class=tokenizer,
            callbacks=[Timer()],
        )
        trainer.train()
    return int(marks["n1"] - marks["n0"]), marks["t1"] - marks["t0"]


def _sync() -> None:
    import torch

    if torch.cuda.is_available():
        torch.cuda.synchronize()


def run_variant(args) -> dict[str, float]:
    import torch

    from adaptline.training.data import pack_documents

    if args.threads:
        torch.set_num_threads(args.threads)
    model, lora, get_peft_model, docs = build(args)
    if args.variant == "a":
        tokens, seconds = trl_loop(model, lora, docs, args)
    else:
        model = get_peft_model(model, lora)
        if args.variant == "b":
            flat = [t for d in docs for t in d]
            rows = pack_documents([flat], args.seq_len, pad_id=0)[:-1]  # one "document": plain causal rows
        else:
            rows = pack_documents(docs, args.seq_len, pad_id=0)
        tokens, seconds = plain_loop(model, rows, args, use_positions=args.variant == "c")
    peak = torch.cuda.max_memory_allocated() / 2**30 if torch.cuda.is_available() else None
    return {"tokens": tokens, "seconds": seconds, "tokens_per_s": tokens / seconds, "peak_gib_cuda": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--heads", type=int, default=8)
    parser.add_argument("--kv-heads", type=int, default=4)
    parser.add_argument("--intermediate", type=int, default=768)
    parser.add_argument("--vocab", type=int, default=8000)
    parser.add_argument("--seq-len", type=int, default=512)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--min-doc", type=int, default=50)
    parser.add_argument("--max-doc", type=int, default=750)
    parser.add_argument("--rank", type=int, default=16)
    parser.add_argument("--steps", type=int, default=8, help="timed steps")
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps first")
    parser.add_argument("--attn", default="sdpa", choices=["sdpa", "eager", "flash_attention_2", "flex_attention"])
    parser.add_argument("--compile", action="store_true")
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (0 = default)")
    parser.add_argument("--variant", choices=sorted(VARIANTS), help="internal: run one variant and print JSON")
    args = parser.parse_args()
    args.steps_total = args.steps + args.warmup
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ADAPTLINE_PROGRESS", "0")

    if args.variant:
        print("RESULT " + json.dumps(run_variant(args)))
        return
    print(
        f"model hidden {args.hidden} x {args.layers} layers, vocab {args.vocab}, LoRA r={args.rank}, "
        f"seq {args.seq_len}, "
        f"batch {args.batch}, docs {args.min_doc}-{args.max_doc} tokens, {args.steps} timed steps, attn {args.attn}"
    )
    results = {}
    for variant in sorted(VARIANTS):
        child = subprocess.Popen(
            [sys.executable, __file__, *sys.argv[1:], "--variant", variant], stdout=subprocess.PIPE, text=True
        )
        out = child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)
        if status != 0:
            raise SystemExit(f"variant {variant} failed (status {status})")
        data = json.loads(next(line[7:] for line in out.splitlines() if line.startswith("RESULT ")))
        data["peak_gib"] = data["peak_gib_cuda"] or usage.ru_maxrss / 2**20  # ru_maxrss is KiB on Linux
        results[variant] = data
        print(
            f"({variant}) {VARIANTS[variant]:32s} {data['tokens_per_s']:10,.0f} tokens/s  "
            f"peak {data['peak_gib']:.2f} GiB{'' if data['peak_gib_cuda'] else ' RSS'}  "
            f"({data['tokens']} tokens in {data['seconds']:.2f} s)"
        )
    a, b, c = (results[v]["tokens_per_s"] for v in ("a", "b", "c"))
    print(f"ratios: (c)/(a) = {c / a:.2f}x, (c)/(b) = {c / b:.2f}x, (b)/(a) = {b / a:.2f}x")


if __name__ == "__main__":
    main()

"""The distill stage: train a small student on the teacher's softened distribution.

Teacher = base + CPT + SFT adapters merged. Student = a smaller Llama built from
``StudentParams`` with the teacher's tokenizer and vocabulary, randomly initialised with a fixed
seed. Training data = the adapter's train records (per-document windows) plus, optionally, its
SFT train pairs. Teacher logits are computed on the fly, or once into a top-k cache on disk
(keyed by teacher weights, data and params) for corpora where re-running the teacher is costly.
"""

from __future__ import annotations

import math
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from transformers import LlamaConfig, LlamaForCausalLM

from adaptline.cache import cache_key
from adaptline.config import to_dict
from adaptline.distill.loss import combined, kd_loss_full, kd_loss_topk
from adaptline.distill.params import DistillParams
from adaptline.evaluate import EvaluateParams, load_eval_data
from adaptline.evaluate.data import (
    AdapterScope,
    batches,
    document_ids,
    pad_id,
    pair_prompt,
    read_pairs,
    read_texts,
    windows,
)
from adaptline.evaluate.perplexity import perplexity
from adaptline.evaluate.suite import evaluate_models, round_floats
from adaptline.live import open_live
from adaptline.log import get_logger, progress
from adaptline.manifest import ArtifactManifest, hash_tree
from adaptline.quantize.artifacts import base_model_info, input_hashes
from adaptline.quantize.checkpoint import dir_size
from adaptline.records import write_json
from adaptline.stage import StageInputError

log = get_logger(__name__)


def build_student(teacher_config, params: DistillParams, seed: int) -> LlamaForCausalLM:
    """A smaller Llama sharing the teacher's vocabulary and special tokens."""
    s = params.student
    config = LlamaConfig(
        vocab_size=teacher_config.vocab_size,
        hidden_size=s.hidden_size,
        intermediate_size=s.intermediate_size,
        num_hidden_layers=s.num_hidden_layers,
        num_attention_heads=s.num_attention_heads,
        num_key_value_heads=s.num_key_value_heads,
        max_position_embeddings=teacher_config.max_position_embeddings,
        rms_norm_eps=teacher_config.rms_norm_eps,
        bos_token_id=teacher_config.bos_token_id,
        eos_token_id=teacher_config.eos_token_id,
        pad_token_id=teacher_config.pad_token_id,
        tie_word_embeddings=False,
    )
    torch.manual_seed(seed)
    return LlamaForCausalLM(config)


def training_rows(tokenizer, texts: Sequence[str], pair_texts: Sequence[str], block_size: int) -> list[list[int]]:
    return windows(tokenizer, [*texts, *pair_texts], block_size)


@torch.no_grad()
def topk_cache(teacher, tokenizer, rows: list[list[int]], params: DistillParams, path: Path) -> dict[str, torch.Tensor]:
    """Teacher top-k logits for every row, concatenated over rows (``offsets`` marks row starts)."""
    if path.is_file():
        log.info("teacher top-k cache hit")
        return load_file(str(path))
    values, indices, offsets, start = [], [], [], 0
    for batch_start, batch in enumerate(batches(rows, params.batch_size, pad_id(tokenizer))):
        logits = teacher(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
        top = logits.float().topk(params.top_k, dim=-1)
        for i in range(batch["input_ids"].shape[0]):
            length = len(rows[batch_start * params.batch_size + i])
            values.append(top.values[i, :length])
            indices.append(top.indices[i, :length])
            offsets.append(start)
            start += length
    data = {
        "values": torch.cat(values).contiguous(),
        "indices": torch.cat(indices).contiguous(),
        "offsets": torch.tensor(offsets, dtype=torch.long),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    save_file(data, str(tmp))
    os.replace(tmp, path)
    return data


def _cached_batch(cache: dict[str, torch.Tensor], chunk: list[int], rows: list[list[int]], width: int):
    k = cache["values"].shape[-1]
    values = torch.zeros((len(chunk), width, k))
    indices = torch.zeros((len(chunk), width, k), dtype=torch.long)
    for i, row in enumerate(chunk):
        start, length = int(cache["offsets"][row]), len(rows[row])
        values[i, :length] = cache["values"][start : start + length]
        indices[i, :length] = cache["indices"][start : start + length]
    return values, indices


def _lr(step: int, params: DistillParams) -> float:
    if step < params.warmup_steps:
        return params.learning_rate * (step + 1) / params.warmup_steps
    progress_ = (step - params.warmup_steps) / max(1, params.max_steps - params.warmup_steps)
    return params.learning_rate * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress_)))


def distill_train(
    student, teacher, tokenizer, rows: list[list[int]], params: DistillParams, cache=None, live=None
) -> list[dict[str, float]]:
    """``max_steps`` of distillation; returns per-step {loss, kd, ce}. Deterministic on CPU."""
    torch.manual_seed(params.seed)
    generator = torch.Generator().manual_seed(params.seed)
    optimizer = torch.optim.AdamW(student.parameters(), lr=params.learning_rate)
    student.train()
    history: list[dict[str, float]] = []
    order: list[int] = []
    for step in progress(range(params.max_steps), total=params.max_steps, desc="distill", unit="step"):
        if len(order) < params.batch_size:
            order += torch.randperm(len(rows), generator=generator).tolist()
        chunk, order = order[: params.batch_size], order[params.batch_size :]
        batch = next(batches([rows[i] for i in chunk], params.batch_size, pad_id(tokenizer)))
        out = student(**batch)
        mask = batch["attention_mask"].float()
        if cache is not None:
            values, indices = _cached_batch(cache, chunk, rows, batch["input_ids"].shape[1])
            kd = kd_loss_topk(out.logits, values, indices, mask, params.temperature)
        else:
            with torch.no_grad():
                teacher_logits = teacher(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            kd = kd_loss_full(out.logits, teacher_logits, mask, params.temperature)
        loss = combined(kd, out.loss, params.kd_weight)
        for group in optimizer.param_groups:
            group["lr"] = _lr(step, params)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(student.parameters(), params.max_grad_norm)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        record = {"loss": float(loss.detach()), "kd": float(kd.detach()), "ce": float(out.loss.detach())}
        history.append(record)
        if live is not None:
            for key, value in record.items():
                live.log_metric(f"distill/{key}", value)
            live.next_step()
    student.eval()
    return history


@torch.no_grad()
def generation_speed(model, tokenizer, prompt: str, new_tokens: int) -> float:
    """Greedy generation tokens/s for one prompt (a timing: varies between runs and machines)."""
    ids = torch.tensor([document_ids(tokenizer, prompt)[:-1]])
    model.generate(input_ids=ids, max_new_tokens=2, do_sample=False, pad_token_id=pad_id(tokenizer))  # warm-up
    start = time.perf_counter()
    out = model.generate(
        input_ids=ids,
        min_new_tokens=new_tokens,
        max_new_tokens=new_tokens,
        do_sample=False,
        pad_token_id=pad_id(tokenizer),
    )
    elapsed = time.perf_counter() - start
    return (out.shape[1] - ids.shape[1]) / elapsed


def n_params(model) -> int:
    return sum(p.numel() for p in model.parameters())


def run_distill(
    adapter: str,
    base_dir: str | os.PathLike[str],
    adapter_dirs: Sequence[str | os.PathLike[str]],
    train_path: str | os.PathLike[str],
    test_path: str | os.PathLike[str],
    pairs_train_path: str | os.PathLike[str] | None,
    pairs_test_path: str | os.PathLike[str] | None,
    params: DistillParams,
    eval_params: EvaluateParams,
    out_dir: str | os.PathLike[str],
    metrics_path: str | os.PathLike[str],
    live_dir: str | os.PathLike[str] | None = None,
    scope: AdapterScope | None = None,
) -> dict:
    """The distill stage for one adapter (see the module docstring)."""
    from adaptline.modeling import load_merged

    out = Path(out_dir)
    teacher, tokenizer = load_merged(base_dir, list(adapter_dirs))
    teacher = teacher.float().eval()
    train_texts, train_ids = read_texts(train_path, scope=scope)
    pairs = read_pairs(pairs_train_path) if params.include_pairs and pairs_train_path else []
    fmt = eval_params.pairs.prompt_format  # pairs are framed exactly as SFT and evaluation frame them
    pair_texts = [pair_prompt(tokenizer, p.prompt, fmt) + p.completion for p in pairs]
    rows = training_rows(tokenizer, train_texts, pair_texts, params.block_size)
    if not rows:
        raise StageInputError("distillation needs train text: the train split is empty")

    cache = None
    if params.teacher_logits == "topk_cache":
        teacher_hash = cache_key(base_model_info(base_dir), [hash_tree(d) for d in adapter_dirs])
        key = cache_key(teacher_hash, rows, params.top_k, params.batch_size)
        cache = topk_cache(teacher, tokenizer, rows, params, Path(params.cache_dir) / f"{key}.safetensors")

    student = build_student(teacher.config, params, params.seed)
    data = load_eval_data(train_path, test_path, pairs_test_path, eval_params, scope)
    untrained = perplexity(
        student, tokenizer, data.test_texts, eval_params.perplexity.max_length, eval_params.perplexity.batch_size
    )
    live = open_live(live_dir)
    try:
        history = distill_train(student, teacher if cache is None else None, tokenizer, rows, params, cache, live)
    finally:
        if live is not None:
            live.end()
    out.mkdir(parents=True, exist_ok=True)
    student.save_pretrained(out)
    tokenizer.save_pretrained(out)

    prompt = data.pairs[0].prompt if data.pairs else (data.test_texts[0][:200] if data.test_texts else "The")
    with tempfile.TemporaryDirectory() as tmp:
        teacher.save_pretrained(tmp)
        teacher_bytes = dir_size(tmp)
    speed = {
        "teacher_tokens_per_s": generation_speed(teacher, tokenizer, prompt, params.speed_new_tokens),
        "student_tokens_per_s": generation_speed(student, tokenizer, prompt, params.speed_new_tokens),
    }
    sizes = {
        "teacher_params": float(n_params(teacher)),
        "student_params": float(n_params(student)),
        "teacher_bytes": float(teacher_bytes),
        "student_bytes": float(dir_size(out)),
    }
    results = evaluate_models(
        {"teacher": lambda: (teacher, tokenizer), "student": lambda: (student, tokenizer)}, data, eval_params
    )
    summary = {
        **sizes,
        "param_ratio": sizes["student_params"] / sizes["teacher_params"],
        "student_untrained_nll": untrained.get("nll"),
        "first_loss": history[0]["loss"],
        "last_loss": history[-1]["loss"],
        "train_rows": float(len(rows)),
    }
    report = {
        "adapter": adapter,
        "models": results,
        "summary": {k: v for k, v in summary.items() if v is not None},
        "speed": speed,  # timings: not bit-reproducible, unlike everything else here
        "teacher_logits": params.teacher_logits,
    }
    write_json(metrics_path, round_floats(report))
    manifest = ArtifactManifest(
        artifact=f"student/{adapter}",
        stage=f"distill@{adapter}",
        adapter=adapter,
        params={"distill": to_dict(params), "evaluate": to_dict(eval_params)},
        base_model=base_model_info(base_dir),
        parents=[f"sft/{adapter}"],
        inputs=input_hashes(train_path, test_path, pairs_train_path, pairs_test_path),
        train_record_ids=train_ids + [rid for p in pairs for rid in p.source_record_ids],
        metrics={k: v for k, v in round_floats(summary).items() if v is not None},
    )
    manifest.write(out)
    return report

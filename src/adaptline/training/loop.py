"""The training loop CPT uses, top to bottom in plain torch + accelerate.

accelerate supplies the device, mixed precision and multi-process wrapping (DDP/FSDP when the
stage is started with ``accelerate launch``); on one CPU it is a thin no-op wrapper.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import torch

from adaptline.log import get_logger, progress
from adaptline.stage import StageInputError
from adaptline.training.data import IGNORE_INDEX, PackedRow, batch_order, collate
from adaptline.training.params import LoraParams, TrainParams

log = get_logger(__name__)

PRECISION = {"fp32": "no", "bf16": "bf16", "fp16": "fp16"}


def make_accelerator(train: TrainParams):
    from accelerate import Accelerator

    if train.device == "cuda" and not torch.cuda.is_available():
        raise StageInputError("train.device is 'cuda' but no CUDA device is available; use 'auto' or 'cpu'")
    # cpu=True also when no GPU exists: only then does accelerate see torchrun's processes as MULTI_CPU (gloo)
    cpu = train.device == "cpu" or (train.device == "auto" and not torch.cuda.is_available())
    return Accelerator(mixed_precision=PRECISION[train.precision], cpu=cpu)


def lora_config(lora: LoraParams):
    from peft import LoraConfig

    return LoraConfig(
        r=lora.r,
        lora_alpha=lora.alpha,
        lora_dropout=lora.dropout,
        target_modules=lora.target_modules,
        task_type="CAUSAL_LM",
    )


@dataclass
class LoopResult:
    steps: int = 0
    train_loss: float = math.nan  # mean loss of the last eval window of steps
    best_val_loss: float | None = None
    best_step: int = 0
    stopped_early: bool = False
    seen_rows: set[int] = field(default_factory=set)
    train_tokens: int = 0


def evaluate_loss(model, rows: Sequence[PackedRow], batch_size: int, device) -> float | None:
    """Token-weighted mean next-token loss over ``rows`` (None when there are none)."""
    if not rows:
        return None
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(rows), batch_size):
            batch = collate(rows[start : start + batch_size], device)
            logits = model(input_ids=batch["input_ids"], position_ids=batch["position_ids"], use_cache=False).logits
            labels = batch["labels"][:, 1:]
            loss = torch.nn.functional.cross_entropy(
                logits[:, :-1].float().reshape(-1, logits.shape[-1]),
                labels.reshape(-1),
                ignore_index=IGNORE_INDEX,
                reduction="sum",
            )
            total += loss.item()
            count += int((labels != IGNORE_INDEX).sum())
    model.train()
    return total / max(count, 1)


def train_rows(
    accelerator,
    model,
    train_rows: Sequence[PackedRow],
    val_rows: Sequence[PackedRow],
    train: TrainParams,
    live=None,
    on_eval: Callable[[int, float | None], None] | None = None,
) -> LoopResult:
    """Optimise ``model`` on ``train_rows``; keep the weights of the best validation loss.

    ``train.batch_size`` is the global number of rows per step; each process takes its share.
    """
    from transformers import get_scheduler

    if train.batch_size % accelerator.num_processes:
        processes = accelerator.num_processes
        raise StageInputError(f"train.batch_size {train.batch_size} is not divisible by {processes} processes")
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=train.learning_rate, weight_decay=train.weight_decay)
    scheduler = get_scheduler(train.schedule, optimizer, train.warmup_steps, train.max_steps)
    if train.gradient_checkpointing:
        model.gradient_checkpointing_enable()
    model, optimizer, scheduler = accelerator.prepare(model, optimizer, scheduler)
    if train.compile:
        model = torch.compile(model)

    result = LoopResult()
    best_state: dict[str, torch.Tensor] | None = None
    bad_evals, window = 0, []
    model.train()
    steps = batch_order(len(train_rows), train.batch_size, train.max_steps, train.seed)
    for step, indices in enumerate(progress(steps, total=train.max_steps, desc="train", unit="step"), start=1):
        result.seen_rows.update(indices)
        mine = indices[accelerator.process_index :: accelerator.num_processes]
        batch = collate([train_rows[i] for i in mine], accelerator.device)
        result.train_tokens += sum(sum(t != IGNORE_INDEX for t in train_rows[i].labels) for i in indices)
        with accelerator.autocast():
            loss = model(**batch, use_cache=False).loss
        accelerator.backward(loss)
        if train.max_grad_norm > 0:
            accelerator.clip_grad_norm_(params, train.max_grad_norm)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        window.append(loss.item())
        result.steps = step
        if live is not None:
            live.log_metric("train/loss", loss.item())
            live.log_metric("train/lr", scheduler.get_last_lr()[0])
        if step % train.eval_every and step != train.max_steps:
            if live is not None:
                live.next_step()
            continue
        result.train_loss = sum(window) / len(window)
        window = []
        val = evaluate_loss(model, val_rows, train.batch_size, accelerator.device)
        log.info(
            "step %d: train loss %.4f, val loss %s", step, result.train_loss, "n/a" if val is None else f"{val:.4f}"
        )
        if live is not None:
            if val is not None:
                live.log_metric("val/loss", val)
            live.next_step()
        if on_eval is not None:
            on_eval(step, val)
        if val is None:
            continue
        if result.best_val_loss is None or val < result.best_val_loss:
            result.best_val_loss, result.best_step, bad_evals = val, step, 0
            best_state = _trainable_state(accelerator.unwrap_model(model))
        else:
            bad_evals += 1
            if train.early_stopping_patience and bad_evals >= train.early_stopping_patience:
                result.stopped_early = True
                log.info("early stopping at step %d (best val loss at step %d)", step, result.best_step)
                break
    if best_state is not None:
        accelerator.unwrap_model(model).load_state_dict(best_state, strict=False)
    return result


def _trainable_state(model) -> dict[str, torch.Tensor]:
    return {name: p.detach().clone() for name, p in model.named_parameters() if p.requires_grad}


def sort_peft_config_sets(model) -> None:
    """PEFT keeps ``target_modules`` (and similar fields) as sets and saves them as ``list(set)``,
    whose order follows the per-process string hash seed: sort them so adapter_config.json is
    byte-identical across runs."""
    for config in getattr(model, "peft_config", {}).values():
        for name, value in vars(config).items():
            if isinstance(value, set):
                setattr(config, name, sorted(value))


def save_trained(accelerator, model, tokenizer, out_dir: Path, full: bool) -> None:
    """Write the adapter (or the full model for ``method: full``) from the main process."""
    accelerator.wait_for_everyone()
    state = accelerator.get_state_dict(model)
    if accelerator.is_main_process:
        unwrapped = accelerator.unwrap_model(model)
        sort_peft_config_sets(unwrapped)
        unwrapped.save_pretrained(out_dir, state_dict=state, safe_serialization=True)
        if full:
            tokenizer.save_pretrained(out_dir)

"""Instruction tuning (SFT) of one adapter with trl's ``SFTTrainer``, loss on completions only.

Starting point: the base model with the adapter's CPT result merged in (``load_merged(base,
[cpt])``), then a NEW LoRA adapter is trained on the instruction pairs. Why a new adapter rather
than continuing the CPT one: CPT and SFT stay separate, inspectable artifacts (the SFT adapter can
be dropped or retrained without touching CPT), the lineage of each is clean, and
``load_merged(base, [cpt, sft])`` rebuilds the tuned model exactly.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import torch

from adaptline.config import to_dict
from adaptline.live import open_live
from adaptline.log import get_logger
from adaptline.manifest import ArtifactManifest
from adaptline.modeling import base_model_ref, load_merged
from adaptline.records import sha256_file, write_json
from adaptline.stage import StageInputError
from adaptline.training.loop import lora_config, sort_peft_config_sets
from adaptline.training.params import SftParams

log = get_logger(__name__)
PathLike = str | os.PathLike[str]


def read_pair_rows(path: PathLike) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _live_callback(live_dir: PathLike | None):
    """Forward trainer logs to dvclive (no git/dvc side effects inside ``dvc repro``)."""
    from transformers import TrainerCallback

    class LiveCallback(TrainerCallback):
        def __init__(self) -> None:
            self.live = open_live(live_dir)

        def on_log(self, args, state, control, logs=None, **kwargs):
            if not state.is_world_process_zero or not logs:
                return
            self.live.step = state.global_step
            for key, name in (("loss", "train/loss"), ("eval_loss", "val/loss"), ("learning_rate", "train/lr")):
                if key in logs:
                    self.live.log_metric(name, float(logs[key]))
            self.live.make_summary()

        def on_train_end(self, args, state, control, **kwargs):
            self.live.end()

    return LiveCallback() if live_dir else None


def run_sft(
    adapter: str,
    params: SftParams,
    base_dir: PathLike,
    cpt_dir: PathLike,
    pairs_dir: PathLike,
    out_dir: PathLike,
    metrics_path: PathLike,
    live_dir: PathLike | None = None,
) -> dict[str, Any]:
    """Train the SFT adapter for ``adapter``; write adapter, metrics and manifest; return the metrics."""
    from datasets import Dataset
    from peft import get_peft_model
    from transformers import EarlyStoppingCallback, set_seed
    from trl import SFTConfig, SFTTrainer

    train = params.train
    if train.device == "cuda" and not torch.cuda.is_available():
        raise StageInputError("train.device is 'cuda' but no CUDA device is available; use 'auto' or 'cpu'")
    train_rows = read_pair_rows(Path(pairs_dir) / "train.jsonl")
    val_rows = read_pair_rows(Path(pairs_dir) / "val.jsonl")
    if not train_rows:
        raise StageInputError(f"adapter '{adapter}' has no SFT training pairs in {pairs_dir}")

    model, tokenizer = load_merged(base_dir, [cpt_dir])
    set_seed(train.seed)  # before the adapter exists: its initial weights depend on it
    model = get_peft_model(model, lora_config(params.lora))

    def dataset(rows: list[dict[str, Any]]):
        return Dataset.from_list([{"prompt": r["prompt"], "completion": r["completion"]} for r in rows])

    early = train.early_stopping_patience > 0 and bool(val_rows)
    with tempfile.TemporaryDirectory(prefix="sft-") as scratch:
        config = SFTConfig(
            output_dir=scratch,
            max_steps=train.max_steps,
            per_device_train_batch_size=train.batch_size,
            per_device_eval_batch_size=train.batch_size,
            learning_rate=train.learning_rate,
            weight_decay=train.weight_decay,
            lr_scheduler_type=train.schedule,
            warmup_steps=train.warmup_steps,
            max_grad_norm=train.max_grad_norm,
            max_length=params.max_length,
            completion_only_loss=params.completion_only_loss,
            packing=False,
            seed=train.seed,
            data_seed=train.seed,
            full_determinism=True,
            use_cpu=train.device == "cpu" or not torch.cuda.is_available(),
            bf16=train.precision == "bf16",
            fp16=train.precision == "fp16",
            torch_compile=train.compile,
            activation_checkpointing=train.gradient_checkpointing,  # transformers' new name
            eval_strategy="steps" if val_rows else "no",
            eval_steps=train.eval_every,
            save_strategy="steps" if early else "no",
            save_steps=train.eval_every,
            save_total_limit=2 if early else None,
            load_best_model_at_end=early,
            metric_for_best_model="eval_loss" if early else None,
            logging_steps=1,
            report_to=[],
            disable_tqdm=os.environ.get("ADAPTLINE_PROGRESS", "1") == "0",
            dataloader_num_workers=0,
        )
        callbacks = [c for c in (_live_callback(live_dir),) if c is not None]
        if early:
            callbacks.append(EarlyStoppingCallback(early_stopping_patience=train.early_stopping_patience))
        trainer = SFTTrainer(
            model=model,
            args=config,
            train_dataset=dataset(train_rows),
            eval_dataset=dataset(val_rows) if val_rows else None,
            processing_class=tokenizer,
            callbacks=callbacks,
        )
        result = trainer.train()
        metrics: dict[str, Any] = {
            "train_loss": round(float(result.training_loss), 6),
            "steps": int(trainer.state.global_step),
            "stopped_early": int(trainer.state.global_step) < train.max_steps,
            "train_pairs": len(train_rows),
            "val_pairs": len(val_rows),
            "trainable_params": sum(p.numel() for p in model.parameters() if p.requires_grad),
        }
        if val_rows:
            val_loss = float(trainer.evaluate()["eval_loss"])
            metrics["val_loss"] = round(val_loss, 6)
            metrics["val_perplexity"] = round(math.exp(min(val_loss, 50.0)), 4)
        out = Path(out_dir)
        if trainer.is_world_process_zero():
            sort_peft_config_sets(trainer.model)
            trainer.model.save_pretrained(out)
    if not trainer.is_world_process_zero():
        return metrics
    write_json(metrics_path, metrics)
    ArtifactManifest(
        artifact=f"sft/{adapter}",
        stage=f"sft@{adapter}",
        adapter=adapter,
        params={"sft": to_dict(params)},
        base_model=base_model_ref(base_dir),
        parents=[f"cpt/{adapter}"],
        inputs={
            (Path(pairs_dir) / f"{s}.jsonl").as_posix(): sha256_file(Path(pairs_dir) / f"{s}.jsonl")
            for s in ("train", "val")
        },
        train_record_ids=sorted({i for r in train_rows for i in r.get("source_record_ids", [])}),
        metrics={k: v for k, v in metrics.items() if isinstance(v, (int, float))},
    ).write(out)
    return metrics

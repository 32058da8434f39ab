"""Continued pretraining (CPT) of one adapter on its raw train records.

LoRA on every linear projection by default (``method: full`` trains all weights, ``quantization:
nf4`` is QLoRA). Documents are framed BOS + text + EOS and packed into fixed-length rows without
attention across documents (see ``training.data``). Output: a standard PEFT adapter directory,
``metrics/cpt/<adapter>.json``, dvclive curves, and the lineage manifest.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import torch

from adaptline.config import to_dict
from adaptline.live import open_live
from adaptline.log import get_logger
from adaptline.manifest import ArtifactManifest
from adaptline.modeling import base_model_ref, load_base
from adaptline.records import Record, sha256_file, write_json
from adaptline.stage import StageInputError
from adaptline.training.data import document_ids, mix_rehearsal, pack_documents, read_adapter_records
from adaptline.training.loop import lora_config, make_accelerator, save_trained, train_rows
from adaptline.training.params import AdapterSpec, CptParams

log = get_logger(__name__)
PathLike = str | os.PathLike[str]


def load_trainable(base_dir: PathLike, params: CptParams, lora, seed: int, attention: str):
    """Base model (optionally 4-bit) with a fresh LoRA adapter, or fully trainable for ``method: full``.

    The seed is set right before the adapter is created, so its initial weights are reproducible.
    """
    from transformers import set_seed

    kwargs: dict[str, Any] = {"attn_implementation": attention}
    if params.quantization == "nf4":
        if not torch.cuda.is_available():
            raise StageInputError(
                "quantization: nf4 (QLoRA) needs a CUDA GPU and none is available; "
                "set quantization: none to train LoRA in full precision on this machine"
            )
        if params.method != "lora":
            raise StageInputError("quantization: nf4 only works with method: lora (QLoRA)")
        from transformers import BitsAndBytesConfig

        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=torch.bfloat16,
        )
        kwargs["device_map"] = {"": torch.cuda.current_device()}
    model, tokenizer = load_base(base_dir, **kwargs)
    if params.quantization == "nf4":
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=params.train.gradient_checkpointing)
    set_seed(seed)
    if params.method == "full":
        model.requires_grad_(True)
        return model, tokenizer
    from peft import get_peft_model

    return get_peft_model(model, lora_config(lora)), tokenizer


def read_rehearsal(path: PathLike) -> list[str]:
    """General text against forgetting: JSONL lines with a ``text`` field (Record JSONL works too)."""
    texts = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                texts.append(Record.from_dict(row).training_text() if "doc_id" in row else row["text"])
    return texts


def run_cpt(
    adapter: str,
    spec: AdapterSpec,
    params: CptParams,
    base_dir: PathLike,
    train_path: PathLike,
    val_path: PathLike,
    out_dir: PathLike,
    metrics_path: PathLike,
    live_dir: PathLike | None = None,
) -> dict[str, Any]:
    """Train one adapter's CPT and write its artifact, metrics and manifest; return the metrics."""
    out = Path(out_dir)
    train_records = read_adapter_records(train_path, spec)
    val_records = read_adapter_records(val_path, spec)
    if not train_records:  # before the model is loaded: a selection mistake should fail fast
        raise StageInputError(f"adapter '{adapter}' selects no train records (kinds {spec.kinds}, paths {spec.paths})")
    accelerator = make_accelerator(params.train)
    model, tokenizer = load_trainable(base_dir, params, params.lora, params.train.seed, params.attention)

    # (token ids, record id) per training document; rehearsal documents carry no record id
    docs: list[tuple[list[int], str | None]] = [
        (document_ids(tokenizer, r.training_text()), r.record_id) for r in train_records
    ]
    n_domain = len(docs)
    if params.rehearsal_path and params.rehearsal_fraction > 0:
        general = [(document_ids(tokenizer, t), None) for t in read_rehearsal(params.rehearsal_path)]
        docs = mix_rehearsal(docs, general, params.rehearsal_fraction, params.train.seed)
    pad_id = tokenizer.pad_token_id
    rows = pack_documents([ids for ids, _ in docs], params.seq_len, pad_id)
    val_rows = pack_documents([document_ids(tokenizer, r.training_text()) for r in val_records], params.seq_len, pad_id)
    log.info(
        "cpt@%s: %d train records (%d rows of %d tokens), %d val records, %d rehearsal documents",
        adapter,
        n_domain,
        len(rows),
        params.seq_len,
        len(val_records),
        len(docs) - n_domain,
    )

    live = open_live(live_dir) if accelerator.is_main_process else None
    try:
        result = train_rows(accelerator, model, rows, val_rows, params.train, live=live)
    finally:
        if live is not None:
            live.end()

    trained_ids = sorted({docs[s][1] for i in result.seen_rows for s in rows[i].sources if docs[s][1] is not None})
    save_trained(accelerator, model, tokenizer, out, full=params.method == "full")
    metrics = _metrics(result, len(rows), n_domain, len(val_records), model)
    if accelerator.is_main_process:
        write_json(metrics_path, metrics)
        inputs = {Path(p).as_posix(): sha256_file(p) for p in (train_path, val_path)}
        if params.rehearsal_path:
            inputs[Path(params.rehearsal_path).as_posix()] = sha256_file(params.rehearsal_path)
        ArtifactManifest(
            artifact=f"cpt/{adapter}",
            stage=f"cpt@{adapter}",
            adapter=adapter,
            params={"cpt": to_dict(params), "adapter": to_dict(spec)},
            base_model=base_model_ref(base_dir),
            parents=[],
            inputs=inputs,
            train_record_ids=trained_ids,
            metrics={k: v for k, v in metrics.items() if isinstance(v, (int, float))},
        ).write(out)
    return metrics


def _metrics(result, n_rows: int, n_records: int, n_val: int, model) -> dict[str, Any]:
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    out: dict[str, Any] = {
        "train_loss": round(result.train_loss, 6),
        "train_perplexity": round(math.exp(min(result.train_loss, 50.0)), 4),
        "steps": result.steps,
        "stopped_early": result.stopped_early,
        "train_rows": n_rows,
        "train_records": n_records,
        "train_tokens_seen": result.train_tokens,
        "val_records": n_val,
        "trainable_params": trainable,
    }
    if result.best_val_loss is not None:
        out["val_loss"] = round(result.best_val_loss, 6)
        out["val_perplexity"] = round(math.exp(min(result.best_val_loss, 50.0)), 4)
        out["best_step"] = result.best_step
    return out

"""The qat stage: quantization-aware fine-tuning of the merged SFT model, compared with PTQ.

Flow: merge base + CPT + SFT adapters into one float model; PTQ = quantize that model as is;
QAT = insert torchao fake quantization (``QuantScheme``), fine-tune a few steps on the train
split so the weights adapt to the quantization grid, remove the fake quantizers and quantize for
real. Unquantized, PTQ and QAT models are scored with the evaluate suite side by side; the
headline number is the fraction of PTQ's loss increase that QAT recovers. Outputs: the QAT model
as a torchao checkpoint transformers reloads (checked: same logits), and a GGUF file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import torch
from torchao.quantization import quantize_
from torchao.quantization.qat import QATConfig

from adaptline.config import to_dict
from adaptline.evaluate import EvaluateParams, load_eval_data
from adaptline.evaluate.data import AdapterScope, batches, pad_id, read_texts, windows
from adaptline.evaluate.perplexity import perplexity
from adaptline.evaluate.suite import evaluate_models, round_floats
from adaptline.live import open_live
from adaptline.log import get_logger, progress
from adaptline.manifest import ArtifactManifest
from adaptline.quantize.artifacts import base_model_info, input_hashes
from adaptline.quantize.checkpoint import dir_size, load_quantized, quantize_from_float_dir, save_quantized
from adaptline.quantize.gguf_check import LlamaCppError, compare_with_llama_cpp, llama_cpp_available
from adaptline.quantize.gguf_export import export_gguf
from adaptline.quantize.params import QatParams
from adaptline.quantize.scheme import linear_filter, prepare_config
from adaptline.records import write_json
from adaptline.stage import StageInputError

log = get_logger(__name__)

GGUF_NAME = "model.gguf"


def _lr_at(step: int, params: QatParams) -> float:
    return params.learning_rate * min(1.0, (step + 1) / max(1, params.warmup_steps))


def qat_finetune(model, tokenizer, texts: Sequence[str], params: QatParams, live=None) -> list[float]:
    """Prepare fake quantization in place, train ``max_steps``, convert back to plain Linear layers.

    Returns the per-step training losses. Deterministic for a given seed on CPU.
    """
    torch.manual_seed(params.seed)
    keep = linear_filter(params.scheme)
    quantize_(model, prepare_config(params.scheme), filter_fn=keep)
    rows = windows(tokenizer, texts, params.block_size)
    if not rows:
        raise StageInputError("QAT needs train text: the train split is empty")
    generator = torch.Generator().manual_seed(params.seed)
    for parameter in model.parameters():  # full fine-tuning: merged adapters leave weights frozen
        parameter.requires_grad_(True)
    optimizer = torch.optim.AdamW(model.parameters(), lr=params.learning_rate)
    model.train()
    losses: list[float] = []
    order: list[int] = []
    for step in progress(range(params.max_steps), total=params.max_steps, desc="qat", unit="step"):
        if len(order) < params.batch_size:
            order += torch.randperm(len(rows), generator=generator).tolist()
        chunk, order = order[: params.batch_size], order[params.batch_size :]
        batch = next(batches([rows[i] for i in chunk], params.batch_size, pad_id(tokenizer)))
        for group in optimizer.param_groups:
            group["lr"] = _lr_at(step, params)
        loss = model(**batch).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), params.max_grad_norm)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(float(loss.detach()))
        if live is not None:
            live.log_metric("qat/train_loss", losses[-1])
            live.log_metric("qat/lr", _lr_at(step, params))
            live.next_step()
    model.eval()
    quantize_(model, QATConfig(step="convert"), filter_fn=keep)
    return losses


def recovered_fraction(float_value: float, ptq_value: float, qat_value: float, min_loss: float = 0.0) -> float | None:
    """(PTQ - QAT) / (PTQ - float) for a lower-is-better metric; None when PTQ lost nothing, or
    less than ``min_loss`` (a ratio over a loss that small measures noise)."""
    lost = ptq_value - float_value
    return None if lost <= 0 or lost < min_loss else (ptq_value - qat_value) / lost


@torch.no_grad()
def max_logit_diff(a, b, tokenizer, text: str) -> float:
    ids = torch.tensor([windows(tokenizer, [text], 64)[0]])
    return float((a(ids).logits - b(ids).logits).abs().max())


def run_qat(
    adapter: str,
    base_dir: str | os.PathLike[str],
    adapter_dirs: Sequence[str | os.PathLike[str]],
    train_path: str | os.PathLike[str],
    test_path: str | os.PathLike[str],
    pairs_path: str | os.PathLike[str] | None,
    params: QatParams,
    eval_params: EvaluateParams,
    out_dir: str | os.PathLike[str],
    metrics_path: str | os.PathLike[str],
    live_dir: str | os.PathLike[str] | None = None,
    scope: AdapterScope | None = None,
) -> dict:
    """The qat stage for one adapter (see the module docstring), on ``params.torch_threads`` threads."""
    from adaptline.modeling import load_merged, torch_threads

    out = Path(out_dir)
    train_texts, train_ids = read_texts(train_path, scope=scope)
    data = load_eval_data(train_path, test_path, pairs_path, eval_params, scope)
    with torch_threads(params.torch_threads), tempfile.TemporaryDirectory() as tmp:
        merged_dir, ptq_dir = Path(tmp) / "merged", Path(tmp) / "ptq"
        model, tokenizer = load_merged(base_dir, list(adapter_dirs))
        model = model.float()  # QAT trains in float32 (CPU); PTQ/unquantized start from the same weights
        model.save_pretrained(merged_dir)
        tokenizer.save_pretrained(merged_dir)
        ptq = quantize_from_float_dir(merged_dir, params.scheme)
        ptq.save_pretrained(ptq_dir)
        del ptq

        live = open_live(live_dir)
        try:
            losses = qat_finetune(model, tokenizer, train_texts, params, live)
        finally:
            if live is not None:
                live.end()
        qat_float = perplexity(
            model, tokenizer, data.test_texts, eval_params.perplexity.max_length, eval_params.perplexity.batch_size
        )
        quantized = save_quantized(model, tokenizer, params.scheme, out)
        del model
        reloaded = load_quantized(out)
        reload_diff = max_logit_diff(quantized, reloaded, tokenizer, data.test_texts[0] if data.test_texts else "test")
        if reload_diff != 0.0:
            raise RuntimeError(f"reloaded torchao checkpoint differs from the quantized model ({reload_diff})")
        del quantized
        gguf_check: dict[str, float] = {}
        gguf_check_error = ""
        if params.gguf:
            export_gguf(reloaded, tokenizer, out / GGUF_NAME, params.gguf_float_type, name=f"adaptline-qat-{adapter}")
            if llama_cpp_available() and data.test_texts:
                try:
                    gguf_check = compare_with_llama_cpp(out / GGUF_NAME, reloaded, tokenizer, data.test_texts[0])
                    log.info("GGUF in llama.cpp: %s", gguf_check)
                except LlamaCppError as error:  # the GGUF is still written; only the cross-check is lost
                    gguf_check_error = str(error)
                    log.warning("GGUF cross-check skipped: %s", error)
        sizes = {
            "unquantized_bytes": dir_size(merged_dir),
            "ptq_bytes": dir_size(ptq_dir),
            "qat_bytes": dir_size(out, (".safetensors", ".bin")),
        }
        if params.gguf:
            sizes["gguf_bytes"] = dir_size(out / GGUF_NAME)

        loaders = {
            "unquantized": lambda: (_load_float(merged_dir), tokenizer),
            "ptq": lambda: (load_quantized(ptq_dir), tokenizer),
            "qat": lambda: (reloaded, tokenizer),
        }
        results = evaluate_models(loaders, data, eval_params)

    metrics, summary_notes = _summary(results, qat_float, sizes, losses, params)
    metrics.update({f"gguf_{k}": v for k, v in gguf_check.items()})
    report = {
        "adapter": adapter,
        **({"gguf_check_error": gguf_check_error} if gguf_check_error else {}),
        **({"summary_notes": summary_notes} if summary_notes else {}),
        "scheme": to_dict(params.scheme),
        "models": results,
        "summary": {k: v for k, v in metrics.items() if v is not None},
    }
    write_json(metrics_path, round_floats(report))
    manifest = ArtifactManifest(
        artifact=f"qat/{adapter}",
        stage=f"qat@{adapter}",
        adapter=adapter,
        params={"qat": to_dict(params), "evaluate": to_dict(eval_params)},
        base_model=base_model_info(base_dir),
        parents=[f"sft/{adapter}"],
        inputs=input_hashes(train_path, test_path, pairs_path),
        train_record_ids=train_ids,
        metrics={k: v for k, v in round_floats(metrics).items() if v is not None},
    )
    manifest.write(out)
    return report


def _load_float(path: Path):
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(str(path), dtype=torch.float32)


def _summary(
    results: dict[str, dict[str, float]],
    qat_float: dict[str, float],
    sizes: dict[str, int],
    losses: list[float],
    params: QatParams,
) -> tuple[dict, list[str]]:
    """Headline numbers, and notes on the ones left out. QAT also fine-tunes, so two views of
    'recovery' are given:

    - ``qat_recovered_fraction_nll``: (PTQ - QAT) / (PTQ - unquantized), as usually reported; above 1
      when the QAT fine-tuning itself lowered the test loss;
    - ``qat_quantization_gap_ratio``: QAT's own quantization gap (quantized vs. its float weights
      after training) over PTQ's gap; below 1 means the weights became easier to quantize.

    Both divide by PTQ's loss, so both are left out when that loss is under ``min_ptq_loss_nll``.
    """
    fp, ptq, qat = results["unquantized"], results["ptq"], results["qat"]
    notes: list[str] = []
    out: dict = {f"size_{k}": float(v) for k, v in sizes.items()}
    out["compression_qat_vs_unquantized"] = sizes["unquantized_bytes"] / max(1, sizes["qat_bytes"])
    if gguf_bytes := sizes.get("gguf_bytes"):
        out["compression_gguf_vs_unquantized"] = sizes["unquantized_bytes"] / max(1, gguf_bytes)
    ptq_gap = ptq["nll"] - fp["nll"]
    out["qat_recovered_fraction_nll"] = recovered_fraction(fp["nll"], ptq["nll"], qat["nll"], params.min_ptq_loss_nll)
    out["qat_float_nll"] = qat_float["nll"]
    out["ptq_quantization_gap_nll"] = ptq_gap
    out["qat_quantization_gap_nll"] = qat["nll"] - qat_float["nll"]
    if out["qat_recovered_fraction_nll"] is not None:
        out["qat_quantization_gap_ratio"] = (qat["nll"] - qat_float["nll"]) / ptq_gap
    else:
        notes.append(
            f"qat_recovered_fraction_nll and qat_quantization_gap_ratio left out: PTQ changed test nll by "
            f"{ptq_gap:+.3g}; they need a loss of at least qat.min_ptq_loss_nll = {params.min_ptq_loss_nll:g}"
        )
    if "term_mrr" in fp:
        # higher is better: negate to reuse the lower-is-better formula
        out["qat_recovered_fraction_term_mrr"] = recovered_fraction(
            -fp["term_mrr"], -ptq["term_mrr"], -qat["term_mrr"], params.min_ptq_loss_term_mrr
        )
        if out["qat_recovered_fraction_term_mrr"] is None:
            change = ptq["term_mrr"] - fp["term_mrr"]
            notes.append(
                f"qat_recovered_fraction_term_mrr left out: PTQ changed term MRR by {change:+.3g}; it needs a "
                f"loss of at least qat.min_ptq_loss_term_mrr = {params.min_ptq_loss_term_mrr:g}"
            )
    out["qat_first_loss"] = losses[0]
    out["qat_last_loss"] = losses[-1]
    return out, notes

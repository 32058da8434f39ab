"""Token-level negative log-likelihood and perplexity over per-document windows."""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F

from adaptline.evaluate.data import batches, pad_id, windows


def token_logprobs(model, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """Log-probability of every next token and its mask (labels shifted by one)."""
    logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits.float()
    targets = batch["labels"][:, 1:]
    mask = targets != -100
    logp = F.log_softmax(logits[:, :-1], dim=-1).gather(-1, targets.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    return logp * mask, mask


@torch.no_grad()
def perplexity(model, tokenizer, texts: Sequence[str], max_length: int, batch_size: int) -> dict[str, float]:
    """Mean NLL per predicted token over all windows, and its exponential."""
    rows = windows(tokenizer, texts, max_length)
    total, count = 0.0, 0
    for batch in batches(rows, batch_size, pad_id(tokenizer)):
        logp, mask = token_logprobs(model, batch)
        total -= float(logp.sum())
        count += int(mask.sum())
    if not count:
        return {"tokens": 0.0}  # undefined metrics are left out, never written as NaN
    return {"nll": total / count, "perplexity": math.exp(total / count), "tokens": float(count)}

"""Held-out instruction pairs: greedy generations scored by exact match and token-overlap F1."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import torch

from adaptline.evaluate.data import Pair, pad_id
from adaptline.evaluate.params import PairParams

_TOKEN = re.compile(r"\w+|[^\w\s]")


def normalize(text: str) -> str:
    """Whitespace-collapsed, stripped: formatting noise must not decide exact match."""
    return " ".join(text.split())


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD-style F1 over word and punctuation tokens (case-sensitive: identifiers are)."""
    pred, ref = _TOKEN.findall(prediction), _TOKEN.findall(reference)
    if not pred and not ref:
        return 1.0
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


@torch.no_grad()
def generate(model, tokenizer, prompts: Sequence[str], params: PairParams) -> list[str]:
    """Greedy continuations of ``prompts`` (framed like SFT: BOS + formatted prompt), each cut at EOS.

    Prompts are generated in left-padded batches of ``params.batch_size``; greedy decoding makes
    the output deterministic.
    """
    bos = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []
    encoded = [
        (bos + tokenizer(p, add_special_tokens=False)["input_ids"])[-params.max_prompt_tokens :] for p in prompts
    ]
    pad = pad_id(tokenizer)
    outputs = []
    for start in range(0, len(encoded), params.batch_size):
        chunk = encoded[start : start + params.batch_size]
        width = max(len(ids) for ids in chunk)
        input_ids = torch.tensor([[pad] * (width - len(ids)) + ids for ids in chunk], dtype=torch.long)
        mask = torch.tensor([[0] * (width - len(ids)) + [1] * len(ids) for ids in chunk], dtype=torch.long)
        out = model.generate(
            input_ids=input_ids,
            attention_mask=mask,
            max_new_tokens=params.max_new_tokens,
            do_sample=False,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=pad,
        )
        for row in out[:, width:].tolist():
            if tokenizer.eos_token_id in row:
                row = row[: row.index(tokenizer.eos_token_id)]
            outputs.append(tokenizer.decode(row, skip_special_tokens=True))
    return outputs


def score_pairs(predictions: Sequence[str], pairs: Sequence[Pair]) -> dict[str, float]:
    """Exact match and F1 overall and per task (``pairs_<task>_f1``)."""
    if not pairs:
        return {"pairs": 0.0}
    by_task: dict[str, list[tuple[float, float]]] = {}
    for prediction, pair in zip(predictions, pairs, strict=True):
        em = float(normalize(prediction) == normalize(pair.completion))
        by_task.setdefault(pair.task or "untyped", []).append((em, token_f1(prediction, pair.completion)))
    every = [score for scores in by_task.values() for score in scores]
    out = {
        "pairs": float(len(every)),
        "pairs_exact_match": sum(em for em, _ in every) / len(every),
        "pairs_f1": sum(f1 for _, f1 in every) / len(every),
    }
    for task, scores in sorted(by_task.items()):
        out[f"pairs_{task}_f1"] = sum(f1 for _, f1 in scores) / len(scores)
    return out

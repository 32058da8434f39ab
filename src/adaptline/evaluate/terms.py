"""Domain-term accuracy: can the model fill in a masked domain term from its left context?

Terms are mined from the train split (identifier- and part-number-like tokens: they contain a
digit, an underscore, a hyphen/dot joint or two capitals, and recur across records). Each
occurrence in a test record becomes an item: the left context, the true term and distractors
drawn from the other terms; the model ranks the candidates by log-likelihood of the continuation.
A model that learned the domain ranks the true term first more often than chance (1/candidates).
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from adaptline.evaluate.data import batches, pad_id
from adaptline.evaluate.params import TermParams
from adaptline.evaluate.perplexity import token_logprobs


@dataclass(frozen=True)
class TermItem:
    context: str  # text before the term, trailing whitespace removed
    candidates: tuple[str, ...]  # each with the whitespace that preceded the true term; [0] is the truth
    term: str


def is_domain_like(token: str, min_length: int) -> bool:
    """Identifier/part-number shape: long enough and not a plain word."""
    if len(token) < min_length:
        return False
    capitals = sum(c.isupper() for c in token)
    return any(c.isdigit() for c in token) or "_" in token or "-" in token or "." in token or capitals >= 2


def mine_terms(texts: Sequence[str], params: TermParams) -> list[str]:
    """Most frequent domain-like tokens by number of train records containing them (ties by name)."""
    pattern = re.compile(params.pattern)
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({m.group(0) for m in pattern.finditer(text) if is_domain_like(m.group(0), params.min_length)})
    kept = [(n, t) for t, n in counts.items() if n >= params.min_doc_count]
    kept.sort(key=lambda item: (-item[0], item[1]))
    return [t for _, t in kept[: params.max_terms]]


def build_items(texts: Sequence[str], terms: Sequence[str], params: TermParams, seed: int) -> list[TermItem]:
    """First occurrence of each mined term in each test text, with seeded distractors."""
    if len(terms) < 2:
        return []
    rng = random.Random(seed)
    term_set = set(terms)
    pattern = re.compile(params.pattern)
    ordered = sorted(terms)
    items = []
    for text in texts:
        seen = set()
        for match in pattern.finditer(text):
            term = match.group(0)
            if term not in term_set or term in seen or match.start() == 0:
                continue
            seen.add(term)
            before = text[: match.start()]
            context = before.rstrip()
            if not context:
                continue
            gap = before[len(context) :]
            others = [t for t in ordered if t != term]
            distractors = rng.sample(others, min(len(others), params.num_candidates - 1))
            items.append(TermItem(context, tuple(gap + c for c in [term, *distractors]), term))
            if len(items) >= params.max_items:
                return items
    return items


@torch.no_grad()
def score_items(model, tokenizer, items: Sequence[TermItem], params: TermParams, batch_size: int) -> dict[str, float]:
    """Top-1 accuracy and mean reciprocal rank of the true term among its candidates."""
    if not items:
        return {"term_items": 0.0}  # undefined metrics are left out, never written as NaN
    rows, spans = [], []
    bos = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []
    for item in items:
        context_ids = (bos + tokenizer(item.context, add_special_tokens=False)["input_ids"])[-params.context_tokens :]
        for candidate in item.candidates:
            cand_ids = tokenizer(candidate, add_special_tokens=False)["input_ids"]
            rows.append(context_ids + cand_ids)
            spans.append((len(context_ids), len(cand_ids)))
    scores = []
    for start, batch in zip(range(0, len(rows), batch_size), batches(rows, batch_size, pad_id(tokenizer)), strict=True):
        logp, _ = token_logprobs(model, batch)
        for i in range(batch["input_ids"].shape[0]):
            offset, length = spans[start + i]
            total = float(logp[i, offset - 1 : offset - 1 + length].sum())
            scores.append(total / length if params.normalize == "token" else total)
    top1, rr, start = 0, 0.0, 0
    for item in items:
        chunk = scores[start : start + len(item.candidates)]
        start += len(item.candidates)
        rank = 1 + sum(s >= chunk[0] for s in chunk[1:])  # ties count against the true term
        top1 += rank == 1
        rr += 1.0 / rank
    return {
        "term_top1": top1 / len(items),
        "term_mrr": rr / len(items),
        "term_items": float(len(items)),
        "term_chance": sum(1.0 / len(i.candidates) for i in items) / len(items),
    }

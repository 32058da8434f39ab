"""The ``evaluate`` section of params.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class PerplexityParams:
    max_length: int = 256  # tokens per window; each test record is split into windows, never joined with another
    batch_size: int = 8  # windows per forward pass
    max_records: int = 0  # 0 = every test record; otherwise the first N in canonical order


@dataclass(frozen=True)
class TermParams:
    """Domain terms: identifier- and part-number-like tokens mined from the train split."""

    pattern: str = r"[A-Za-z_][A-Za-z0-9_]*(?:[-.][A-Za-z0-9_]+)*"  # candidate token shape
    min_length: int = 4  # characters
    min_doc_count: int = 2  # the term must occur in at least this many train records
    max_terms: int = 200  # most frequent terms kept
    num_candidates: int = 8  # true term + distractors drawn from the other mined terms
    context_tokens: int = 64  # left context kept before the masked term
    max_items: int = 200  # masked occurrences scored (first occurrence per term per test record)
    normalize: Literal["none", "token"] = "token"  # sum of log-probs, or mean per token of the candidate


@dataclass(frozen=True)
class PairParams:
    max_pairs: int = 32  # held-out SFT pairs generated for (first N in file order)
    max_new_tokens: int = 48  # greedy generation budget
    batch_size: int = 8  # prompts generated together (left-padded)
    max_prompt_tokens: int = 384  # prompts are left-truncated to this
    prompt_format: Literal["chat", "raw"] = "chat"  # chat: the tokenizer's chat template (as SFT trains), else raw


@dataclass(frozen=True)
class CSyntaxParams:
    """Generated C functions checked with one shared `gcc -fsyntax-only` call."""

    kinds: list[str] = field(default_factory=lambda: ["c"])  # adapters whose kinds include one of these get the check
    tasks: list[str] = field(default_factory=lambda: ["c_write_body"])  # SFT pair tasks whose completion is C code
    gcc: str = "gcc"  # compiler executable
    flags: list[str] = field(default_factory=lambda: ["-std=gnu11", "-w"])  # extra flags
    timeout_s: int = 120  # whole compile


@dataclass(frozen=True)
class EvaluateParams:
    seed: int = 0  # fixes distractor sampling and any torch randomness
    perplexity: PerplexityParams = field(default_factory=PerplexityParams)
    terms: TermParams = field(default_factory=TermParams)
    pairs: PairParams = field(default_factory=PairParams)
    c_syntax: CSyntaxParams = field(default_factory=CSyntaxParams)

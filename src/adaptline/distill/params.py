"""The ``distill`` section of params.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class StudentParams:
    """Student Llama configuration (vocabulary and tokenizer come from the teacher)."""

    hidden_size: int = 32
    intermediate_size: int = 64
    num_hidden_layers: int = 1
    num_attention_heads: int = 2
    num_key_value_heads: int = 1


@dataclass(frozen=True)
class DistillParams:
    student: StudentParams = field(default_factory=StudentParams)
    temperature: float = 2.0  # softens both distributions in the KL term (scaled back by T^2)
    kd_weight: float = 0.5  # loss = kd_weight * T^2 * KL(teacher || student) + (1 - kd_weight) * cross-entropy
    teacher_logits: Literal["on_the_fly", "topk_cache"] = "on_the_fly"  # topk_cache: teacher run once, top-k on disk
    top_k: int = 32  # logits kept per position with topk_cache
    cache_dir: str = ".cache/distill"  # where the top-k cache lives (outside DVC outputs; safe to delete)
    include_pairs: bool = True  # also train on the adapter's SFT train pairs (prompt + completion)
    max_steps: int = 120
    learning_rate: float = 3e-3
    warmup_steps: int = 10  # linear warmup, then cosine decay to 10%
    batch_size: int = 8
    block_size: int = 256  # tokens per window (windows never cross documents)
    max_grad_norm: float = 1.0
    seed: int = 0
    speed_new_tokens: int = 32  # tokens generated per model when measuring generation tokens/s

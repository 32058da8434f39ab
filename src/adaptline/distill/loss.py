"""Distillation loss: temperature-softened KL to the teacher plus cross-entropy on the data.

trl 1.16's ``DistillationTrainer``/``GKDTrainer`` target prompt/completion data with on-policy
generation and a generalized JSD; they have no cross-entropy mix on raw documents and no cached
top-k teacher logits, both of which this stage needs, so the loss is these few lines instead.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def kd_loss_full(
    student_logits: torch.Tensor, teacher_logits: torch.Tensor, mask: torch.Tensor, t: float
) -> torch.Tensor:
    """Mean over unmasked positions of T^2 * KL(softmax(teacher/T) || softmax(student/T))."""
    s = F.log_softmax(student_logits.float() / t, dim=-1)
    p = F.log_softmax(teacher_logits.float() / t, dim=-1)
    kl = (p.exp() * (p - s)).sum(-1)
    return (kl * mask).sum() / mask.sum().clamp(min=1) * t * t


def kd_loss_topk(
    student_logits: torch.Tensor, top_values: torch.Tensor, top_indices: torch.Tensor, mask: torch.Tensor, t: float
) -> torch.Tensor:
    """As ``kd_loss_full`` with the teacher restricted to its top-k logits (renormalized over them)."""
    s = F.log_softmax(student_logits.float() / t, dim=-1).gather(-1, top_indices)
    p = F.log_softmax(top_values.float() / t, dim=-1)
    kl = (p.exp() * (p - s)).sum(-1)
    return (kl * mask).sum() / mask.sum().clamp(min=1) * t * t


def combined(kd: torch.Tensor, ce: torch.Tensor, kd_weight: float) -> torch.Tensor:
    return kd_weight * kd + (1.0 - kd_weight) * ce

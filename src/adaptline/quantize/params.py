"""The ``deploy`` and ``qat`` sections of params.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class DeployParams:
    adapters: list[str] = field(default_factory=lambda: ["all"])  # adapters that get qat + distill stages


@dataclass(frozen=True)
class QuantScheme:
    """What is quantized, and how (the same scheme drives fake quantization, PTQ and the export)."""

    weight_dtype: Literal["int4", "int8"] = "int4"  # symmetric integer weights
    group_size: int = 32  # weights per scale; 32 maps exactly onto GGUF Q4_0/Q8_0 blocks
    activations: Literal["int8_per_token_asym", "none"] = "int8_per_token_asym"  # dynamic activation quantization
    skip_modules: list[str] = field(default_factory=lambda: ["lm_head"])  # linear layers kept in full precision


@dataclass(frozen=True)
class QatParams:
    scheme: QuantScheme = field(default_factory=QuantScheme)
    max_steps: int = 30  # QAT fine-tuning steps on the train split
    learning_rate: float = 1e-4
    warmup_steps: int = 3  # linear warmup, then constant
    batch_size: int = 4  # windows per step
    block_size: int = 256  # tokens per window (windows never cross documents)
    max_grad_norm: float = 1.0
    seed: int = 0
    gguf: bool = True  # also write a llama.cpp GGUF file next to the torchao checkpoint
    gguf_float_type: Literal["F16", "F32"] = "F16"  # tensors the scheme leaves unquantized (norms are always F32)
    # torch CPU threads for the stage. QAT rounds weights to a 4-bit grid, so a last-bit difference
    # between two multithreaded runs of one matmul can flip a rounding and give another model: on
    # 2 threads, 13 runs gave 3 different QAT models. 1 = bit-reproducible; 0 = torch's default (all cores).
    torch_threads: int = 1
    # Recovery ratios divide by what PTQ lost against the unquantized model. Below these losses they
    # divide by noise (on the tiny default model PTQ costs ~3e-5 nll, which gave a "recovered
    # fraction" of 6,501), so they are left out of the metrics and the report says why.
    min_ptq_loss_nll: float = 0.01  # test-split nll, nats per token
    min_ptq_loss_term_mrr: float = 0.01  # term-ranking MRR (0-1)

"""Parameters of the training stages: ``base``, ``adapters``, and per-adapter ``cpt``/``sft_data``/``sft``.

The per-adapter sections are maps ``adapter name -> params`` so that ``dvc.yaml`` can list
``cpt.<adapter>`` as the only params of ``cpt@<adapter>``: ``dvc exp run -S cpt.firmware.lora.r=16``
then reruns the firmware adapter and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeVar

from adaptline.config import ParamsError, from_dict, read_params_file

T = TypeVar("T")


@dataclass(frozen=True)
class BaseParams:
    """The starting model. ``tiny`` builds one locally; sizes below apply only to ``tiny``."""

    model: str = "tiny"  # "tiny" | a local HF model directory | a hub id (needs allow_download)
    allow_download: bool = False  # let a hub id be fetched (off: the pipeline never touches a hub)
    vocab_size: int = 2048  # BPE target; a small corpus may stop below it (the model uses len(tokenizer))
    min_frequency: int = 2  # a BPE merge needs a pair seen at least this often
    hidden_size: int = 128
    num_layers: int = 2
    num_heads: int = 4
    num_kv_heads: int = 2  # grouped-query attention, as in current Llamas
    intermediate_size: int = 256
    max_position: int = 512  # longest sequence the model accepts (>= cpt seq_len)
    seed: int = 0  # weight init


@dataclass(frozen=True)
class AdapterSpec:
    """Which records an adapter learns from: kind in ``kinds`` and source path matching one of ``paths``."""

    kinds: list[str] = field(default_factory=lambda: ["docx", "pptx", "xlsx", "pdf", "c"])
    paths: list[str] = field(default_factory=lambda: ["**"])  # fnmatch globs on the relative source path


@dataclass(frozen=True)
class LoraParams:
    r: int = 8
    alpha: int = 16
    dropout: float = 0.0  # 0 keeps CPU runs bit-reproducible without extra RNG state; raise for big corpora
    target_modules: str | list[str] = "all-linear"  # every linear projection (attention + MLP), not lm_head


@dataclass(frozen=True)
class TrainParams:
    """Optimisation knobs shared by CPT and SFT."""

    max_steps: int = 30  # optimizer steps (the data is cycled in a seeded order)
    batch_size: int = 4  # rows per optimizer step (per process)
    learning_rate: float = 2.0e-3
    weight_decay: float = 0.0
    schedule: Literal["cosine", "linear", "constant"] = "cosine"
    warmup_steps: int = 3
    max_grad_norm: float = 1.0
    eval_every: int = 10  # validation loss every N steps (and at the end)
    early_stopping_patience: int = 0  # stop after N evaluations without improvement; 0 = off
    seed: int = 0  # set before the adapter is created and before data order is drawn
    precision: Literal["fp32", "bf16", "fp16"] = "fp32"  # bf16/fp16 autocast on CUDA only
    device: Literal["auto", "cpu", "cuda"] = "auto"
    compile: bool = False  # torch.compile the model (CUDA; slow first step)
    gradient_checkpointing: bool = False


@dataclass(frozen=True)
class CptParams:
    """Continued pretraining of one adapter on its raw train records."""

    method: Literal["lora", "full"] = "lora"  # full = every weight trained (the escalation path)
    quantization: Literal["none", "nf4"] = "none"  # nf4 = QLoRA (bitsandbytes, CUDA only)
    lora: LoraParams = field(default_factory=LoraParams)
    train: TrainParams = field(default_factory=lambda: TrainParams(early_stopping_patience=2))
    seq_len: int = 256  # packed row length in tokens
    attention: Literal["sdpa", "eager", "flash_attention_2"] = "sdpa"
    rehearsal_path: str = ""  # JSONL records of general text mixed in against forgetting ("" = none)
    rehearsal_fraction: float = 0.0  # share of training documents drawn from rehearsal_path


@dataclass(frozen=True)
class TeacherParams:
    """Optional teacher-written pairs (instruction back-translation, see ``training.teacher``)."""

    model: str = ""  # local model directory or hub id; "" = off (the default: no teacher)
    kinds: list[str] = field(default_factory=lambda: ["docx", "pptx", "pdf"])  # records it writes questions for
    max_records: int = 64  # per split: the first N eligible records in record-id order
    instruction: str = (
        "Write one question that the following passage from an engineering document answers. "
        "Reply with the question only."
    )
    max_new_tokens: int = 48  # greedy generation budget for the question
    max_passage_chars: int = 1200  # the passage (and the answer) is cut at a line break before this
    min_question_chars: int = 12  # shorter first lines are skipped (counted in the report)
    batch_size: int = 8  # prompts generated together
    max_prompt_tokens: int = 512  # prompts are left-truncated to this


@dataclass(frozen=True)
class SftDataParams:
    """How instruction pairs are derived from one adapter's records."""

    tasks: list[str] = field(default_factory=lambda: ["c_explain", "c_write_body", "section", "slide", "table_lookup"])
    max_pairs_per_record: int = 2  # table look-ups per sheet chunk, sections per record
    max_completion_chars: int = 600  # longer bodies/sections are cut at a line boundary
    min_completion_chars: int = 8  # drop pairs whose answer is shorter (empty doc comments, ...)
    golden_glob: str = "data/sft/*.jsonl"  # hand-written pairs, each with a `split` field
    teacher: TeacherParams = field(default_factory=lambda: TeacherParams())  # optional, off by default


@dataclass(frozen=True)
class SftParams:
    """Instruction tuning of one adapter: a new LoRA on top of base + merged CPT adapter."""

    lora: LoraParams = field(default_factory=LoraParams)
    train: TrainParams = field(default_factory=lambda: TrainParams(max_steps=20, learning_rate=1.0e-3))
    max_length: int = 256  # prompt + completion tokens; longer pairs are truncated
    completion_only_loss: bool = True  # loss on the response tokens only


def load_adapters(params_path: str | Path) -> dict[str, AdapterSpec]:
    data = read_params_file(params_path).get("adapters")
    if not isinstance(data, dict) or not data:
        raise ParamsError(f"{params_path}: 'adapters' must map adapter names to {{kinds, paths}}")
    return {name: from_dict(AdapterSpec, spec, f"adapters.{name}") for name, spec in data.items()}


def load_adapter(params_path: str | Path, adapter: str) -> AdapterSpec:
    """The ``adapters.<adapter>`` selection; a name that is not there fails naming the ones that are."""
    adapters = load_adapters(params_path)
    if adapter not in adapters:
        raise ParamsError(f"adapters.{adapter}: no such adapter in {params_path} (have: {', '.join(adapters)})")
    return adapters[adapter]


def load_adapter_section(cls: type[T], section: str, adapter: str, params_path: str | Path) -> T:
    """``<section>.<adapter>`` of the params file as ``cls`` (strict: unknown keys fail)."""
    data = read_params_file(params_path).get(section)
    if not isinstance(data, dict) or adapter not in data:
        raise ParamsError(f"{params_path}: missing section '{section}.{adapter}'")
    return from_dict(cls, data[adapter], f"{section}.{adapter}")

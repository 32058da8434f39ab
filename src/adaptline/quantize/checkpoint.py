"""A torchao-quantized checkpoint that ``transformers`` loads back with ``from_pretrained``.

``save_pretrained`` of a model quantized in place with ``quantize_`` fails in torchao 0.18
("invalid python storage"). The route that works: save the float weights (for QAT: after
``QATConfig(step="convert")`` removed the fake quantizers), load them through transformers'
``TorchAoConfig`` with the same torchao config (quantization is deterministic, so the result is
bit-identical to ``quantize_``), then ``save_pretrained`` — transformers records the
quantization config in config.json and ``from_pretrained(dir)`` restores the tensor subclasses.
"""

from __future__ import annotations

import json
import os
import struct
import tempfile
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, TorchAoConfig

from adaptline.quantize.params import QuantScheme
from adaptline.quantize.scheme import convert_config
from adaptline.records import write_bytes


def quantize_from_float_dir(float_dir: str | os.PathLike[str], scheme: QuantScheme):
    """Load a float HF checkpoint quantized with ``scheme`` (PTQ of whatever weights it holds)."""
    config = TorchAoConfig(quant_type=convert_config(scheme), modules_to_not_convert=list(scheme.skip_modules))
    return AutoModelForCausalLM.from_pretrained(str(float_dir), quantization_config=config, dtype=torch.float32)


def save_quantized(float_model, tokenizer, scheme: QuantScheme, out_dir: str | os.PathLike[str]):
    """Quantize ``float_model`` (plain nn.Linear weights) and save it loadable; returns the quantized model."""
    with tempfile.TemporaryDirectory() as tmp:
        float_model.save_pretrained(tmp)
        quantized = quantize_from_float_dir(tmp, scheme)
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    quantized.save_pretrained(str(out_dir))
    tokenizer.save_pretrained(str(out_dir))
    for path in sorted(Path(out_dir).glob("*.safetensors")):
        canonicalize_safetensors(path)
    return quantized


def canonicalize_safetensors(path: str | os.PathLike[str]) -> None:
    """Rewrite the JSON header with sorted keys: torchao's per-tensor metadata comes out in
    hash-seed-dependent order, which would make identical weights differ byte-wise between runs."""
    target = Path(path)
    blob = target.read_bytes()
    length = struct.unpack("<Q", blob[:8])[0]
    header = json.loads(blob[8 : 8 + length])
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # safetensors pads the header to 8-byte alignment with spaces
    write_bytes(target, struct.pack("<Q", len(text)) + text + blob[8 + length :])


def load_quantized(model_dir: str | os.PathLike[str]):
    return AutoModelForCausalLM.from_pretrained(str(model_dir))


def dir_size(path: str | os.PathLike[str], suffixes: tuple[str, ...] = (".safetensors", ".bin", ".gguf")) -> int:
    """Bytes of weight files under ``path`` (what a deployment ships)."""
    root = Path(path)
    files = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files if p.name.endswith(suffixes))

"""Write a Llama-architecture model (plain or torchao-quantized) as a GGUF file for llama.cpp.

Linear weights that torchao quantized symmetrically in groups of 32 map *exactly* onto GGUF
blocks: int4 -> Q4_0 (stored nibble = q + 8, scale as fp16) and int8 -> Q8_0, so the GGUF file
holds the same integers the QAT model was trained for (only the scale is rounded to fp16).
Plain float weights are written as F16/F32 (norms always F32). The byte-level BPE tokenizer is
written as a 'gpt2' vocabulary with its merges so llama.cpp tokenizes like `transformers`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import gguf
import numpy as np
import torch

from adaptline.stage import StageInputError

QK = 32  # GGUF Q4_0/Q8_0 block size


def _permute_rows(weight: torch.Tensor, n_head: int) -> torch.Tensor:
    """HF Llama q/k rows are in rotate-half order; GGUF expects interleaved pairs (as convert_hf_to_gguf)."""
    rows = weight.shape[0]
    return weight.reshape(n_head, 2, rows // n_head // 2, *weight.shape[1:]).swapaxes(1, 2).reshape(weight.shape)


def _quantized_parts(weight: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, int] | None:
    """(int values, per-block scales, bits) of a symmetric group-32 torchao weight, else None."""
    qdata = getattr(weight, "qdata", None)
    scale = getattr(weight, "scale", None)
    block = getattr(weight, "block_size", None)
    if qdata is None or scale is None or block is None or list(block)[-1] != QK:
        return None
    zero = getattr(weight, "zero_point", None)
    if zero is not None and bool(torch.any(zero != 0)):
        return None  # asymmetric weights have no exact Q4_0/Q8_0 form
    lo, hi = int(qdata.min()), int(qdata.max())
    bits = 4 if lo >= -8 and hi <= 7 else 8
    return qdata.to(torch.int16), scale.reshape(qdata.shape[0], -1).float(), bits


def _pack_blocks(qdata: torch.Tensor, scale: torch.Tensor, bits: int) -> tuple[np.ndarray, gguf.GGMLQuantizationType]:
    """Bytes of Q4_0 (fp16 d + 16 nibble bytes) or Q8_0 (fp16 d + 32 int8) blocks, row-major."""
    rows, cols = qdata.shape
    blocks = qdata.reshape(rows, cols // QK, QK).numpy()
    d = scale.numpy().astype(np.float16).reshape(rows, cols // QK, 1).view(np.uint8)
    if bits == 4:
        nib = (blocks + 8).astype(np.uint8)
        qs = nib[..., : QK // 2] | (nib[..., QK // 2 :] << 4)
        kind = gguf.GGMLQuantizationType.Q4_0
    else:
        qs = blocks.astype(np.int8).view(np.uint8)
        kind = gguf.GGMLQuantizationType.Q8_0
    return np.concatenate([d, qs], axis=-1).reshape(rows, -1), kind


def _dense(weight: torch.Tensor) -> torch.Tensor:
    return weight.dequantize() if hasattr(weight, "dequantize") and hasattr(weight, "qdata") else weight.detach()


def _add_tokenizer(writer: gguf.GGUFWriter, tokenizer) -> None:
    state = json.loads(tokenizer.backend_tokenizer.to_str())
    if state["model"]["type"] != "BPE":
        raise StageInputError("GGUF export supports byte-level BPE tokenizers only")
    vocab = tokenizer.get_vocab()
    size = max(vocab.values()) + 1
    tokens = [f"[PAD{i}]" for i in range(size)]
    for token, index in vocab.items():
        tokens[index] = token
    special = set(tokenizer.all_special_ids) | {t["id"] for t in state.get("added_tokens", [])}
    known = set(vocab)

    def token_type(i: int) -> gguf.TokenType:
        if i in special:
            return gguf.TokenType.CONTROL
        return gguf.TokenType.NORMAL if tokens[i] in known else gguf.TokenType.UNUSED

    types = [token_type(i) for i in range(size)]
    merges = [m if isinstance(m, str) else " ".join(m) for m in state["model"]["merges"]]
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("gpt-2")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(merges)
    for setter, token_id in (
        (writer.add_bos_token_id, tokenizer.bos_token_id),
        (writer.add_eos_token_id, tokenizer.eos_token_id),
        (writer.add_pad_token_id, tokenizer.pad_token_id),
    ):
        if token_id is not None:
            setter(int(token_id))
    writer.add_add_bos_token(tokenizer.bos_token_id is not None)
    writer.add_add_eos_token(False)
    if getattr(tokenizer, "chat_template", None):
        writer.add_chat_template(tokenizer.chat_template)


def export_gguf(model, tokenizer, path: str | os.PathLike[str], float_type: str = "F16", name: str = "") -> Path:
    """Write ``model`` (LlamaForCausalLM, plain or torchao-quantized) to ``path``; returns the path."""
    cfg = model.config
    if cfg.model_type != "llama":
        raise StageInputError(f"GGUF export supports the llama architecture, not {cfg.model_type}")
    n_head, n_kv = cfg.num_attention_heads, cfg.num_key_value_heads
    head_dim = getattr(cfg, "head_dim", None) or cfg.hidden_size // n_head
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    writer = gguf.GGUFWriter(str(target), gguf.MODEL_ARCH_NAMES[gguf.MODEL_ARCH.LLAMA])
    writer.add_name(name or "adaptline")
    writer.add_context_length(cfg.max_position_embeddings)
    writer.add_embedding_length(cfg.hidden_size)
    writer.add_block_count(cfg.num_hidden_layers)
    writer.add_feed_forward_length(cfg.intermediate_size)
    writer.add_head_count(n_head)
    writer.add_head_count_kv(n_kv)
    writer.add_key_length(head_dim)
    writer.add_value_length(head_dim)
    writer.add_rope_dimension_count(head_dim)
    rope = getattr(cfg, "rope_parameters", None) or {}
    if rope.get("rope_type", "default") != "default":
        raise StageInputError(f"GGUF export supports default RoPE only, not {rope.get('rope_type')}")
    writer.add_rope_freq_base(float(rope.get("rope_theta", getattr(cfg, "rope_theta", 10000.0))))
    writer.add_layer_norm_rms_eps(float(cfg.rms_norm_eps))
    writer.add_vocab_size(cfg.vocab_size)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_Q4_0)
    _add_tokenizer(writer, tokenizer)

    names = gguf.get_tensor_name_map(gguf.MODEL_ARCH.LLAMA, cfg.num_hidden_layers)
    state = dict(model.state_dict())
    if "lm_head.weight" not in state or cfg.tie_word_embeddings:
        state["lm_head.weight"] = model.get_output_embeddings().weight
    for hf_name in sorted(state):
        if hf_name.endswith("rotary_emb.inv_freq"):
            continue
        weight = state[hf_name]
        gguf_name = names.get_name(hf_name, try_suffixes=(".weight", ".bias"))
        if gguf_name is None:
            raise ValueError(f"no GGUF name for tensor {hf_name}")
        heads = n_head if hf_name.endswith("q_proj.weight") else n_kv if hf_name.endswith("k_proj.weight") else 0
        parts = _quantized_parts(weight)
        if parts is not None:
            qdata, scale, bits = parts
            if heads:
                qdata, scale = _permute_rows(qdata, heads), _permute_rows(scale, heads)
            data, kind = _pack_blocks(qdata, scale, bits)
            writer.add_tensor(gguf_name, data, raw_dtype=kind)
            continue
        dense = _dense(weight).float()
        if heads:
            dense = _permute_rows(dense, heads)
        array = dense.numpy()
        if array.ndim >= 2 and float_type == "F16":
            array = array.astype(np.float16)
        writer.add_tensor(gguf_name, array)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return target

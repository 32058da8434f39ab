"""Test-time data: record texts, instruction pairs, and per-document token windows.

Windows never cross a document boundary, so perplexity (and the QAT/distillation training that
reuses them) never conditions one document on another.
"""

from __future__ import annotations

import fnmatch
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import torch

from adaptline.config import read_params_file
from adaptline.records import Record, read_records


@dataclass(frozen=True)
class AdapterScope:
    """Which records belong to an adapter (params.yaml ``adapters.<name>``: ``kinds``, ``paths`` globs).

    Empty ``kinds``/``paths`` mean "any". Evaluation, QAT and distillation of adapter A read only
    A's records, like its CPT stage.
    """

    kinds: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()

    def keeps(self, record: Record) -> bool:
        kind_ok = not self.kinds or record.kind in self.kinds
        path_ok = not self.paths or any(fnmatch.fnmatchcase(record.source_path, g) for g in self.paths)
        return kind_ok and path_ok

    @classmethod
    def from_params(cls, params_path: str | os.PathLike[str], adapter: str) -> AdapterScope:
        spec: dict[str, Any] = (read_params_file(params_path).get("adapters") or {}).get(adapter) or {}
        return cls(tuple(spec.get("kinds") or ()), tuple(spec.get("paths") or ()))


@dataclass(frozen=True)
class Pair:
    """One held-out instruction pair (see the sft_data stage)."""

    prompt: str
    completion: str
    task: str
    source_record_ids: tuple[str, ...]


def read_texts(
    path: str | os.PathLike[str], limit: int = 0, scope: AdapterScope | None = None
) -> tuple[list[str], list[str]]:
    """(training texts, record ids) of a split file's records in ``scope``, in file order; ``limit`` 0 = all."""
    records = [r for r in read_records(path) if scope is None or scope.keeps(r)]
    if limit:
        records = records[:limit]
    return [r.training_text() for r in records], [r.record_id for r in records]


def read_pairs(path: str | os.PathLike[str], limit: int = 0) -> list[Pair]:
    pairs = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            pairs.append(
                Pair(row["prompt"], row["completion"], row.get("task", ""), tuple(row.get("source_record_ids", ())))
            )
    return pairs[:limit] if limit else pairs


def pair_prompt(tokenizer, prompt: str, prompt_format: str) -> str:
    """The prompt text as the SFT model saw it: the chat template's user turn, or the raw prompt."""
    if prompt_format == "chat" and getattr(tokenizer, "chat_template", None):
        return tokenizer.apply_chat_template(
            [{"role": "user", "content": prompt}], tokenize=False, add_generation_prompt=True
        )
    return prompt


def document_ids(tokenizer, text: str) -> list[int]:
    """Token ids of one document framed as the model saw it in training: BOS? + text + EOS."""
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    head = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []
    tail = [tokenizer.eos_token_id] if tokenizer.eos_token_id is not None else []
    return head + ids + tail


def windows(tokenizer, texts: Sequence[str], max_length: int) -> list[list[int]]:
    """Each document's ids cut into consecutive windows of at most ``max_length`` (>= 2 tokens each)."""
    out = []
    for text in texts:
        ids = document_ids(tokenizer, text)
        for start in range(0, len(ids), max_length):
            piece = ids[start : start + max_length]
            if len(piece) >= 2:
                out.append(piece)
    return out


def batches(rows: Sequence[list[int]], batch_size: int, pad_id: int) -> Iterator[dict[str, torch.Tensor]]:
    """Right-padded batches with ``labels`` = ids and -100 on padding (causal LM convention)."""
    for start in range(0, len(rows), batch_size):
        chunk = rows[start : start + batch_size]
        width = max(len(r) for r in chunk)
        ids = torch.full((len(chunk), width), pad_id, dtype=torch.long)
        mask = torch.zeros((len(chunk), width), dtype=torch.long)
        for i, row in enumerate(chunk):
            ids[i, : len(row)] = torch.tensor(row, dtype=torch.long)
            mask[i, : len(row)] = 1
        labels = ids.masked_fill(mask == 0, -100)
        yield {"input_ids": ids, "attention_mask": mask, "labels": labels}


def pad_id(tokenizer) -> int:
    for candidate in (tokenizer.pad_token_id, tokenizer.eos_token_id, 0):
        if candidate is not None:
            return int(candidate)
    return 0

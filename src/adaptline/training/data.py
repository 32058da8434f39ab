"""Training data for CPT: adapter filters, document framing and packing without cross-document attention.

Packing puts several documents into one fixed-length row so no compute is spent on padding. The
row carries ``position_ids`` that restart at 0 at every document start; given ``position_ids``
and no 2-D attention mask, transformers builds a block-diagonal causal mask (sdpa/eager) or
calls the variable-length flash-attention kernel, so a token never attends to another document.
The first token of each segment has no label: it would otherwise be predicted from the previous
document's last token.
"""

from __future__ import annotations

import fnmatch
import os
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

import torch

from adaptline.records import Record, read_records
from adaptline.training.params import AdapterSpec

IGNORE_INDEX = -100
T = TypeVar("T")


def select_records(records: Iterable[Record], spec: AdapterSpec) -> list[Record]:
    """The records an adapter learns from: kind in ``spec.kinds`` and path matching one of ``spec.paths``.

    Globs use ``fnmatch`` on the relative posix path, where ``*`` also crosses ``/`` (``**`` = any path).
    """
    kinds = set(spec.kinds)
    return [
        r
        for r in records
        if r.kind in kinds and any(fnmatch.fnmatchcase(r.source_path, pattern) for pattern in spec.paths)
    ]


def read_adapter_records(path: str | os.PathLike[str], spec: AdapterSpec) -> list[Record]:
    return select_records(read_records(path), spec)


def document_ids(tokenizer, text: str) -> list[int]:
    """BOS + text + EOS: how every document is framed (evaluation uses the same framing)."""
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    head = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []
    return head + ids + [tokenizer.eos_token_id]


@dataclass(frozen=True)
class PackedRow:
    input_ids: list[int]
    position_ids: list[int]
    labels: list[int]
    sources: tuple[int, ...] = ()  # indices of the documents with tokens in this row (for lineage)


def pack_documents(docs: Sequence[list[int]], seq_len: int, pad_id: int) -> list[PackedRow]:
    """Fill rows of ``seq_len`` tokens with documents in order; a long document continues in the next row.

    Each segment (a document, or the part of one inside a row) gets positions 0..n-1. The tail of
    the last row is padding: its own segment, no labels.
    """
    rows: list[PackedRow] = []
    ids: list[int] = []
    pos: list[int] = []
    labels: list[int] = []
    sources: list[int] = []
    for index, doc in enumerate(docs):
        start = 0
        while start < len(doc):
            piece = doc[start : start + seq_len - len(ids)]
            ids += piece
            pos += list(range(len(piece)))
            labels += [IGNORE_INDEX, *piece[1:]]
            sources.append(index)
            start += len(piece)
            if len(ids) == seq_len:
                rows.append(PackedRow(ids, pos, labels, tuple(sources)))
                ids, pos, labels, sources = [], [], [], []
    if ids:
        pad = seq_len - len(ids)
        rows.append(
            PackedRow(ids + [pad_id] * pad, pos + list(range(pad)), labels + [IGNORE_INDEX] * pad, tuple(sources))
        )
    return rows


def unpacked_rows(docs: Sequence[list[int]], seq_len: int, pad_id: int) -> list[PackedRow]:
    """One document (window) per row, right-padded: the no-packing baseline (benchmarks, comparisons)."""
    rows = []
    for index, doc in enumerate(docs):
        for start in range(0, len(doc), seq_len):
            piece = doc[start : start + seq_len]
            pad = seq_len - len(piece)
            labels = [IGNORE_INDEX, *piece[1:]] + [IGNORE_INDEX] * pad
            rows.append(PackedRow(piece + [pad_id] * pad, list(range(seq_len)), labels, (index,)))
    return rows


def collate(rows: Sequence[PackedRow], device: torch.device | str = "cpu") -> dict[str, torch.Tensor]:
    """Tensors for ``model(**batch)``: no attention_mask on purpose (position_ids carry the boundaries)."""
    return {
        "input_ids": torch.tensor([r.input_ids for r in rows], dtype=torch.long, device=device),
        "position_ids": torch.tensor([r.position_ids for r in rows], dtype=torch.long, device=device),
        "labels": torch.tensor([r.labels for r in rows], dtype=torch.long, device=device),
    }


def mix_rehearsal(docs: list[T], general: list[T], fraction: float, seed: int) -> list[T]:
    """Add general-text documents so they make up ``fraction`` of the training documents (seeded draw)."""
    if fraction <= 0 or not general:
        return docs
    if not 0 < fraction < 1:
        raise ValueError(f"rehearsal_fraction must be in [0, 1), got {fraction}")
    wanted = round(len(docs) * fraction / (1 - fraction))
    rng = random.Random(seed)
    drawn = [general[rng.randrange(len(general))] for _ in range(wanted)]
    mixed = docs + drawn
    rng.shuffle(mixed)
    return mixed


def batch_order(n_rows: int, batch_size: int, steps: int, seed: int) -> Iterator[list[int]]:
    """Row indices for each step: seeded reshuffles per pass over the rows (epochs), cycled as needed."""
    rng = random.Random(seed)
    order: list[int] = []
    for _ in range(steps):
        batch = []
        while len(batch) < batch_size:
            if not order:
                order = list(range(n_rows))
                rng.shuffle(order)
            batch.append(order.pop())
        yield batch

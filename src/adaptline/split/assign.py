"""Stable, leak-free assignment of documents to train/val/test.

Each document's split is a pure function of its own id (sha256 of its bytes) and the params:
``u = sha256(salt:doc_id) / 2**256`` in [0, 1) is compared with the cumulative ratios. So:
- all chunks of a document share its split;
- a fresh ``dvc repro`` reproduces the assignment exactly;
- adding or removing documents never moves any other document (no train <-> val/test moves at all);
- ratios converge to the params (binomial noise: about ±0.9 points for 10 % at 1,000 documents).
Near-duplicates cannot span splits because ``dedup`` has already collapsed every cluster to one
record; ``audit_leakage`` checks that independently after the split.
"""

from __future__ import annotations

import hashlib

from adaptline.split.params import SplitParams

SPLITS: tuple[str, ...] = ("train", "val", "test")


def unit_hash(salt: str, doc_id: str) -> float:
    digest = hashlib.sha256(f"{salt}:{doc_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def assign_split(doc_id: str, params: SplitParams) -> str:
    u = unit_hash(params.salt, doc_id)
    if u < params.train:
        return "train"
    if u < params.train + params.val:
        return "val"
    return "test"

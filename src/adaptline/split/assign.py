"""Stable, leak-free assignment of documents to train/val/test.

Rule (a pure function of the corpus and the params, so a fresh ``dvc repro`` reproduces it):
1. every document gets its own *bucket* from its id (sha256 of its bytes):
   ``u = sha256(salt:doc_id) / 2**64`` in [0, 1), compared with the cumulative ratios;
2. documents linked by shared duplicate content (``dedup`` report ``document_links``, dropped
   documents included) form a *family* (connected component); every chunk of every document of a
   family lands in one split;
3. a family takes the most held-out bucket among its members: test > val > train.

Why this is stable: a document's bucket never changes, and when the corpus grows families only
gain members or merge (see ``adaptline.dedup.families``), so the maximum over members can only
rise: adding documents never moves a val/test document into train. Moving train -> val/test (or
val -> test) happens only when a family grows; ``promotions`` lists those documents. A family key
such as "its smallest doc id" is deliberately *not* hashed: it would change whenever a smaller
document joined, and could send a held-out family back to train.
Ratios: singletons follow the params exactly in expectation (binomial noise, about ±0.9 points at
1,000 documents for a 10 % split); a family of k documents is held out with probability
1 - train**k, so corpora rich in families lean slightly towards val/test (reported by the stage).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from adaptline.split.params import SplitParams

SPLITS: tuple[str, ...] = ("train", "val", "test")
HELD_OUT_RANK = {name: rank for rank, name in enumerate(SPLITS)}  # test is the most held out


def unit_hash(salt: str, doc_id: str) -> float:
    digest = hashlib.sha256(f"{salt}:{doc_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def assign_split(doc_id: str, params: SplitParams) -> str:
    """A document's own bucket, before families are taken into account."""
    u = unit_hash(params.salt, doc_id)
    if u < params.train:
        return "train"
    if u < params.train + params.val:
        return "val"
    return "test"


@dataclass(frozen=True)
class Assignment:
    split: str  # where every record of the document goes
    bucket: str  # the document's own bucket (differs from split when its family pulled it out of train/val)
    family: str  # smallest doc id of the family: a label for reports, never hashed


def _find(parent: dict[str, str], key: str) -> str:
    root = key
    while parent[root] != root:
        root = parent[root]
    while parent[key] != root:
        parent[key], key = root, parent[key]
    return root


def families(doc_ids: Iterable[str], links: Iterable[tuple[str, str]]) -> dict[str, str]:
    """doc id -> smallest doc id of its connected component (documents in links included)."""
    parent: dict[str, str] = {d: d for d in doc_ids}
    for a, b in links:
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = _find(parent, a), _find(parent, b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)  # the root is always the smallest id of the component
    return {d: _find(parent, d) for d in parent}


def assign_documents(
    doc_ids: Iterable[str], links: Iterable[tuple[str, str]], params: SplitParams
) -> dict[str, Assignment]:
    """Assignment of every document in ``doc_ids`` and in ``links`` (documents dropped by dedup still vote)."""
    family_of = families(doc_ids, links)
    buckets = {d: assign_split(d, params) for d in family_of}
    family_split: dict[str, str] = {}
    for doc_id, family in family_of.items():
        current = family_split.get(family, "train")
        if HELD_OUT_RANK[buckets[doc_id]] > HELD_OUT_RANK[current]:
            current = buckets[doc_id]
        family_split[family] = current
    return {d: Assignment(family_split[family_of[d]], buckets[d], family_of[d]) for d in sorted(family_of)}


def assignment_moves(before: Mapping[str, str], after: Mapping[str, str]) -> dict[str, int]:
    """Counts of documents present in both maps by transition (``"train->test"``); held-out -> train is a bug."""
    moves: dict[str, int] = {}
    for doc_id in sorted(before.keys() & after.keys()):
        if before[doc_id] != after[doc_id]:
            key = f"{before[doc_id]}->{after[doc_id]}"
            moves[key] = moves.get(key, 0) + 1
    return moves

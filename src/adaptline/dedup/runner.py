"""The ``dedup`` stage: exact duplicates, then near-duplicates (MinHash LSH, verified), clustered.

Rule for the one item kept per cluster (documented in the README): the item with the longest
normalised text (the most complete version), ties broken by the lexicographically greatest source
path (later revisions usually sort later: ``rev_B`` after ``rev_A``), then by id. Every dropped
record names what it duplicates, the similarity, and the cluster, for lineage.

The report also lists every cluster with its member items and documents (kept ones included), and
``document_links``: documents sharing enough duplicate content to be one family, which ``split``
keeps in one split (see ``adaptline.dedup.families``).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from adaptline.cache import ContentCache, cache_key, code_hash
from adaptline.config import to_dict
from adaptline.dedup.families import document_links
from adaptline.dedup.minhash import MINHASH_SCHEME, lsh_candidate_pairs, shingles_for, signatures_for
from adaptline.dedup.params import DedupParams
from adaptline.dedup.shingles import CODE_KINDS, jaccard, normalize
from adaptline.log import get_logger, progress
from adaptline.records import Record, read_records, write_json, write_records

DEDUP_VERSION = "dedup-2"  # bump when shingling or signatures change (invalidates the cache)
# The code that turns text into a signature: its hash keys the signature cache too, so an edit
# without a version bump still recomputes signatures instead of serving stale ones.
_SIGNATURE_SOURCES = ("shingles.py", "minhash.py")
log = get_logger(__name__)


class DedupError(RuntimeError):
    """A pipeline-level problem (missing input)."""


@dataclass
class Item:
    """One unit of deduplication: a record, or a whole document (granularity: document)."""

    key: str  # record id, or doc id
    kind: str
    source_path: str
    text: str
    records: list[Record]
    normalized: str = ""
    shingle_set: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.uint32))

    def keep_rank(self) -> tuple[int, str, str]:
        return (len(self.normalized), self.source_path, self.key)


def build_items(records: list[Record], params: DedupParams) -> list[Item]:
    if params.granularity == "record":
        items = [Item(r.record_id, r.kind, r.source_path, r.text, [r]) for r in records]
    else:
        by_doc: dict[str, list[Record]] = defaultdict(list)
        for record in records:
            by_doc[record.doc_id].append(record)
        items = []
        for doc_id, members in by_doc.items():
            members.sort(key=lambda r: r.chunk_index)
            text = "\n".join(r.text for r in members)
            items.append(Item(doc_id, members[0].kind, members[0].source_path, text, members))
    for item in items:
        item.normalized = normalize(item.text, params.normalize, code=item.kind in CODE_KINDS)
    hashes = shingles_for([(item.text, item.kind) for item in items], params, params.workers or os.cpu_count() or 1)
    for item, shingle_set in zip(items, hashes, strict=True):
        item.shingle_set = shingle_set
    return sorted(items, key=lambda i: i.key)


def shingle_params(params: DedupParams) -> dict[str, object]:
    """The params that change signatures (the signature cache key)."""
    data = to_dict(params)
    for name in (
        "granularity",
        "threshold",
        "lsh_threshold",
        "min_chars",
        "family_min_shared",
        "family_max_docs",
        "lsh_max_bucket",
    ):
        data.pop(name)
    return data


def signature_code_hash() -> str:
    return code_hash(*(Path(__file__).parent / name for name in _SIGNATURE_SOURCES))


def compute_signatures(items: list[Item], params: DedupParams, cache: ContentCache) -> dict[str, np.ndarray]:
    """Signatures of all items long enough for MinHash; only uncached contents are computed."""
    key_params = shingle_params(params)
    code = signature_code_hash()
    signatures: dict[str, np.ndarray] = {}
    todo: dict[str, list[Item]] = {}
    for item in progress(items, desc="dedup cache lookup", unit="rec"):
        if len(item.normalized) < params.min_chars:
            continue
        content = hashlib.sha256(item.text.encode("utf-8")).hexdigest()
        key = cache_key(DEDUP_VERSION, MINHASH_SCHEME, code, item.kind, content, key_params)
        if key in todo:
            todo[key].append(item)
            continue
        cached = cache.get(key)
        if cached is None:
            todo[key] = [item]
        else:
            signatures[item.key] = np.asarray(cached, dtype=np.uint64)
    keys = sorted(todo)
    computed = signatures_for([todo[key][0].shingle_set for key in keys], params)
    for key, values in zip(keys, computed, strict=True):
        cache.put(key, [int(v) for v in values])
        for item in todo[key]:
            signatures[item.key] = values
    return signatures


def exact_digest(item: Item) -> str:
    """Key of exact duplication: sha256 of the normalised text."""
    return hashlib.sha256(item.normalized.encode("utf-8")).hexdigest()


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:
            self.parent[key], key = root, self.parent[key]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def find_clusters(items: list[Item], params: DedupParams, cache: ContentCache) -> tuple[list[list[Item]], dict]:
    """Group items into duplicate clusters; returns clusters of size >= 2 and counters."""
    by_key = {item.key: item for item in items}
    groups = UnionFind()
    exact: dict[str, str] = {}
    exact_pairs = 0
    for item in items:
        digest = exact_digest(item)
        if digest in exact:
            groups.union(exact[digest], item.key)
            exact_pairs += 1
        else:
            exact[digest] = item.key
    # One item per exact group enters LSH: its copies are already united, and k identical
    # signatures would otherwise yield k*(k-1)/2 candidate pairs (a footer in every document).
    representatives = [item for item in items if exact[exact_digest(item)] == item.key]
    signatures = compute_signatures(representatives, params, cache)
    candidates = lsh_candidate_pairs(signatures, params)
    verified = 0
    for a, b in sorted(candidates):
        if groups.find(a) == groups.find(b):
            continue
        if jaccard(by_key[a].shingle_set, by_key[b].shingle_set) >= params.threshold:
            groups.union(a, b)
            verified += 1
    members: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        members[groups.find(item.key)].append(item)
    clusters = [sorted(group, key=lambda i: i.key) for group in members.values() if len(group) > 1]
    clusters.sort(key=lambda group: group[0].key)
    counters = {
        "exact_pairs": exact_pairs,
        "lsh_candidate_pairs": len(candidates),
        "verified_near_pairs": verified,
        "rejected_candidate_pairs": len(candidates) - verified,
    }
    return clusters, counters


def run_dedup(
    input_path: str | Path, output_path: str | Path, report_path: str | Path, cache_dir: str | Path, params: DedupParams
) -> dict:
    """Read scrubbed records, drop duplicates, write kept records and the dedup report."""
    if not Path(input_path).is_file():
        raise DedupError(f"input records not found: {input_path} (run the scrub stage first)")
    started = time.perf_counter()
    records = list(read_records(input_path))
    cache = ContentCache(cache_dir)
    items = build_items(records, params)
    clusters, counters = find_clusters(items, params, cache)

    dropped: list[dict] = []
    cluster_index: list[dict] = []
    drop_keys: set[str] = set()
    for number, cluster in enumerate(clusters, start=1):
        cluster_id = f"c{number:05d}"
        keeper = max(cluster, key=Item.keep_rank)
        kept_set = keeper.shingle_set
        cluster_index.append(
            {
                "cluster_id": cluster_id,
                "kept": keeper.key,
                "members": [i.key for i in cluster],
                "doc_ids": sorted({i.records[0].doc_id for i in cluster}),
                "kind": keeper.kind,
            }
        )
        for item in cluster:
            if item is keeper:
                continue
            drop_keys.add(item.key)
            is_exact = item.normalized == keeper.normalized
            similarity = 1.0 if is_exact else round(jaccard(item.shingle_set, kept_set), 4)
            for record in item.records:
                dropped.append(
                    {
                        "record_id": record.record_id,
                        "doc_id": record.doc_id,
                        "source_path": record.source_path,
                        "kind": record.kind,
                        "duplicate_of": keeper.records[0].record_id if params.granularity == "record" else keeper.key,
                        "duplicate_of_path": keeper.source_path,
                        "similarity": similarity,
                        "cluster_id": cluster_id,
                        "reason": "exact" if is_exact else "near",
                    }
                )
    links = document_links(items, clusters, params.family_min_shared, params.family_max_docs)
    kept = [record for item in items if item.key not in drop_keys for record in item.records]
    write_records(output_path, kept)
    dropped.sort(key=lambda d: (d["source_path"], d["record_id"]))
    by_reason: dict[str, int] = defaultdict(int)
    for entry in dropped:
        by_reason[entry["reason"]] += 1
    report = {
        "totals": {
            "input_records": len(records),
            "kept_records": len(kept),
            "dropped_records": len(dropped),
            "dropped_exact": by_reason["exact"],
            "dropped_near": by_reason["near"],
            "clusters": len(clusters),
            "document_links": len(links),
            "boilerplate_clusters": sum(1 for c in cluster_index if len(c["doc_ids"]) > params.family_max_docs),
            **counters,
        },
        "granularity": params.granularity,
        "threshold": params.threshold,
        "clusters": cluster_index,
        "document_links": links,
        "dropped": dropped,
    }
    write_json(report_path, report)  # byte-identical whether the signature cache was warm or cold
    log.info(
        "dedup: %d records -> %d kept, %d exact + %d near duplicates dropped in %d clusters; "
        "signatures %d computed, %d cached (%.1f s)",
        len(records),
        len(kept),
        by_reason["exact"],
        by_reason["near"],
        len(clusters),
        cache.stats.misses,
        cache.stats.hits,
        time.perf_counter() - started,
    )
    # cache counters differ between a cold and a warm run: returned and logged, not in the report
    return {**report, "cache": {"signatures_computed": cache.stats.misses, "signatures_cached": cache.stats.hits}}

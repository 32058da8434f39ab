"""MinHash signatures (datasketch) and LSH banding, vectorised for throughput.

Signatures are datasketch ``MinHash`` objects fed pre-computed 32-bit shingle hashes; LSH uses
datasketch's optimal (bands, rows) for the threshold, with the banding done in numpy over all
signatures at once (datasketch's ``MinHashLSH`` index is pure Python and dominated the run time).
Signatures depend only on a record's text, kind and the shingling params, so they are cached by
content: adding documents never recomputes the signatures of old ones.
"""

from __future__ import annotations

import multiprocessing

import numpy as np
from datasketch import MinHash
from datasketch.lsh import _optimal_param

from adaptline.dedup.params import DedupParams
from adaptline.dedup.shingles import shingles

MINHASH_SCHEME = "affine32"  # datasketch 2.x permutation scheme; part of the signature cache key


def _identity(value: int) -> int:
    return value


def signature(shingle_hashes: np.ndarray, params: DedupParams) -> np.ndarray:
    """MinHash signature (``num_perm`` values) of a set of 32-bit shingle hashes."""
    minhash = MinHash(num_perm=params.num_perm, seed=params.seed, hashfunc=_identity, scheme=MINHASH_SCHEME)
    if len(shingle_hashes):
        minhash.update_batch(shingle_hashes.tolist())
    return minhash.hashvalues.copy()


def _signature_batch(args: tuple[list[np.ndarray], DedupParams]) -> list[np.ndarray]:
    sets, params = args
    return [signature(s, params) for s in sets]


def signatures_for(shingle_sets: list[np.ndarray], params: DedupParams, workers: int) -> list[np.ndarray]:
    """Signatures of many shingle sets, over a process pool when ``workers`` > 1 and the batch is large."""
    if workers <= 1 or len(shingle_sets) < params.parallel_min_items:
        return [signature(s, params) for s in shingle_sets]
    size = max(1, len(shingle_sets) // (workers * 4))
    batches = [(shingle_sets[i : i + size], params) for i in range(0, len(shingle_sets), size)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        return [sig for batch in pool.map(_signature_batch, batches) for sig in batch]


def _shingle_batch(args: tuple[list[tuple[str, str]], DedupParams]) -> list[np.ndarray]:
    texts, params = args
    return [shingles(text, kind, params) for text, kind in texts]


def shingles_for(texts: list[tuple[str, str]], params: DedupParams, workers: int) -> list[np.ndarray]:
    """Shingle hashes of many (text, kind) pairs, over a process pool when the batch is large."""
    if workers <= 1 or len(texts) < params.parallel_min_items:
        return [shingles(text, kind, params) for text, kind in texts]
    size = max(1, len(texts) // (workers * 4))
    batches = [(texts[i : i + size], params) for i in range(0, len(texts), size)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        return [hashes for batch in pool.map(_shingle_batch, batches) for hashes in batch]


def lsh_bands(params: DedupParams) -> tuple[int, int]:
    """(bands, rows per band) minimising equal-weight false positive + negative at ``lsh_threshold``."""
    return _optimal_param(params.lsh_threshold, params.num_perm, 0.5, 0.5)


def lsh_candidate_pairs(signatures: dict[str, np.ndarray], params: DedupParams) -> set[tuple[str, str]]:
    """Pairs of keys whose signatures agree on every row of at least one band (unverified)."""
    keys = sorted(signatures)
    if len(keys) < 2:
        return set()
    matrix = np.ascontiguousarray(np.stack([signatures[k] for k in keys]).astype(np.uint64))
    bands, rows = lsh_bands(params)
    pairs: set[tuple[int, int]] = set()
    for band in range(bands):
        block = np.ascontiguousarray(matrix[:, band * rows : (band + 1) * rows])
        _, inverse, counts = np.unique(
            block.view(np.dtype((np.void, block.dtype.itemsize * rows))).ravel(),
            return_inverse=True,
            return_counts=True,
        )
        shared = np.flatnonzero(counts[inverse] > 1)
        if len(shared) == 0:
            continue
        order = shared[np.argsort(inverse[shared], kind="stable")]
        buckets = np.split(order, np.flatnonzero(np.diff(inverse[order])) + 1)
        for bucket in buckets:
            members = bucket.tolist()
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    pairs.add((a, b))
    return {(keys[a], keys[b]) for a, b in pairs}

"""The fast signature path stays bit-identical to datasketch, and LSH catches what it should."""

from __future__ import annotations

import numpy as np
from datasketch import MinHash
from dedup_fixtures import PROSE_A, PROSE_A_EDITED, PROSE_B

from adaptline.dedup.minhash import MINHASH_SCHEME, lsh_candidate_pairs, signature
from adaptline.dedup.params import DedupParams
from adaptline.dedup.shingles import shingles


def test_signature_equals_datasketch_minhash():
    params = DedupParams()
    for text in (PROSE_A, PROSE_B, ""):
        hashes = shingles(text, "docx", params)
        reference = MinHash(num_perm=params.num_perm, seed=params.seed, hashfunc=int, scheme=MINHASH_SCHEME)
        if len(hashes):
            reference.update_batch(hashes.tolist())
        assert np.array_equal(signature(hashes, params), reference.hashvalues)


def test_lsh_pairs_near_duplicates_only():
    params = DedupParams()
    sigs = {
        name: signature(shingles(text, "docx", params), params)
        for name, text in (("a", PROSE_A), ("a2", PROSE_A_EDITED), ("b", PROSE_B))
    }
    assert lsh_candidate_pairs(sigs, params) == {("a", "a2")}

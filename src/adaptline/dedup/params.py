"""Parameters of the ``dedup`` stage (``params.yaml`` section ``dedup``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class NormalizeParams:
    """How text is normalised before exact hashing and shingling."""

    lowercase: bool = True
    collapse_whitespace: bool = True  # runs of spaces/newlines become one space
    strip_punctuation: bool = True  # prose only: punctuation does not make two texts different
    unicode_form: Literal["NFKC", "NFC", "none"] = "NFKC"
    # Tables reduce to their cell values, so the same table as a docx markdown table and as
    # spreadsheet "Header: value; ..." rows compares equal.
    canonical_tables: bool = True
    # Numbered scrub placeholders (<PERSON_3>) compare equal to any other of their type.
    fold_placeholders: bool = True


@dataclass(frozen=True)
class DedupParams:
    """Exact and near-duplicate removal (MinHash LSH with verification)."""

    # "record": duplicates are chunks (the same table in a docx and an xlsx, a copied section);
    # "document": all records of a document are compared as one text and dropped together.
    granularity: Literal["record", "document"] = "record"
    normalize: NormalizeParams = field(default_factory=NormalizeParams)
    prose_shingle_words: int = 3  # word n-grams for docx/pptx/xlsx/pdf text
    code_shingle_tokens: int = 5  # token n-grams for C code
    code_normalize_identifiers: bool = True  # identifiers -> one symbol, so renamed variables still match
    num_perm: int = 128  # MinHash permutations
    threshold: float = 0.7  # Jaccard similarity at which two texts are near-duplicates (verified exactly)
    # LSH banding is tuned for this lower similarity, so pairs just above `threshold` are not missed;
    # the extra candidates cost one exact Jaccard each and are rejected by verification.
    lsh_threshold: float = 0.5
    # An LSH bucket with more members than this (boilerplate) is paired star-wise, not all pairs.
    lsh_max_bucket: int = 200
    min_chars: int = 40  # shorter normalised texts are only deduplicated exactly (too few shingles)
    # Two documents form one family (the split keeps it in one split) when the duplicate content they
    # share is at least this fraction of the smaller one; shared footers and licence headers stay below.
    family_min_shared: float = 0.5
    # A cluster spanning more documents than this is boilerplate (licence header, footer) and links none.
    family_max_docs: int = 20
    seed: int = 1  # MinHash seed
    workers: int = 0  # processes shingling texts; 0 = all cores
    parallel_min_items: int = 2000  # below this many texts a shingling pool costs more than it saves

    def __post_init__(self) -> None:
        if not 0.0 < self.lsh_threshold <= self.threshold < 1.0:
            raise ValueError("dedup needs 0 < lsh_threshold <= threshold < 1")
        if self.prose_shingle_words < 1 or self.code_shingle_tokens < 1:
            raise ValueError("dedup shingle sizes must be at least 1")
        if not 0.0 < self.family_min_shared <= 1.0:
            raise ValueError("dedup.family_min_shared must be in (0, 1]")
        if self.family_max_docs < 2:
            raise ValueError("dedup.family_max_docs must be at least 2")
        if self.lsh_max_bucket < 2:
            raise ValueError("dedup.lsh_max_bucket must be at least 2")
        if self.num_perm < 16:
            raise ValueError("dedup.num_perm must be at least 16")

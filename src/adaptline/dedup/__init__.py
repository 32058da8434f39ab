"""Exact and near-duplicate removal (the ``dedup`` stage)."""

from adaptline.dedup.params import DedupParams, NormalizeParams
from adaptline.dedup.runner import DedupError, run_dedup

__all__ = ["DedupError", "DedupParams", "NormalizeParams", "run_dedup"]

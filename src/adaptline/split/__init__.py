"""Stable, leak-free train/val/test split (the ``split`` stage)."""

from adaptline.split.assign import SPLITS, assign_split
from adaptline.split.params import SplitParams
from adaptline.split.runner import SplitError, audit_leakage, run_split

__all__ = ["SPLITS", "SplitError", "SplitParams", "assign_split", "audit_leakage", "run_split"]

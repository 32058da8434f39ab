"""Stable, leak-free train/val/test split (the ``split`` stage)."""

from adaptline.split.assign import SPLITS, Assignment, assign_documents, assign_split, assignment_moves
from adaptline.split.params import SplitParams
from adaptline.split.runner import SplitError, audit_leakage, run_split

__all__ = [
    "SPLITS",
    "Assignment",
    "SplitError",
    "SplitParams",
    "assign_documents",
    "assign_split",
    "assignment_moves",
    "audit_leakage",
    "run_split",
]

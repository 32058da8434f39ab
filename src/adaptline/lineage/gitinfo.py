"""The code state an artifact was made with: git commit and whether the tree had local changes."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any


def code_state(root: str | Path, clean_paths: tuple[str, ...] = ()) -> dict[str, Any]:
    """``{"commit", "dirty", "changed_files"}``; ``commit`` is None outside a git repository.

    ``commit`` is the last commit that changed anything other than ``clean_paths`` (git glob
    patterns of files DVC itself rewrites: dvc.lock, .gitignore). It equals HEAD except after
    commits that only record a run's results, so a checkout of "v1 + its dvc.lock" reproduces
    lineage byte for byte. ``dirty`` counts modified tracked files and untracked, not ignored
    ones (a new document is a change too), outside ``clean_paths``.
    """
    head = _git(root, "rev-parse", "HEAD")
    if head is None:
        return {"commit": None, "dirty": None, "changed_files": None, "note": "not a git repository (or no commit)"}
    excludes = [f":(exclude,glob){pattern}" for pattern in clean_paths]
    commit = _git(root, "log", "-1", "--format=%H", "--", ".", *excludes) or head
    status = _git(root, "status", "--porcelain", "--", ".", *excludes)
    changed = len([line for line in (status or "").splitlines() if line.strip()])
    return {"commit": commit, "dirty": changed > 0, "changed_files": changed}


def _git(root: str | Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None

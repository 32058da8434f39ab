"""Helpers shared by the deployment stages (qat, distill): the manifest fields they record."""

from __future__ import annotations

import os
from pathlib import Path

from adaptline.cache import cache_key
from adaptline.manifest import hash_tree
from adaptline.modeling import BASE_MANIFEST_NAME, base_model_ref
from adaptline.records import sha256_file


def base_model_info(base_dir: str | os.PathLike[str]) -> dict[str, str]:
    """{"path", "sha256"}: the base stage's combined hash when it wrote one, else a hash of its files."""
    if (Path(base_dir) / BASE_MANIFEST_NAME).is_file():
        return base_model_ref(base_dir)
    return {"path": Path(base_dir).as_posix(), "sha256": cache_key(hash_tree(base_dir))}


def input_hashes(*paths: str | os.PathLike[str] | None) -> dict[str, str]:
    return {Path(p).as_posix(): sha256_file(p) for p in paths if p is not None and Path(p).is_file()}

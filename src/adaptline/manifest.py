"""The manifest every model-producing stage writes into its artifact directory.

It is the link between a model artifact and the records it learned from: the lineage stage and
``adaptline trace``/``verify`` read it. Written by the training stages (cpt, sft, qat, distill),
never by hand. It holds ids and hashes only, never document text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adaptline.records import read_records, sha256_file, write_json

MANIFEST_NAME = "adaptline_manifest.json"


def hash_tree(
    root: str | os.PathLike[str], exclude: tuple[str, ...] = (MANIFEST_NAME, "lineage.json")
) -> dict[str, str]:
    """sha256 of every file below ``root`` (relative posix path -> hash), manifest files excluded."""
    base = Path(root)
    if base.is_file():
        return {base.name: sha256_file(base)}
    out = {}
    for path in sorted(base.rglob("*")):
        if path.is_file() and path.name not in exclude:
            out[path.relative_to(base).as_posix()] = sha256_file(path)
    return out


@dataclass
class ArtifactManifest:
    """What a trained artifact is and what went into it."""

    artifact: str  # e.g. "cpt/all", "sft/firmware", "qat/all", "student/all"
    stage: str  # dvc stage name, e.g. "cpt@all"
    adapter: str  # adapter name from params.yaml `adapters`
    params: dict[str, Any]  # the params section(s) the stage used
    base_model: dict[str, str]  # {"path": ..., "sha256": combined hash of weights+tokenizer}
    parents: list[str] = field(default_factory=list)  # artifacts this one was built on, e.g. ["cpt/all"]
    inputs: dict[str, str] = field(default_factory=dict)  # input data file path -> sha256
    train_record_ids: list[str] = field(default_factory=list)  # records whose text was trained on
    metrics: dict[str, float] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # artifact files -> sha256 (filled by write)

    def write(self, artifact_dir: str | os.PathLike[str]) -> Path:
        self.files = hash_tree(artifact_dir)
        data = dict(self.__dict__)
        data["train_record_ids"] = sorted(set(self.train_record_ids))
        path = Path(artifact_dir) / MANIFEST_NAME
        write_json(path, data)
        return path


def record_ids_in(path: str | os.PathLike[str]) -> list[str]:
    return [record.record_id for record in read_records(path)]

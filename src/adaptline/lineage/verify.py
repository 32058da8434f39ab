"""``adaptline verify``: are an artifact and its source documents still what lineage recorded?

Checks, each failure naming the file: artifact files against its manifest (missing, changed,
unexpected); the manifest against lineage.json; every source document against its recorded
sha256; dvc.lock's hash of the artifact folder against the folder on disk, and the outputs of
every upstream stage in dvc.lock against those recorded in lineage.json (a changed dep with
unchanged outputs is a note, not a failure); and optionally the artifact's sensitivity level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adaptline.lineage.access import Repo
from adaptline.lineage.corpus import read_json
from adaptline.lineage.dvclock import dvc_md5, read_lock, stage_of_output
from adaptline.manifest import MANIFEST_NAME, hash_tree
from adaptline.records import sha256_file


@dataclass
class Verification:
    artifact: str
    sensitivity: str
    problems: list[str] = field(default_factory=list)  # any of these makes verify fail
    notes: list[str] = field(default_factory=list)  # informational
    checked: dict[str, int] = field(default_factory=dict)  # what was checked, how many

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "artifact": self.artifact,
            "ok": self.ok,
            "sensitivity": self.sensitivity,
            "problems": self.problems,
            "notes": self.notes,
            "checked": self.checked,
        }


def verify_artifact(repo: Repo, name: str, max_level: str | None = None) -> Verification:
    lineage, stored = repo.lineage(name)
    result = Verification(name, lineage["sensitivity"])
    if not stored:
        result.notes.append("no lineage.json: compared with lineage computed from the current pipeline outputs")
    folder = repo.layout.root / lineage["artifact_dir"]
    _check_files(result, folder, lineage, stored)
    _check_sources(result, repo, lineage)
    _check_lock(result, repo, folder, lineage)
    if max_level is not None:
        if max_level not in repo.levels:
            result.problems.append(f"--max-level {max_level!r} is not a level ({', '.join(repo.levels)})")
        elif repo.levels.index(lineage["sensitivity"]) > repo.levels.index(max_level):
            result.problems.append(f"sensitivity {lineage['sensitivity']} is above the allowed {max_level}")
    return result


def _check_files(result: Verification, folder: Path, lineage: dict[str, Any], stored: bool) -> None:
    manifest_path = folder / MANIFEST_NAME
    if not folder.is_dir():
        result.problems.append(f"artifact folder missing: {lineage['artifact_dir']}")
        return
    if not manifest_path.is_file():
        result.problems.append(f"manifest missing: {lineage['artifact_dir']}/{MANIFEST_NAME}")
        recorded = lineage["files"]
    else:
        recorded = read_json(manifest_path).get("files") or {}
        if stored and sha256_file(manifest_path) != lineage["manifest_sha256"]:
            result.problems.append(
                f"manifest changed since lineage was written: {lineage['artifact_dir']}/{MANIFEST_NAME}"
            )
        if recorded != lineage["files"]:
            result.problems.append("manifest file hashes differ from lineage.json")
    actual = hash_tree(folder)
    where = lineage["artifact_dir"]
    for path in sorted(set(recorded) - set(actual)):
        result.problems.append(f"artifact file missing: {where}/{path}")
    for path in sorted(set(actual) - set(recorded)):
        result.problems.append(f"artifact file not in manifest: {where}/{path}")
    for path in sorted(set(actual) & set(recorded)):
        if actual[path] != recorded[path]:
            result.problems.append(f"artifact file changed: {where}/{path} (sha256 {actual[path][:12]}…, "
                                   f"recorded {recorded[path][:12]}…)")  # fmt: skip
    result.checked["artifact_files"] = len(recorded)


def _check_sources(result: Verification, repo: Repo, lineage: dict[str, Any]) -> None:
    root = repo.layout.root / lineage["source_root"]
    data = lineage["training_data"]
    listed = set()
    count = 0
    for group, docs in (("trained on", data["documents"]), ("not trained on", data["excluded"])):
        for doc in docs:
            listed.add(doc["path"])
            if not doc.get("sha256"):
                continue  # unreadable at extraction: nothing was recorded
            count += 1
            path = root / doc["path"]
            where = f"{lineage['source_root']}/{doc['path']}"
            if not path.is_file():
                result.problems.append(f"source document missing ({group}): {where}")
            elif sha256_file(path) != doc["sha256"]:
                result.problems.append(f"source document changed ({group}): {where}")
    result.checked["source_documents"] = count
    if root.is_dir():
        added = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
        added = [p for p in added if p not in listed]
        if added:
            result.notes.append(f"{len(added)} document(s) under {lineage['source_root']} are newer than this lineage")


def _check_lock(result: Verification, repo: Repo, folder: Path, lineage: dict[str, Any]) -> None:
    lock = read_lock(repo.layout.dvc_lock)
    if not lock:
        result.notes.append("no dvc.lock: DVC hashes not checked")
        return
    stage = lineage["stage"] if lineage["stage"] in lock else stage_of_output(lock, lineage["artifact_dir"])
    if stage is None:
        result.problems.append(f"dvc.lock has no stage producing {lineage['artifact_dir']}")
        return
    for name, entry in lineage.get("dvc_lock", {}).items():
        if name not in lock:
            result.problems.append(f"stage {name} recorded in lineage is missing from dvc.lock")
            continue
        for path, value in entry["outs"].items():
            if value != "uncached" and lock[name]["outs"].get(path) != value:
                result.problems.append(f"dvc.lock {name} out {path} changed since lineage was written")
        # A dep (code, params file) can change while the stage reruns to byte-identical outputs:
        # DVC then skips everything downstream, lineage included, and the artifact still stands.
        changed_deps = [
            path
            for path, value in entry["deps"].items()
            if value != "uncached" and lock[name]["deps"].get(path) != value
        ]
        if changed_deps:
            result.notes.append(
                f"dvc.lock {name}: dep(s) {', '.join(changed_deps)} changed since lineage was written, "
                "with identical outputs (nothing downstream reran)"
            )
    expected = lock[stage]["outs"].get(lineage["artifact_dir"])
    if expected is None:
        result.notes.append(f"dvc.lock stage {stage} does not list {lineage['artifact_dir']} as an output itself")
    elif dvc_md5(folder) != expected:
        result.problems.append(f"artifact folder differs from dvc.lock ({stage}): {lineage['artifact_dir']}")
    result.checked["dvc_lock_stages"] = len(lineage.get("dvc_lock", {})) or 1

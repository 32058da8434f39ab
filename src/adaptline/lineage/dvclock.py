"""Reading ``dvc.lock`` without DVC: stage entries, the stage graph, and DVC's own md5 of a path.

``dvc_md5`` reproduces DVC 3's hash of an output (md5 of a file; for a folder, md5 of the sorted
JSON list of ``{"md5", "relpath"}`` entries plus ``.dir``), so ``verify`` can compare files on disk
with ``dvc.lock`` quickly and without a DVC repository.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import yaml


class LockError(ValueError):
    """dvc.lock exists but cannot be read."""


def read_lock(path: str | Path) -> dict[str, dict[str, Any]]:
    """``{stage: {"cmd", "deps": {path: hash}, "outs": {path: hash}, "params": {...}}}``; {} if absent."""
    file = Path(path)
    if not file.is_file():
        return {}
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise LockError(f"{file}: not valid YAML ({error})") from None
    stages = data.get("stages") if isinstance(data, dict) else None
    if not isinstance(stages, dict):
        raise LockError(f"{file}: no 'stages' mapping")
    out: dict[str, dict[str, Any]] = {}
    for name, entry in sorted(stages.items()):
        entry = entry or {}
        out[name] = {
            "cmd": entry.get("cmd", ""),
            "deps": _hashes(entry.get("deps")),
            "outs": _hashes(entry.get("outs")),
            "params": entry.get("params") or {},
        }
    return out


def _hashes(items: Any) -> dict[str, str]:
    hashes = {}
    for item in items or []:
        if isinstance(item, dict) and "path" in item:
            hashes[str(item["path"]).rstrip("/")] = str(
                item.get("md5") or item.get("etag") or item.get("checksum") or ""
            )
    return dict(sorted(hashes.items()))


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def stage_of_output(lock: dict[str, dict[str, Any]], path: str) -> str | None:
    """The stage whose declared output is ``path`` or contains it."""
    for name, entry in lock.items():
        if any(_inside(path, out) for out in entry["outs"]):
            return name
    return None


def upstream_stages(lock: dict[str, dict[str, Any]], stage: str) -> list[str]:
    """``stage`` and every stage it depends on, transitively (a dep inside or containing an out)."""
    seen: set[str] = set()
    todo = [stage]
    while todo:
        name = todo.pop()
        if name in seen or name not in lock:
            continue
        seen.add(name)
        for dep in lock[name]["deps"]:
            for other, entry in lock.items():
                if other not in seen and any(_inside(dep, out) or _inside(out, dep) for out in entry["outs"]):
                    todo.append(other)
    return sorted(seen)


def stage_edges(lock: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
    """(upstream, downstream) stage pairs implied by outs and deps."""
    edges = set()
    for name, entry in lock.items():
        for dep in entry["deps"]:
            for other, producer in lock.items():
                if other != name and any(_inside(dep, out) or _inside(out, dep) for out in producer["outs"]):
                    edges.add((other, name))
    return sorted(edges)


def md5_file(path: Path, block_size: int = 1 << 20) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        while block := handle.read(block_size):
            digest.update(block)
    return digest.hexdigest()


def dvc_md5(path: str | Path) -> str | None:
    """DVC 3's md5 of a file or folder output; None if it does not exist."""
    target = Path(path)
    if target.is_file():
        return md5_file(target)
    if not target.is_dir():
        return None
    entries = [
        {"md5": md5_file(item), "relpath": item.relative_to(target).as_posix()}
        for item in sorted(target.rglob("*"))
        if item.is_file()
    ]
    entries.sort(key=lambda e: e["relpath"])
    return hashlib.md5(json.dumps(entries, sort_keys=True).encode("utf-8")).hexdigest() + ".dir"


def uncached_outputs(dvc_yaml: str | Path) -> list[str]:
    """Glob patterns of outputs declared ``cache: false`` in dvc.yaml (reports, metrics, plots).

    Such files hold timings or cache counters that differ between identical runs, so their hashes
    are left out of lineage (which must be reproducible) and out of reproducibility checks.
    ``${...}`` interpolations (foreach stages) become ``*``.
    """
    file = Path(dvc_yaml)
    if not file.is_file():
        return []
    stages = (yaml.safe_load(file.read_text(encoding="utf-8")) or {}).get("stages") or {}
    patterns = set()
    for spec in stages.values():
        body = spec.get("do", spec) if isinstance(spec, dict) else {}
        for section in ("outs", "metrics", "plots"):
            for item in body.get(section) or []:
                if isinstance(item, dict):
                    for path, options in item.items():
                        if isinstance(options, dict) and options.get("cache") is False:
                            patterns.add(re.sub(r"\$\{[^}]*\}", "*", str(path)))
    return sorted(patterns)


def without_outputs(lock: dict[str, dict[str, Any]], patterns: list[str]) -> dict[str, dict[str, Any]]:
    """``lock`` with the outputs (and dependencies) matching ``patterns`` replaced by "uncached"."""

    def strip(hashes: dict[str, str]) -> dict[str, str]:
        return {p: "uncached" if any(fnmatch.fnmatchcase(p, g) for g in patterns) else h for p, h in hashes.items()}

    return {name: {**entry, "deps": strip(entry["deps"]), "outs": strip(entry["outs"])} for name, entry in lock.items()}

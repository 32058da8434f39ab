"""The lineage stage: one ``lineage.json`` + model card per artifact, and ``lineage/index.json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from adaptline.lineage.card import model_card
from adaptline.lineage.corpus import AdapterScope, Corpus, LineageError, load_corpus, read_json
from adaptline.lineage.documents import REASONS, document_manifest
from adaptline.lineage.dvclock import read_lock, stage_of_output, uncached_outputs, upstream_stages, without_outputs
from adaptline.lineage.gitinfo import code_state
from adaptline.lineage.layout import Layout
from adaptline.lineage.params import LineageParams
from adaptline.log import get_logger
from adaptline.manifest import MANIFEST_NAME, hash_tree
from adaptline.records import sha256_file, write_json

SCHEMA = "adaptline-lineage/1"
log = get_logger(__name__)


def find_manifests(layout: Layout) -> dict[str, tuple[Path, dict[str, Any]]]:
    """artifact name -> (artifact folder, manifest) for every manifest under the models folder."""
    found: dict[str, tuple[Path, dict[str, Any]]] = {}
    if not layout.models_dir.is_dir():
        return found
    for path in sorted(layout.models_dir.rglob(MANIFEST_NAME)):
        manifest = read_json(path)
        name = manifest.get("artifact")
        if not isinstance(name, str) or not name:
            raise LineageError(f"{layout.rel(path)}: manifest has no artifact name")
        if name in found:
            raise LineageError(f"artifact {name} has two manifests: {layout.rel(found[name][0])}, {layout.rel(path)}")
        found[name] = (path.parent, manifest)
    return found


def ancestors(name: str, manifests: dict[str, tuple[Path, dict[str, Any]]]) -> list[str]:
    """``name`` and every artifact it was built on (through ``parents``), nearest first."""
    chain: list[str] = []
    todo = [name]
    while todo:
        current = todo.pop(0)
        if current in chain:
            continue
        if current not in manifests:
            raise LineageError(f"artifact {chain[-1] if chain else name} names parent {current}, which has no manifest")
        chain.append(current)
        todo.extend(manifests[current][1].get("parents") or [])
    return chain


def evaluation_for(layout: Layout, artifact: str, adapter: str) -> dict[str, Any]:
    """This artifact's row of metrics/evaluate/<adapter>.json (the model named like its family)."""
    path = layout.evaluate_dir / f"{adapter}.json"
    if not path.is_file():
        return {}
    models = read_json(path).get("models") or {}
    row = models.get(artifact.split("/")[0]) or {}
    return {"source": layout.rel(path), "metrics": dict(sorted(row.items()))} if row else {}


def artifact_lineage(
    name: str,
    manifests: dict[str, tuple[Path, dict[str, Any]]],
    corpus: Corpus,
    lock: dict[str, dict[str, Any]],
    code: dict[str, Any],
    layout: Layout,
) -> dict[str, Any]:
    """Everything an auditor needs about one artifact (ids, hashes, counts: no document content)."""
    folder, manifest = manifests[name]
    files = hash_tree(folder)
    recorded = manifest.get("files") or {}
    if files != recorded:
        changed = sorted(set(files) ^ set(recorded) | {f for f in files if recorded.get(f) not in (None, files[f])})
        raise LineageError(f"{name}: files differ from its manifest ({', '.join(changed)}); rerun its stage")
    chain = ancestors(name, manifests)
    trained_by: dict[str, list[str]] = {}
    for member in chain:
        for record_id in manifests[member][1].get("train_record_ids") or []:
            if record_id not in corpus.records:
                raise LineageError(f"{member}: trained record {record_id} is not among the extracted records")
            trained_by.setdefault(record_id, []).append(member)
    adapter = manifest.get("adapter") or ""
    scope = corpus.adapters.get(adapter, AdapterScope())
    documents, excluded = document_manifest(corpus, trained_by, scope)
    levels = [doc["sensitivity"] for doc in documents]
    sensitivity = corpus.highest(levels) or corpus.levels[0]
    stage = manifest.get("stage") or stage_of_output(lock, layout.rel(folder)) or ""
    warnings = [
        f"record {rid} trained on by {', '.join(by)} is in the {corpus.split_of(corpus.records[rid].doc_id)} split"
        for rid, by in sorted(trained_by.items())
        if corpus.split_of(corpus.records[rid].doc_id) in ("val", "test")
    ]
    if stage and stage not in lock:
        warnings.append(f"stage {stage} is not in dvc.lock yet: its hashes are not recorded")
    return {
        "schema": SCHEMA,
        "artifact": name,
        "artifact_dir": layout.rel(folder),
        "stage": stage,
        "adapter": adapter,
        "adapter_scope": {"kinds": list(scope.kinds), "paths": list(scope.paths)},
        "ancestors": chain[1:],
        "code": code,
        "params": manifest.get("params") or {},
        "base_model": manifest.get("base_model") or {},
        "manifest_sha256": sha256_file(folder / MANIFEST_NAME),
        "files": files,
        "inputs": manifest.get("inputs") or {},
        "metrics": manifest.get("metrics") or {},
        "evaluation": evaluation_for(layout, name, adapter),
        "dvc_lock": {s: lock[s] for s in upstream_stages(lock, stage)} if stage in lock else {},
        "sensitivity": sensitivity,
        "sensitivity_levels": list(corpus.levels),
        "source_root": corpus.source_root,
        "training_data": {
            "totals": _totals(documents, excluded, len(trained_by)),
            "documents": documents,
            "excluded": excluded,
        },
        "warnings": warnings,
    }


def _totals(documents: list[dict], excluded: list[dict], n_records: int) -> dict[str, Any]:
    by_reason = {reason: sum(1 for doc in excluded if doc["reason"] == reason) for reason in REASONS}
    kinds: dict[str, int] = {}
    for doc in documents:
        kinds[doc["kind"]] = kinds.get(doc["kind"], 0) + 1
    return {
        "documents_trained": len(documents),
        "documents_excluded": len(excluded),
        "records_trained": n_records,
        "excluded_by_reason": {k: v for k, v in by_reason.items() if v},
        "trained_by_kind": dict(sorted(kinds.items())),
    }


def build_all(
    layout: Layout, params: LineageParams, source_root: str, levels: tuple[str, ...]
) -> dict[str, dict[str, Any]]:
    """Lineage of every artifact found (in memory); used by the stage and, as a fallback, by the CLI."""
    manifests = find_manifests(layout)
    corpus = load_corpus(layout, source_root, levels)
    lock = without_outputs(read_lock(layout.dvc_lock), uncached_outputs(layout.dvc_yaml))
    code = code_state(layout.root, params.clean_paths)
    return {name: artifact_lineage(name, manifests, corpus, lock, code, layout) for name in sorted(manifests)}


def run_lineage(layout: Layout, params: LineageParams, source_root: str, levels: tuple[str, ...]) -> dict[str, Any]:
    """The stage: write lineage.json + README.md per artifact and the index; return the index."""
    lineages = build_all(layout, params, source_root, levels)
    entries = []
    for name, lineage in lineages.items():
        folder = layout.lineage_dir / name
        write_json(folder / "lineage.json", lineage)
        (folder / "README.md").write_text(model_card(lineage, params), encoding="utf-8")
        totals = lineage["training_data"]["totals"]
        entries.append(
            {
                "artifact": name,
                "artifact_dir": lineage["artifact_dir"],
                "stage": lineage["stage"],
                "adapter": lineage["adapter"],
                "sensitivity": lineage["sensitivity"],
                "documents_trained": totals["documents_trained"],
                "documents_excluded": totals["documents_excluded"],
                "lineage": layout.rel(folder / "lineage.json"),
                "card": layout.rel(folder / "README.md"),
                "lineage_sha256": sha256_file(folder / "lineage.json"),
            }
        )
        log.info("lineage: %s (%s): %d documents trained on", name, lineage["sensitivity"], totals["documents_trained"])
    index = {
        "schema": SCHEMA,
        "code": code_state(layout.root, params.clean_paths),
        "sensitivity_levels": list(levels),
        "source_root": source_root,
        "artifacts": entries,
    }
    write_json(layout.lineage_dir / "index.json", index)
    if not lineages:
        log.warning("lineage: no artifact manifest under %s", layout.rel(layout.models_dir))
    return index


def load_lineage(layout: Layout, artifact: str) -> dict[str, Any] | None:
    """The stored lineage.json of ``artifact`` (a name like cpt/all), or None."""
    path = layout.lineage_dir / artifact / "lineage.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

"""``adaptline trace``: the documents behind an artifact, and the artifacts a document reached."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path
from typing import Any

from adaptline.lineage.access import Repo
from adaptline.lineage.corpus import LineageError
from adaptline.records import sha256_file

HOW = {
    "extraction_failed": "extraction failed",
    "extraction_skipped": "skipped at extraction",
    "no_records": "no text extracted",
    "scrub_dropped": "dropped by scrub",
    "duplicate": "dropped as duplicate",
    "filtered_by_adapter": "filtered out by the adapter",
    "held_out": "held out",
    "not_selected": "not selected",
}


def trace_artifact(repo: Repo, name: str) -> dict[str, Any]:
    lineage, stored = repo.lineage(name)
    return {
        "artifact": name,
        "artifact_dir": lineage["artifact_dir"],
        "sensitivity": lineage["sensitivity"],
        "ancestors": lineage["ancestors"],
        "source_root": lineage["source_root"],
        "from_lineage_file": stored,
        **lineage["training_data"],
    }


def document_path(repo: Repo, path: str) -> str:
    """``path`` relative to the source folder, from an absolute, repo-relative or source-relative path."""
    source = (repo.layout.root / repo.source_root).resolve()
    for candidate in (Path(path), repo.layout.root / path, source / path):
        try:
            return candidate.resolve().relative_to(source).as_posix()
        except ValueError:
            continue
    return Path(path).as_posix()


def trace_document(repo: Repo, path: str) -> dict[str, Any]:
    rel = document_path(repo, path)
    reached = []
    recorded_sha = None
    for name, lineage in repo.all_lineages().items():
        data = lineage["training_data"]
        for doc in data["documents"]:
            if doc["path"] == rel:
                recorded_sha = doc["sha256"]
                how = f"trained on ({doc['chunks'].get('trained', 0)}/{doc['chunks']['extracted']} chunks)"
                reached.append({"artifact": name, "how": "trained_on", "detail": how, "via": doc["trained_by"]})
        for doc in data["excluded"]:
            if doc["path"] == rel:
                recorded_sha = recorded_sha or doc["sha256"]
                detail = f"{HOW[doc['reason']]}: {doc['detail']}" if doc["detail"] else HOW[doc["reason"]]
                reached.append({"artifact": name, "how": doc["reason"], "detail": detail, "via": []})
    if not reached:
        raise LineageError(f"document {rel!r} is not in the lineage of any artifact (not under {repo.source_root}?)")
    file = repo.layout.root / repo.source_root / rel
    current = sha256_file(file) if file.is_file() else None
    return {
        "document": rel,
        "source_root": repo.source_root,
        "sha256": recorded_sha,
        "current_sha256": current,
        "unchanged": current == recorded_sha if current else None,
        "artifacts": reached,
    }


_SHA256_PREFIX = re.compile(r"[0-9a-f]{8,64}")


def documents_with_sha256(repo: Repo, digest: str) -> tuple[str, list[str]]:
    """(sha256, corpus paths of the documents with those bytes), from a sha256 or its first 8+
    hex digits. Identical files at several paths are all returned."""
    digest = digest.strip().lower()
    if not _SHA256_PREFIX.fullmatch(digest):
        raise LineageError(f"{digest!r} is not a sha256 (8 to 64 hex digits)")
    found: dict[str, set[str]] = {}
    for lineage in repo.all_lineages().values():
        data = lineage["training_data"]
        for doc in (*data["documents"], *data["excluded"]):
            if doc["sha256"] and doc["sha256"].startswith(digest):
                found.setdefault(doc["sha256"], set()).add(doc["path"])
    if not found:
        raise LineageError(f"no artifact's lineage holds a document with sha256 {digest}")
    if len(found) > 1:
        raise LineageError(f"sha256 prefix {digest} matches {len(found)} different documents; give more digits")
    ((sha, paths),) = found.items()
    return sha, sorted(paths)


def trace_content(repo: Repo, digest: str, query: str | None = None) -> dict[str, Any]:
    """Every corpus document with these bytes, each traced as by ``trace_document``: for a file an
    auditor holds outside the corpus (a copy, an attachment), or a sha256 from a record."""
    sha, paths = documents_with_sha256(repo, digest)
    return {"query": query or digest, "sha256": sha, "documents": [trace_document(repo, path) for path in paths]}


def trace_file(repo: Repo, path: str) -> dict[str, Any]:
    """``trace_document`` for a path in the lineage; for any other existing file (a copy outside
    the corpus, or a document added since the last run), ``trace_content`` of its bytes, marked
    ``"by_content": True``."""
    try:
        return trace_document(repo, path)
    except LineageError:
        file = Path(path)
        if not file.is_file():
            raise
    try:
        return {"by_content": True, **trace_content(repo, sha256_file(file), query=path)}
    except LineageError as error:
        raise LineageError(f"{path} is in no artifact's lineage by path, and {error}") from None


def openlineage_event(repo: Repo, name: str, producer: str) -> dict[str, Any]:
    """One OpenLineage RunEvent (COMPLETE) for an artifact: source documents in, artifact folder out.

    The run id is derived from the manifest hash (same artifact, same id); the event time is the
    manifest's modification time. Nothing is sent anywhere.
    """
    lineage, _ = repo.lineage(name)
    manifest = repo.layout.root / lineage["artifact_dir"] / "adaptline_manifest.json"
    when = dt.datetime.fromtimestamp(manifest.stat().st_mtime if manifest.is_file() else 0, tz=dt.UTC)
    namespace = f"file://{repo.layout.root.as_posix()}"
    inputs = [
        {
            "namespace": namespace,
            "name": f"{lineage['source_root']}/{doc['path']}",
            "facets": {
                "adaptline": {
                    "_producer": producer,
                    "_schemaURL": "https://github.com/adaptline/adaptline/lineage-facet.json",
                    "sha256": doc["sha256"],
                    "kind": doc["kind"],
                    "split": doc["split"],
                    "sensitivity": doc["sensitivity"],
                    "chunks_trained": doc["chunks"].get("trained", 0),
                }
            },
        }
        for doc in lineage["training_data"]["documents"]
    ]
    return {
        "eventType": "COMPLETE",
        "eventTime": when.isoformat().replace("+00:00", "Z"),
        "producer": producer,
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"adaptline:{lineage['manifest_sha256']}"))},
        "job": {"namespace": "adaptline", "name": lineage["stage"] or name},
        "inputs": inputs,
        "outputs": [
            {
                "namespace": namespace,
                "name": lineage["artifact_dir"],
                "facets": {
                    "adaptline": {
                        "_producer": producer,
                        "_schemaURL": "https://github.com/adaptline/adaptline/lineage-facet.json",
                        "sensitivity": lineage["sensitivity"],
                        "files": lineage["files"],
                    }
                },
            }
        ],
    }

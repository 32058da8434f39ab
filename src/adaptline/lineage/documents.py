"""The training-data manifest of one artifact: every source document, trained on or not, and why.

A record reaches an artifact when its id is in the ``train_record_ids`` of the artifact or of one
of its ancestors (an SFT adapter also carries its CPT data). Every other record gets exactly one
reason, checked in this order: dropped at scrub, duplicate, outside the adapter's scope, held out
in val/test, not selected (in scope and in train but not used, e.g. a record limit).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from adaptline.lineage.corpus import AdapterScope, Corpus, RecordInfo

REASONS: tuple[str, ...] = (
    "extraction_failed",
    "extraction_skipped",
    "no_records",
    "scrub_dropped",
    "duplicate",
    "filtered_by_adapter",
    "held_out",
    "not_selected",
)
"""Why a document did not reach an artifact's training set (see ``document_manifest``)."""


def document_manifest(
    corpus: Corpus, trained_by: dict[str, list[str]], scope: AdapterScope
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(documents trained on, documents not trained on) for one artifact.

    ``trained_by`` maps a record id to the artifacts of the chain that trained on it.
    """
    trained: list[dict[str, Any]] = []
    excluded: list[dict[str, Any]] = []
    for entry in corpus.files:
        path, doc_id, kind = entry["path"], entry.get("doc_id"), entry.get("kind")
        base = {"path": path, "sha256": doc_id, "kind": kind, "split": corpus.split_of(doc_id)}
        status, note = entry.get("status"), entry.get("reason") or ""
        if status == "failed":
            excluded.append({**base, "reason": "extraction_failed", "detail": note, "sensitivity": None})
            continue
        if status != "extracted":
            if note.startswith("identical to "):
                excluded.append({**base, "reason": "duplicate", "detail": f"file {note}", "sensitivity": None})
            else:
                excluded.append({**base, "reason": "extraction_skipped", "detail": note, "sensitivity": None})
            continue
        records = corpus.records_of(doc_id, path)
        if not records:
            excluded.append({**base, "reason": "no_records", "detail": note or "no text found", "sensitivity": None})
            continue
        base["sensitivity"] = corpus.highest([r.sensitivity for r in records])
        fates = {r.record_id: _fate(corpus, r, trained_by, scope, base["split"]) for r in records}
        chunks = {"extracted": len(records), **Counter(fates.values())}
        duplicates = _duplicates(corpus, [rid for rid, fate in fates.items() if fate == "duplicate"])
        used = [r for r in records if fates[r.record_id] == "trained"]
        if used:
            trained.append(
                {
                    **base,
                    "sensitivity": corpus.highest([r.sensitivity for r in used]),
                    "chunks": dict(sorted(chunks.items())),
                    "redactions": _redactions(corpus, used),
                    "trained_by": sorted({a for r in used for a in trained_by[r.record_id]}),
                    "dropped_chunks": duplicates,
                }
            )
            continue
        reason = _document_reason(fates.values())
        excluded.append(
            {
                **base,
                "reason": reason,
                "detail": _detail(reason, base["split"], scope, duplicates),
                "chunks": dict(sorted(chunks.items())),
                "dropped_chunks": duplicates,
            }
        )
    return trained, excluded


def _fate(
    corpus: Corpus, record: RecordInfo, trained_by: dict[str, list[str]], scope: AdapterScope, split: str | None
) -> str:
    if record.record_id in trained_by:
        return "trained"
    if corpus.redactions is not None and record.record_id not in corpus.redactions:
        return "scrub_dropped"
    if corpus.duplicates is not None and record.record_id in corpus.duplicates:
        return "duplicate"
    if not scope.keeps(record.kind, record.source_path):
        return "filtered_by_adapter"
    if split in ("val", "test"):
        return "held_out"
    return "not_selected"


def _document_reason(fates: Any) -> str:
    """Document-level properties (scope, split) first; otherwise the commonest chunk fate."""
    counts = Counter(fates)
    for reason in ("filtered_by_adapter", "held_out"):
        if counts[reason]:
            return reason
    return max(counts, key=lambda r: (counts[r], -REASONS.index(r)))


def _detail(reason: str, split: str | None, scope: AdapterScope, duplicates: list[dict[str, Any]]) -> str:
    if reason == "held_out":
        return f"held out in the {split} split"
    if reason == "filtered_by_adapter":
        return f"outside the adapter's scope ({scope.describe()})"
    if reason == "duplicate":
        targets = sorted({d["duplicate_of_path"] for d in duplicates})
        return "duplicate of " + ", ".join(targets)
    if reason == "scrub_dropped":
        return "records dropped by the scrub stage"
    return "in scope and in the train split, but not in the training set"


def _duplicates(corpus: Corpus, record_ids: list[str]) -> list[dict[str, Any]]:
    out = []
    for record_id in sorted(record_ids):
        drop = (corpus.duplicates or {}).get(record_id, {})
        out.append(
            {
                "record_id": record_id,
                "reason": "duplicate",
                "match": drop.get("reason"),
                "duplicate_of": drop.get("duplicate_of"),
                "duplicate_of_path": drop.get("duplicate_of_path"),
                "similarity": drop.get("similarity"),
                "cluster_id": drop.get("cluster_id"),
            }
        )
    return out


def _redactions(corpus: Corpus, records: list[RecordInfo]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for record in records:
        total.update((corpus.redactions or {}).get(record.record_id, {}))
    return dict(sorted(total.items()))

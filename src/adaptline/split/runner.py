"""The ``split`` stage: documents to train/val/test, then a leakage audit across splits."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from adaptline.cache import ContentCache
from adaptline.dedup.minhash import lsh_candidate_pairs
from adaptline.dedup.params import DedupParams
from adaptline.dedup.runner import build_items, compute_signatures, exact_digest
from adaptline.dedup.shingles import jaccard
from adaptline.log import get_logger
from adaptline.records import KINDS, Record, read_records, write_json, write_records
from adaptline.split.assign import SPLITS, assign_documents
from adaptline.split.params import SplitParams

log = get_logger(__name__)


class SplitError(RuntimeError):
    """Missing input, or a leak across splits (the message names the records)."""


def audit_leakage(
    by_split: dict[str, list[Record]], dedup: DedupParams, cache: ContentCache
) -> tuple[list[dict], dict[str, int]]:
    """Every cross-split pair of records at or above the dedup threshold (exact or near)."""
    split_of = {r.record_id: name for name, records in by_split.items() for r in records}
    records = [r for name in SPLITS for r in by_split[name]]
    items = build_items(records, DedupParams(**{**dedup.__dict__, "granularity": "record"}))
    by_key = {item.key: item for item in items}
    leaks: list[dict] = []
    seen: dict[str, str] = {}
    for item in items:  # exact (normalised) duplicates, including texts too short for MinHash
        other = seen.setdefault(exact_digest(item), item.key)
        if other != item.key and split_of[other] != split_of[item.key]:
            leaks.append({"a": other, "b": item.key, "similarity": 1.0})
    representatives = [item for item in items if seen[exact_digest(item)] == item.key]  # exact copies checked above
    candidates = lsh_candidate_pairs(compute_signatures(representatives, dedup, cache), dedup)
    cross = [(a, b) for a, b in sorted(candidates) if split_of[a] != split_of[b]]
    for a, b in cross:
        similarity = jaccard(by_key[a].shingle_set, by_key[b].shingle_set)
        if similarity >= dedup.threshold and not any({a, b} == {x["a"], x["b"]} for x in leaks):
            leaks.append({"a": a, "b": b, "similarity": round(similarity, 4)})
    for leak in leaks:
        leak["a_split"], leak["b_split"] = split_of[leak["a"]], split_of[leak["b"]]
        leak["a_path"], leak["b_path"] = by_key[leak["a"]].source_path, by_key[leak["b"]].source_path
    return leaks, {"records_checked": len(items), "cross_split_candidates": len(cross), "leaks": len(leaks)}


def run_split(
    input_path: str | Path,
    dedup_report_path: str | Path,
    output_dir: str | Path,
    report_path: str | Path,
    cache_dir: str | Path,
    params: SplitParams,
    dedup_params: DedupParams,
) -> dict:
    """Assign every kept document to a split, audit for leaks, write the splits and the report."""
    for path in (input_path, dedup_report_path):
        if not Path(path).is_file():
            raise SplitError(f"input not found: {path} (run the dedup stage first)")
    records = list(read_records(input_path))
    dedup_report = _read_json(dedup_report_path)
    links = [(link["a"], link["b"]) for link in dedup_report.get("document_links", [])]
    plan = assign_documents({r.doc_id for r in records}, links, params)
    by_split: dict[str, list[Record]] = {name: [] for name in SPLITS}
    assignments: dict[str, dict] = {}
    for record in records:
        choice = plan[record.doc_id]
        by_split[choice.split].append(record)
        entry = assignments.setdefault(
            record.doc_id,
            {
                "split": choice.split,
                "bucket": choice.bucket,
                "family": choice.family,
                "source_path": record.source_path,
                "kind": record.kind,
                "n_records": 0,
            },
        )
        entry["n_records"] += 1

    leaks, audit = audit_leakage(by_split, dedup_params, ContentCache(cache_dir))
    split_of = {doc_id: entry["split"] for doc_id, entry in assignments.items()}
    for a, b in links:  # a family split across splits is a leak too (impossible by construction: a check)
        if a in split_of and b in split_of and split_of[a] != split_of[b]:
            leaks.append(
                {
                    "a": a[:16],
                    "b": b[:16],
                    "similarity": "family",
                    "a_split": split_of[a],
                    "b_split": split_of[b],
                    "a_path": assignments[a]["source_path"],
                    "b_path": assignments[b]["source_path"],
                }
            )
    audit["leaks"] = len(leaks)
    if leaks and params.fail_on_leak:
        named = "; ".join(
            f"{x['a']} ({x['a_split']}, {x['a_path']}) ~ {x['b']} ({x['b_split']}, {x['b_path']}) "
            f"similarity {x['similarity']}"
            for x in leaks[:10]
        )
        raise SplitError(f"leakage audit failed: {len(leaks)} cross-split duplicate pair(s): {named}")

    out = Path(output_dir)
    for name in SPLITS:
        write_records(out / f"{name}.jsonl", by_split[name])
    write_json(out / "assignments.json", dict(sorted(assignments.items())))

    docs_per_split = Counter(entry["split"] for entry in assignments.values())
    kinds_present = {k for k in KINDS if any(e["kind"] == k for e in assignments.values())}
    per_kind: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(SPLITS, 0))
    for entry in assignments.values():
        per_kind[entry["kind"]][entry["split"]] += 1
    missing = {name: sorted(k for k in kinds_present if per_kind[k][name] == 0) for name in SPLITS if name != "train"}
    family_sizes = Counter(entry["family"] for entry in assignments.values())
    promoted = [
        {"doc_id": doc_id, "source_path": e["source_path"], "bucket": e["bucket"], "split": e["split"]}
        for doc_id, e in sorted(assignments.items())
        if e["split"] != e["bucket"]
    ]
    n_docs = max(len(assignments), 1)
    report = {
        "documents": {name: docs_per_split[name] for name in SPLITS},
        "records": {name: len(by_split[name]) for name in SPLITS},
        "ratios": {name: round(docs_per_split[name] / n_docs, 4) for name in SPLITS},
        "documents_per_kind": {kind: per_kind[kind] for kind in sorted(per_kind)},
        "kinds_missing": missing,
        "dedup_clusters": dedup_report.get("totals", {}).get("clusters", 0),
        "families": {
            "multi_document": sum(1 for size in family_sizes.values() if size > 1),
            "documents_in_families": sum(size for size in family_sizes.values() if size > 1),
            "largest": max(family_sizes.values(), default=0),
            "document_links": len(links),
        },
        # documents moved out of their own bucket (train -> val/test, val -> test) to keep a family whole
        "promotions": {
            "count": len(promoted),
            "by_move": dict(sorted(Counter(f"{p['bucket']}->{p['split']}" for p in promoted).items())),
            "documents": promoted,
        },
        "drops": {
            "exact": dedup_report.get("totals", {}).get("dropped_exact", 0),
            "near": dedup_report.get("totals", {}).get("dropped_near", 0),
        },
        "audit": audit,
        "leaks": leaks,
    }
    write_json(report_path, report)
    for name, kinds in missing.items():
        if kinds:
            log.warning("split: no %s documents of kind(s) %s (too few documents of that kind)", name, kinds)
    log.info(
        "split: %d documents -> train %d / val %d / test %d; audit: %d cross-split candidates, %d leaks",
        len(assignments),
        docs_per_split["train"],
        docs_per_split["val"],
        docs_per_split["test"],
        audit["cross_split_candidates"],
        audit["leaks"],
    )
    return report


def _read_json(path: str | Path) -> dict:
    import json

    return json.loads(Path(path).read_text(encoding="utf-8"))

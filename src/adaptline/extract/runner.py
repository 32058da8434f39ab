"""The extract stage: every file under the input folder becomes records, or a reported reason.

Flow: walk the folder (sorted) -> per file: size checks, sha256, duplicate check, content sniff
-> cache lookup keyed by (sha256, reader version + code hash, content params) -> misses run in worker
processes -> records get their provenance (path, context header, sensitivity) -> one JSONL file
and a report listing every input file exactly once.
"""

from __future__ import annotations

import fnmatch
import time
from pathlib import Path
from typing import Any

from adaptline.cache import ContentCache, cache_key
from adaptline.extract.params import ExtractParams
from adaptline.extract.readers import READERS, Chunk, fingerprint
from adaptline.extract.sniff import sniff
from adaptline.extract.worker import Task, default_workers, run_tasks
from adaptline.log import get_logger, progress
from adaptline.records import Record, sha256_bytes, write_json, write_records

EXTRACT_VERSION = "extract-1"  # format of cached results: part of every cache key
_MB = 1024 * 1024

log = get_logger(__name__)


class ExtractStageError(RuntimeError):
    """A pipeline-level problem (not a bad document): the stage must fail."""


def run_extract(
    input_dir: str | Path,
    output_path: str | Path,
    report_path: str | Path,
    cache_dir: str | Path,
    params: ExtractParams,
) -> dict[str, Any]:
    """Extract every file under ``input_dir``; write records and the report; return the report."""
    started = time.perf_counter()
    root = Path(input_dir)
    if not root.is_dir():
        raise ExtractStageError(f"input folder {root} does not exist (set extract.input_dir in params.yaml)")
    cache = ContentCache(cache_dir)
    entries, results, tasks, keys = _scan(root, cache, params)
    workers = default_workers(params.workers)
    for task, result in progress(run_tasks(tasks, params, workers), total=len(tasks), desc="extract"):
        if not result.get("transient"):
            cache.put(keys[task.key], result)
        results[task.key] = result

    records: list[Record] = []
    for rel, result in results.items():
        entry = entries[rel]
        if result["status"] != "extracted":
            entry.update(status="failed", reason=_join(entry["reason"], result["reason"]))
            log.warning("failed: %s: %s", rel, entry["reason"])
            continue
        made = _records(entry, result, params)
        records += made
        notes = [*result["notes"], *([] if made or result["notes"] else ["no text found"])]
        entry.update(status="extracted", reason=_join(entry["reason"], *notes), n_records=len(made))
    write_records(output_path, records)
    report = _report(entries, records, cache, time.perf_counter() - started, workers)
    write_json(report_path, report)
    totals = report["totals"]
    log.info(
        "extract: %d files -> %d extracted, %d skipped, %d failed; %d records; cache %d hits / %d misses; %.1f s",
        totals["files"], totals["extracted"], totals["skipped"], totals["failed"], totals["records"],
        totals["cache_hits"], totals["cache_misses"], totals["seconds"],
    )  # fmt: skip
    return report


def _scan(
    root: Path, cache: ContentCache, params: ExtractParams
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]], list[Task], dict[str, str]]:
    """Walk the folder in sorted order and settle what can be settled without parsing.

    Returns the report entry of every file, the cached results, the documents left to extract,
    and the cache key of each extractable document.
    """
    entries: dict[str, dict[str, Any]] = {}
    results: dict[str, dict[str, Any]] = {}
    tasks: list[Task] = []
    keys: dict[str, str] = {}
    first_path: dict[str, str] = {}  # sha256 -> first path with those bytes
    params_digest = cache_key(params.content_params())  # once, not per file
    limit = params.max_file_mb * _MB
    for path in sorted(root.rglob("*"), key=lambda p: p.relative_to(root).as_posix()):
        if not path.is_file():
            continue
        rel = path.relative_to(root).as_posix()
        entry = entries[rel] = {"path": rel, "status": "skipped", "reason": "", "doc_id": None, "kind": None}
        try:
            size = path.stat().st_size
            data = path.read_bytes() if 0 < size <= limit else b""
        except OSError as error:
            entry.update(status="failed", reason=f"unreadable file ({error.strerror or type(error).__name__})")
            continue
        if size == 0:
            entry["reason"] = "empty file"
            continue
        if size > limit:
            entry["reason"] = f"file over size limit ({size / _MB:.1f} MB > {params.max_file_mb:g} MB)"
            continue
        entry["doc_id"] = sha = sha256_bytes(data)
        if sha in first_path:
            entry.update(reason=f"identical to {first_path[sha]}", kind=entries[first_path[sha]]["kind"])
            continue
        first_path[sha] = rel
        sniffed = sniff(data, rel)
        if sniffed.kind is None:
            entry.update(status="failed" if sniffed.failed else "skipped", reason=sniffed.reason)
            if sniffed.failed:
                log.warning("failed: %s: %s", rel, sniffed.reason)
            continue
        entry.update(kind=sniffed.kind, reason=sniffed.note)
        keys[rel] = cache_key(sha, fingerprint(READERS[sniffed.kind]), EXTRACT_VERSION, params_digest)
        cached = cache.get(keys[rel])
        if cached is not None:
            results[rel] = cached
        else:
            tasks.append(Task(rel, str(path), sniffed.kind, sha))
    return entries, results, tasks, keys


def _records(entry: dict[str, Any], result: dict[str, Any], params: ExtractParams) -> list[Record]:
    """Attach provenance to a document's chunks (path-dependent, so done after the cache)."""
    rel, kind = entry["path"], entry["kind"]
    sensitivity = sensitivity_for(rel, params)
    version = READERS[kind].version
    records = []
    for index, data in enumerate(result["chunks"]):
        chunk = Chunk.from_dict(data)
        where = chunk.location.describe()
        records.append(
            Record(
                doc_id=entry["doc_id"],
                source_path=rel,
                kind=kind,
                location=chunk.location,
                chunk_index=index,
                text=chunk.text,
                context=" · ".join(part for part in (rel, kind, where) if part),
                extractor_version=version,
                sensitivity=sensitivity,
                meta={**result["meta"], **chunk.meta},
            )
        )
    return records


def sensitivity_for(rel_path: str, params: ExtractParams) -> str:
    """Level of the first rule whose glob matches the relative path, else the default."""
    for rule in params.sensitivity_rules:
        if fnmatch.fnmatchcase(rel_path, rule.glob):
            return rule.level
    return params.default_sensitivity


def _join(*notes: str) -> str:
    return "; ".join(note for note in notes if note)


def _report(
    entries: dict[str, dict[str, Any]], records: list[Record], cache: ContentCache, seconds: float, workers: int
) -> dict[str, Any]:
    files = [{"n_records": 0, **entry} for _, entry in sorted(entries.items())]
    kinds: dict[str, dict[str, int]] = {}
    for entry in files:
        if entry["kind"] is None or entry["status"] == "skipped":
            continue
        stats = kinds.setdefault(entry["kind"], {"files": 0, "extracted": 0, "failed": 0, "records": 0})
        stats["files"] += 1
        stats[entry["status"]] += 1
        stats["records"] += entry["n_records"]
    statuses = [entry["status"] for entry in files]
    return {
        "totals": {
            "files": len(files),
            "extracted": statuses.count("extracted"),
            "skipped": statuses.count("skipped"),
            "failed": statuses.count("failed"),
            "records": len(records),
            "cache_hits": cache.stats.hits,
            "cache_misses": cache.stats.misses,
            "seconds": round(seconds, 3),
            "workers": workers,
        },
        "kinds": dict(sorted(kinds.items())),
        "files": files,
    }

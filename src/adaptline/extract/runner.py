"""The extract stage: every file under the input folder becomes records, or a reported reason.

Flow: walk the folder (sorted) -> per file: size checks, sha256, duplicate check, content sniff
-> cache lookup -> misses run in worker processes while the scan goes on -> records get their
provenance (path, context header, sensitivity) -> one JSONL file and a report listing every input
file exactly once.

Two caches make a rerun cost little more than hashing the inputs:
- results, keyed by (sha256, reader version + code hash, content params): what a parser made of
  the bytes, whatever the file is called;
- rendered records, keyed by the result's key plus the path-dependent parts (relative path,
  sensitivity, record code): the document's finished JSONL lines, so an unchanged document is
  copied to the output without decoding and re-encoding its records.
"""

from __future__ import annotations

import fnmatch
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adaptline.cache import ContentCache, cache_key, code_hash, string_key
from adaptline.extract.listing import ExtractStageError, list_files
from adaptline.extract.params import ExtractParams
from adaptline.extract.readers import READERS, Chunk, fingerprint
from adaptline.extract.sniff import sniff
from adaptline.extract.stat_index import StatIndex
from adaptline.extract.worker import Task, WorkerPool, default_workers
from adaptline.log import get_logger, progress_bar
from adaptline.records import Record, dumps_record, sha256_bytes, write_bytes, write_text

if TYPE_CHECKING:
    from adaptline.extract.early import EarlyWorker

EXTRACT_VERSION = "extract-1"  # format of cached results: part of every cache key
RENDER_VERSION = "render-1"  # format of cached JSONL lines: part of every rendered key
_RENDERED_SUBDIR = "rendered"  # inside the cache folder, beside the two-hex-digit result shards
_MB = 1024 * 1024

log = get_logger(__name__)
_encode_entry = json.JSONEncoder(sort_keys=True, ensure_ascii=False).encode  # a report line; one encoder for all


def run_extract(
    input_dir: str | Path,
    output_path: str | Path,
    report_path: str | Path,
    cache_dir: str | Path,
    params: ExtractParams,
    early_worker: EarlyWorker | None = None,
) -> dict[str, Any]:
    """Extract every file under ``input_dir``; write records and the report; return the report.

    ``early_worker`` (see ``adaptline.extract.early``) becomes the first worker, or is killed when
    nothing needs parsing.
    """
    started = time.perf_counter()
    root = Path(input_dir)
    if not root.is_dir():
        raise ExtractStageError(f"input folder {root} does not exist (set extract.input_dir in params.yaml)")
    paths, not_read = list_files(root)
    workers = default_workers(params.workers)
    bar = progress_bar(total=len(paths), desc="extract")
    scan = _Scan(root, Path(cache_dir), params, bar)
    with WorkerPool(params, workers, early_worker) as pool:  # its workers exit while the outputs are written
        try:
            for task, result in pool.run(scan.tasks(paths)):
                if not result.get("transient"):
                    scan.results_cache.put(scan.keys[task.key], result)
                scan.results[task.key] = result
                scan.settle(task.key)
                bar.update()
        finally:
            bar.close()
        for rel, status, reason in not_read:  # accounted for like a file, so nothing goes missing silently
            entry = {"path": rel, "status": status, "reason": reason, "doc_id": None, "kind": None, "n_records": 0}
            scan.entries[rel] = entry
            if status == "failed":
                log.warning("failed: %s: %s", _one_line(rel), reason)
        blocks = [scan.lines[rel] for rel in scan.entries if rel in scan.lines]  # path order: the record order
        write_bytes(output_path, blocks)
        report = _report(scan.entries, scan.hits, scan.misses, time.perf_counter() - started, workers)
        write_text(report_path, _report_text(report, scan.report_lines))
    totals = report["totals"]
    log.info(
        "extract: %d files -> %d extracted, %d skipped, %d failed; %d records; cache %d hits / %d misses; %.1f s",
        totals["files"], totals["extracted"], totals["skipped"], totals["failed"], totals["records"],
        totals["cache_hits"], totals["cache_misses"], totals["seconds"],
    )  # fmt: skip
    return report


class _Scan:
    """Settles every file that can be settled without parsing, and yields the rest as tasks.

    ``entries`` is the report entry of every file (in path order), ``rendered`` the finished
    output of documents found in the rendered cache, ``results`` the parser results (from the
    results cache, or filled in by the caller as workers finish), ``keys`` the results-cache key of
    every extractable document, ``lines`` the output of every settled document that has records,
    ``report_lines`` the report line of every entry that was final when the scan ended.
    """

    def __init__(self, root: Path, cache_dir: Path, params: ExtractParams, bar: Any) -> None:
        self.root, self.params, self.bar = root, params, bar
        self.results_cache = ContentCache(cache_dir)
        self.rendered_cache = ContentCache(cache_dir / _RENDERED_SUBDIR)
        self.stat_index = StatIndex(cache_dir, root)
        self.entries: dict[str, dict[str, Any]] = {}
        self.rendered: dict[str, dict[str, Any]] = {}
        self.results: dict[str, dict[str, Any]] = {}
        self.keys: dict[str, str] = {}
        self.lines: dict[str, bytes] = {}
        self.report_lines: dict[str, str] = {}
        self._settled: set[str] = set()
        self.hits = self.misses = 0
        self._params_digest = cache_key(params.content_params())  # once, not per file
        self._render_code = _render_code_hash()

    def tasks(self, paths: list[tuple[str, str]]) -> Iterator[Task]:
        """Settle each (relative path, path); yield a task for each document to parse.

        One scan in path order (so the first of identical files is the one kept) identifies every
        file: its stat, and its sha256 and kind from the stat index or, for new and changed files,
        by reading it. A document read in this run is looked up in the caches at once and, on a
        miss, handed out right away, so it parses while the scan goes on; documents the stat index
        knew are looked up after the scan.
        """
        first_path: dict[str, str] = {}  # sha256 -> first path with those bytes
        known: list[tuple[str, str, str, str]] = []  # (rel, path, sha, kind) of files the stat index knew
        for rel, path in paths:
            entry = {"path": rel, "status": "skipped", "reason": "", "doc_id": None, "kind": None, "n_records": 0}
            self.entries[rel] = entry
            identified = self._identify(path, rel, entry, first_path)
            if identified is None:
                self.bar.update()
                continue
            sha, kind, from_index = identified
            if from_index:
                known.append((rel, path, sha, kind))
            elif (task := self._task(rel, path, sha, kind)) is not None:
                yield task
        self.stat_index.save()  # every file is identified: written while the last documents parse
        for rel, path, sha, kind in known:
            if (task := self._task(rel, path, sha, kind)) is not None:
                yield task
        for rel in self.entries:  # every task is out: settle the cached documents while workers parse
            self.settle(rel)
        # While the last documents parse, encode the report lines that are final already: ~7 ms
        # per 1,000 files, otherwise spent after the last result, when a run waits on nothing else.
        # Final: settled, or never looked up (skipped, failed or a duplicate when identified).
        for rel, entry in self.entries.items():
            if rel in self._settled or rel not in self.keys:
                self.report_lines[rel] = _encode_entry(entry)

    def _task(self, rel: str, path: str, sha: str, kind: str) -> Task | None:
        """None when the caches settle the document, else the task that parses it."""
        if self._lookup(rel, sha, kind):
            self.bar.update()
            return None
        self.misses += 1
        return Task(rel, path, kind, sha)

    def _identify(
        self, path: str, rel: str, entry: dict[str, Any], first_path: dict[str, str]
    ) -> tuple[str, str, bool] | None:
        """(sha256, kind, known from the stat index) of a document to extract; None when the file
        is settled here (unreadable, empty, too large, a duplicate, not a document)."""
        try:
            stat = os.stat(path)
        except OSError as error:
            entry.update(status="failed", reason=_unreadable(error))
            return None
        if stat.st_size == 0:
            entry["reason"] = "empty file"
            return None
        if stat.st_size > self.params.max_file_mb * _MB:
            size_mb = stat.st_size / _MB
            entry["reason"] = f"file over size limit ({size_mb:.1f} MB > {self.params.max_file_mb:g} MB)"
            return None
        known = self.stat_index.lookup(rel, stat)
        from_index = known is not None
        if known is None:
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError as error:
                entry.update(status="failed", reason=_unreadable(error))
                return None
            known = sha256_bytes(data), sniff(data, rel)
            self.stat_index.remember(rel, stat, *known)
        sha, sniffed = known
        entry["doc_id"] = sha
        if sha in first_path:
            entry.update(reason=f"identical to {first_path[sha]}", kind=self.entries[first_path[sha]]["kind"])
            return None
        first_path[sha] = rel
        if sniffed.kind is None:
            entry.update(status="failed" if sniffed.failed else "skipped", reason=sniffed.reason)
            if sniffed.failed:
                log.warning("failed: %s: %s", _one_line(rel), sniffed.reason)
            return None
        entry.update(kind=sniffed.kind, reason=sniffed.note)
        return sha, sniffed.kind, from_index

    def _lookup(self, rel: str, sha: str, kind: str) -> bool:
        """Fill in the document's rendered output or parser result from the caches; False on a miss."""
        key = string_key(sha, fingerprint(READERS[kind]), EXTRACT_VERSION, self._params_digest)
        self.keys[rel] = key
        rendered = _parse_rendered(self.rendered_cache.get_bytes(self._rendered_key(rel, key)))
        if rendered is not None:
            self.rendered[rel] = rendered
        else:
            cached = self.results_cache.get(key)
            if cached is None:
                return False
            self.results[rel] = cached
        self.hits += 1
        return True

    def _rendered_key(self, rel: str, result_key: str) -> str:
        return string_key(RENDER_VERSION, self._render_code, result_key, rel, sensitivity_for(rel, self.params))

    def settle(self, rel: str) -> None:
        """Give a document its final report entry and output lines, once its rendered output or
        parser result is known (else leave it for later)."""
        if rel in self._settled:
            return
        rendered = self.rendered.get(rel)
        if rendered is None:
            if rel not in self.results:
                return
            rendered = self.render(rel, self.results[rel])
        self._settled.add(rel)
        entry = self.entries[rel]
        if rendered["status"] != "extracted":
            entry.update(status="failed", reason=_join(entry["reason"], rendered["reason"]))
            log.warning("failed: %s: %s", _one_line(rel), entry["reason"])
            return
        self.lines[rel] = rendered["lines"]
        entry.update(status="extracted", reason=_join(entry["reason"], *rendered["notes"]))
        entry["n_records"] = rendered["n_records"]

    def render(self, rel: str, result: dict[str, Any]) -> dict[str, Any]:
        """The document's finished output (JSONL lines, counts, notes); cached when it is final."""
        if result["status"] != "extracted":
            return {"status": result["status"], "reason": result["reason"]}
        records = _records(self.entries[rel], result, self.params)
        notes = [*result["notes"], *([] if records or result["notes"] else ["no text found"])]
        header = {"status": "extracted", "n_records": len(records), "notes": notes}
        lines = "".join(dumps_record(record) + "\n" for record in records).encode("utf-8")
        entry = json.dumps(header).encode() + b"\n" + lines
        self.rendered_cache.put_bytes(self._rendered_key(rel, self.keys[rel]), entry)
        return {**header, "lines": lines}


def _one_line(rel: str) -> str:
    """A path as the log shows it: one line per file, even for a name holding a newline."""
    return rel if rel.isprintable() else rel.encode("unicode_escape").decode("ascii")


def _unreadable(error: OSError) -> str:
    return f"unreadable file ({error.strerror or type(error).__name__})"


def _parse_rendered(data: bytes | None) -> dict[str, Any] | None:
    """A rendered entry: one JSON header line, then the document's JSONL lines as UTF-8 bytes,
    copied to the output verbatim. None when missing or damaged (a header that does not parse, or
    another number of lines than it announces), so the document is rendered again."""
    if data is None:
        return None
    header, _, lines = data.partition(b"\n")
    try:
        parsed = json.loads(header)
    except ValueError:
        return None
    if not isinstance(parsed, dict) or lines.count(b"\n") != parsed.get("n_records"):
        return None
    return {**parsed, "lines": lines}


def _report_text(report: dict[str, Any], encoded: dict[str, str] | None = None) -> str:
    """The report as JSON with one line per input file: readable, diffable, and quick to write
    (``json.dumps`` with ``indent`` runs in pure Python; one compact dump per file runs in C).
    ``encoded`` holds lines already encoded, by path (``_encode_entry`` of the same entry)."""
    rest = json.dumps({k: v for k, v in report.items() if k != "files"}, indent=2, sort_keys=True, ensure_ascii=False)
    encoded = encoded or {}
    files = ",\n".join(f"    {encoded.get(entry['path']) or _encode_entry(entry)}" for entry in report["files"])
    return '{\n  "files": [\n' + files + "\n  ],\n" + rest[2:] + "\n" if files else rest + "\n"


def _render_code_hash() -> str:
    """The code that turns a parser result into JSONL lines: editing it redoes every rendering."""
    return code_hash(__file__, Path(__file__).resolve().parents[1] / "records.py")


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


def _report(entries: dict[str, dict[str, Any]], hits: int, misses: int, seconds: float, workers: int) -> dict[str, Any]:
    files = [entry for _, entry in sorted(entries.items())]
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
            "records": sum(entry["n_records"] for entry in files),
            "cache_hits": hits,
            "cache_misses": misses,
            "seconds": round(seconds, 3),
            "workers": workers,
        },
        "kinds": dict(sorted(kinds.items())),
        "files": files,
    }

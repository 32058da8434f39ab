"""dedup: planted exact and near-duplicates are found, unrelated documents are not merged."""

from __future__ import annotations

import numpy as np
import pytest
from dedup_fixtures import BOILERPLATE, PROSE_A, PROSE_B, planted_corpus, record

from adaptline.dedup import DedupError, DedupParams, run_dedup
from adaptline.dedup.shingles import canonical_table_lines, jaccard, shingles
from adaptline.records import read_records, write_records


def _run(tmp_path, records, params=None, name="run"):
    write_records(tmp_path / "in.jsonl", records)
    out = tmp_path / name
    report = run_dedup(
        tmp_path / "in.jsonl", out / "records.jsonl", out / "report.json", tmp_path / "cache", params or DedupParams()
    )
    return report, list(read_records(out / "records.jsonl"))


def _drops(report):
    return {(d["source_path"], d["duplicate_of_path"], d["reason"]) for d in report["dropped"]}


def test_planted_duplicates_are_found(tmp_path):
    report, kept = _run(tmp_path, planted_corpus())
    drops = _drops(report)
    # edited prose: the later revision (same length rule -> greater path) is kept
    assert ("reviews/psu_rev_A.docx", "reviews/psu_rev_B.docx", "near") in drops
    # renamed identifiers in C (USART1 -> USART6, counters renamed)
    assert any(d[0].startswith("fw/") and d[1].startswith("fw/") and d[0] != d[1] and d[2] == "near" for d in drops)
    # the same table as a docx markdown table and as spreadsheet rows
    assert {d[:2] for d in drops} & {
        ("bom/psu.xlsx", "reviews/psu_bom_section.docx"),
        ("reviews/psu_bom_section.docx", "bom/psu.xlsx"),
    }
    # the shared footer is one exact cluster; the unrelated bodies sharing it are all kept
    assert sum(1 for d in report["dropped"] if d["reason"] == "exact") == 2
    kept_paths = {r.source_path for r in kept if r.text != BOILERPLATE}
    assert {"reports/emc.docx", "fw/f4/adc.c", "reviews/psu_rev_B.docx"} <= kept_paths
    for entry in report["dropped"]:
        assert entry["cluster_id"].startswith("c") and 0 < entry["similarity"] <= 1.0
        assert entry["duplicate_of"] and entry["duplicate_of"] != entry["record_id"]
    totals = report["totals"]
    assert totals["input_records"] == totals["kept_records"] + totals["dropped_records"] == 11


def test_document_granularity_keeps_unrelated_documents_with_shared_boilerplate(tmp_path):
    report, kept = _run(tmp_path, planted_corpus(), DedupParams(granularity="document"))
    dropped_docs = {d["source_path"] for d in report["dropped"]}
    assert "reports/emc.docx" not in dropped_docs  # shares only the footer with the PSU reviews
    assert "reviews/psu_rev_A.docx" in dropped_docs  # near-duplicate revision, dropped with all its records
    assert {d["record_id"] for d in report["dropped"] if d["source_path"] == "reviews/psu_rev_A.docx"} == {
        r.record_id for r in planted_corpus() if r.source_path == "reviews/psu_rev_A.docx"
    }
    assert "reports/emc.docx" in {r.source_path for r in kept}


def test_lsh_candidates_below_threshold_are_not_merged(tmp_path):
    a = record("a.docx", "docx", PROSE_A)
    b = record("b.docx", "docx", PROSE_A + " " + PROSE_B)  # shares half its shingles with a
    params = DedupParams(threshold=0.8)
    assert jaccard(shingles(a.text, "docx", params), shingles(b.text, "docx", params)) < 0.8
    report, kept = _run(tmp_path, [a, b], params)
    assert report["dropped"] == [] and len(kept) == 2


def test_signatures_are_cached_by_content_and_output_is_deterministic(tmp_path):
    corpus = planted_corpus()
    first, _ = _run(tmp_path, corpus, name="one")
    assert first["cache"]["signatures_computed"] == 9  # 11 records, the footer three times
    assert first["cache"]["signatures_cached"] == 0
    second, _ = _run(tmp_path, corpus, name="two")
    assert second["cache"]["signatures_computed"] == 0
    assert (tmp_path / "one/records.jsonl").read_bytes() == (tmp_path / "two/records.jsonl").read_bytes()
    # the report is byte-identical whether the signature cache was cold or warm
    assert (tmp_path / "one/report.json").read_bytes() == (tmp_path / "two/report.json").read_bytes()
    third, _ = _run(tmp_path, [*corpus, record("new.docx", "docx", PROSE_B + " A new paragraph about ESD.")], name="3")
    assert third["cache"]["signatures_computed"] == 1


def test_edited_signature_code_recomputes_signatures(tmp_path, monkeypatch):
    """The signature cache is keyed by the shingling/MinHash code itself, not only by
    DEDUP_VERSION: an edit without a version bump must not serve stale signatures."""
    from adaptline.dedup import runner

    corpus = planted_corpus()
    _run(tmp_path, corpus, name="one")
    monkeypatch.setattr(runner, "signature_code_hash", lambda: "edited")
    again, _ = _run(tmp_path, corpus, name="two")
    assert again["cache"]["signatures_computed"] == 9 and again["cache"]["signatures_cached"] == 0


def test_table_canonicalisation_and_code_shingles():
    assert canonical_table_lines("| a | b |\n|---|---|\n| 1 | 2 |") == "a b\n1 2"
    assert canonical_table_lines("Columns: a | b\nA: 1; B: 2") == "a b\n1 2"
    params = DedupParams()
    assert np.array_equal(shingles("x = foo(1);", "c", params), shingles("y = bar(1);", "c", params))
    assert not np.array_equal(shingles("x = foo(1);", "c", params), shingles("x = foo(2);", "c", params))
    assert jaccard(shingles(PROSE_A, "docx", params), shingles(PROSE_A.upper(), "docx", params)) == 1.0


def test_missing_input_is_a_clear_error(tmp_path):
    with pytest.raises(DedupError, match="run the scrub stage first"):
        run_dedup(tmp_path / "nope.jsonl", tmp_path / "o.jsonl", tmp_path / "r.json", tmp_path / "c", DedupParams())

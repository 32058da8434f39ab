"""dedup at corpus scale: repeated boilerplate stays linear and never chains documents into one family."""

from __future__ import annotations

import random

from dedup_fixtures import BOILERPLATE, record

from adaptline.dedup import DedupParams, run_dedup
from adaptline.records import write_records

LICENCE = (
    "/* Copyright (c) Kestrel Dynamics GmbH. All rights reserved. Licensed under the Kestrel firmware licence "
    "version 2; you may not use this file except in compliance with the licence. */"
)


def _corpus(n_docs: int) -> list:
    rng = random.Random(7)
    vocab = [f"term{i}" for i in range(3000)]
    records = []
    for d in range(n_docs):
        path = f"docs/d{d:04d}.docx"
        body = " ".join(rng.choice(vocab) for _ in range(120))
        records.append(record(path, "docx", body))
        records.append(record(path, "docx", BOILERPLATE, chunk=1, part="footer"))
        footer = f"Kestrel Dynamics GmbH quality manual page {d} of the controlled document set, revision C"
        records.append(record(path, "docx", footer, chunk=2, part="footer"))
        records.append(record(f"fw/m{d:04d}.c", "c", LICENCE))
        records.append(record(f"fw/m{d:04d}.c", "c", f"int f{d}(int a) {{ return a * {d} + {d % 7}; }}", chunk=1))
    return records


def test_boilerplate_in_every_document_is_linear_and_links_nothing(tmp_path):
    n_docs = 300
    write_records(tmp_path / "in.jsonl", _corpus(n_docs))
    params = DedupParams(lsh_max_bucket=20)
    report = run_dedup(tmp_path / "in.jsonl", tmp_path / "o.jsonl", tmp_path / "r.json", tmp_path / "cache", params)
    totals = report["totals"]
    # identical copies never enter LSH; big buckets of near-identical page footers are paired star-wise
    all_pairs = 2 * n_docs * (n_docs - 1) // 2  # numbered footers + C functions, if all paired
    assert totals["lsh_candidate_pairs"] < all_pairs // 20
    assert totals["verified_near_pairs"] == 0  # numbered footers differ in 3 of 12 shingles: J = 0.6 < 0.7
    # the licence header is most of every tiny C file, but a cluster over family_max_docs links nothing
    assert totals["document_links"] == 0 and report["document_links"] == []
    assert totals["boilerplate_clusters"] == 2  # company footer, licence header
    assert totals["dropped_exact"] == 2 * (n_docs - 1)
    assert totals["kept_records"] == 3 * n_docs + 2  # bodies, numbered footers, functions + one of each copy


def test_licence_share_links_small_files_only_below_the_boilerplate_cap(tmp_path):
    write_records(tmp_path / "in.jsonl", _corpus(5))
    report = run_dedup(
        tmp_path / "in.jsonl", tmp_path / "o.jsonl", tmp_path / "r.json", tmp_path / "cache", DedupParams()
    )
    # 5 tiny C files that are mostly one licence text: below the cap they are one family (10 links)
    assert report["totals"]["document_links"] == 10 and report["totals"]["boilerplate_clusters"] == 0

"""split families: revisions stay together, boilerplate does not chain documents, growth never un-holds-out."""

from __future__ import annotations

import hashlib
import json

from dedup_fixtures import BOILERPLATE, PROSE_A, PROSE_B, record
from hypothesis import given, settings
from hypothesis import strategies as st

from adaptline.dedup import DedupParams, run_dedup
from adaptline.records import read_records, write_records
from adaptline.split import SPLITS, SplitParams, assign_documents, assign_split, assignment_moves, run_split

SECTIONS = [
    f"Section {i}: the {topic} was characterised over temperature from -40 to 85 C with {i * 3 + 5} samples; "
    f"all results are inside the datasheet limits and the margin analysis is in appendix {i}."
    for i, topic in enumerate(["bandgap reference", "LDO dropout", "crystal startup", "ADC offset"])
]
UNRELATED = (
    "The CAN bus runs at 500 kbit/s with a sample point at 87.5 percent; termination is split into two 60 ohm "
    "resistors with a 4.7 nF capacitor to ground at each end of the harness, which cut common-mode noise."
)
RANK = {name: rank for rank, name in enumerate(SPLITS)}


def _name_with_bucket(prefix: str, bucket: str) -> str:
    params = SplitParams()
    return next(
        f"{prefix}{i}.docx"
        for i in range(500)
        if assign_split(record(f"{prefix}{i}.docx", "docx", "").doc_id, params) == bucket
    )


def _revision_pair() -> list:
    """rev_A in a train bucket and rev_B in a test bucket; they share 3 of 4 sections (plus the footer)."""
    rev_a, rev_b = _name_with_bucket("rev_a_", "train"), _name_with_bucket("rev_b_", "test")
    records = [record(rev_a, "docx", text, chunk=i) for i, text in enumerate([*SECTIONS, BOILERPLATE])]
    edited = [*SECTIONS[:3], PROSE_A, BOILERPLATE]  # last section rewritten: below the near-dup threshold
    records += [record(rev_b, "docx", text, chunk=i) for i, text in enumerate(edited)]
    return records


def _run(tmp_path, records, name="out"):
    write_records(tmp_path / f"{name}.jsonl", records)
    out = tmp_path / name
    dedup = run_dedup(tmp_path / f"{name}.jsonl", out / "d.jsonl", out / "d.json", tmp_path / "cache", DedupParams())
    split = run_split(
        out / "d.jsonl", out / "d.json", out / "s", out / "s.json", tmp_path / "cache", SplitParams(), DedupParams()
    )
    return dedup, split, json.loads((out / "s/assignments.json").read_text())


def test_revisions_form_a_family_in_the_most_held_out_bucket_and_footers_do_not_link(tmp_path):
    others = [
        record(f"other{i}.docx", "docx", text, chunk=c)
        for i, text in enumerate([PROSE_B, UNRELATED])
        for c, text in enumerate([text, BOILERPLATE])
    ]
    records = _revision_pair() + others
    dedup, split, assignments = _run(tmp_path, records)
    rev_a, rev_b = records[0].doc_id, records[5].doc_id
    assert [(link["a"], link["b"]) for link in dedup["document_links"]] == [tuple(sorted((rev_a, rev_b)))]
    assert dedup["document_links"][0]["shared"] >= 0.5
    footer_cluster = next(c for c in dedup["clusters"] if len(c["doc_ids"]) == 4)  # the footer is in all four docs
    assert len(footer_cluster["members"]) == 4
    assert assignments[rev_a]["bucket"] == "train" and assignments[rev_b]["bucket"] == "test"
    assert assignments[rev_a]["split"] == assignments[rev_b]["split"] == "test"
    assert split["promotions"]["by_move"] == {"train->test": 1}
    assert split["families"]["multi_document"] == 1 and split["audit"]["leaks"] == 0
    # the edited section of rev_B survives dedup and sits in the same split as rev_A's remaining chunks
    test_ids = {r.doc_id for r in read_records(tmp_path / "out/s/test.jsonl")}
    assert {rev_a, rev_b} <= test_ids


def test_a_document_dropped_whole_still_votes_for_its_family(tmp_path):
    kept = _name_with_bucket("keep_", "train")
    dropped = _name_with_bucket("copy_", "val")
    records = [record(kept, "docx", PROSE_A), record(dropped, "docx", PROSE_A.upper())]  # exact after normalising
    dedup, _split, assignments = _run(tmp_path, records)
    assert dedup["totals"]["dropped_exact"] == 1
    survivor = next(iter(assignments.values()))
    assert survivor["split"] == "val"  # the family holds a val document, so it can never fall back to train


def _doc(i: int) -> str:
    return hashlib.sha256(f"d{i}".encode()).hexdigest()


@settings(max_examples=60, deadline=None)
@given(
    n_old=st.integers(1, 80),
    n_new=st.integers(0, 80),
    link_seeds=st.lists(st.tuples(st.integers(0, 159), st.integers(0, 159)), max_size=60),
    new_link_seeds=st.lists(st.tuples(st.integers(0, 159), st.integers(0, 159)), max_size=60),
)
def test_growth_never_moves_held_out_documents_to_train_and_families_never_span_splits(
    n_old, n_new, link_seeds, new_link_seeds
):
    params = SplitParams()
    old_docs = [_doc(i) for i in range(n_old)]
    all_docs = [_doc(i) for i in range(n_old + n_new)]
    old_links = [(_doc(a % n_old), _doc(b % n_old)) for a, b in link_seeds]
    new_total = n_old + n_new
    # links among old documents can only gain members when the corpus grows (dedup.families)
    new_links = old_links + [(_doc(a % new_total), _doc(b % new_total)) for a, b in new_link_seeds]
    before = assign_documents(old_docs, old_links, params)
    after = assign_documents(all_docs, new_links, params)
    assert assign_documents(list(reversed(all_docs)), list(reversed(new_links)), params) == after  # pure function
    for doc_id in old_docs:
        assert RANK[after[doc_id].split] >= RANK[before[doc_id].split]
    for a, b in new_links:
        assert after[a].split == after[b].split
    moves = assignment_moves({d: a.split for d, a in before.items()}, {d: a.split for d, a in after.items()})
    assert not any(move.endswith("->train") for move in moves)


def test_ratios_within_two_points_with_a_few_families():
    params = SplitParams()
    docs = [_doc(i) for i in range(3000)]
    links = [(docs[i], docs[i + 1]) for i in range(0, 150, 2)]  # 5 % of documents in revision pairs
    plan = assign_documents(docs, links, params)
    for name, ratio in (("train", 0.8), ("val", 0.1), ("test", 0.1)):
        share = sum(1 for a in plan.values() if a.split == name) / len(docs)
        assert abs(share - ratio) <= 0.02, (name, share)


def test_assignment_moves_counts_transitions():
    assert assignment_moves({"a": "train", "b": "val", "c": "test"}, {"a": "test", "b": "val", "d": "train"}) == {
        "train->test": 1
    }

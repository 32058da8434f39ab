"""Benchmark: MinHash signatures + LSH on generated ~2 KB documents with planted near-duplicates.

Prints documents/s for signatures + LSH (+ verification), precision/recall/F1 of the verified
pairs against exact Jaccard ground truth, and peak memory. Ground truth: every planted pair and
every LSH candidate is scored with exact Jaccard; unrelated pairs outside those sets are checked on a
random sample (their similarity is ~0: independent random text), which is printed too.

    .venv/bin/python bench/bench_dedup.py --docs 20000
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import time

from adaptline.dedup.minhash import lsh_candidate_pairs, shingles_for, signatures_for
from adaptline.dedup.params import DedupParams
from adaptline.dedup.shingles import jaccard

WORDS = [
    "voltage",
    "current",
    "resistor",
    "capacitor",
    "inductor",
    "regulator",
    "converter",
    "buck",
    "boost",
    "ripple",
    "ground",
    "plane",
    "trace",
    "via",
    "footprint",
    "thermal",
    "pad",
    "heatsink",
    "junction",
    "ambient",
    "derating",
    "margin",
    "tolerance",
    "clock",
    "oscillator",
    "crystal",
    "pll",
    "uart",
    "spi",
    "i2c",
    "can",
    "bus",
    "baud",
    "frame",
    "parity",
    "checksum",
    "interrupt",
    "handler",
    "register",
    "peripheral",
    "dma",
    "buffer",
    "fifo",
    "watchdog",
    "reset",
    "brownout",
    "flash",
    "eeprom",
    "sector",
    "page",
    "erase",
    "write",
    "verify",
    "bootloader",
    "firmware",
    "release",
    "test",
    "report",
    "emission",
    "immunity",
    "esd",
    "surge",
    "burst",
    "chamber",
    "antenna",
    "probe",
    "scope",
    "sample",
    "measurement",
    "limit",
    "class",
    "margin",
    "pass",
    "fail",
    "review",
    "finding",
    "action",
    "owner",
    "status",
    "open",
    "closed",
    "schematic",
    "layout",
    "stackup",
    "impedance",
    "differential",
    "pair",
    "termination",
    "connector",
    "pin",
    "header",
    "jumper",
    "fuse",
    "diode",
    "transistor",
    "mosfet",
    "gate",
    "drain",
    "source",
    "switching",
    "loss",
    "efficiency",
    "load",
    "line",
    "transient",
    "step",
    "response",
    "phase",
    "gain",
    "crossover",
    "compensation",
    "loop",
    "stability",
    "adc",
    "dac",
    "reference",
    "channel",
]


def make_corpus(n_docs: int, dup_fraction: float, seed: int) -> tuple[list[str], list[tuple[int, int, float]]]:
    rng = random.Random(seed)
    vocab = WORDS + [f"{w}{n}" for w in WORDS for n in range(40)]  # ~7,000 tokens
    n_dups = int(n_docs * dup_fraction)
    originals = [" ".join(rng.choice(vocab) for _ in range(300)) for _ in range(n_docs - n_dups)]
    docs = list(originals)
    planted = []
    edit_rates = (0.01, 0.03, 0.05, 0.08, 0.12, 0.2)
    for _ in range(n_dups):
        source = rng.randrange(len(originals))
        rate = rng.choice(edit_rates)
        words = originals[source].split()
        for position in rng.sample(range(len(words)), int(len(words) * rate)):
            words[position] = rng.choice(vocab)
        planted.append((source, len(docs), rate))
        docs.append(" ".join(words))
    return docs, planted


def _cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children (the shingling pool)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--dup-fraction", type=float, default=0.2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    params = DedupParams()
    docs, planted = make_corpus(args.docs, args.dup_fraction, args.seed)
    mean_kb = sum(len(d) for d in docs) / len(docs) / 1024
    print(f"corpus: {len(docs)} documents, mean {mean_kb:.2f} KB, {len(planted)} planted near-duplicates")
    print(
        f"params: threshold {params.threshold}, lsh_threshold {params.lsh_threshold}, num_perm {params.num_perm}, "
        f"{params.prose_shingle_words}-word shingles, workers {args.workers}, cores {os.cpu_count()}"
    )

    cpu_start = _cpu_seconds()
    start = time.perf_counter()
    sets = shingles_for([(d, "docx") for d in docs], params, args.workers)
    t_shingle = time.perf_counter()
    sigs = signatures_for(sets, params)
    t_sig = time.perf_counter()
    candidates = lsh_candidate_pairs({f"{i:06d}": s for i, s in enumerate(sigs)}, params)
    t_lsh = time.perf_counter()
    cpu_used = _cpu_seconds() - cpu_start
    pairs = [(int(a), int(b)) for a, b in candidates]
    scored = {p: jaccard(sets[p[0]], sets[p[1]]) for p in pairs}
    found = {p for p, sim in scored.items() if sim >= params.threshold}
    t_verify = time.perf_counter()

    for source, copy, _ in planted:
        key = (min(source, copy), max(source, copy))
        scored.setdefault(key, jaccard(sets[source], sets[copy]))
    rng = random.Random(1)
    sample = [tuple(sorted(rng.sample(range(len(docs)), 2))) for _ in range(20000)]
    sample_max = max(jaccard(sets[a], sets[b]) for a, b in sample if (a, b) not in scored)
    truth = {p for p, sim in scored.items() if sim >= params.threshold}
    tp = len(found & truth)
    precision = tp / len(found) if found else 1.0
    recall = tp / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    total = t_lsh - start
    print(f"shingling        {t_shingle - start:6.2f} s")
    print(f"signatures       {t_sig - t_shingle:6.2f} s")
    print(f"LSH index+query  {t_lsh - t_sig:6.2f} s  ({len(candidates)} candidate pairs)")
    print(f"verification     {t_verify - t_lsh:6.2f} s")
    print(f"throughput (shingles + signatures + LSH): {len(docs) / total:,.0f} docs/s")
    print(
        f"CPU time (all processes) for shingles + signatures + LSH: {cpu_used:.2f} s = "
        f"{len(docs) / cpu_used:,.0f} docs per CPU-second (robust to other load on the machine; "
        f"load average now {os.getloadavg()[0]:.2f})"
    )
    print(f"throughput incl. verification:            {len(docs) / (t_verify - start):,.0f} docs/s")
    print(f"ground truth pairs (Jaccard >= {params.threshold}): {len(truth)}; found {len(found)}; true positives {tp}")
    print(f"precision {precision:.4f}  recall {recall:.4f}  F1 {f1:.4f}")
    print(f"max Jaccard over 20,000 random unrelated pairs: {sample_max:.3f}")
    by_rate: dict[float, list[bool]] = {}
    for source, copy, rate in planted:
        key = (min(source, copy), max(source, copy))
        if key in truth:
            by_rate.setdefault(rate, []).append(key in found)
    for rate in sorted(by_rate):
        hits = by_rate[rate]
        print(f"  edit rate {rate:.2f}: recall {sum(hits) / len(hits):.3f} over {len(hits)} true pairs")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS, main process): {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()

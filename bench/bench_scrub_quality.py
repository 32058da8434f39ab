"""Scrub quality on seeded Faker engineering texts: precision/recall/F2 per entity type, jargon survival.

Recall: a labelled value counts as found when predicted spans (any type) cover all its characters.
Precision: a predicted span of type T is correct when it overlaps a label of type T.
Run: .venv/bin/python bench/bench_scrub_quality.py [n_docs] [seed] [name_locale]
(name_locale: Faker locale of the person names, e.g. de_DE; default en_US)
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from scrub_corpus import generate


def evaluate(docs, predictions) -> tuple[dict[str, tuple[float, float, float]], float]:
    tp, fp, found, total = Counter(), Counter(), Counter(), Counter()
    kept, jargon_total = 0, 0
    for (text, labels, jargon), spans in zip(docs, predictions, strict=True):
        covered = [False] * len(text)
        for s, e, _ in spans:
            covered[s:e] = [True] * (e - s)
        for s, e, entity in labels:
            total[entity] += 1
            found[entity] += all(covered[s:e])
        for s, e, entity in spans:
            hit = any(ls < e and s < le and lt == entity for ls, le, lt in labels)
            (tp if hit else fp)[entity] += 1
        for s, e in jargon:
            jargon_total += 1
            kept += not any(covered[s:e])
    scores = {}
    for entity in sorted(total):
        recall = found[entity] / total[entity]
        precision = tp[entity] / (tp[entity] + fp[entity]) if tp[entity] + fp[entity] else 0.0
        f2 = 5 * precision * recall / (4 * precision + recall) if precision + recall else 0.0
        scores[entity] = (precision, recall, f2)
    for entity in sorted(set(fp) - set(total)):
        scores[entity] = (0.0, float("nan"), float("nan"))
    return scores, kept / max(jargon_total, 1)


def stage_predictions(docs) -> list[list[tuple[int, int, str]]]:
    from adaptline.scrub.params import ScrubParams
    from adaptline.scrub.runner import get_analyzer

    analyzer = get_analyzer(ScrubParams(workers=1), [], [])
    results = analyzer.analyze_texts([(text, "text") for text, _, _ in docs])
    return [[(s, e, t) for s, e, t, _ in r.spans] for r in results]


def main() -> None:
    n_docs = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    name_locale = sys.argv[3] if len(sys.argv) > 3 else "en_US"
    docs = generate(n_docs, seed=seed, name_locale=name_locale)
    scores, survival = evaluate(docs, stage_predictions(docs))
    print(f"docs={n_docs} seed={seed} names={name_locale} chars={sum(len(d[0]) for d in docs)}")
    print(f"{'entity':16s} {'precision':>9s} {'recall':>7s} {'F2':>6s}")
    for entity, (p, r, f2) in scores.items():
        print(f"{entity:16s} {p:9.3f} {r:7.3f} {f2:6.3f}")
    print(f"jargon survival {survival:.4f}")


if __name__ == "__main__":
    main()

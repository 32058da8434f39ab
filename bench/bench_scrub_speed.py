"""Scrub speed: chars/s of the stage's analyzer vs. a default presidio AnalyzerEngine (same spaCy model,
same texts, one run, one process), with the recall of each beside it.
Run: .venv/bin/python bench/bench_scrub_speed.py [n_docs]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from scrub_corpus import generate


def recall(docs, predictions) -> float:

    total = sum(len(d[1]) for d in docs)
    found = 0
    for (text, labels, _), spans in zip(docs, predictions, strict=True):
        covered = [False] * len(text)
        for s, e, _ in spans:
            covered[s:e] = [True] * (e - s)
        found += sum(all(covered[s:e]) for s, e, _ in labels)
    return found / total


def main() -> None:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    from adaptline.scrub.engine import configure_offline_and_quiet
    from adaptline.scrub.params import ScrubParams
    from adaptline.scrub.runner import get_analyzer

    n_docs = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    docs = generate(n_docs, seed=1)
    chars = sum(len(d[0]) for d in docs)
    configure_offline_and_quiet()  # only keeps tldextract offline; the engine stays default
    params = ScrubParams(workers=1)
    default = AnalyzerEngine(nlp_engine=SpacyNlpEngine(models=[{"lang_code": "en", "model_name": params.spacy_model}]))
    stage = get_analyzer(params, [], [])
    default.analyze(docs[0][0], language="en")
    stage.analyze_texts([(docs[0][0], "text")])

    started = time.perf_counter()
    base = [[(r.start, r.end, r.entity_type) for r in default.analyze(t, language="en")] for t, _, _ in docs]
    base_s = time.perf_counter() - started
    started = time.perf_counter()
    ours = [[(s, e, t) for s, e, t, _ in r.spans] for r in stage.analyze_texts([(t, "text") for t, _, _ in docs])]
    ours_s = time.perf_counter() - started
    print(f"docs={n_docs} chars={chars} (one process)")
    print(f"default AnalyzerEngine: {chars / base_s:10.0f} chars/s  recall {recall(docs, base):.3f}")
    print(f"scrub stage analyzer:   {chars / ours_s:10.0f} chars/s  recall {recall(docs, ours):.3f}")
    print(f"speed-up {base_s / ours_s:.2f}x")


if __name__ == "__main__":
    main()

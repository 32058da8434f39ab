"""Regenerate the embedded sample corpus (byte-identical on every run) and its scrub term lists.

.venv/bin/python scripts/make_sample_corpus.py --out data/sample
"""

from __future__ import annotations

import argparse
import time

from adaptline.samples import generate_sample_corpus, write_term_lists


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="data/sample", help="folder to write the corpus into")
    parser.add_argument("--deny-list", default="data/sample_deny_list.txt", help="customer names to remove")
    parser.add_argument("--allow-list", default="data/sample_allow_list.txt", help="jargon never to redact")
    args = parser.parse_args()
    started = time.perf_counter()
    files = generate_sample_corpus(args.out)
    write_term_lists(args.deny_list, args.allow_list)
    size = sum(path.stat().st_size for path in files)
    print(f"wrote {len(files)} files ({size / 1e6:.2f} MB) to {args.out} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()

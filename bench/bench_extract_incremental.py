"""Incremental extract: full run over N documents vs. the run after adding one document.

Each run is the stage command exactly as ``dvc repro`` starts it: a fresh ``python
stages/extract.py`` process, reading the repository's params.yaml with ``extract.input_dir``
pointed at the corpus, after the stage's outputs are removed, as ``dvc repro`` removes them before
it runs a stage. (``--keep-outputs`` leaves them in place: each output then replaces the last
run's, and on ext4 that rename flushes the new file's data, 5-8 ms for the records.) The time
inside ``run_extract`` (the report's ``seconds``) is printed too. Each figure is the median of
``--repeats`` rounds (a full run, a run with no change, one run after adding a document of each
kind); each added document is one the cache has never seen. Prints the ratio (goal: <= 3%). The
corpus comes from ``adaptline.samples.generate_corpus`` when that exists, else from
bench/extract_corpus.py.

    .venv/bin/python bench/bench_extract_incremental.py --n-docs 1000
    git worktree add /tmp/base REV && .venv/bin/python bench/bench_extract_incremental.py --baseline /tmp/base
"""

from __future__ import annotations

import argparse
import compileall
import itertools
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))

import extract_corpus
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]


def make_corpus(out_dir: Path, n_docs: int, seed: int, which: str) -> str:
    """Write the corpus; ``which`` is "samples" (adaptline.samples, when installed) or "own"."""
    if which == "samples":
        try:
            from adaptline.samples import generate_corpus
        except ImportError:
            which = "own"
        else:
            generate_corpus(out_dir, n_docs, seed)
            return "adaptline.samples.generate_corpus"
    extract_corpus.generate(out_dir, n_docs, seed)
    return "bench/extract_corpus.py"


def timed_run(
    raw: Path, work: Path, workers: int, root: Path = REPO_ROOT, keep_outputs: bool = False
) -> tuple[float, dict]:
    """Wall time of one stage process of the checkout at ``root``, and its report."""
    params = work / "params.yaml"
    config = yaml.safe_load((root / "params.yaml").read_text(encoding="utf-8"))  # the whole file, as in dvc repro
    config["extract"].update(input_dir=str(raw), workers=workers)
    work.mkdir(parents=True, exist_ok=True)
    params.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    command = [sys.executable, str(root / "stages/extract.py"), "--input-dir", str(raw), "--params", str(params)]
    command += ["--output", str(work / "records.jsonl"), "--report", str(work / "report.json")]
    command += ["--cache-dir", str(work / "cache")]
    env = {**os.environ, "ADAPTLINE_PROGRESS": "0", "PYTHONPATH": str(root / "src")}  # that checkout's package
    if not keep_outputs:  # what `dvc repro` does before it runs a stage whose outputs are not `persist`
        for output in ("records.jsonl", "report.json"):
            (work / output).unlink(missing_ok=True)
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    return elapsed, json.loads((work / "report.json").read_text(encoding="utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-docs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=0, help="0 = all cores")
    parser.add_argument("--corpus", choices=["samples", "own"], default="samples", help="document generator")
    parser.add_argument("--repeats", type=int, default=3, help="stage processes per figure (median printed)")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout (e.g. `git worktree add /tmp/base REV`): its stage is timed too, run by run "
        "interleaved with this one's, each on its own copy of the corpus",
    )
    parser.add_argument(
        "--keep-outputs",
        action="store_true",
        help="leave the last run's outputs in place (dvc repro removes them before it runs the stage)",
    )
    args = parser.parse_args()
    # bytecode for src/ as `make setup` writes it (else PYTHONDONTWRITEBYTECODE recompiles it per process)
    compileall.compile_dir(REPO_ROOT / "src", quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        raw = work / "raw"
        started = time.perf_counter()
        source = make_corpus(raw, args.n_docs, args.seed, args.corpus)
        files = [p for p in raw.rglob("*") if p.is_file()]
        size_mb = sum(p.stat().st_size for p in files) / 1e6
        print(f"corpus: {len(files)} files, {size_mb:.1f} MB from {source} in {time.perf_counter() - started:.1f} s")

        # Round by round: a full run, a run with no change, and a run after adding one document of
        # each kind. Full runs on these VMs drift by 10-30 % within minutes, so each round's
        # ratios divide by that round's own full run, and their median is printed beside the
        # ratio of the medians.
        runs = _Runs(raw, work, args.workers, keep_outputs=args.keep_outputs)
        (raw / "added").mkdir()
        seeds = itertools.count(args.seed + 1)
        columns = ["full extract", "no change", *extract_corpus.KINDS]
        seconds: dict[str, list[float]] = {column: [] for column in columns}
        inner: dict[str, list[float]] = {column: [] for column in columns}
        reports: dict[str, dict] = {}
        for _ in range(args.repeats):
            for old in (raw / "added").iterdir():
                old.unlink()
            for column in columns:
                if column == "full extract":
                    elapsed, inside, reports[column] = runs.full()
                elif column == "no change":
                    elapsed, inside, reports[column] = runs.timed()
                else:
                    elapsed, inside, reports[column] = runs.add_one(column, seeds)
                seconds[column].append(elapsed)
                inner[column].append(inside)
        outputs = "the last run's outputs left in place" if args.keep_outputs else "outputs removed, as by dvc repro"
        print(f"each figure: median of {args.repeats} rounds of fresh stage processes ({outputs}; min-max in brackets)")
        print(f"{'run':<14} {'process s':>21} {'run_extract s':>21} {'per process':>30} {'inside':>8}  cache")
        full, full_inner = seconds["full extract"], inner["full extract"]
        for column in columns:
            ratios = ""
            if column != "full extract":
                per_round = [a / b for a, b in zip(seconds[column], full, strict=True)]
                ratios = (
                    f"{median(seconds[column]) / median(full):6.2%} ({median(per_round):6.2%}, {max(per_round):6.2%}) "
                    f"{median(inner[column]) / median(full_inner):7.2%}"
                )
            label = column if column in ("full extract", "no change") else f"add one {column}"
            print(f"{label:<14} {_fmt(seconds[column])} {_fmt(inner[column])} {ratios:>39}  {_cache(reports[column])}")
        print(f"workers: {reports['docx']['totals']['workers']} ({os.cpu_count()} cores)")
        print("per process: ratio of the medians (median and worst of each round's own ratio); goal <= 3%")
        print(
            f"ratio after-adding-one (docx) / full: {median(seconds['docx']) / median(full):.2%} per stage process, "
            f"{median(inner['docx']) / median(full_inner):.2%} inside run_extract (goal <= 3%)"
        )
        if args.baseline is not None:
            for old in (raw / "added").iterdir():
                old.unlink()
            compare(raw, work, args)


def compare(raw: Path, work: Path, args: argparse.Namespace) -> None:
    """This checkout against ``args.baseline``: each round runs both (in alternating order) on the
    same work, and each added document is the same bytes for both."""
    arms = {"this checkout": REPO_ROOT, "baseline": args.baseline.resolve()}
    runs, seeds, figures = {}, {}, {}
    for number, (name, root) in enumerate(arms.items()):
        compileall.compile_dir(root / "src", quiet=1)
        copy = work / f"arm{number}"
        shutil.copytree(raw, copy / "raw", symlinks=True)
        runs[name] = _Runs(copy / "raw", copy, args.workers, root, args.keep_outputs)
        seeds[name] = itertools.count(args.seed + 10_000)
        figures[name] = {}
    for round_number in range(args.repeats):
        order = list(arms) if round_number % 2 == 0 else list(arms)[::-1]
        for name in order:
            figures[name].setdefault("full", []).append(runs[name].full()[0])
            figures[name].setdefault("no change", []).append(runs[name].timed()[0])
        for kind in extract_corpus.KINDS:
            for name in order:
                figures[name].setdefault(kind, []).append(runs[name].add_one(kind, seeds[name])[0])
    print(f"\nthis checkout vs --baseline {args.baseline}, interleaved, {args.repeats} rounds (median s, % of full):")
    columns = ["full", "no change", *extract_corpus.KINDS]
    print(f"{'':<14}" + "".join(f"{column:>16}" for column in columns))
    for name in arms:
        full, *others = (median(figures[name][column]) for column in columns)
        cells = [f"{full:16.3f}", *(f"{seconds:7.3f} ({seconds / full:5.2%})" for seconds in others)]
        print(f"{name:<14}" + "".join(cells))


class _Runs:
    """Stage runs over one corpus and one cache folder, one at a time: (wall s, run_extract s, report)."""

    def __init__(self, raw: Path, work: Path, workers: int, root: Path = REPO_ROOT, keep_outputs: bool = False) -> None:
        self.raw, self.work, self.workers, self.root, self.keep_outputs = raw, work, workers, root, keep_outputs

    def full(self) -> tuple[float, float, dict]:
        """From an empty cache; leaves it filled."""
        shutil.rmtree(self.work / "cache", ignore_errors=True)
        return self.timed()

    def timed(self) -> tuple[float, float, dict]:
        elapsed, report = timed_run(self.raw, self.work, self.workers, self.root, self.keep_outputs)
        return elapsed, report["totals"]["seconds"], report

    def add_one(self, kind: str, seeds: Iterator[int]) -> tuple[float, float, dict]:
        """Adds a new document of ``kind`` (one the cache has never seen) to a corpus whose output
        is up to date, in place of the previous one."""
        for old in (self.raw / "added").iterdir():
            old.unlink()
        timed_run(self.raw, self.work, self.workers, self.root, self.keep_outputs)  # back to the corpus alone, untimed
        (self.raw / f"added/new.{kind}").write_bytes(extract_corpus.make(kind, random.Random(next(seeds))))
        elapsed, inside, report = self.timed()
        assert report["totals"]["cache_misses"] == 1, report["totals"]
        return elapsed, inside, report


def _fmt(values: list[float]) -> str:
    return f"{median(values):7.3f} [{min(values):6.3f}-{max(values):6.3f}]"


def _cache(report: dict) -> str:
    totals = report["totals"]
    return f"{totals['cache_hits']} hits, {totals['cache_misses']} misses, {totals['records']} records"


if __name__ == "__main__":
    main()

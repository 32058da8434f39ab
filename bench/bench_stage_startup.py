"""What each data stage's process costs when its caches already hold every document.

Each stage command is run as `dvc.yaml` writes it (a fresh process, the repository's params.yaml),
on a copy of the repository's current `data/` and warm caches: every document is a cache hit, so
the figure is the fixed cost a `dvc repro` pays for the stage before its first new document
(interpreter, imports, models loaded, inputs read and outputs written). Medians of `--repeats`.

    .venv/bin/python bench/bench_stage_startup.py
    git worktree add /tmp/base REV && .venv/bin/python bench/bench_stage_startup.py --baseline /tmp/base

With `--baseline`, the other checkout's stage code runs too (its stages/ and src/, on the same
data), run by run interleaved with this one's.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
STAGES = ("extract", "scrub", "dedup", "split")


def workspace(root: Path, into: Path) -> Path:
    """A copy of this repository's data and stage caches, with ``root``'s params and config."""
    into.mkdir(parents=True)
    shutil.copytree(REPO_ROOT / "data", into / "data")
    for stage in STAGES:
        if (REPO_ROOT / ".cache" / stage).is_dir():
            shutil.copytree(REPO_ROOT / ".cache" / stage, into / ".cache" / stage)
    shutil.copy(root / "params.yaml", into / "params.yaml")
    shutil.copytree(root / "config", into / "config")
    return into


def stage_command(root: Path, stage: str, params: dict) -> list[str]:
    """The stage's `cmd` from ``root``'s dvc.yaml, started with this interpreter and ``root``'s stages/."""
    text = yaml.safe_load((root / "dvc.yaml").read_text(encoding="utf-8"))["stages"][stage]["cmd"]
    for section, values in params.items():  # ${extract.input_dir} and the like
        if isinstance(values, dict):
            for key, value in values.items():
                text = text.replace(f"${{{section}.{key}}}", str(value))
    words = shlex.split(text)
    assert words[0] == "python" and words[1].startswith("stages/"), words
    return [sys.executable, str(root / words[1]), *words[2:]]


def timed(command: list[str], cwd: Path, root: Path) -> float:
    env = {**os.environ, "ADAPTLINE_PROGRESS": "0", "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(root / "src")}
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="stage processes per figure (median printed)")
    parser.add_argument("--baseline", type=Path, help="another checkout (e.g. `git worktree add /tmp/base REV`)")
    args = parser.parse_args()
    arms = {"this checkout": REPO_ROOT}
    if args.baseline is not None:
        arms["baseline"] = args.baseline.resolve()
    with tempfile.TemporaryDirectory(prefix="stage-startup-") as tmp:
        spaces = {name: workspace(root, Path(tmp) / f"arm{number}") for number, (name, root) in enumerate(arms.items())}
        commands = {
            name: {
                stage: stage_command(root, stage, yaml.safe_load((spaces[name] / "params.yaml").read_text()))
                for stage in STAGES
            }
            for name, root in arms.items()
        }
        for name in arms:  # once untimed: fills any cache entry the copy lacks, and the OS file cache
            for stage in STAGES:
                timed(commands[name][stage], spaces[name], arms[name])
        seconds: dict[str, dict[str, list[float]]] = {name: {stage: [] for stage in STAGES} for name in arms}
        for round_number in range(args.repeats):
            order = list(arms) if round_number % 2 == 0 else list(arms)[::-1]
            for stage in STAGES:
                for name in order:
                    seconds[name][stage].append(timed(commands[name][stage], spaces[name], arms[name]))
    print(f"stage process with warm caches ({REPO_ROOT / 'data'}), median of {args.repeats} [min-max], seconds:")
    print(f"{'':<14}" + "".join(f"{stage:>22}" for stage in STAGES))
    for name in arms:
        cells = (f"{median(v):8.2f} [{min(v):.2f}-{max(v):.2f}]" for v in seconds[name].values())
        print(f"{name:<14}" + "".join(f"{cell:>22}" for cell in cells))
    if args.baseline is not None:
        ratios = (median(seconds["baseline"][stage]) / median(seconds["this checkout"][stage]) for stage in STAGES)
        print(f"{'speed-up':<14}" + "".join(f"{ratio:>21.2f}x" for ratio in ratios))


if __name__ == "__main__":
    main()

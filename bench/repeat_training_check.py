"""Train one `sft` adapter again and again in fresh processes and count the distinct adapters.

Two arms run interleaved on the same snapshot of the inputs:
- ``pinned``: as the pipeline runs it (adaptline.numerics: VML warm-up + ``MKL_CBWR=AUTO,STRICT``);
- ``unpinned``: the warm-up skipped and oneMKL's mode unset, as before the fix.
Each arm should give one adapter hash; ``unpinned`` gave a second one in about 1 run in 16 here
(pytorch/pytorch#188792). A last pass trains ``pinned`` on 1 thread: the same hash as the runs above
means the GEMMs did not depend on the thread count. Median seconds per run, and GEMM throughput in
both oneMKL modes (fresh processes, interleaved), show what pinning costs.

    .venv/bin/python bench/repeat_training_check.py --runs 30 --adapter firmware
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from adaptline.numerics import MKL_MODE_VARIABLE

ARMS = {"pinned": (True, True), "unpinned": (False, False)}  # name -> (warm up VML, strict GEMM mode)


def child_env() -> dict[str, str]:
    """A child's environment: offline, quiet, and no oneMKL mode of ours (each child chooses)."""
    env = dict(os.environ, HF_HUB_OFFLINE="1", ADAPTLINE_PROGRESS="0")
    env.pop(MKL_MODE_VARIABLE, None)
    return env


def choose_gemm_mode(args: argparse.Namespace) -> None:
    """In a child, before oneMKL's first call: keep the mode importing adaptline set, or unset it."""
    if not args.strict:
        os.environ.pop(MKL_MODE_VARIABLE, None)


def child(args: argparse.Namespace) -> None:
    import adaptline.numerics as numerics

    if not args.warm_up:
        numerics._warmed_up = True  # the unpinned arm: skip the warm-up adaptline.modeling would do
    choose_gemm_mode(args)
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    from adaptline.training import SftParams
    from adaptline.training.params import load_adapter_section
    from adaptline.training.sft import run_sft

    inputs = Path(args.inputs)
    params = load_adapter_section(SftParams, "sft", args.adapter, str(inputs / "params.yaml"))
    with tempfile.TemporaryDirectory() as out:
        run_sft(args.adapter, params, inputs / "base", inputs / "cpt", inputs / "pairs", f"{out}/sft", f"{out}/m.json")
        print(hashlib.sha256(Path(f"{out}/sft/adapter_model.safetensors").read_bytes()).hexdigest()[:16])


GEMM_SHAPES = ((1024, 128, 256), (1024, 256, 128), (2048, 2048, 2048), (4096, 4096, 1024))  # m, k, n


def gemm_child(args: argparse.Namespace) -> None:
    """Median seconds of each GEMM shape in this process's oneMKL mode, one line per shape."""
    choose_gemm_mode(args)
    import torch

    for m, k, n in GEMM_SHAPES:
        a, b = torch.randn(m, k), torch.randn(k, n)
        repeats = max(3, int(2e9 / (2 * m * k * n)))
        times = []
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(repeats):
                a @ b
            times.append((time.perf_counter() - start) / repeats)
        print(f"{m}x{k}x{n} {statistics.median(times)}")


def gemm_cost(rounds: int) -> None:
    """GEMM time in strict mode over the default mode, fresh processes, interleaved."""
    seconds: dict[tuple[str, bool], list[float]] = {}
    for _ in range(rounds):
        for strict in (True, False):
            command = [sys.executable, __file__, "--gemm"] + ["--no-strict"] * (not strict)
            done = subprocess.run(command, env=child_env(), capture_output=True, text=True, check=True)
            for line in done.stdout.split("\n"):
                if line.strip():
                    shape, took = line.split()
                    seconds.setdefault((shape, strict), []).append(float(took))
    print(f"\nGEMM (m x k x n, float32), strict / default oneMKL mode, median of {rounds} interleaved processes")
    for m, k, n in GEMM_SHAPES:
        shape = f"{m}x{k}x{n}"
        strict, default = (statistics.median(seconds[(shape, mode)]) for mode in (True, False))
        flops = 2 * m * k * n / 1e9
        rates = f"{flops / strict:7.1f} vs {flops / default:7.1f} GFLOP/s"
        print(f"  {shape:16s} {rates}: time ratio {strict / default:.3f}")


def run_child(inputs: Path, adapter: str, warm_up: bool, strict: bool, threads: int) -> tuple[str, float]:
    command = [sys.executable, __file__, "--child", "--inputs", str(inputs), "--adapter", adapter]
    command += ["--threads", str(threads)] + ["--no-warm-up"] * (not warm_up) + ["--no-strict"] * (not strict)
    start = time.perf_counter()
    done = subprocess.run(command, env=child_env(), capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(done.stderr[-2000:])
    return done.stdout.strip().splitlines()[-1], time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30, help="runs per arm")
    parser.add_argument("--adapter", default="firmware")
    parser.add_argument("--repo", default=".", help="a repository whose pipeline has run (models/, data/sft_pairs/)")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    parser.add_argument("--gemm-rounds", type=int, default=3, help="processes per mode for the GEMM cost (0: skip)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--gemm", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--inputs", help=argparse.SUPPRESS)
    parser.add_argument("--no-warm-up", dest="warm_up", action="store_false", help=argparse.SUPPRESS)
    parser.add_argument("--no-strict", dest="strict", action="store_false", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child or args.gemm:
        (child if args.child else gemm_child)(args)
        return
    repo = Path(args.repo)
    with tempfile.TemporaryDirectory(prefix="repeat-training-") as scratch:
        inputs = Path(scratch)  # a snapshot: a pipeline rerun meanwhile cannot change what is trained
        shutil.copytree(repo / "models/base", inputs / "base")
        shutil.copytree(repo / f"models/cpt/{args.adapter}", inputs / "cpt")
        shutil.copytree(repo / f"data/sft_pairs/{args.adapter}", inputs / "pairs")
        shutil.copy(repo / "params.yaml", inputs / "params.yaml")
        hashes: dict[str, Counter[str]] = {name: Counter() for name in ARMS}
        seconds: dict[str, list[float]] = {name: [] for name in ARMS}
        for run in range(args.runs):
            for name, (warm_up, strict) in ARMS.items():
                digest, took = run_child(inputs, args.adapter, warm_up, strict, args.threads)
                hashes[name][digest] += 1
                seconds[name].append(took)
            print(
                f"run {run + 1}/{args.runs}: " + ", ".join(f"{n} {len(h)} distinct" for n, h in hashes.items()),
                flush=True,
            )
        one_thread, _ = run_child(inputs, args.adapter, True, True, 1)
    threads = args.threads or "torch's default"
    print(f"\nsft@{args.adapter}, {args.runs} runs per arm, threads: {threads}, interleaved")
    for name in ARMS:
        counts = ", ".join(f"{digest} x{count}" for digest, count in hashes[name].most_common())
        median = statistics.median(seconds[name])
        print(f"  {name:9s} {len(hashes[name])} distinct adapter(s): {counts}; median {median:.1f} s/run")
    ratio = statistics.median(seconds["pinned"]) / statistics.median(seconds["unpinned"])
    print(f"  pinned / unpinned time per run: {ratio:.3f}")
    same = "same as" if one_thread in hashes["pinned"] else "differs from"
    print(f"  pinned on 1 thread: {one_thread} ({same} the runs above)")
    if args.gemm_rounds:
        gemm_cost(args.gemm_rounds)


if __name__ == "__main__":
    main()

"""What bitsandbytes costs a model stage's imports on a machine without CUDA, side by side.

Each round starts two fresh interpreters, in alternating order, that import what every model
stage imports before its first step (``adaptline.modeling``, transformers' trainer utilities,
peft): one as the stages do now, with bitsandbytes hidden (see ``adaptline.modeling``), and one
that imports bitsandbytes first, as peft did on its own before. Prints the medians and their
difference.

    .venv/bin/python bench/bench_stage_imports.py --rounds 7
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

STAGE_IMPORTS = "import adaptline.modeling\nfrom transformers import set_seed\nimport peft\n"
ARMS = {
    "bitsandbytes hidden (now)": STAGE_IMPORTS,
    "bitsandbytes imported (before)": "import bitsandbytes\n" + STAGE_IMPORTS,
}


def time_import(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7, help="paired rounds (each arm once per round)")
    args = parser.parse_args()
    import torch

    if torch.cuda.is_available():
        sys.exit("this bench is about machines without CUDA: there, bitsandbytes is not hidden")
    seconds: dict[str, list[float]] = {name: [] for name in ARMS}
    for round_index in range(args.rounds):
        names = list(ARMS) if round_index % 2 == 0 else list(reversed(ARMS))
        for name in names:
            seconds[name].append(time_import(ARMS[name]))
    for name, values in seconds.items():
        print(f"{name:32s} median {statistics.median(values):6.2f} s  (min {min(values):.2f}, max {max(values):.2f})")
    hidden, imported = (statistics.median(seconds[name]) for name in ARMS)
    print(f"saved per model stage process: {imported - hidden:.2f} s ({(imported - hidden) / imported:.0%})")


if __name__ == "__main__":
    main()

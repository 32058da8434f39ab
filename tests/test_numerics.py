"""oneMKL's run-time choices (see adaptline.numerics): the reproducible GEMM mode is set on import
and makes GEMM results independent of the thread count; the VML warm-up covers every VML function
this torch build links and runs before any model is loaded."""

from __future__ import annotations

import mmap
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch.overrides import TorchFunctionMode

import adaptline.numerics as numerics
from adaptline.numerics import MKL_MODE_VARIABLE, REPRODUCIBLE_MKL_MODE, VML_ROUTED_FUNCTIONS, pin_mkl_numerics

needs_mkl = pytest.mark.skipif(not torch.backends.mkl.is_available(), reason="torch built without oneMKL")

# torch is imported first on purpose: oneMKL reads the mode at its first call, not at torch's import.
THREAD_COUNT_PROBE = """
import os, torch
import adaptline
generator = torch.Generator().manual_seed(0)
a, b = torch.randn(64, 4096, generator=generator), torch.randn(4096, 64, generator=generator)
products = []
for threads in (1, 2):
    torch.set_num_threads(threads)
    products.append((a @ b).numpy().tobytes())
print(os.environ.get("MKL_CBWR"), products[0] == products[1])
"""


def run_python(code: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@needs_mkl
def test_importing_adaptline_makes_gemm_independent_of_the_thread_count():
    """Without the mode this product differs between 1 and 2 threads (AVX-512 machine, oneMKL 2024.2)."""
    env = {k: v for k, v in os.environ.items() if k != MKL_MODE_VARIABLE}
    assert run_python(THREAD_COUNT_PROBE, env) == f"{REPRODUCIBLE_MKL_MODE} True"


def test_a_mode_the_user_exported_is_kept(monkeypatch):
    monkeypatch.setenv(MKL_MODE_VARIABLE, "COMPATIBLE")
    assert pin_mkl_numerics() == "COMPATIBLE" and os.environ[MKL_MODE_VARIABLE] == "COMPATIBLE"
    monkeypatch.delenv(MKL_MODE_VARIABLE)
    assert pin_mkl_numerics() == REPRODUCIBLE_MKL_MODE == os.environ[MKL_MODE_VARIABLE]


@needs_mkl
def test_every_vml_function_torch_links_is_warmed_up():
    """The vms*/vmd* names in libtorch_cpu are the VML functions torch's kernels can call."""
    library = Path(torch.__file__).parent / "lib" / "libtorch_cpu.so"
    if not library.is_file():
        pytest.skip(f"no {library.name} in this torch build")
    with open(library, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as image:
        linked = {name.decode() for name in re.findall(rb"\x00vm[sd]([A-Z][A-Za-z0-9]*)\x00", image)}
    assert linked, "no VML function found in a oneMKL build: the pattern is out of date"
    as_torch = {"log" if name == "Ln" else name.lower() for name in linked}
    assert as_torch <= set(VML_ROUTED_FUNCTIONS), sorted(as_torch - set(VML_ROUTED_FUNCTIONS))


def test_warm_up_calls_each_function_once_per_precision_on_one_element(monkeypatch):
    class Calls(TorchFunctionMode):
        def __init__(self) -> None:
            super().__init__()
            self.seen: list[tuple[str, torch.dtype, int]] = []

        def __torch_function__(self, func, types, args=(), kwargs=None):
            if func.__name__ in VML_ROUTED_FUNCTIONS:
                self.seen.append((func.__name__, args[0].dtype, args[0].numel()))
            return func(*args, **(kwargs or {}))

    monkeypatch.setattr(numerics, "_warmed_up", False)
    with Calls() as calls:
        numerics.warm_up_vml()
        numerics.warm_up_vml()  # idempotent
    expected = {(name, dtype, 1) for name in VML_ROUTED_FUNCTIONS for dtype in (torch.float32, torch.float64)}
    assert sorted(calls.seen, key=str) == sorted(expected, key=str)


def test_loading_the_model_helpers_warms_up_first():
    """Every stage that runs a model imports adaptline.modeling before it loads or builds one."""
    assert run_python("import adaptline.modeling, adaptline.numerics as n; print(n._warmed_up)") == "True"

"""Bit-reproducible float math on CPU, around two run-time choices oneMKL makes.

torch's x86 CPU builds hand matrix products and many elementwise float functions to oneMKL.

- **GEMM code path.** oneMKL picks it at run time, partly by thread count, so a 1-thread and a
  2-thread run of the same training step differ in the last bit. Its strict Conditional Numerical
  Reproducibility mode (``MKL_CBWR=AUTO,STRICT``) fixes the path and makes GEMM results
  independent of the thread count. oneMKL reads the mode once, at its first call, so the package
  sets it on import; a mode the user exported is kept.
- **Vector math (VML) dispatch.** oneMKL picks each function's kernel lazily, on its first call.
  When that first call runs on several of torch's worker threads at once, one thread can run a
  low-accuracy kernel for its chunk of that one call (pytorch/pytorch#188792, oneMKL 2024.2; the
  wheel pinned here bundles it). Seen here in 5 of 80 runs of `sft`: the first rotary `cos` of
  training had errors up to 1.5e-4 on the second thread's half of the positions, and the
  adapter's hash changed. ``warm_up_vml`` calls each function once on one element, on one thread, before any
  model runs; the next calls are dispatched correctly.

Builds without oneMKL (e.g. aarch64) ignore both.
"""

from __future__ import annotations

import os

MKL_MODE_VARIABLE = "MKL_CBWR"
REPRODUCIBLE_MKL_MODE = "AUTO,STRICT"  # the fastest branch for this CPU, thread-count independent

# The torch functions whose float kernels call oneMKL VML: the vms*/vmd* functions linked into
# torch 2.13's libtorch_cpu (Ln is log). tests/test_numerics.py reads the library and fails when
# a torch upgrade links one that is missing here.
VML_ROUTED_FUNCTIONS = (
    "acos", "asin", "atan", "cos", "erf", "erfc", "erfinv", "exp",
    "log", "log10", "log2", "sin", "sqrt", "tan", "tanh", "trunc",
)  # fmt: skip
_warmed_up = False


def pin_mkl_numerics() -> str:
    """Ask oneMKL for reproducible GEMMs unless the environment already chose a mode; return the mode."""
    return os.environ.setdefault(MKL_MODE_VARIABLE, REPRODUCIBLE_MKL_MODE)


def warm_up_vml() -> None:
    """Resolve oneMKL's lazy VML dispatch on this thread before torch calls it from several threads.

    Idempotent and cheap (32 one-element calls). A one-element tensor never reaches torch's
    thread pool, so each function's first call happens here, alone.
    """
    global _warmed_up
    if _warmed_up:
        return
    import torch

    for dtype in (torch.float32, torch.float64):
        one = torch.full((1,), 0.5, dtype=dtype)
        for name in VML_ROUTED_FUNCTIONS:
            getattr(torch, name)(one)
    _warmed_up = True

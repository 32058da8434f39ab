#!/usr/bin/env bash
# Create or refresh the project environment in .venv/ from requirements.lock (exact versions).
# Idempotent: does nothing when .venv already matches the lock. Needs only python3 (3.11) and pip.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
LOCK=requirements.lock
STAMP=.venv/.adaptline-setup-stamp
want="$(cat "$LOCK" pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)"

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
# Bytecode for the project's own sources, as pip writes it for installed packages (an editable
# install gets none, and PYTHONDONTWRITEBYTECODE would then recompile them in every stage process).
compile_sources() { .venv/bin/python -m compileall -q src stages >/dev/null; }
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && .venv/bin/python -c "import adaptline" 2>/dev/null; then
  compile_sources
  echo "setup: .venv is up to date with $LOCK"
  exit 0
fi
export PIP_DISABLE_PIP_VERSION_CHECK=1
# torch first, pinned: an unpinned resolution would pull a multi-GB CUDA build.
.venv/bin/python -m pip install --quiet "$(grep -E '^torch==' "$LOCK")"
# llama-cpp-python (dev: the GGUF cross-check) is compiled here from its sdist. Its default
# -march=native build segfaulted in ggml's CPU kernels on an AMX Xeon, so build the portable
# variant, and never reuse a wheel cached by an earlier native build.
CMAKE_ARGS="-DGGML_NATIVE=OFF" .venv/bin/python -m pip install --quiet --no-cache-dir --no-deps \
  "$(grep -E '^llama_cpp_python==' "$LOCK")"
.venv/bin/python -m pip install --quiet -r "$LOCK"
.venv/bin/python -m pip install --quiet --no-deps -e .
compile_sources
echo "$want" > "$STAMP"
echo "setup: .venv ready ($(.venv/bin/python -c 'import torch, transformers; print("torch", torch.__version__, "transformers", transformers.__version__)'))"

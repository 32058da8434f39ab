"""Load a GGUF file in llama.cpp (llama-cpp-python) and compare it with the PyTorch model.

Used by the qat stage when ``llama_cpp`` is installed (a dev dependency) and by the tests: same
tokenization, mean next-token NLL within a tolerance, and the same greedy continuation.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch

from adaptline.evaluate.data import document_ids


def _mean_nll(logits: np.ndarray, ids: list[int]) -> float:
    shifted = logits - logits.max(-1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
    return float(-logp[np.arange(len(ids) - 1), ids[1:]].mean())


def llama_cpp_available() -> bool:
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        return False
    return True


class LlamaCppError(RuntimeError):
    """llama.cpp could not run the GGUF (it crashed, or is missing); the message says how."""


def run_llama_cpp(gguf_path: str | os.PathLike[str], ids: list[int], text: str, add_bos: bool, new_tokens: int):
    """Logits of ``ids``, tokenization of ``text`` and a greedy continuation, from a child process."""
    request = {"gguf_path": str(gguf_path), "ids": ids, "text": text, "add_bos": add_bos}
    request |= {"new_tokens": new_tokens, "n_ctx": len(ids) + new_tokens + 8}
    done = subprocess.run(
        [sys.executable, "-m", "adaptline.quantize.llama_cpp_probe"],
        input=json.dumps(request), capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        how = f"signal {-done.returncode}" if done.returncode < 0 else f"exit code {done.returncode}"
        last = done.stderr.strip().splitlines()[-1:] if done.returncode > 0 else []
        raise LlamaCppError(f"llama.cpp failed on {Path(gguf_path).name} ({how}){': ' + last[0] if last else ''}")
    answer = json.loads(done.stdout)
    return answer["tokens"], np.array(answer["logits"], dtype=np.float32), answer["generated"]


@torch.no_grad()
def compare_with_llama_cpp(
    gguf_path: str | os.PathLike[str], model, tokenizer, text: str, new_tokens: int = 4, max_tokens: int = 128
) -> dict[str, float]:
    """Tokenization match, NLL of ``text`` in both runtimes, argmax agreement, greedy continuation match.

    Raises ``LlamaCppError`` when llama.cpp fails (it runs in a child process, so a crash of its
    native code is reported rather than taking the caller down).
    """
    ids = document_ids(tokenizer, text)[:-1][:max_tokens]
    cpp_ids, cpp_logits, generated = run_llama_cpp(gguf_path, ids, text, tokenizer.bos_token_id is not None, new_tokens)
    torch_logits = model(torch.tensor([ids])).logits[0].float().numpy()
    expected = list(ids)
    for _ in range(new_tokens):
        expected.append(int(model(torch.tensor([expected])).logits[0, -1].argmax()))
    return {
        "tokenizer_match": float(cpp_ids[: len(ids)] == ids),
        "nll_llama_cpp": _mean_nll(cpp_logits, ids),
        "nll_pytorch": _mean_nll(torch_logits, ids),
        "argmax_agreement": float((cpp_logits.argmax(-1) == torch_logits.argmax(-1)).mean()),
        "greedy_match": float(generated == expected[len(ids) :]),
    }

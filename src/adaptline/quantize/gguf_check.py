"""Load a GGUF file in llama.cpp (llama-cpp-python) and compare it with the PyTorch model.

Used by the qat stage when ``llama_cpp`` is installed (a dev dependency) and by the tests: same
tokenization, mean next-token NLL within a tolerance, and the same greedy continuation.
"""

from __future__ import annotations

import os

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


@torch.no_grad()
def compare_with_llama_cpp(
    gguf_path: str | os.PathLike[str], model, tokenizer, text: str, new_tokens: int = 4, max_tokens: int = 128
) -> dict[str, float]:
    """Tokenization match, NLL of ``text`` in both runtimes, argmax agreement, greedy continuation match."""
    import llama_cpp

    ids = document_ids(tokenizer, text)[:-1][:max_tokens]
    llm = llama_cpp.Llama(str(gguf_path), n_ctx=max_tokens + new_tokens + 8, logits_all=True, verbose=False, seed=0)
    try:
        cpp_ids = llm.tokenize(text.encode("utf-8"), add_bos=tokenizer.bos_token_id is not None, special=False)
        llm.eval(ids)
        cpp_logits = np.array(llm.scores[: len(ids)])
        generated = []
        for _ in range(new_tokens):  # greedy, not stopping at EOS (neither does the PyTorch side)
            generated.append(int(np.argmax(llm.scores[llm.n_tokens - 1])))
            llm.eval([generated[-1]])
    finally:
        llm.close()
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

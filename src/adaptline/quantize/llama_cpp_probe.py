"""Run a GGUF in llama.cpp in a child process: ``python -m adaptline.quantize.llama_cpp_probe``.

llama.cpp is native code built on the user's machine; when one of its CPU kernels faults (as a
``GGML_NATIVE`` build did on an AMX Xeon), the fault must cost only the cross-check, never the
stage that asked for it. The request comes as JSON on stdin, the answer goes as JSON on stdout.
This module imports numpy and llama_cpp only, so the child starts in well under a second.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def probe(request: dict[str, Any]) -> dict[str, Any]:
    """Tokenize ``text``, score ``ids`` and continue them greedily by ``new_tokens``."""
    import llama_cpp
    import numpy as np

    ids, new_tokens = request["ids"], request["new_tokens"]
    llm = llama_cpp.Llama(request["gguf_path"], n_ctx=request["n_ctx"], logits_all=True, verbose=False, seed=0)
    try:
        tokens = llm.tokenize(request["text"].encode("utf-8"), add_bos=request["add_bos"], special=False)
        llm.eval(ids)
        logits = np.array(llm.scores[: len(ids)], dtype=np.float32)
        generated: list[int] = []
        for _ in range(new_tokens):  # greedy, not stopping at EOS (neither does the PyTorch side)
            generated.append(int(np.argmax(llm.scores[llm.n_tokens - 1])))
            llm.eval([generated[-1]])
    finally:
        llm.close()
    return {"tokens": [int(t) for t in tokens], "logits": logits.tolist(), "generated": generated}


def main() -> int:
    json.dump(probe(json.load(sys.stdin)), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())

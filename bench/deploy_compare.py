"""Deployment figures for one adapter, side by side in one run: unquantized vs PTQ vs QAT (torchao),
the GGUF in llama.cpp, and the distilled student vs its teacher.

    python bench/deploy_compare.py --adapter all --params params.yaml   # after `dvc repro sft`

Prints sizes, test perplexity, QAT's recovery of the PTQ loss, and greedy generation tokens/s of
each runtime (float PyTorch, torchao int8-dyn/int4, llama.cpp Q4_0, student). Outputs go to a
temporary directory; the pipeline's artifacts are not touched.
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
import time
from pathlib import Path


def llama_cpp_tokens_per_s(gguf: Path, prompt_ids: list[int], new_tokens: int) -> float:
    import llama_cpp

    llm = llama_cpp.Llama(str(gguf), n_ctx=len(prompt_ids) + new_tokens + 8, verbose=False, seed=0)
    try:
        start = time.perf_counter()
        produced = 0
        for _ in llm.generate(prompt_ids, top_k=1, temp=0.0):
            produced += 1
            if produced >= new_tokens:
                break
        return produced / (time.perf_counter() - start)
    finally:
        llm.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--adapter", default="all")
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--root", default=".", help="pipeline root holding models/ and data/")
    parser.add_argument("--new-tokens", type=int, default=64)
    args = parser.parse_args()

    from adaptline.config import load_section, read_params_file
    from adaptline.distill.params import DistillParams
    from adaptline.distill.train import generation_speed, run_distill
    from adaptline.evaluate import EvaluateParams
    from adaptline.evaluate.data import AdapterScope, document_ids, read_texts
    from adaptline.quantize.checkpoint import load_quantized
    from adaptline.quantize.params import QatParams
    from adaptline.quantize.qat import GGUF_NAME, run_qat

    sections = read_params_file(args.params)

    def section(cls, name):
        return load_section(cls, name, args.params) if name in sections else cls()

    root, a = Path(args.root), args.adapter
    base, chain = root / "models/base", [root / f"models/cpt/{a}", root / f"models/sft/{a}"]
    train, test = root / "data/split/train.jsonl", root / "data/split/test.jsonl"
    pairs = root / f"data/sft_pairs/{a}"
    scope = AdapterScope.from_params(args.params, a)
    eval_params = section(EvaluateParams, "evaluate")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        t0 = time.perf_counter()
        qat = run_qat(
            a, base, chain, train, test, pairs / "test.jsonl", section(QatParams, "qat"), eval_params,
            out / "qat", out / "qat.json", None, scope,
        )  # fmt: skip
        t_qat = time.perf_counter() - t0
        t0 = time.perf_counter()
        dist = run_distill(
            a, base, chain, train, test, pairs / "train.jsonl", pairs / "test.jsonl", section(DistillParams, "distill"),
            eval_params, out / "student", out / "distill.json", None, scope,
        )  # fmt: skip
        t_distill = time.perf_counter() - t0
        from adaptline.modeling import load_merged

        teacher, tokenizer = load_merged(base, chain)
        texts, _ = read_texts(test, 1, scope)
        prompt = texts[0][:200] if texts else "The"
        ids = document_ids(tokenizer, prompt)[:-1]
        speeds = {
            "float (PyTorch)": generation_speed(teacher.float().eval(), tokenizer, prompt, args.new_tokens),
            "torchao QAT (PyTorch)": generation_speed(load_quantized(out / "qat"), tokenizer, prompt, args.new_tokens),
        }
        with contextlib.suppress(ImportError):  # llama-cpp-python is a dev dependency
            speeds["GGUF (llama.cpp)"] = llama_cpp_tokens_per_s(out / "qat" / GGUF_NAME, ids, args.new_tokens)
        speeds["student (PyTorch)"] = dist["speed"]["student_tokens_per_s"]

    q, s = qat["models"], qat["summary"]
    print(f"adapter {a}: qat stage {t_qat:.1f} s, distill stage {t_distill:.1f} s")
    print(f"{'model':<14}{'perplexity':>12}{'term_top1':>11}{'pairs_f1':>10}")
    for name in ("unquantized", "ptq", "qat"):
        m = q[name]
        print(f"{name:<14}{m['perplexity']:>12.4f}{m.get('term_top1', 0):>11.3f}{m.get('pairs_f1', 0):>10.3f}")
    for name in ("teacher", "student"):
        m = dist["models"][name]
        print(f"{name:<14}{m['perplexity']:>12.4f}{m.get('term_top1', 0):>11.3f}{m.get('pairs_f1', 0):>10.3f}")
    print(f"QAT recovered fraction of PTQ NLL loss: {s.get('qat_recovered_fraction_nll')}")
    print(f"QAT quantization gap / PTQ gap: {s.get('qat_quantization_gap_ratio')}")
    print(
        f"bytes: unquantized {s['size_unquantized_bytes']:.0f}, torchao {s['size_qat_bytes']:.0f} "
        f"({s['compression_qat_vs_unquantized']:.2f}x smaller), GGUF {s.get('size_gguf_bytes', 0):.0f} "
        f"({s.get('compression_gguf_vs_unquantized', 0):.2f}x smaller)"
    )
    d = dist["summary"]
    print(f"student params {d['student_params']:.0f} / teacher {d['teacher_params']:.0f} = {d['param_ratio']:.3f}")
    base_speed = speeds["float (PyTorch)"]
    for name, value in speeds.items():
        print(f"generation {name:<24}{value:>9.1f} tokens/s  ({value / base_speed:.2f}x float)")


if __name__ == "__main__":
    main()

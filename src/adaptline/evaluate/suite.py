"""The evaluation suite: every model of an adapter scored the same way, side by side."""

from __future__ import annotations

import csv
import gc
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import torch

from adaptline.evaluate.csyntax import check_c_functions, summarize
from adaptline.evaluate.data import AdapterScope, Pair, read_pairs, read_texts
from adaptline.evaluate.generation import generate, score_pairs
from adaptline.evaluate.params import EvaluateParams
from adaptline.evaluate.perplexity import perplexity
from adaptline.evaluate.terms import TermItem, build_items, mine_terms, score_items
from adaptline.log import get_logger, progress
from adaptline.records import write_json

log = get_logger(__name__)

ModelLoader = Callable[[], tuple[object, object]]  # () -> (model, tokenizer)

PLOT_COLUMNS = ("perplexity", "term_top1", "term_mrr", "pairs_exact_match", "pairs_f1", "c_syntax_ok", "c_compile_ok")


@dataclass(frozen=True)
class EvalData:
    """Everything the suite scores against, loaded once per adapter."""

    test_texts: list[str]
    term_items: list[TermItem]
    terms: list[str]
    pairs: list[Pair]
    check_c: bool  # firmware adapter: generated C is compiled


def load_eval_data(
    train_path: str | os.PathLike[str],
    test_path: str | os.PathLike[str],
    pairs_path: str | os.PathLike[str] | None,
    params: EvaluateParams,
    scope: AdapterScope | None = None,
) -> EvalData:
    """The adapter's test records, terms mined from its train records, and its held-out pairs."""
    train_texts, _ = read_texts(train_path, scope=scope)
    test_texts, _ = read_texts(test_path, params.perplexity.max_records, scope)
    terms = mine_terms(train_texts, params.terms)
    items = build_items(test_texts, terms, params.terms, params.seed)
    pairs = read_pairs(pairs_path, params.pairs.max_pairs) if pairs_path and Path(pairs_path).is_file() else []
    kinds = scope.kinds if scope is not None else ()
    check_c = not kinds or bool(set(kinds) & set(params.c_syntax.kinds))  # an all-kinds adapter includes C
    return EvalData(test_texts, items, terms, pairs, check_c)


def evaluate_model(model, tokenizer, data: EvalData, params: EvaluateParams) -> tuple[dict[str, float], list[str]]:
    """Perplexity, term accuracy and pair scores of one model; returns (metrics, generations)."""
    torch.manual_seed(params.seed)
    model.eval()
    metrics = perplexity(model, tokenizer, data.test_texts, params.perplexity.max_length, params.perplexity.batch_size)
    metrics.update(score_items(model, tokenizer, data.term_items, params.terms, params.perplexity.batch_size))
    generations = generate(model, tokenizer, [pair.prompt for pair in data.pairs], params.pairs)
    metrics.update(score_pairs(generations, data.pairs))
    return metrics, generations


_SIGNATURE = re.compile(r"^[A-Za-z_][\w \t\*]*\b\w+\s*\([^;{}]*\)\s*$", re.MULTILINE)
_DEFINITION = re.compile(r"^\s*(?:/\*.*?\*/\s*|//[^\n]*\n\s*)*[A-Za-z_][\w \t\*]*\b\w+\s*\([^;{}]*\)\s*\{", re.DOTALL)


def c_function(prompt: str, completion: str) -> str:
    """A whole C definition from a pair: the completion itself, or the prompt's last signature + body."""
    if _DEFINITION.match(completion):
        return completion
    signatures = _SIGNATURE.findall(prompt)
    signature = signatures[-1].strip() if signatures else "void generated_function(void)"
    body = completion.strip()
    return f"{signature}\n{body}" if body.startswith("{") else f"{signature}\n{{\n{body}\n}}"


def c_metrics(generations: Mapping[str, list[str]], data: EvalData, params: EvaluateParams) -> dict[str, dict]:
    """Compile the C pairs of every model (and the references) in ONE gcc call; metrics per model."""
    indices = [i for i, pair in enumerate(data.pairs) if pair.task in params.c_syntax.tasks]
    if not data.check_c or not indices:
        return {}
    names = ["reference", *generations]
    snippets = [c_function(data.pairs[i].prompt, data.pairs[i].completion) for i in indices]
    for name in names[1:]:
        snippets += [c_function(data.pairs[i].prompt, generations[name][i]) for i in indices]
    results = check_c_functions(snippets, params.c_syntax)
    per = len(indices)
    return {name: summarize(results[k * per : (k + 1) * per]) for k, name in enumerate(names)}


def evaluate_models(
    loaders: Mapping[str, ModelLoader], data: EvalData, params: EvaluateParams
) -> dict[str, dict[str, float]]:
    """Evaluate each model in turn (loading one at a time), then the shared C compile."""
    results: dict[str, dict[str, float]] = {}
    generations: dict[str, list[str]] = {}
    for name, load in progress(loaders.items(), total=len(loaders), desc="evaluate", unit="model"):
        model, tokenizer = load()
        results[name], generations[name] = evaluate_model(model, tokenizer, data, params)
        log.info("evaluated %s: perplexity %.3f", name, results[name].get("perplexity", float("nan")))
        del model
        gc.collect()
    for name, values in c_metrics(generations, data, params).items():
        results.setdefault(name, {}).update(values)
    return results


def write_plot_csv(path: str | os.PathLike[str], results: Mapping[str, Mapping[str, float]]) -> None:
    """One row per model (dvc plots: `x: perplexity, y: model`, or any other column)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["model", *PLOT_COLUMNS])
        for name, values in results.items():
            writer.writerow([name, *(_fmt(values.get(column)) for column in PLOT_COLUMNS)])


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.6g}"


def evaluate_adapter(
    adapter: str,
    loaders: Mapping[str, ModelLoader],
    data: EvalData,
    params: EvaluateParams,
    metrics_path: str | os.PathLike[str],
    plot_path: str | os.PathLike[str] | None = None,
) -> dict:
    """The evaluate stage: all models of ``adapter`` into one metrics file (+ a per-model CSV)."""
    results = evaluate_models(loaders, data, params)
    report = {
        "adapter": adapter,
        "data": {
            "test_records": len(data.test_texts),
            "terms_mined": len(data.terms),
            "term_items": len(data.term_items),
            "pairs": len(data.pairs),
        },
        "models": round_floats({name: dict(sorted(values.items())) for name, values in results.items()}),
    }
    write_json(metrics_path, report)
    if plot_path is not None:
        write_plot_csv(plot_path, report["models"])
    return report


def round_floats(value):
    """Floats rounded to 6 significant digits (recursively): stable bytes despite summation order."""
    if isinstance(value, float):
        return float(f"{value:.6g}")
    if isinstance(value, dict):
        return {k: round_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [round_floats(v) for v in value]
    return value

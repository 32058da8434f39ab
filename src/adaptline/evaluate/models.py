"""How each model of an adapter is loaded for evaluation (lazily: one model in memory at a time)."""

from __future__ import annotations

import os
from pathlib import Path

from adaptline.evaluate.suite import ModelLoader

PathLike = str | os.PathLike[str]


def _merged(base: PathLike, adapters: list[PathLike]) -> ModelLoader:
    def load():
        from adaptline.modeling import load_merged

        return load_merged(base, adapters)

    return load


def _standalone(model_dir: PathLike) -> ModelLoader:
    """A full HF model directory with its tokenizer (QAT checkpoints reload their torchao weights)."""

    def load():
        from adaptline.modeling import load_base

        return load_base(model_dir)

    return load


def adapter_loaders(
    base: PathLike,
    cpt: PathLike | None = None,
    sft: PathLike | None = None,
    qat: PathLike | None = None,
    student: PathLike | None = None,
) -> dict[str, ModelLoader]:
    """Loaders in pipeline order for the models that were given (and exist)."""
    loaders = {"base": _merged(base, [])}
    if cpt is not None:
        loaders["cpt"] = _merged(base, [cpt])
        if sft is not None:
            loaders["sft"] = _merged(base, [cpt, sft])
    for name, path in (("qat", qat), ("student", student)):
        if path is not None:
            if not Path(path).is_dir():
                raise FileNotFoundError(f"{name} model directory not found: {path}")
            loaders[name] = _standalone(path)
    return loaders

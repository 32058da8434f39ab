"""dvclive curves of the training and deployment stages (cpt, sft, qat, distill)."""

from __future__ import annotations

import os
from typing import Any

from adaptline.imports import import_without


def open_live(live_dir: str | os.PathLike[str] | None) -> Any:
    """A dvclive logger writing curves to ``live_dir`` (None: no logging); the stage's dvc.yaml
    declares the plots, so it never writes dvc.yaml or saves an experiment itself.

    dvclive is imported without pandas, which it loads only to accept DataFrames (~0.75 s of a
    stage that has not loaded pandas otherwise); the stages log scalars.
    """
    if live_dir is None:
        return None
    import_without("dvclive", "pandas")
    from dvclive import Live

    return Live(str(live_dir), save_dvc_exp=False, dvcyaml=None, report=None)

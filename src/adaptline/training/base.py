"""The ``base`` stage: the model every adapter starts from, with the hashes of the files it hands on."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from adaptline.log import get_logger
from adaptline.modeling import build_tiny_model, load_base, load_hub, save_base, train_tokenizer, write_base_manifest
from adaptline.records import read_records
from adaptline.stage import StageInputError
from adaptline.training.params import BaseParams

log = get_logger(__name__)


def run_base(params: BaseParams, train_path: str | os.PathLike[str], out_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Build (``tiny``), copy (local directory) or fetch (hub id) the base model into ``out_dir``."""
    out = Path(out_dir)
    if out.exists():
        shutil.rmtree(out)
    if params.model == "tiny":
        texts = [r.training_text() for r in read_records(train_path)]
        tokenizer = train_tokenizer(texts, params.vocab_size, params.min_frequency)
        model = build_tiny_model(
            tokenizer,
            hidden_size=params.hidden_size,
            num_layers=params.num_layers,
            num_heads=params.num_heads,
            intermediate_size=params.intermediate_size,
            max_position=params.max_position,
            seed=params.seed,
            num_kv_heads=params.num_kv_heads,
        )
        log.info(
            "tiny base: vocab %d (asked %d), %d parameters",
            len(tokenizer),
            params.vocab_size,
            sum(p.numel() for p in model.parameters()),
        )
        return save_base(model, tokenizer, out)
    if Path(params.model).is_dir():
        load_base(params.model)  # fail here, not in cpt, if the directory is not a loadable model
        shutil.copytree(params.model, out)
        return write_base_manifest(out)
    if not params.allow_download:
        raise StageInputError(
            f"base.model '{params.model}' is neither 'tiny' nor a local directory; "
            "set base.allow_download: true to fetch it from a model hub"
        )
    model, tokenizer = load_hub(params.model)
    return save_base(model, tokenizer, out)

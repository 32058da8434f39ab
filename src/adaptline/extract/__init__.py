"""The ``extract`` stage: raw documents (docx, pptx, xlsx, pdf, C) -> provenance-carrying records.

The names below are imported on first use, so that the stage entry can import
``adaptline.extract.early`` (and fork its early worker) before the rest of the stage loads.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (~10 ms) before that fork
if TYPE_CHECKING:
    from typing import Any

    from adaptline.extract.listing import ExtractStageError
    from adaptline.extract.params import ExtractParams, SensitivityRule
    from adaptline.extract.runner import run_extract

_HOMES = {
    "ExtractParams": "adaptline.extract.params",
    "SensitivityRule": "adaptline.extract.params",
    "ExtractStageError": "adaptline.extract.listing",
    "run_extract": "adaptline.extract.runner",
}

__all__ = ["ExtractParams", "ExtractStageError", "SensitivityRule", "run_extract"]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)

"""Logging and progress bars shared by the stages.

Log lines name documents by path and id, never by their content: detected personal data must not
reach a log (see the scrub stage).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


def get_logger(name: str) -> logging.Logger:
    package = logging.getLogger("adaptline")
    if not package.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S"))
        package.addHandler(handler)
        package.setLevel(os.environ.get("ADAPTLINE_LOG_LEVEL", "INFO"))
        package.propagate = False  # libraries (dvclive) add root handlers; print each line once
    return logging.getLogger(name)


def progress(items: Iterable[T], total: int | None = None, desc: str = "", unit: str = "doc") -> Iterator[T]:
    """A tqdm bar on stderr; silenced with ADAPTLINE_PROGRESS=0 (tests, CI logs)."""
    disable = os.environ.get("ADAPTLINE_PROGRESS", "1") == "0"
    yield from tqdm(items, total=total, desc=desc, unit=unit, disable=disable, file=sys.stderr, dynamic_ncols=True)

"""Logging and progress bars shared by the stages.

Log lines name documents by path and id, never by their content: detected personal data must not
reach a log (see the scrub stage).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

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


def progress_enabled() -> bool:
    """Bars are on unless ADAPTLINE_PROGRESS=0 (tests, CI logs)."""
    return os.environ.get("ADAPTLINE_PROGRESS", "1") != "0"


class _NoBar:
    """Stands in for a tqdm bar when bars are off, so a silenced stage never imports tqdm."""

    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def progress_bar(total: int | None, desc: str = "", unit: str = "doc") -> Any:
    """A bar advanced by hand (``update``/``close``), for work that finishes in two places."""
    return _tqdm(None, total, desc, unit) if progress_enabled() else _NoBar()


def progress(items: Iterable[T], total: int | None = None, desc: str = "", unit: str = "doc") -> Iterator[T]:
    """A tqdm bar on stderr over ``items``; silenced with ADAPTLINE_PROGRESS=0."""
    if not progress_enabled():
        yield from items
        return
    yield from _tqdm(items, total, desc, unit)


def _tqdm(items: Iterable[T] | None, total: int | None, desc: str, unit: str) -> Any:
    """The one place bars are built: on stderr, as wide as the terminal."""
    from tqdm import tqdm  # ~15 ms of imports: only paid when a bar is shown

    return tqdm(items, total=total, desc=desc, unit=unit, file=sys.stderr, dynamic_ncols=True)

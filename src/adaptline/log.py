"""Logging and progress bars shared by the stages.

Log lines name documents by path and id, never by their content: detected personal data must not
reach a log (see the scrub stage).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator
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


class _DropNotices(logging.Filter):
    """Drops a library logger's records whose message contains one of ``fragments``, while
    ``applies()`` holds; every other record of that logger passes."""

    def __init__(self, fragments: tuple[str, ...], applies: Callable[[], bool] = lambda: True) -> None:
        super().__init__()
        self.fragments, self.applies = fragments, applies

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (any(fragment in message for fragment in self.fragments) and self.applies())


def _torch_without_cuda() -> bool:
    torch = sys.modules.get("torch")  # loaded by then: torchao logs while it loads its kernels
    return torch is not None and not torch.cuda.is_available()


_quieted = False


def quiet_model_library_notices() -> None:
    """Silence what the model libraries print in every stage run that a user of this pipeline can
    do nothing about; their other warnings still show. Called before they are imported.

    - torchao: "Failed to load .../torchao/_C_*.so" on a machine without CUDA (the two libraries it
      ships hold CUDA kernels only: cutlass for sm90a, and mxfp8);
    - torch, as torchao loads: "Calling register_constant() on Enum subclasses is deprecated" (a
      notice to torchao's developers);
    - transformers: "`is_gradient_checkpointing` is deprecated" (peft reads the old name);
    - with ``ADAPTLINE_PROGRESS=0``, the libraries' progress bars (weights loaded and written,
      datasets prepared) go too, not only ours.
    """
    global _quieted
    if _quieted:
        return
    _quieted = True
    logging.getLogger("torchao").addFilter(_DropNotices(("Failed to load ",), applies=_torch_without_cuda))
    logging.getLogger("torch.utils._pytree").addFilter(
        _DropNotices(("Calling register_constant() on Enum subclasses is deprecated",))
    )
    import warnings

    warnings.filterwarnings("ignore", message="`is_gradient_checkpointing` is deprecated", category=FutureWarning)
    if not progress_enabled():  # each read once, as its library loads
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # transformers' weights
        os.environ.setdefault("HF_DATASETS_DISABLE_PROGRESS_BARS", "1")  # trl's dataset preparation

"""Importing a library without an optional dependency it loads at import time and this process
never uses. Standard library only: the extract stage's early worker imports readers through it.
"""

from __future__ import annotations

import importlib
import sys


def import_without(module: str, *hidden: str) -> None:
    """Import ``module`` while the ``hidden`` modules look not installed (``sys.modules[name] =
    None``, the import system's own marker), so a library that guards an optional import with
    ``except ImportError`` skips it.

    A module of ``hidden`` that is already loaded is not hidden (it is too late to save its cost,
    and the library should see what is there); the others still are. The markers are removed
    afterwards, so anything else in the process still imports the hidden modules normally.
    """
    if module in sys.modules:
        return
    markers = hide_for_this_process(*hidden)
    try:
        importlib.import_module(module)
    finally:
        for name in markers:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


def hide_for_this_process(*names: str) -> list[str]:
    """Make the ``names`` modules look not installed to everything this process imports from now
    on (``sys.modules[name] = None``), and return the ones hidden. A module already loaded is
    left as it is: hiding it would not save its cost, and code that holds it keeps using it.
    """
    hidden = [name for name in names if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    return hidden

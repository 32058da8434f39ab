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

    Nothing is hidden when ``module`` or one of ``hidden`` is already loaded: it is then too late
    to save anything, and the library should see what is there. The markers are removed
    afterwards, so anything else in the process still imports the hidden modules normally.
    """
    if module in sys.modules or any(name in sys.modules for name in hidden):
        importlib.import_module(module)
        return
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        importlib.import_module(module)
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]

"""How a stage process ends. What the user must fix is one line on stderr and exit code 1, not a
traceback: a params value (a typo or a wrong type, often from ``dvc exp run -S``), or a
``StageInputError`` (inputs and params that cannot give a result). Any other error keeps its
traceback: that is what a bug report needs.

Standard library only: the extract stage imports this before it forks its early worker.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing before that fork
if TYPE_CHECKING:
    from collections.abc import Callable


class StageInputError(ValueError):
    """The stage's inputs and params cannot give a result, for a reason the user fixes: an adapter
    that selects no records, an empty split, a model the export does not support, a GPU setting
    on a machine without one."""


def run_stage(name: str, main: Callable[[], int | None]) -> int:
    """``main()``'s exit code (0 for None), or 1 after printing a params or input error as one line."""
    try:
        return main() or 0
    except StageInputError as error:
        print(f"{name}: {error}", file=sys.stderr)
        return 1
    except ValueError as error:
        config = sys.modules.get("adaptline.config")  # not imported yet: it cannot be a ParamsError
        if config is None or not isinstance(error, config.ParamsError):
            raise
        print(f"{name}: invalid params: {error}", file=sys.stderr)
        return 1


def exit_without_teardown(code: int) -> None:
    """End the process with ``code`` once what it wrote is flushed, skipping the interpreter's
    teardown: freeing every object and module one by one, ~5 ms of a stage run that is over.

    Only for a stage's ``__main__``: every output file is written and closed by then (atomic
    writes), its worker processes are stopped and reaped, and log handlers are flushed here.
    """
    import contextlib
    import os

    logging = sys.modules.get("logging")  # loaded by any stage that logged; not imported to flush
    if logging is not None:
        logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # closed, or a broken pipe: nothing can reach it
            stream.flush()
    os._exit(code)

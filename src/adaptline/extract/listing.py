"""Which files the extract stage sees: every regular file under the input folder.

Kept apart from the runner, with nothing but the standard library, so the stage's early worker
(``adaptline.extract.early``) can list the folder without importing the rest of the stage.
"""

from __future__ import annotations

import os
from pathlib import Path


class ExtractStageError(RuntimeError):
    """A pipeline-level problem (not a bad document): the stage must fail."""


def list_files(root: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(relative posix path, path) of every regular file under ``root``, sorted by relative path;
    and (relative path, reason) of every subfolder that could not be listed.

    Like ``root.rglob("*")`` filtered by ``is_file()``: symlinked folders are not entered, links
    to files are followed; but from ``os.scandir``, whose entries know their type without a stat.
    """
    found: list[tuple[str, str]] = []
    unreadable: list[tuple[str, str]] = []
    pending = [(str(root), "")]
    while pending:
        folder, prefix = pending.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append((entry.path, f"{prefix}{entry.name}/"))
                    elif entry.is_file():
                        found.append((f"{prefix}{entry.name}", entry.path))
        except OSError as error:
            if not prefix:
                raise ExtractStageError(f"input folder {root} cannot be listed ({error.strerror})") from None
            unreadable.append((prefix, f"unreadable folder ({error.strerror or type(error).__name__}): not extracted"))
    found.sort()
    return found, sorted(unreadable)

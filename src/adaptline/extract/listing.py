"""Which files the extract stage sees: every regular file under the input folder, and a reason
for every other entry, so that nothing in the folder goes missing silently.

Kept apart from the runner, with nothing but the standard library, so the stage's early worker
(``adaptline.extract.early``) can list the folder without importing the rest of the stage.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

# Entries that are not read, and why. DVC, which hashes the same folder as the stage's dependency,
# does not follow links to folders and ignores special files; it fails on broken links and on
# names that are not UTF-8, so those are failures here too.
_LINKED_FOLDER = "link to a folder: not followed (DVC does not track what it links to either); not extracted"
_BROKEN_LINK = "broken link (its target is missing): not extracted"
_NOT_UTF8 = "name is not valid UTF-8 (DVC cannot track it either; rename it, e.g. with convmv): not extracted"
_SPECIAL_KINDS = ((stat.S_ISFIFO, "named pipe"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "character device"),
                  (stat.S_ISBLK, "block device"))  # fmt: skip


class ExtractStageError(RuntimeError):
    """A pipeline-level problem (not a bad document): the stage must fail."""


def list_files(root: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """(relative posix path, path) of every regular file under ``root``, sorted by relative path;
    and (relative path, status, reason), for the report, of every entry that is not read: a
    subfolder that cannot be listed, a link to a folder, a broken link, a special file (pipe,
    socket, device), a name that is not UTF-8 (a folder's path ends in "/").

    Like ``root.rglob("*")`` filtered by ``is_file()``: symlinked folders are not entered, links
    to files are followed; but from ``os.scandir``, whose entries know their type without a stat.
    """
    found: list[tuple[str, str]] = []
    not_read: list[tuple[str, str, str]] = []
    pending = [(str(root), "")]
    while pending:
        folder, prefix = pending.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    name = entry.name
                    is_folder = entry.is_dir(follow_symlinks=False)
                    if not (name.isascii() or _is_utf8(name)):
                        shown = os.fsencode(name).decode("utf-8", "backslashreplace")
                        not_read.append((f"{prefix}{shown}{'/' if is_folder else ''}", "failed", _NOT_UTF8))
                    elif is_folder:
                        pending.append((entry.path, f"{prefix}{name}/"))
                    elif entry.is_file():
                        found.append((f"{prefix}{name}", entry.path))
                    else:
                        not_read.append(_not_a_file(entry, f"{prefix}{name}"))
        except OSError as error:
            if not prefix:
                raise ExtractStageError(f"input folder {root} cannot be listed ({error.strerror})") from None
            reason = f"unreadable folder ({error.strerror or type(error).__name__}): not extracted"
            not_read.append((prefix, "failed", reason))
    found.sort()
    return found, sorted(not_read)


def _is_utf8(name: str) -> bool:
    """False for a name the OS gave as bytes that do not decode (held as surrogate escapes)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _not_a_file(entry: os.DirEntry[str], rel: str) -> tuple[str, str, str]:
    """Report line of an entry that is neither a folder nor (a link to) a regular file."""
    if entry.is_symlink():
        if entry.is_dir():
            return f"{rel}/", "skipped", _LINKED_FOLDER
        try:
            mode = os.stat(entry.path).st_mode
        except OSError:
            return rel, "failed", _BROKEN_LINK
    else:
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError as error:
            return rel, "failed", f"unreadable entry ({error.strerror or type(error).__name__}): not extracted"
    kind = next((name for test, name in _SPECIAL_KINDS if test(mode)), "special file")
    return rel, "skipped", f"not a regular file ({kind}): not extracted"

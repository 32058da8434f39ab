"""The extract stage's first worker, forked as the stage process starts, so that the parser
libraries a rerun needs are imported while the stage process is still importing its own code.

After a document is added, a rerun costs the stage process's fixed work (interpreter, imports,
copying the cached documents to the output) plus the new document's worker: fork, import the
parser library (python-docx ~50 ms, pypdf ~85, python-pptx ~100, openpyxl ~100), parse. A worker
started on demand can only begin that import once the stage has loaded and its scan has met the
new document, so the import was the run's critical path.

This worker is forked right after the command line is parsed, before anything heavy is imported.
On the other core, it lists the input folder, asks the stat index which files are new or changed,
and imports the reader of each of their kinds as it meets one, judged by extension: a guess that
can only be wrong in cost. It stops as soon as the pool has adopted it (a task is waiting), takes
the params, and serves tasks like any worker (``worker.serve``). A run with nothing to parse kills
it unused. The fork is not free: the stage process then takes a copy-on-write fault on each page
it writes, 5-9 ms over a run that parses nothing (measured in bench/RESULTS.md), against 20-100 ms
saved on a run that adds a document.

Where ``os.fork`` does not exist, there is no early worker and the pool starts its workers as
before.
"""

from __future__ import annotations

import os
import time

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (~10 ms) before the fork
if TYPE_CHECKING:
    from collections.abc import Iterator

    from adaptline.extract.params import ExtractParams
    from adaptline.extract.worker import Worker

_JOIN_POLL_S = 0.001
_EXIT_CODE_UNKNOWN = 255  # the child was reaped elsewhere, so its status is lost


def option_value(argv: list[str], option: str) -> str | None:
    """The value ``argv`` gives ``option`` (``--opt value`` or ``--opt=value``; the last one wins,
    as in argparse), read before argparse is imported; None when it is not there. A value argparse
    would read otherwise (an abbreviated option name) only costs the run its early worker."""
    value = None
    for index, argument in enumerate(argv):
        if argument == option and index + 1 < len(argv):
            value = argv[index + 1]
        elif argument.startswith(option + "="):
            value = argument[len(option) + 1 :]
    return value


class EarlyWorker:
    """A forked worker the pool has not adopted yet: its pid and the stage process's end of the
    socket it will be served through."""

    def __init__(self, pid: int, fd: int) -> None:
        self.process = ForkedProcess(pid)
        self._fd: int | None = fd  # None once handed to the pool or closed
        self.adopted = False

    @classmethod
    def start(cls, input_dir: str, cache_dir: str) -> EarlyWorker | None:
        """Fork the worker (it preloads the readers for ``input_dir`` at once); None without fork,
        or when the fork fails (the pool then starts its workers, or reports why it cannot)."""
        if not hasattr(os, "fork"):
            return None
        import _socket  # what socket.socketpair calls; the socket module imports ~9 ms more

        ours, theirs = _socket.socketpair(_socket.AF_UNIX, _socket.SOCK_STREAM)
        try:
            pid = os.fork()
        except OSError:  # e.g. a process limit: an accelerator is not worth failing the stage for
            ours.close()
            theirs.close()
            return None
        if pid == 0:
            ours.close()
            _child(theirs.detach(), input_dir, cache_dir)  # never returns
        theirs.close()
        return cls(pid, ours.detach())

    def adopt(self, params: ExtractParams) -> Worker | None:
        """The worker, for the pool to run (it stops it too), once given the params; None when the
        worker is gone, and the pool starts its own."""
        from multiprocessing.connection import Connection

        from adaptline.extract.worker import Worker

        self.adopted = True
        connection, self._fd = Connection(self._fd), None
        try:
            connection.send(params)
        except OSError:
            connection.close()
            self.process.kill()
            self.process.join()
            return None
        return Worker(connection, self.process)

    def discard(self) -> None:
        """Kill the worker if the pool never adopted it (a run with nothing to parse)."""
        if self._fd is None:
            return
        self.process.kill()
        self.process.join()
        os.close(self._fd)
        self._fd = None


class ForkedProcess:
    """What the pool uses of ``multiprocessing.Process`` (``kill``, ``join``, ``is_alive``,
    ``exitcode``), for a child made with ``os.fork``."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.exitcode: int | None = None

    def is_alive(self) -> bool:
        self._reap(os.WNOHANG)
        return self.exitcode is None

    def join(self, timeout: float | None = None) -> None:
        if timeout is None:
            self._reap(0)
            return
        deadline = time.monotonic() + timeout
        while self.is_alive() and time.monotonic() < deadline:
            time.sleep(_JOIN_POLL_S)

    def kill(self) -> None:
        if self.exitcode is None:
            import contextlib
            import signal

            with contextlib.suppress(ProcessLookupError):  # already exited, not yet reaped
                os.kill(self.pid, signal.SIGKILL)

    def _reap(self, options: int) -> None:
        if self.exitcode is not None:
            return
        try:
            pid, status = os.waitpid(self.pid, options)
        except ChildProcessError:
            self.exitcode = _EXIT_CODE_UNKNOWN
            return
        if pid:
            self.exitcode = os.waitstatus_to_exitcode(status)  # -N for signal N, as multiprocessing


def _child(fd: int, input_dir: str, cache_dir: str) -> None:
    """The early worker's whole life. A forked child: it ends in ``os._exit`` and never returns
    into the stage's code."""
    code = 0
    try:
        _preload(input_dir, cache_dir, fd)
        from adaptline.extract.worker import serve

        channel = Channel(fd)
        try:
            params = channel.recv()
        except EOFError:  # the stage process ended without adopting it
            return
        serve(channel, params)
    except KeyboardInterrupt:  # Ctrl-C reaches the whole process group; the stage reports it
        code = 1
    except BaseException:
        import sys
        import traceback

        traceback.print_exc()
        sys.stderr.flush()
        code = 1
    finally:
        os._exit(code)


class Channel:
    """The early worker's end of its socket. It speaks what ``multiprocessing.connection.Connection``
    speaks (a 4-byte big-endian signed length, -1 then an 8-byte one for messages of 2 GiB and more,
    then a pickle), so the stage process keeps a plain ``Connection`` and waits on it with the
    other workers'. Importing ``multiprocessing.connection`` here instead would cost the early
    worker ~10 ms (socket, selectors, multiprocessing's own modules) before its first document."""

    _LONG = -1  # length marker of a message that does not fit a signed 32-bit length

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def send(self, value: object) -> None:
        from _pickle import dumps

        data = dumps(value)
        size = len(data)
        if size > 0x7FFFFFFF:
            header = self._LONG.to_bytes(4, "big", signed=True) + size.to_bytes(8, "big")
        else:
            header = size.to_bytes(4, "big", signed=True)
        view = memoryview(header + data)
        while view:
            view = view[os.write(self.fd, view) :]

    def recv(self) -> object:
        """The next message; EOFError when the other end closed between messages, OSError when it
        closed inside one (as ``Connection.recv``)."""
        from _pickle import loads

        size = int.from_bytes(self._read(4, first=True), "big", signed=True)
        if size == self._LONG:
            size = int.from_bytes(self._read(8), "big")
        return loads(self._read(size))

    def _read(self, size: int, first: bool = False) -> bytes:
        chunks: list[bytes] = []
        left = size
        while left:
            chunk = os.read(self.fd, left)
            if not chunk:
                if first and left == size:
                    raise EOFError
                raise OSError("got end of file during message")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)


def _preload(input_dir: str, cache_dir: str, fd: int | None = None) -> None:
    """Import the worker code, then the reader of each kind of new or changed file as the folder
    scan meets one. Stop once ``fd`` (this worker's socket) has the params waiting: the pool has
    adopted it, so a task is ready, and the rest of the scan (~1,000 stats and index lookups,
    10-15 ms) would only delay it; a reader not loaded yet loads with its first task."""
    import contextlib

    from adaptline.extract import worker  # noqa: F401
    from adaptline.extract.readers import READERS

    found = new_kinds(input_dir, cache_dir)
    while True:
        try:
            kind = next(found, None)
        except Exception:  # e.g. no input folder: the stage process reports that, and kills this worker
            return
        if kind is None:
            return
        if kind in {"docx", "pptx", "xlsx"}:
            from adaptline.extract import safety  # noqa: F401  (zip checks, before every office document)
        with contextlib.suppress(Exception):  # reported, if it happens again, with the first such document
            READERS[kind].load()
        if fd is not None and _readable(fd):
            return


def _readable(fd: int) -> bool:
    """Whether ``fd`` has data waiting (or is closed), without blocking."""
    from select import select

    return bool(select([fd], [], [], 0)[0])


def new_kinds(input_dir: str, cache_dir: str) -> Iterator[str]:
    """Kinds, by extension and in path order, each once, of the files the stat index does not
    vouch for: the files this run will read, and may have to parse. Yielded as the scan meets
    them, so a reader can load while the scan goes on."""
    from pathlib import Path

    from adaptline.extract.listing import list_files
    from adaptline.extract.sniff import EXTENSION_KINDS
    from adaptline.extract.stat_index import StatIndex

    root = Path(input_dir)
    index = StatIndex(cache_dir, root)
    every_kind = set(EXTENSION_KINDS.values())
    kinds: set[str] = set()
    for rel, path in list_files(root)[0]:
        kind = EXTENSION_KINDS.get(os.path.splitext(rel)[1].lower())
        if kind is None or kind in kinds:
            continue
        try:
            stat = os.stat(path)
        except OSError:
            continue
        if index.lookup(rel, stat) is None:
            kinds.add(kind)
            yield kind
            if kinds == every_kind:
                return

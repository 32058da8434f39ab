"""Extraction of one document inside a worker process, and the pool that runs and polices them.

Parsers of untrusted files can hang or balloon. Each worker is a plain ``multiprocessing``
process (or the stage's early worker, see ``early.py``, policed the same way) with an
address-space cap (RLIMIT_AS, on top of the space it inherits); the parent gives it one document
at a time and kills it when the document runs past its deadline, then starts a fresh worker and
goes on. A worker that dies (segfault, OOM kill) is reported for that document only.
"""

from __future__ import annotations

import gc
import itertools
import os
import re
import resource
import sys
import time
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adaptline.extract.params import ExtractParams
from adaptline.extract.readers import READERS, ExtractError
from adaptline.extract.readers.package import read_repairing
from adaptline.records import sha256_bytes

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from adaptline.extract.early import Channel, EarlyWorker

_MB = 1024 * 1024
_ERROR_MESSAGE_CHARS = 160
_ZIP_KINDS = ("docx", "pptx", "xlsx")
_QUOTED = re.compile("b?'[^']*'|b?\"[^\"]*\"")  # quoted text in a parser's message


@dataclass(frozen=True)
class Task:
    key: str  # the caller's handle for the result (the relative path)
    path: str  # absolute path of the document
    kind: str
    sha256: str  # of the bytes the parent hashed: the worker checks it reads the same bytes


def extract_document(path: str, kind: str, params: ExtractParams, sha256: str | None = None) -> dict[str, Any]:
    """Extract one document; the result is plain data (cached as JSON, sent between processes).

    ``{"status": "extracted", "chunks": [...], "meta": {...}, "notes": [...]}`` or
    ``{"status": "failed", "reason": "..."}``; ``"transient": True`` marks failures that depend on
    the machine (memory, time) rather than on the bytes, which must not be cached.
    """
    reader = READERS[kind]
    try:
        data = Path(path).read_bytes()
        if sha256 is not None and sha256_bytes(data) != sha256:
            return {"status": "failed", "reason": "file changed while the stage ran", "transient": True}
        if kind in _ZIP_KINDS:
            from adaptline.extract.safety import check_zip  # zipfile and friends: ~5 ms, workers only

            check_zip(data, kind, params)
        with warnings.catch_warnings(record=True) as caught, _LibraryLogs() as logged:
            warnings.simplefilter("always")  # every document's own, not once per worker
            extraction = read_repairing(reader, kind, data, params)
    except ExtractError as error:
        return {"status": "failed", "reason": str(error)}
    except MemoryError:
        return {"status": "failed", "reason": f"memory limit exceeded ({params.memory_limit_mb} MB)", "transient": True}
    except RecursionError:
        return {"status": "failed", "reason": f"corrupt or unreadable {kind} file (nesting too deep)"}
    except Exception as error:  # a parser's own error on a bad file: report it, never stop the run
        return {"status": "failed", "reason": f"corrupt or unreadable {kind} file ({_describe(error)})"}
    return {
        "status": "extracted",
        "chunks": [chunk.to_dict() for chunk in extraction.chunks],
        "meta": extraction.meta,
        "notes": [*extraction.notes, *_warning_notes(caught), *_counted_notes("parser log", logged.places)],
    }


class _LibraryLogs:
    """The log records (warning and above) parser libraries emit while one document is read:
    where each came from, for report notes, and never their text. pypdf logs at ERROR level
    things like a font encoding it does not know; with no handler configured, Python printed
    such lines to the stage's stderr, and a log line may quote the document. adaptline's own
    logger does not propagate here. Only installed when ``logging`` is loaded: a library that
    has not imported it cannot log, and the .docx path never loads it."""

    def __enter__(self) -> _LibraryLogs:
        self.places: list[str] = []
        self._handler = None
        if "logging" in sys.modules:
            import logging

            places = self.places

            class Recorder(logging.Handler):
                def emit(self, record: logging.LogRecord) -> None:
                    places.append(f"{record.levelname} from {record.name}")  # the logger: pypdf's log via a helper

            self._handler = Recorder(logging.WARNING)
            logging.getLogger().addHandler(self._handler)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._handler is not None:
            import logging

            logging.getLogger().removeHandler(self._handler)


def _library_place(filename: str, lineno: int) -> str:
    """``package/module.py:line`` of a library's source file (the file name alone elsewhere)."""
    parts = Path(filename).parts
    where = "/".join(parts[parts.index("site-packages") + 1 :] if "site-packages" in parts else parts[-1:])
    return f"{where}:{lineno}"


def _counted_notes(what: str, places: list[str]) -> list[str]:
    """One note per place, with how many times: ``what: place (N times, text withheld...)``."""
    counts: dict[str, int] = {}
    for place in places:
        counts[place] = counts.get(place, 0) + 1
    return [
        f"{what}: {place} ({f'{count} times, ' if count > 1 else ''}text withheld: it can quote the document)"
        for place, count in counts.items()
    ]


def _warning_notes(caught: list[warnings.WarningMessage]) -> list[str]:
    """Report notes for the warnings a parser gave while reading, one per kind and place.

    A warning often means content was left out (openpyxl: "Data Validation extension is not
    supported and will be removed"), so it belongs in the document's report entry, not in the
    stage's log. Its text is not kept: some quote the document (openpyxl names a custom property
    it drops, and a property can be named after a person), and personal data must not reach the
    report.
    """
    places = [f"{w.category.__name__} from {_library_place(w.filename, w.lineno)}" for w in caught]
    return _counted_notes("parser warning", places)


def _describe(error: BaseException) -> str:
    """Exception type and a short, single-line message with quoted parts masked.

    Parser messages sometimes quote bytes of the document; those could be personal data, which
    must not reach the report or the log.
    """
    text = str(error.args[0]) if isinstance(error, KeyError) and error.args else str(error)  # KeyError quotes itself
    message = _QUOTED.sub("'…'", " ".join(text.split()))
    if len(message) > _ERROR_MESSAGE_CHARS:
        message = message[: _ERROR_MESSAGE_CHARS - 1] + "…"
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def serve(connection: Connection | Channel, params: ExtractParams) -> None:
    """A worker process's loop: parse each task it receives until told to stop (None) or cut off."""
    # The stage process may run with collection off, but parsers build reference cycles. Freeze
    # what the fork inherited first: the first collection would walk (and copy, page by page) all
    # of it, ~10 ms before the first document.
    gc.freeze()
    gc.enable()
    if params.memory_limit_mb > 0:
        # On top of what the fork inherited: a cap below that would fail the worker's first
        # import or allocation, whatever the document (a parent with torch loaded maps GBs).
        limit = _address_space_in_use() + params.memory_limit_mb * _MB
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        connection.send(extract_document(task.path, task.kind, params, task.sha256))


def _address_space_in_use() -> int:
    """Bytes of address space this process maps now (Linux); 0 where that cannot be read."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


class Worker:
    """One worker process as the pool sees it: its connection, its process handle (a
    ``multiprocessing.Process``, or anything with its ``kill``/``join``/``is_alive``/``exitcode``),
    and the task it is running."""

    def __init__(self, connection: Any, process: Any) -> None:
        self.connection, self.process = connection, process
        self.task: Task | None = None
        self.deadline = 0.0
        self.told_to_stop = False

    @classmethod
    def start(cls, context: Any, params: ExtractParams) -> Worker:
        connection, child = context.Pipe()
        process = context.Process(target=serve, args=(child, params), daemon=True)
        process.start()
        child.close()
        return cls(connection, process)

    def stop(self, kill: bool = False) -> None:
        self.request_stop(kill)
        self.finish()

    def request_stop(self, kill: bool = False) -> None:
        """Tell the worker to exit (kill it when ``kill``, or when it cannot be told); ``finish``
        waits for it."""
        self.told_to_stop = True
        if kill:
            self.process.kill()
        else:
            try:
                self.connection.send(None)
            except OSError:
                self.process.kill()

    def finish(self) -> None:
        """Wait for the worker to exit once told to stop (killed if it is busy, or does not exit),
        and close its connection."""
        if not self.told_to_stop:
            self.request_stop(kill=self.task is not None)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


class WorkerPool:
    """Up to ``workers`` worker processes, started on demand, that parse tasks (``run``).

    ``run`` tells its workers to stop as it ends; ``close`` waits for them to exit, and kills
    ``early`` if no task came. In between, the caller can write its outputs while the workers
    exit on the other cores: a worker that imported a parser library takes 3-5 ms to exit, on
    the critical path of a run that adds one document. A ``with`` block closes the pool.
    """

    def __init__(self, params: ExtractParams, workers: int, early: EarlyWorker | None = None) -> None:
        self.params, self.workers, self.early = params, workers, early
        self._pool: list[Worker] = []

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        for worker in self._pool:
            worker.finish()
        self._pool = []
        if self.early is not None:
            self.early.discard()

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, dict[str, Any]]]:
        """Run tasks; yield (task, result) as they finish (any order).

        ``tasks`` is consumed lazily, one task whenever a worker is free: a caller that is still
        scanning its inputs keeps scanning while the first documents are already being parsed.
        Workers are started on demand, so a run with nothing to parse starts none. ``early``, when
        alive, is the first worker (it may have imported the parsers already).
        """
        source = iter(tasks)
        first = next(source, None)
        if first is None:
            return
        import multiprocessing  # only a run with documents to parse pays for it (~8 ms)
        from multiprocessing.connection import wait

        params, pool = self.params, self._pool
        source = itertools.chain([first], source)
        exhausted = False
        context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        try:
            if self.early is not None and (adopted := self.early.adopt(params)) is not None:
                pool.append(adopted)
            while True:
                while not exhausted:
                    idle = next((index for index, worker in enumerate(pool) if worker.task is None), None)
                    if idle is None and len(pool) >= max(1, self.workers):
                        break
                    task = next(source, None)
                    if task is None:
                        exhausted = True
                        break
                    if idle is None:
                        pool.append(Worker.start(context, params))
                        idle = len(pool) - 1
                    pool[idle] = _assign(pool[idle], task, context, params)
                busy = [worker for worker in pool if worker.task is not None]
                if not busy:
                    return
                timeout = max(0.0, min(worker.deadline for worker in busy) - time.monotonic())
                ready = set(wait([worker.connection for worker in busy], timeout=timeout))
                for index, worker in enumerate(pool):
                    task = worker.task
                    if task is None:
                        continue
                    if worker.connection in ready:
                        try:
                            result = worker.connection.recv()
                        except (EOFError, OSError):
                            worker.process.join(timeout=5)
                            reason = _death_reason(worker.process.exitcode, params)
                            result = {"status": "failed", "reason": reason, "transient": True}
                            pool[index] = _replace(worker, context, params)
                        else:
                            worker.task = None
                            if result.get("transient"):  # e.g. after a MemoryError: start clean
                                pool[index] = _replace(worker, context, params)
                        yield task, result
                    elif time.monotonic() >= worker.deadline:
                        pool[index] = _replace(worker, context, params)
                        reason = f"timed out after {params.timeout_s:g} s (parser killed)"
                        yield task, {"status": "failed", "reason": reason, "transient": True}
        finally:
            for worker in pool:
                worker.request_stop(kill=worker.task is not None)


def _assign(worker: Worker, task: Task, context: Any, params: ExtractParams) -> Worker:
    """Hand ``task`` to ``worker`` (or to a fresh one if that worker died while idle)."""
    for attempt in range(2):
        try:
            worker.connection.send(task)
            break
        except OSError:
            if attempt:
                raise
            worker = _replace(worker, context, params)
    worker.task, worker.deadline = task, time.monotonic() + params.timeout_s
    return worker


def _replace(worker: Worker, context: Any, params: ExtractParams) -> Worker:
    worker.stop(kill=True)
    return Worker.start(context, params)


def _death_reason(exitcode: int | None, params: ExtractParams) -> str:
    if exitcode is not None and exitcode < 0:
        signal_number = -exitcode
        hint = f"; memory cap {params.memory_limit_mb} MB" if signal_number == 9 else ""
        return f"worker died on signal {signal_number} while parsing{hint}"
    return f"worker exited with code {exitcode} while parsing"


def default_workers(requested: int) -> int:
    """``requested`` worker count, or all usable cores for 0."""
    if requested > 0:
        return requested
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)

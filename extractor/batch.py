"""Many inputs in, records out, in input order; every input ends as a document or an error record.

The per-document work (:func:`process_input`) is a plain function of picklable values, so the
same function runs in this process, in worker processes (:class:`LocalEngine`), or on a Dask
cluster (:mod:`extractor.dask`), and every engine writes the same records.

Three guarantees hold whatever the engine:

* **order** – outputs come back in input order, whatever the number of workers;
* **nothing lost** – an input that cannot be read, that overruns its time budget, or whose
  worker process dies becomes an ``error`` record (source, error class, message);
* **bounded memory** – inputs are read as a stream and only a bounded window of documents is in
  flight, so memory does not grow with the archive.

Resuming (:func:`read_resume_point`, :func:`skip_completed`) relies on the ``document`` or
``error`` record being the last record of its input: it is the input's commit mark in a JSON
Lines file.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import multiprocessing
import multiprocessing.context
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from .models import ErrorRecord
from .options import DEFAULT_DOC_TIMEOUT, Engine
from .readers import DEFAULT_MAX_BYTES, InputDocument, InputFailure, PendingInput, iter_pending_inputs
from .writers import json_line

__all__ = [
    "DEFAULT_DOC_TIMEOUT",
    "BatchStats",
    "DocumentOutput",
    "DocumentTimeout",
    "Engine",
    "LocalEngine",
    "ResumeError",
    "ResumePoint",
    "default_jobs",
    "process_input",
    "read_resume_point",
    "reading_deadline",
    "run_batch",
    "skip_completed",
    "warm_up",
]


#: Documents, and characters, sent to a worker process in one task: big enough that the
#: inter-process overhead (measured at about 0.1 ms a task) is small next to the work (about 5 ms
#: for a 700-character report), small enough that the workers stay evenly loaded and a crash has
#: few neighbours to re-run.  The last task of a run leaves the other worker idle for about half a
#: task: on the 193-file bench folder, two documents a task beat four (at sixteen, --jobs 2 was
#: 1.4x instead of 1.8x), and one was no better than two.
#: The character cap also bounds memory: a chunk's results (JSON Lines, several times the text)
#: wait in the parent until their turn, so at 2**17 characters a 200 MB archive runs with --jobs 2
#: in about 200 MB of RSS for the whole process tree, against about 380 MB at 2**20.
CHUNK_DOCS = 2
CHUNK_CHARS = 1 << 17
#: Tasks in flight per worker process: the read-ahead window that keeps every worker busy while
#: the output is written strictly in input order.
TASKS_PER_WORKER = 3
#: Bytes of inputs in flight (read, not yet extracted) past which only one task per worker is:
#: the workers decode, so the command holds each input's bytes until then, and a run of huge
#: PDFs (up to --max-bytes each) must not fill memory with TASKS_PER_WORKER of them a worker.
WINDOW_BYTES = 64 * 2**20

InputItem = InputDocument | InputFailure | PendingInput


@dataclass(frozen=True, slots=True)
class DocumentOutput:
    """The records of one input as UTF-8 JSON Lines (its ``document`` or ``error`` record last).

    Workers serialise and encode: a JSON Lines writer only copies ``data``, and bytes cross the
    pipe from a worker without being decoded, so the parent process, which shares the CPUs with
    the workers, does as little per record as possible.
    """

    source: str
    data: bytes
    failed: bool
    chars: int

    @classmethod
    def from_records(
        cls, source: str, records: list[dict[str, Any]], failed: bool, chars: int
    ) -> DocumentOutput:
        lines = "".join(json_line(r) + "\n" for r in records)
        return cls(source, lines.encode("utf-8"), failed, chars)

    @property
    def lines(self) -> str:
        """The JSON Lines as text."""
        return self.data.decode("utf-8")

    @property
    def records(self) -> list[dict[str, Any]]:
        """The records as dicts (parsed from ``data``).

        Split at ``\\n`` only: a record's text may hold U+2028 or U+0085, which ``json.dumps``
        leaves as they are and ``str.splitlines`` would cut at.
        """
        return [json.loads(line) for line in self.data.split(b"\n") if line]

    @property
    def n_records(self) -> int:
        return self.data.count(b"\n")


@dataclass
class BatchStats:
    documents: int = 0
    records: int = 0
    failed: int = 0
    chars: int = 0
    started: float = field(default_factory=time.perf_counter)

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started

    def add(self, out: DocumentOutput) -> None:
        self.documents += 1
        self.records += out.n_records
        self.failed += out.failed
        self.chars += out.chars

    def summary(self) -> str:
        return (
            f"documents: {self.documents}, records: {self.records}, failed: {self.failed}, "
            f"seconds: {self.seconds:.2f}"
        )


# --------------------------------------------------------------------------------------------
# One document
# --------------------------------------------------------------------------------------------


class DocumentTimeout(BaseException):
    """Raised inside an extraction whose time is up.

    A ``BaseException`` so that no ``except Exception`` on the way can swallow it; it becomes an
    error record with the error class ``TimeoutError``.
    """


def _set_async_exc(thread_id: int, exc: type[BaseException] | None) -> None:
    """Raise ``exc`` in another thread at its next bytecode (``None`` cancels a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc is not None else None
    )


class _Deadline:
    """Interrupt the block with :class:`DocumentTimeout` after ``seconds``.

    In the main thread of a Unix process (``--jobs 1`` and the worker processes) a ``SIGALRM``
    timer; the ``regex`` module checks for signals while it matches, so this also stops a
    runaway pattern.  A timer the caller had set is kept: its signal goes to the caller's handler
    when it is due, and it is set again afterwards.  Elsewhere (a Dask worker thread) a timer
    thread raises the exception in the working thread, where it takes effect at the next Python
    bytecode: Python code is stopped, a single long call into C code is not.
    """

    #: A timer may fire this much before the clock says it is due (they are different clocks).
    _SLACK = 1e-3

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._deadline = 0.0
        self._outer: tuple[float, float] | None = None  # the caller's timer: (due, interval)
        self._armed = False
        self._fired = False
        self._lock = threading.Lock()
        self._thread_id = threading.get_ident()
        self._timer: threading.Timer | None = None
        self._previous: Any = None
        self._use_signal = (
            hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
        )

    def _arm(self) -> None:
        """Set the timer for what comes first: this block's deadline or the caller's timer."""
        due = self._deadline if self._outer is None else min(self._deadline, self._outer[0])
        signal.setitimer(signal.ITIMER_REAL, max(due - time.monotonic(), 1e-6))

    def _on_alarm(self, signum: int, frame: FrameType | None) -> None:
        if not self._armed:  # a signal that arrives as the block ends does nothing
            return
        now = time.monotonic()
        if self._outer is not None and now >= self._outer[0] - self._SLACK:
            # The caller's timer: hand the signal on, then wait for ours again.
            due, interval = self._outer
            self._outer = (due + interval, interval) if interval > 0 else None
            self._arm()
            if callable(self._previous):
                self._previous(signum, frame)
            elif self._previous == signal.SIG_DFL:  # the default action ends the process
                signal.signal(signal.SIGALRM, signal.SIG_DFL)
                signal.raise_signal(signal.SIGALRM)
        elif now >= self._deadline - self._SLACK:
            raise DocumentTimeout
        else:
            self._arm()

    def _interrupt(self) -> None:
        with self._lock:
            if self._armed:
                self._fired = True
                _set_async_exc(self._thread_id, DocumentTimeout)

    def __enter__(self) -> None:
        self._armed = True
        if self._use_signal:
            now = time.monotonic()
            self._deadline = now + self._seconds
            remaining, interval = signal.getitimer(signal.ITIMER_REAL)
            self._outer = (now + remaining, interval) if remaining > 0 else None
            self._previous = signal.signal(signal.SIGALRM, self._on_alarm)
            self._arm()
        else:
            self._timer = threading.Timer(self._seconds, self._interrupt)
            self._timer.daemon = True
            self._timer.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        with self._lock:
            self._armed = False
            if self._fired:  # raised in this thread but maybe not delivered yet: cancel it
                _set_async_exc(self._thread_id, None)
        if self._use_signal:
            # Stop the timer before restoring the old handler, so no SIGALRM of ours reaches it.
            signal.setitimer(signal.ITIMER_REAL, 0)
            if self._previous is not None:  # None: a handler not set from Python, cannot restore
                signal.signal(signal.SIGALRM, self._previous)
            if self._outer is not None:  # give the caller its timer back
                due, interval = self._outer
                signal.setitimer(signal.ITIMER_REAL, max(due - time.monotonic(), 1e-6), interval)
        elif self._timer is not None:
            self._timer.cancel()


def _error(source: str, error: str, message: str) -> DocumentOutput:
    rec = ErrorRecord(source=source, error=error, message=message).model_dump(mode="json")
    return DocumentOutput.from_records(source, [rec], True, 0)


def _extract(item: InputDocument, with_text: bool) -> DocumentOutput:
    from .pipeline import get_extractor

    try:
        result = get_extractor().extract_document(item, with_text=with_text)
        return DocumentOutput.from_records(item.source, result.to_dicts(), False, len(item.text))
    except RecursionError as exc:  # a pathological input must not end the whole batch
        return _error(item.source, type(exc).__name__, f"extraction failed: {exc}")
    except (ValueError, ArithmeticError, TimeoutError) as exc:
        return _error(item.source, type(exc).__name__, f"extraction failed: {exc}")
    except Exception as exc:  # a bug must cost one document, not an archive of ten thousand
        return _error(
            item.source, type(exc).__name__, f"internal error while extracting (please report it): {exc}"
        )


def process_input(
    item: InputItem, *, with_text: bool = False, timeout: float | None = None
) -> DocumentOutput:
    """Extract one input; an input that fails anywhere becomes an ``error`` record.

    A :class:`~extractor.readers.PendingInput` is decoded here first (in the worker that runs
    this).  With ``timeout`` (seconds), reading and extraction that take longer together are
    stopped and become an error record with the error class ``TimeoutError``.

    >>> process_input(InputFailure("a.zip!x.bin", "BinaryFileError", "looks binary")).records[0]["error"]
    'BinaryFileError'
    """
    if isinstance(item, PendingInput):
        item = item.read((lambda: reading_deadline(timeout)) if timeout else None)
    if isinstance(item, InputFailure):
        return _error(item.source, item.error, item.message)
    if timeout is None or timeout <= 0:
        return _extract(item, with_text)
    warm_up()  # loading jieba is not the document's time, and must not be cut off half-way
    # One budget for the whole document: what reading it took is not left for extraction.
    remaining = timeout - item.read_seconds
    try:
        if remaining <= 0:
            raise DocumentTimeout
        with _Deadline(remaining):
            return _extract(item, with_text)
    except DocumentTimeout:
        return _error(
            item.source,
            "TimeoutError",
            f"reading ({item.read_seconds:.1f} s) and extraction took longer than {timeout:g} s "
            "and were stopped (see --doc-timeout)",
        )


@contextmanager
def reading_deadline(seconds: float) -> Iterator[None]:
    """Stop the reading of one document after ``seconds`` with ``TimeoutError`` (a reader guard).

    >>> with reading_deadline(60):
    ...     pass
    """
    try:
        with _Deadline(seconds):
            yield
    except DocumentTimeout:
        raise TimeoutError(
            f"reading took longer than {seconds:g} s and was stopped (see --doc-timeout)"
        ) from None


_warm = False


def warm_up() -> None:
    """Build this process's extractor and load jieba's dictionary (about a second, once)."""
    global _warm
    if not _warm:
        from .pipeline import get_extractor

        get_extractor().extract("全年完成投资1亿元，增长5%。", "<warm-up>")
        _warm = True


def default_jobs() -> int:
    """The number of CPUs this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)  # pragma: no cover - macOS, Windows


# --------------------------------------------------------------------------------------------
# Worker processes
# --------------------------------------------------------------------------------------------


def _exit_with_parent(parent: int) -> None:
    """A worker whose parent was killed would wait for work forever: exit instead."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(1)


def _init_worker() -> None:
    # Ctrl-C goes to the whole process group: the parent stops the pool, the workers only finish
    # their current task instead of each printing a KeyboardInterrupt traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The parent is this process's or, with the forkserver start method, the fork server's (which
    # exits with this process's).
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    warm_up()


def _fork_context() -> multiprocessing.context.BaseContext | None:
    """The ``fork`` start method when it is safe (workers start warm), else the platform's default.

    Forking is safe on Linux in a process with a single thread: the command line creates its pool
    before starting any thread (its progress bar runs none), and ``ProcessPoolExecutor`` forks all
    its workers before it starts its own manager thread.  A library caller with threads of its own
    (a notebook, a web server) gets the default start method instead, whose workers warm up
    themselves.  Asked for by name because Python 3.14 makes ``forkserver`` the Linux default.
    """
    if (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    ):
        return multiprocessing.get_context("fork")
    return None


def _process_chunk(chunk: list[InputItem], with_text: bool, timeout: float | None) -> list[DocumentOutput]:
    return [process_input(item, with_text=with_text, timeout=timeout) for item in chunk]


def _chunks(items: Iterable[InputItem], max_docs: int, max_chars: int) -> Iterator[list[InputItem]]:
    chunk: list[InputItem] = []
    chars = 0
    for item in items:
        chunk.append(item)
        # A document's characters, or the bytes of one not decoded yet (a PDF's are many more
        # than its text's: the window stays small in memory either way).
        if isinstance(item, InputDocument):
            chars += len(item.text)
        elif isinstance(item, PendingInput):
            chars += len(item.data)
        if len(chunk) >= max_docs or chars >= max_chars:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


def _bytes_in_flight(pending: Iterable[tuple[list[InputItem], Any]]) -> int:
    """The bytes (or characters) of the inputs of the tasks in flight."""
    return sum(
        len(item.data) if isinstance(item, PendingInput) else len(item.text)
        for chunk, _ in pending
        for item in chunk
        if not isinstance(item, InputFailure)
    )


class LocalEngine:
    """Runs :func:`process_input` over a stream of inputs, in input order.

    ``jobs == 1`` (or a single input) runs in this process; otherwise a pool of ``jobs`` worker
    processes, each initialised once, gets chunks of documents, with at most
    ``TASKS_PER_WORKER * jobs`` chunks in flight.  A worker that dies (killed, out of memory, a
    crash in C code) is replaced: the documents it may have been working on are re-run one at a
    time, and the one that kills its worker again becomes a ``WorkerCrashError`` record.
    """

    def __init__(
        self,
        jobs: int = 1,
        *,
        with_text: bool = False,
        timeout: float | None = DEFAULT_DOC_TIMEOUT,
        chunk_docs: int = CHUNK_DOCS,
        chunk_chars: int = CHUNK_CHARS,
    ) -> None:
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, not {jobs}")
        self.jobs = jobs
        self.with_text = with_text
        self.timeout = timeout
        self.chunk_docs = chunk_docs
        self.chunk_chars = chunk_chars
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def run(self, items: Iterable[InputItem]) -> Iterator[DocumentOutput]:
        """One output per input, in input order."""
        stream = iter(items)
        head = list(islice(stream, 2))
        if self.jobs == 1 or len(head) < 2:
            for item in chain(head, stream):
                yield process_input(item, with_text=self.with_text, timeout=self.timeout)
            return
        yield from self._run_pool(chain(head, stream))

    def _new_pool(self) -> ProcessPoolExecutor:
        self.close()
        context = _fork_context()
        if context is not None:
            # Forked workers start with this process's memory: warm it once here (about 0.1 s)
            # instead of once in every worker, where it would be paid again in CPU time.
            warm_up()
        self._pool = ProcessPoolExecutor(self.jobs, mp_context=context, initializer=_init_worker)
        return self._pool

    def _submit(self, chunk: list[InputItem]) -> Future[list[DocumentOutput]]:
        pool = self._pool or self._new_pool()
        return pool.submit(_process_chunk, chunk, self.with_text, self.timeout)

    def _run_pool(self, items: Iterator[InputItem]) -> Iterator[DocumentOutput]:
        window = TASKS_PER_WORKER * self.jobs
        pending: deque[tuple[list[InputItem], Future[list[DocumentOutput]]]] = deque()
        try:
            for chunk in _chunks(items, self.chunk_docs, self.chunk_chars):
                pending.append((chunk, self._submit(chunk)))
                while len(pending) >= window or (
                    len(pending) >= self.jobs and _bytes_in_flight(pending) > WINDOW_BYTES
                ):
                    yield from self._next_outputs(pending)
            while pending:
                yield from self._next_outputs(pending)
        finally:
            for _, future in pending:
                future.cancel()
            self.close()

    def _next_outputs(
        self, pending: deque[tuple[list[InputItem], Future[list[DocumentOutput]]]]
    ) -> Iterator[DocumentOutput]:
        try:
            outputs = pending[0][1].result()
        except BrokenProcessPool:
            # Every task in flight is lost with the pool: re-run them all, one document at a time.
            items = [item for chunk, _ in pending for item in chunk]
            pending.clear()
            self._new_pool()
            yield from self._rerun_singly(items)
            return
        pending.popleft()
        yield from outputs

    def _rerun_singly(self, items: list[InputItem]) -> Iterator[DocumentOutput]:
        for item in items:
            try:
                outputs = self._submit([item]).result()
            except BrokenProcessPool:
                self._new_pool()
                outputs = [
                    _error(
                        item.source,
                        "WorkerCrashError",
                        "the worker process died while extracting this document (killed, out of memory "
                        "or crashed); it was tried twice",
                    )
                ]
            yield from outputs


# --------------------------------------------------------------------------------------------
# Resume
# --------------------------------------------------------------------------------------------

_COMMIT_TYPES = frozenset({"document", "error"})


class ResumeError(ValueError):
    """The output file cannot be resumed with these inputs."""


@dataclass(frozen=True)
class ResumePoint:
    """What a JSON Lines output already holds: its complete inputs, in order, and where they end.

    ``offset`` is the byte length of the complete part; anything after it (the partial records
    of the input a killed run was writing, or a torn last line) is to be dropped.
    """

    sources: list[str]
    offset: int
    size: int
    records: int
    failed: int
    #: Per complete input: the sha256 of its text (from its ``document`` record), or None for an
    #: ``error`` record.
    digests: list[str | None] = field(default_factory=list)

    @property
    def documents(self) -> int:
        return len(self.sources)

    @property
    def dropped_bytes(self) -> int:
        return self.size - self.offset


def read_resume_point(path: str | os.PathLike[str]) -> ResumePoint:
    """Scan a JSON Lines output for the inputs it holds complete.

    An input is complete when its ``document`` or ``error`` record is there: that record is
    written after the input's other records.  Reading stops at the first line that is not a
    whole JSON object (a torn line of a killed run).  A missing file holds nothing.
    """
    file = Path(path)
    if not file.exists():
        return ResumePoint([], 0, 0, 0, 0)
    sources: list[str] = []
    digests: list[str | None] = []
    offset = position = records = failed = pending = 0
    with file.open("rb") as fh:
        for number, line in enumerate(fh):
            position += len(line)
            body = line.removeprefix(b"\xef\xbb\xbf") if number == 0 else line
            if not body.endswith(b"\n"):
                break
            try:
                record = json.loads(body)
            except ValueError:
                break
            if not isinstance(record, dict):
                break
            pending += 1
            if record.get("type") in _COMMIT_TYPES:
                sources.append(str(record.get("source")))
                sha = record.get("sha256")
                digests.append(sha if isinstance(sha, str) else None)
                records += pending
                failed += record.get("type") == "error"
                pending = 0
                offset = position
    return ResumePoint(sources, offset, file.stat().st_size, records, failed, digests)


def skip_completed(items: Iterable[InputItem], point: ResumePoint) -> Iterator[InputItem]:
    """Skip the inputs ``point`` holds, checking they are the same inputs in the same order.

    The check happens now, before anything is written: it raises :class:`ResumeError` when the
    output was written from other inputs, or when a document it holds has changed since (its
    text's sha256 differs from the one in its ``document`` record, or it can no longer be read).
    The returned iterator yields the remaining inputs.
    """
    stream = iter(items)
    for number, expected in enumerate(point.sources, 1):
        item = next(stream, None)
        if item is None:
            raise ResumeError(
                f"the output holds {point.documents} inputs but there are only {number - 1}: "
                "it was written from other inputs"
            )
        if item.source != expected:
            raise ResumeError(
                f"input #{number} is {item.source!r} but the output has {expected!r} there: "
                "it was written from other inputs or options"
            )
        digest = point.digests[number - 1] if number <= len(point.digests) else None
        if digest is not None and _digest(item) != digest:
            raise ResumeError(
                f"input #{number} {item.source!r} has changed since the output was written "
                "(its text's sha256 differs from its document record): rerun without --resume"
            )
    return stream


def _digest(item: InputItem) -> str | None:
    """The sha256 a ``document`` record of ``item`` carries (as the pipeline computes it)."""
    if isinstance(item, PendingInput):
        item = item.read()
    if isinstance(item, InputFailure):
        return None
    return hashlib.sha256(item.text.encode("utf-8", "surrogatepass")).hexdigest()


# --------------------------------------------------------------------------------------------
# Library entry point
# --------------------------------------------------------------------------------------------


def run_batch(
    paths: Sequence[str],
    *,
    glob: str | None = None,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    with_text: bool = False,
    jobs: int = 1,
    timeout: float | None = DEFAULT_DOC_TIMEOUT,
    pdf_engine: str = "pypdfium2",
) -> Iterator[DocumentOutput]:
    """Process every input under ``paths``, in input order (``jobs`` worker processes when > 1).

    ``pdf_engine`` (``"pypdfium2"`` or ``"pdfplumber"``) reads the PDFs (:mod:`extractor.pdf`).
    """
    guard = (lambda: reading_deadline(timeout)) if timeout else None
    # The bytes are read here; each is decoded (a PDF's text taken apart) where it is extracted.
    items = iter_pending_inputs(
        paths, glob=glob, encoding=encoding, max_bytes=max_bytes, pdf_engine=pdf_engine, guard=guard
    )
    with LocalEngine(jobs, with_text=with_text, timeout=timeout) as engine:
        yield from engine.run(items)

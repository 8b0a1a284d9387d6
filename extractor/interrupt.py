"""Stopping a batch run cleanly on SIGINT (Ctrl-C) or SIGTERM.

:class:`Interruption` turns either signal into :class:`Interrupted` in the command's process,
except while a document's records are being written and counted (:meth:`Interruption.deferred`):
there it waits for the block to end, so that "interrupted after N documents" is exact and the
output never ends in the middle of a document it counted.  Worker processes forked while it is
active get the signals' default actions back.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType, TracebackType
from typing import Any

__all__ = ["Interrupted", "Interruption"]

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived.  A ``BaseException``, so no ``except Exception`` swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class Interruption:
    """While active (a context manager), SIGINT and SIGTERM raise :class:`Interrupted`."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self._pid = os.getpid()
        self._deferring = False
        self._previous: dict[int, Any] = {}

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if os.getpid() != self._pid:  # a forked worker: what the signal would have done
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        self.signum = signum
        if not self._deferring:
            raise Interrupted(signum)

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """A block a signal does not cut: it is raised when the block ends."""
        self._deferring = True
        try:
            yield
        finally:
            self._deferring = False
        if self.signum is not None:
            raise Interrupted(self.signum)

    def __enter__(self) -> Interruption:
        if threading.current_thread() is threading.main_thread():  # where signals can be handled
            self._previous = {s: signal.signal(s, self._handle) for s in _SIGNALS}
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._previous = {}

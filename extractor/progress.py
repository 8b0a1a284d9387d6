"""A progress bar on stderr for batch runs: documents, characters per second, failures."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from .batch import DocumentOutput

__all__ = ["Progress"]


def _bar(file: TextIO, refresh: float, total: int | None) -> Any:
    """A tqdm bar (imported here: a run without a bar does not load tqdm)."""
    from tqdm import tqdm

    class _Bar(tqdm):  # type: ignore[type-arg]
        # No monitor thread: the batch may fork worker processes after the bar exists, and
        # forking a process that has extra threads is unsafe.
        monitor_interval = 0

    return _Bar(file=file, unit="doc", desc="extract", mininterval=refresh, dynamic_ncols=True, total=total)


class Progress:
    """Counts outputs and, when ``enabled``, shows them on ``file`` (stderr by default).

    With the ``total`` number of documents (when the inputs could be counted) the bar shows the
    share done and the time left.  Messages printed with :meth:`echo` go above the bar instead of
    through it.
    """

    def __init__(
        self, enabled: bool, file: TextIO | None = None, *, refresh: float = 0.5, total: int | None = None
    ) -> None:
        self.file = file if file is not None else sys.stderr
        self.enabled = enabled
        self.documents = 0
        self.chars = 0
        self.failed = 0
        self._refresh = refresh
        self._started = time.perf_counter()
        self._shown = 0.0
        self._bar = _bar(self.file, refresh, total) if enabled else None

    def update(self, out: DocumentOutput) -> None:
        self.documents += 1
        self.chars += out.chars
        self.failed += out.failed
        if self._bar is None:
            return
        now = time.perf_counter()
        if now - self._shown >= self._refresh:
            self._shown = now
            self._bar.set_postfix_str(self.postfix(now), refresh=False)
        self._bar.update(1)

    def postfix(self, now: float | None = None) -> str:
        elapsed = max((now or time.perf_counter()) - self._started, 1e-9)
        return f"{self.chars / elapsed:,.0f} chars/s, failed {self.failed}"

    def echo(self, message: str) -> None:
        if self._bar is not None:
            self._bar.write(message, file=self.file)
        else:
            print(message, file=self.file)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.set_postfix_str(self.postfix(), refresh=False)
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

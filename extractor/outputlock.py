"""An exclusive lock on an output file, so two runs never write into the same one.

Two ``extract`` runs given the same ``-o`` would interleave their lines (torn records, stale
documents) without either noticing.  The first run takes an advisory ``flock`` on the file
before it truncates or appends anything and holds it to the end; a second run fails at once
with :class:`OutputLockedError`.  The lock goes with the process (``kill -9`` releases it).
On systems without ``fcntl`` (Windows) there is no lock.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["OutputLockedError", "lock_output"]


class OutputLockedError(RuntimeError):
    """Another process holds the output file."""


@contextmanager
def lock_output(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing, never truncated here)."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks, the documented exception
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise OutputLockedError(
                f"another extractor run is writing {path}: wait for it to finish, or choose another -o"
            ) from exc
        yield
    finally:
        os.close(fd)  # releases the lock

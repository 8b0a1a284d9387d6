"""Many inputs in, records out, in input order; every input ends as a document or an error record.

The per-document work (:func:`process_input`) is a plain function of picklable values, so the
same function runs in this process, in worker processes, or on a Dask cluster.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from .models import ErrorRecord
from .readers import InputDocument, InputFailure, iter_inputs

__all__ = ["BatchStats", "DocumentOutput", "process_input", "run_batch"]


@dataclass(frozen=True, slots=True)
class DocumentOutput:
    """The JSON-ready records of one input (its ``document`` or ``error`` record last)."""

    source: str
    records: list[dict[str, Any]]
    failed: bool
    chars: int


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
        self.records += len(out.records)
        self.failed += out.failed
        self.chars += out.chars

    def summary(self) -> str:
        return (
            f"documents: {self.documents}, records: {self.records}, failed: {self.failed}, "
            f"seconds: {self.seconds:.2f}"
        )


def _error(source: str, error: str, message: str) -> DocumentOutput:
    rec = ErrorRecord(source=source, error=error, message=message).model_dump(mode="json")
    return DocumentOutput(source, [rec], True, 0)


def process_input(item: InputDocument | InputFailure, *, with_text: bool = False) -> DocumentOutput:
    """Extract one input; an input that fails anywhere becomes an ``error`` record."""
    if isinstance(item, InputFailure):
        return _error(item.source, item.error, item.message)
    from .pipeline import get_extractor

    try:
        result = get_extractor().extract(
            item.text, item.source, encoding=item.encoding, format=item.format, with_text=with_text
        )
        return DocumentOutput(item.source, result.to_dicts(), False, len(item.text))
    except RecursionError as exc:  # a pathological input must not end the whole batch
        return _error(item.source, type(exc).__name__, f"extraction failed: {exc}")
    except (ValueError, ArithmeticError, TimeoutError) as exc:
        return _error(item.source, type(exc).__name__, f"extraction failed: {exc}")


def run_batch(
    paths: Sequence[str],
    *,
    glob: str | None = None,
    encoding: str | None = None,
    max_bytes: int = 50 * 2**20,
    with_text: bool = False,
) -> Iterator[DocumentOutput]:
    """Process every input under ``paths`` in this process, in input order."""
    items: Iterable[InputDocument | InputFailure] = iter_inputs(
        paths, glob=glob, encoding=encoding, max_bytes=max_bytes
    )
    for item in items:
        yield process_input(item, with_text=with_text)

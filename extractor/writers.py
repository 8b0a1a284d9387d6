"""Output formats: JSON Lines (streamed), JSON, CSV and Parquet.

Writers take record dicts (``model_dump(mode="json")``) one at a time, in order, so memory does
not grow with the archive for the streaming formats (JSON Lines, JSON, CSV).  Parquet buffers one
row group at a time.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Mapping
from typing import IO, Any, Protocol

__all__ = ["CSV_COLUMNS", "FORMATS", "JsonLinesWriter", "RecordWriter", "json_line", "make_writer"]

_SURROGATE = re.compile("[\ud800-\udfff]")


def json_line(record: Mapping[str, Any]) -> str:
    r"""One record as a line of JSON (no newline), readable Chinese, always encodable as UTF-8.

    A lone surrogate (a name from bytes that were not UTF-8, passed in by a library caller)
    cannot be written as UTF-8: that line escapes it as ``\udcb1``, which JSON readers read back
    as the same string.

    >>> json_line({"source": "报告.txt"})
    '{"source": "报告.txt"}'
    >>> print(json_line({"source": "x\udcb1"}))
    {"source": "x\udcb1"}
    """
    line = json.dumps(record, ensure_ascii=False)
    if _SURROGATE.search(line) is not None:
        return json.dumps(record)
    return line


FORMATS = ("jsonl", "json", "csv", "parquet")

#: CSV and Parquet columns: one row per metric, plus a row per document and per error.
CSV_COLUMNS = (
    "type",
    "source",
    "start",
    "end",
    "text",
    "value",
    "value_max",
    "unit",
    "unit_surface",
    "qualifier",
    "marker",
    "kind",
    "object",
    "indicator",
    "direction",
    "status",
    "period",
    "section_id",
    "item_id",
    "rule",
    "title",
    "chars",
    "error",
    "message",
)
_TABLE_TYPES = frozenset({"metric", "document", "error"})


class RecordWriter(Protocol):
    def write(self, record: Mapping[str, Any]) -> None: ...
    def close(self) -> None: ...


class JsonLinesWriter:
    def __init__(self, out: IO[str]) -> None:
        self._out = out
        # Encoded lines go straight to the byte stream under a UTF-8 text stream (a file, stdout);
        # any other stream gets them decoded.
        encoding = (getattr(out, "encoding", None) or "").lower().replace("_", "-")
        self._binary: IO[bytes] | None = (
            getattr(out, "buffer", None) if encoding in ("utf-8", "utf8") else None
        )
        self._text_pending = False

    def write(self, record: Mapping[str, Any]) -> None:
        self._out.write(json_line(record) + "\n")
        self._text_pending = True

    def write_encoded(self, data: bytes) -> None:
        """Records already serialised as UTF-8 JSON Lines (by a worker process)."""
        if self._binary is None:
            self._out.write(data.decode("utf-8"))
            return
        if self._text_pending:  # keep the order of text written before
            self._out.flush()
            self._text_pending = False
        self._binary.write(data)

    def close(self) -> None:
        self._out.flush()
        if self._binary is not None:
            self._binary.flush()


class JsonWriter:
    """A JSON array, written as it goes (one record per line inside the brackets)."""

    def __init__(self, out: IO[str]) -> None:
        self._out = out
        self._first = True
        out.write("[")

    def write(self, record: Mapping[str, Any]) -> None:
        self._out.write(("\n" if self._first else ",\n") + json_line(record))
        self._first = False

    def close(self) -> None:
        self._out.write("\n]\n")
        self._out.flush()


def _table_row(record: Mapping[str, Any]) -> dict[str, Any] | None:
    if record.get("type") not in _TABLE_TYPES:
        return None
    return {c: record.get(c) for c in CSV_COLUMNS}


class CsvWriter:
    def __init__(self, out: IO[str]) -> None:
        self._out = out
        self._csv = csv.DictWriter(out, fieldnames=list(CSV_COLUMNS), extrasaction="ignore")
        self._csv.writeheader()

    def write(self, record: Mapping[str, Any]) -> None:
        row = _table_row(record)
        if row is not None:
            self._csv.writerow(row)

    def close(self) -> None:
        self._out.flush()


class ParquetWriter:
    """Parquet via pyarrow (the ``parquet`` extra); values as exact decimal strings."""

    def __init__(self, path: str, rows_per_group: int = 50_000) -> None:
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise RuntimeError(
                "Parquet output needs the 'parquet' extra: pip install 'extractor[parquet]'"
            ) from exc
        self._pa = pa
        types = {"start": pa.int64(), "end": pa.int64(), "period": pa.int64(), "chars": pa.int64()}
        self._schema = pa.schema([(c, types.get(c, pa.string())) for c in CSV_COLUMNS])
        self._writer = pq.ParquetWriter(path, self._schema)
        self._rows: list[dict[str, Any]] = []
        self._rows_per_group = rows_per_group

    def write(self, record: Mapping[str, Any]) -> None:
        row = _table_row(record)
        if row is None:
            return
        for key in ("value", "value_max"):
            if row[key] is not None:
                row[key] = str(row[key])
        self._rows.append(row)
        if len(self._rows) >= self._rows_per_group:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            self._writer.write_table(self._pa.Table.from_pylist(self._rows, schema=self._schema))
            self._rows = []

    def close(self) -> None:
        self._flush()
        self._writer.close()


def make_writer(fmt: str, out: IO[str] | None, path: str | None) -> RecordWriter:
    """A writer for ``fmt`` on the text stream ``out`` (Parquet needs a file ``path``)."""
    if fmt == "parquet":
        if path is None:
            raise ValueError("Parquet output needs a file: use -o FILE.parquet")
        return ParquetWriter(path)
    if out is None:
        raise ValueError(f"{fmt} output needs a stream")
    if fmt == "jsonl":
        return JsonLinesWriter(out)
    if fmt == "json":
        return JsonWriter(out)
    if fmt == "csv":
        return CsvWriter(out)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")

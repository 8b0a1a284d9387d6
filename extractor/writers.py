"""Output formats: JSON Lines (streamed), JSON, CSV, Parquet, SQLite and Excel (:mod:`.database`).

Writers take record dicts (``model_dump(mode="json")``) one at a time, in order, so memory does
not grow with the archive for the streaming formats (JSON Lines, JSON, CSV).  Parquet buffers one
row group at a time.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Mapping
from decimal import Decimal, localcontext
from typing import IO, Any, Protocol

from .tables import COLUMN_KINDS, TABLE_COLUMNS, table_rows

__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "PARQUET_DECIMAL",
    "JsonLinesWriter",
    "RecordWriter",
    "UnrepresentableValueError",
    "json_line",
    "make_writer",
]

FORMATS = ("jsonl", "json", "csv", "parquet", "sqlite", "xlsx")

#: CSV and Parquet columns: one row per record of every type, with its document's context
#: (see :mod:`extractor.tables`).
CSV_COLUMNS = TABLE_COLUMNS

#: Parquet's ``value`` and ``value_max``: exact decimals with 28 digits before the point and 10
#: after (DuckDB's DECIMAL(38,10); pandas reads Python Decimals).  A report's values are far
#: inside both bounds; one outside raises :class:`UnrepresentableValueError`, never rounds.
PARQUET_DECIMAL = (38, 10)


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
    line: str = _READABLE.encode(record)
    if _SURROGATE.search(line) is not None:
        return json.dumps(record)
    return line


# json.dumps(ensure_ascii=False) builds an encoder per call; one shared encoder writes the same.
_READABLE = json.JSONEncoder(ensure_ascii=False)


#: Columns holding lists or dicts, written as JSON text.
_JSON_COLUMNS = tuple(c for c, kind in COLUMN_KINDS.items() if kind == "json")


class UnrepresentableValueError(ValueError):
    """A value that the output format cannot hold exactly."""


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


class _DocumentRows:
    """Collects a document's records and gives its table rows when its last record arrives."""

    def __init__(self) -> None:
        self._pending: list[Mapping[str, Any]] = []

    def add(self, record: Mapping[str, Any]) -> list[dict[str, Any]]:
        self._pending.append(record)
        if record.get("type") not in ("document", "error"):
            return []
        return self.flush()

    def flush(self) -> list[dict[str, Any]]:
        pending, self._pending = self._pending, []
        return list(table_rows(pending))


def _csv_cell(column: str, value: Any) -> Any:
    if value is not None and COLUMN_KINDS.get(column) == "json":
        return json.dumps(value, ensure_ascii=False)
    return value


class CsvWriter:
    """One row per record (:data:`CSV_COLUMNS`); lists and dicts as JSON text."""

    def __init__(self, out: IO[str]) -> None:
        self._out = out
        self._csv = csv.DictWriter(out, fieldnames=list(CSV_COLUMNS))
        self._csv.writeheader()
        self._rows = _DocumentRows()

    def write(self, record: Mapping[str, Any]) -> None:
        self._write(self._rows.add(record))

    def _write(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            self._csv.writerow({c: _csv_cell(c, v) for c, v in row.items()})

    def close(self) -> None:
        self._write(self._rows.flush())
        self._out.flush()


def _exact_decimal(value: Any, row: Mapping[str, Any]) -> Decimal:
    digits, scale = PARQUET_DECIMAL
    number = Decimal(str(value))
    with localcontext() as ctx:
        ctx.prec = 2 * digits
        fits = number.is_finite() and abs(number) < Decimal(10) ** (digits - scale)
        if fits:
            stored = number.quantize(Decimal(1).scaleb(-scale))
            fits = stored == number
    if not fits:
        raise UnrepresentableValueError(
            f"Parquet decimal({digits}, {scale}) cannot hold the value {number} exactly "
            f"({row.get('source')}: {row.get('text')!r}); write JSON Lines or CSV instead"
        )
    return stored


class ParquetWriter:
    """Parquet via pyarrow (the ``parquet`` extra): one row per record (:data:`CSV_COLUMNS`),
    ``value`` and ``value_max`` as exact decimals (:data:`PARQUET_DECIMAL`), lists and dicts as
    JSON text.  Rows are buffered one row group at a time."""

    def __init__(self, path: str, rows_per_group: int = 50_000) -> None:
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise RuntimeError(
                "Parquet output needs the 'parquet' extra: pip install 'extractor[parquet]' "
                f"(import failed: {exc})"
            ) from exc
        self._pa = pa
        types = {
            "int": pa.int64(),
            "decimal": pa.decimal128(*PARQUET_DECIMAL),
            "bool": pa.bool_(),
            "json": pa.string(),
            "str": pa.string(),
        }
        self._schema = pa.schema([(c, types[COLUMN_KINDS.get(c, "str")]) for c in CSV_COLUMNS])
        self._writer = pq.ParquetWriter(path, self._schema)
        self._rows: list[dict[str, Any]] = []
        self._rows_per_group = rows_per_group
        self._documents = _DocumentRows()

    def write(self, record: Mapping[str, Any]) -> None:
        self._add(self._documents.add(record))

    def _add(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            for column in ("value", "value_max"):
                if row[column] is not None:
                    row[column] = _exact_decimal(row[column], row)
            for column in _JSON_COLUMNS:
                row[column] = _csv_cell(column, row[column])
        self._rows.extend(rows)
        if len(self._rows) >= self._rows_per_group:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            self._writer.write_table(self._pa.Table.from_pylist(self._rows, schema=self._schema))
            self._rows = []

    def close(self) -> None:
        try:
            self._add(self._documents.flush())
            self._flush()
        finally:
            self._writer.close()


def make_writer(fmt: str, out: IO[str] | None, path: str | None) -> RecordWriter:
    """A writer for ``fmt`` on the text stream ``out`` (Parquet, SQLite and xlsx need a ``path``)."""
    if fmt in ("sqlite", "xlsx"):
        if path is None:
            raise ValueError(f"{fmt} output needs a file: use -o FILE.{fmt}")
        from .database import SqliteWriter, XlsxWriter

        if fmt == "sqlite":
            return SqliteWriter(path)
        try:
            return XlsxWriter(path)
        except ImportError as exc:
            raise RuntimeError(
                f"Excel output needs the 'xlsx' extra: pip install 'extractor[xlsx]' (import failed: {exc})"
            ) from exc
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

"""pandas views of records: results to DataFrames, and output files back to DataFrames.

Every format reads back to the same DataFrame: JSON Lines and JSON are flattened into the
table rows that CSV and Parquet hold (:mod:`extractor.tables`), and every cell is typed the
same way (exact ``Decimal`` values, nullable integers, categories).  pandas is imported inside
the functions, so ``import extractor`` stays light.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .tables import (
    COLUMN_KINDS,
    CONTEXT_COLUMNS,
    RECORD_TYPES,
    TABLE_COLUMNS,
    TYPE_COLUMNS,
    row_column,
    table_rows,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["METRIC_COLUMNS", "read_records", "to_dataframe"]

_CATEGORIES = frozenset({"qualifier", "kind", "direction", "status"})


def _dtype(column: str) -> str:
    kind = COLUMN_KINDS.get(column, "str")
    if kind == "int":
        return "Int64"
    if kind == "bool":
        return "boolean"
    if kind in ("decimal", "json"):
        return "object"  # exact Decimal; list or dict
    return "category" if column in _CATEGORIES else "string"


#: Columns of a metrics DataFrame, in order, with their pandas dtypes: the metric's fields,
#: then its context (section heading, item topic, the document's title, year, region, level
#: and genre).
METRIC_COLUMNS: dict[str, str] = {c: _dtype(c) for c in (*TYPE_COLUMNS["metric"], *CONTEXT_COLUMNS)}

#: Record types whose rows carry the context columns.
_WITH_CONTEXT = frozenset({"metric", "section", "focus_item", "check"})


class _HasDicts(Protocol):
    def to_dicts(self) -> list[dict[str, Any]]: ...


def _exact(value: Any) -> Decimal:
    """A Decimal without trailing zeros or exponent: 12000, 6.5 (from JSON, CSV or Parquet)."""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def _cell(column: str, value: Any) -> Any:
    """A cell parsed to its column's type; ``None`` for a missing value."""
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return None
    kind = COLUMN_KINDS.get(column, "str")
    if kind == "int":
        return int(value)
    if kind == "decimal":
        return _exact(value)
    if kind == "bool":
        return value if isinstance(value, bool) else str(value).lower() == "true"
    if kind == "json":
        return json.loads(value) if isinstance(value, str) else value
    return str(value)


def _frame(rows: Iterable[Mapping[str, Any]], record_type: str) -> pd.DataFrame:
    """The DataFrame of one record type (or ``"all"``) from table rows."""
    import pandas as pd

    if record_type == "all":
        columns = list(TABLE_COLUMNS)
        sources = columns
    else:
        context = CONTEXT_COLUMNS if record_type in _WITH_CONTEXT else ()
        columns = [*TYPE_COLUMNS[record_type], *context]
        sources = [row_column(record_type, c) for c in columns]  # a document's level: doc_level
    records = [
        [_cell(source, row[source]) for source in sources]
        for row in rows
        if record_type == "all" or row["type"] == record_type
    ]
    df = pd.DataFrame.from_records(records, columns=columns)
    for column, source in zip(columns, sources, strict=True):
        dtype = _dtype(source)
        if dtype == "object":
            values = [None if v is None or v is pd.NA else v for v in df[column]]
            df[column] = pd.Series(values, index=df.index, dtype=object)
        else:
            series: Any = df[column]
            df[column] = series.astype(dtype)
    return df


def to_dataframe(results: _HasDicts | Iterable[_HasDicts], type: str = "metric") -> pd.DataFrame:
    """One row per metric (or per record of ``type``; ``"all"`` for every record) of one or many
    extraction results; ``value`` holds exact Decimals and each row its context."""
    many: Iterable[_HasDicts] = [results] if hasattr(results, "to_dicts") else results  # type: ignore[list-item]
    rows: list[dict[str, Any]] = []
    for res in many:
        rows.extend(table_rows(res.to_dicts()))
    _check_type(type)
    return _frame(rows, type)


def _check_type(record_type: str) -> None:
    if record_type != "all" and record_type not in TYPE_COLUMNS:
        raise ValueError(
            f"unknown record type {record_type!r}: choose one of {', '.join(RECORD_TYPES)} or all"
        )


def _file_rows(p: Path) -> Iterator[Mapping[str, Any]]:
    import pandas as pd

    suffix = p.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        with p.open(encoding="utf-8") as f:
            yield from table_rows(json.loads(line) for line in f if line.strip())
    elif suffix == ".json":
        data = json.loads(p.read_text(encoding="utf-8"))
        yield from table_rows(data if isinstance(data, list) else data.get("records", []))
    elif suffix == ".csv":
        table = pd.read_csv(p, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        yield from ({str(k): v for k, v in r.items()} for r in table.to_dict("records"))
    elif suffix == ".parquet":
        table = pd.read_parquet(p)
        yield from ({str(k): v for k, v in r.items()} for r in table.astype(object).to_dict("records"))
    else:
        raise ValueError(f"cannot read records from {p.name}: expected .jsonl, .json, .csv or .parquet")


def read_records(path: str | Path, type: str = "metric") -> pd.DataFrame:
    """Load the records of one ``type`` from an output file (``.jsonl``, ``.json``, ``.csv``,
    ``.parquet``): ``metric`` (the default), ``section``, ``focus_item``, ``check``,
    ``document``, ``error``, or ``all`` for one row per record with every column.

    Every format gives the same DataFrame.  Metric, section, item and check rows carry their
    context: ``section_heading``, ``item_topic`` and the document's ``doc_title``, ``doc_year``,
    ``doc_region``, ``doc_level``, ``doc_genre``.
    """
    _check_type(type)
    return _frame(list(_file_rows(Path(path))), type)

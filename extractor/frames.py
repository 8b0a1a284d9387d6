"""pandas views of records: results to DataFrames, and output files back to DataFrames.

pandas is imported inside the functions, so ``import extractor`` stays light.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["METRIC_COLUMNS", "read_records", "to_dataframe"]

#: Columns of a metrics DataFrame, in order, with their pandas dtypes.
METRIC_COLUMNS: dict[str, str] = {
    "source": "string",
    "start": "Int64",
    "end": "Int64",
    "text": "string",
    "value": "object",  # exact Decimal
    "value_max": "object",
    "unit": "string",
    "unit_surface": "string",
    "qualifier": "category",
    "marker": "string",
    "kind": "category",
    "object": "string",
    "indicator": "string",
    "direction": "category",
    "status": "category",
    "period": "Int64",
    "section_id": "string",
    "item_id": "string",
    "rule": "string",
}


class _HasDicts(Protocol):
    def to_dicts(self) -> list[dict[str, Any]]: ...


def _frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    from decimal import Decimal

    import pandas as pd

    metrics = [r for r in rows if r.get("type") == "metric"]
    df = pd.DataFrame.from_records(metrics, columns=list(METRIC_COLUMNS))
    for col in ("value", "value_max"):
        exact: list[Any] = [None if v is None or v != v else Decimal(str(v)) for v in df[col]]
        df[col] = pd.Series(exact, index=df.index, dtype=object)
    for col, dtype in METRIC_COLUMNS.items():
        if dtype != "object":
            series: Any = df[col]
            df[col] = series.astype(dtype)
    return df


def to_dataframe(results: _HasDicts | Iterable[_HasDicts]) -> pd.DataFrame:
    """One row per metric of one or many extraction results; ``value`` holds exact Decimals."""
    many: Iterable[_HasDicts] = [results] if hasattr(results, "to_dicts") else results  # type: ignore[list-item]
    rows: list[dict[str, Any]] = []
    for res in many:
        rows.extend(res.to_dicts())
    return _frame(rows)


def read_records(path: str | Path) -> pd.DataFrame:
    """Load the metrics of an output file (``.jsonl``, ``.json``, ``.csv``, ``.parquet``)."""
    import pandas as pd

    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        with p.open(encoding="utf-8") as f:
            return _frame(json.loads(line) for line in f if line.strip())
    if suffix == ".json":
        data = json.loads(p.read_text(encoding="utf-8"))
        return _frame(data if isinstance(data, list) else data.get("records", []))
    if suffix == ".csv":
        table = pd.read_csv(p, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        rows: list[dict[str, Any]] = []
        for raw in table.to_dict("records"):
            row: dict[str, Any] = {str(k): (v if v != "" else None) for k, v in raw.items()}
            for k in ("start", "end", "period"):
                if row.get(k) is not None:
                    row[k] = int(row[k])
            rows.append(row)
        return _frame(rows)
    if suffix == ".parquet":
        table = pd.read_parquet(p)
        records = table.astype(object).where(table.notna(), None).to_dict("records")
        return _frame([{str(k): v for k, v in r.items()} for r in records])
    raise ValueError(f"cannot read records from {p.name}: expected .jsonl, .json, .csv or .parquet")

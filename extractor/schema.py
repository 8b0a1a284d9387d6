"""JSON Schema of the output records, generated from the models.

``make schemas`` writes :func:`json_schemas` to ``schemas/``; a test fails when the checked-in
files drift from the models.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from .models import Check, DocumentInfo, ErrorRecord, FocusItem, Metric, Record, Section

__all__ = ["dumps", "json_schemas", "record_schema", "write_schemas"]

# One schema file per record type; a metric is the union of its kinds.
_TYPES: dict[str, Any] = {
    "metric": Metric,
    "section": Section,
    "focus_item": FocusItem,
    "check": Check,
    "document": DocumentInfo,
    "error": ErrorRecord,
}


def record_schema() -> dict[str, Any]:
    """Schema of one output line (any record type), as written in JSON."""
    schema: dict[str, Any] = TypeAdapter(Record).json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "extractor record"
    return schema


def json_schemas() -> dict[str, dict[str, Any]]:
    """File name → schema, for the union and for each record type."""
    out = {"record.schema.json": record_schema()}
    for name, model in _TYPES.items():
        adapter: TypeAdapter[Any] = TypeAdapter(model)
        schema = adapter.json_schema(mode="serialization")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = f"extractor {name} record"
        out[f"{name}.schema.json"] = schema
    return out


def dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schemas(folder: str | Path) -> list[Path]:
    """Write every schema to ``folder``; returns the paths written."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in json_schemas().items():
        path = root / name
        path.write_text(dumps(schema), encoding="utf-8")
        written.append(path)
    return written

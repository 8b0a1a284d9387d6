"""JSON Schema of the output records, generated from the models.

``make schemas`` writes :func:`json_schemas` to ``schemas/``; a test fails when the checked-in
files drift from the models.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter

from .models import (
    Check,
    Count,
    DocumentInfo,
    ErrorRecord,
    FocusItem,
    Measure,
    Money,
    Multiple,
    Percentage,
    Record,
)
from .models import Section as SectionModel

__all__ = ["dumps", "json_schemas", "record_schema", "write_schemas"]

_TYPES: dict[str, type[BaseModel] | Any] = {
    "metric": None,  # the kind union, below
    "section": SectionModel,
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
    from typing import Annotated, Union

    from pydantic import Field

    out = {"record.schema.json": record_schema()}
    metric = Annotated[Union[Count, Money, Percentage, Multiple, Measure], Field(discriminator="kind")]  # noqa: UP007
    for name, model in _TYPES.items():
        adapter: TypeAdapter[Any] = TypeAdapter(metric if model is None else model)
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

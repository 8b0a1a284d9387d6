"""Records as flat table rows: the columns of CSV and Parquet output and of DataFrames.

Every record type gets a row; the columns are the union of the record fields, plus the
context an analyst needs on each row: the heading of the metric's section, the topic of its
item, and the document's title, year, region, level and genre (``doc_*``; on the document's
own row too).  The context comes from other records of the same document, so
:func:`table_rows` holds a document's rows until its ``document`` (or ``error``) record, which
the writers put last: memory is one document's worth.

>>> rows = list(table_rows([
...     {"type": "section", "source": "a.txt", "id": "s1", "heading": "工作回顾", "level": 1},
...     {"type": "metric", "source": "a.txt", "text": "3所", "value": 3, "section_id": "s1"},
...     {"type": "document", "source": "a.txt", "year": 2025, "level": "county", "chars": 9},
... ]))
>>> for r in rows:
...     print(r["type"], r["section_heading"], r["doc_year"], r["level"], r["doc_level"])
section None 2025 1 county
metric 工作回顾 2025 None county
document None 2025 None county
>>> record_from_row(rows[2])["level"]
'county'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Literal

__all__ = [
    "COLUMN_KINDS",
    "CONTEXT_COLUMNS",
    "RECORD_TYPES",
    "TABLE_COLUMNS",
    "TYPE_COLUMNS",
    "ColumnKind",
    "record_from_row",
    "row_column",
    "table_rows",
]

#: The fields of each record type, in output order (``type`` left out).
TYPE_COLUMNS: dict[str, tuple[str, ...]] = {
    "metric": (
        "source", "start", "end", "text", "value", "value_max", "unit", "unit_surface", "qualifier",
        "marker", "kind", "object", "indicator", "direction", "status", "period", "section_id",
        "item_id", "rule",
    ),
    "section": (
        "source", "start", "end", "text", "id", "level", "index", "marker", "heading", "theme",
        "action", "parent_id",
    ),
    "focus_item": (
        "source", "start", "end", "text", "id", "level", "ordinal", "marker", "topic", "slogan",
        "section_id",
    ),
    "check": ("source", "start", "end", "text", "what", "declared", "found", "ok"),
    "document": (
        "source", "title", "year", "region", "level", "genre", "chars", "sha256", "counts",
        "warnings", "encoding", "format", "script", "rules", "text",
    ),
    "error": ("source", "error", "message"),
}  # fmt: skip
RECORD_TYPES = tuple(TYPE_COLUMNS)

#: The document's fields that are context on every row, and their column names there (the
#: document's ``level`` is not a section's ``level``).
_DOCUMENT_CONTEXT = {
    "title": "doc_title",
    "year": "doc_year",
    "region": "doc_region",
    "level": "doc_level",
    "genre": "doc_genre",
}
CONTEXT_COLUMNS: tuple[str, ...] = ("section_heading", "item_topic", *_DOCUMENT_CONTEXT.values())

#: Every column, in order: the metric's first (the rows an analyst mostly wants), the context,
#: then what the other record types add.
TABLE_COLUMNS: tuple[str, ...] = tuple(
    dict.fromkeys(
        [
            "type",
            *TYPE_COLUMNS["metric"],
            *CONTEXT_COLUMNS,
            *(c for t, cols in TYPE_COLUMNS.items() for c in cols if t != "document"),
            *(c for c in TYPE_COLUMNS["document"] if c not in _DOCUMENT_CONTEXT),
        ]
    )
)

ColumnKind = Literal["int", "decimal", "bool", "json", "str"]
#: How a column is typed in Parquet and DataFrames (and parsed back from CSV); others are text.
COLUMN_KINDS: dict[str, ColumnKind] = {
    "start": "int",
    "end": "int",
    "period": "int",
    "level": "int",
    "index": "int",
    "ordinal": "int",
    "declared": "int",
    "found": "int",
    "chars": "int",
    "doc_year": "int",
    "value": "decimal",
    "value_max": "decimal",
    "ok": "bool",
    "counts": "json",
    "warnings": "json",
    "rules": "json",
}


def _row(record: Mapping[str, Any]) -> dict[str, Any]:
    row = dict.fromkeys(TABLE_COLUMNS)
    is_document = record.get("type") == "document"
    for key, value in record.items():
        column = _DOCUMENT_CONTEXT.get(key, key) if is_document else key
        if column in row:
            row[column] = value
    return row


def _with_context(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    headings = {r["id"]: r["heading"] for r in rows if r["type"] == "section"}
    topics = {r["id"]: r["topic"] for r in rows if r["type"] == "focus_item"}
    document = next((r for r in rows if r["type"] == "document"), None)
    for row in rows:
        row["section_heading"] = headings.get(row["section_id"])
        row["item_topic"] = topics.get(row["item_id"])
        if document is not None:
            for column in _DOCUMENT_CONTEXT.values():
                row[column] = document[column]
    return rows


def table_rows(records: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    """One row (every column of :data:`TABLE_COLUMNS`) per record, in order, with context."""
    pending: list[dict[str, Any]] = []
    for record in records:
        pending.append(_row(record))
        if record.get("type") in ("document", "error"):
            yield from _with_context(pending)
            pending = []
    yield from _with_context(pending)  # records without a closing document record


def row_column(record_type: str, field: str) -> str:
    """The table column that holds a field of a record type (``doc_level`` for a document's
    ``level``).

    >>> row_column("document", "level"), row_column("section", "level")
    ('doc_level', 'level')
    """
    return _DOCUMENT_CONTEXT.get(field, field) if record_type == "document" else field


def record_from_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """The record a row was made from: its type's fields, under their own names."""
    kind = str(row["type"])
    return {"type": kind, **{c: row[row_column(kind, c)] for c in TYPE_COLUMNS[kind]}}

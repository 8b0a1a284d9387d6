"""Records into a SQLite database an analyst can query, and into an Excel workbook.

The database (standard library ``sqlite3``) has one table per record type — ``documents``,
``metrics``, ``sections``, ``items``, ``checks``, ``errors`` — and ``indicators``, the long
indicator table of :func:`extractor.tabulate.indicator_table`.  A document is keyed by the sha256 of
its text: appending a second run to the same file adds only documents it does not hold yet, so
re-running the same inputs leaves every row count unchanged.  Exact values are stored as text
(``value``) next to a numeric column for arithmetic (``value_num``).

>>> import sqlite3, tempfile, os, extractor
>>> path = os.path.join(tempfile.mkdtemp(), "facts.sqlite")
>>> r = extractor.extract("禾溪县2026年政府工作报告\\n地区生产总值增长5%左右。", "a.txt")
>>> write_sqlite(path, [r.to_dicts()]), write_sqlite(path, [r.to_dicts()])
(1, 0)
>>> sqlite3.connect(path).execute("select value, value_num, unit from metrics").fetchall()
[('5', 5.0, '%')]
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .tabulate import LONG_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SCHEMA", "SqliteWriter", "XlsxWriter", "write_sqlite", "write_xlsx"]

SCHEMA = """
PRAGMA foreign_keys = ON;
CREATE TABLE IF NOT EXISTS documents (
    doc_id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    source TEXT,
    title TEXT,
    year INTEGER,
    region TEXT,
    level TEXT,
    genre TEXT,
    chars INTEGER,
    encoding TEXT,
    format TEXT,
    warnings TEXT
);
CREATE TABLE IF NOT EXISTS sections (
    doc_id INTEGER NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    level INTEGER,
    "index" INTEGER,
    marker TEXT,
    heading TEXT,
    theme TEXT,
    action TEXT,
    parent_id TEXT,
    start INTEGER,
    "end" INTEGER,
    PRIMARY KEY (doc_id, id)
);
CREATE TABLE IF NOT EXISTS items (
    doc_id INTEGER NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    level INTEGER,
    ordinal INTEGER,
    marker TEXT,
    topic TEXT,
    slogan TEXT,
    section_id TEXT,
    start INTEGER,
    "end" INTEGER,
    PRIMARY KEY (doc_id, id)
);
CREATE TABLE IF NOT EXISTS checks (
    doc_id INTEGER NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    what TEXT,
    declared INTEGER,
    found INTEGER,
    ok INTEGER,
    start INTEGER,
    "end" INTEGER,
    text TEXT,
    PRIMARY KEY (doc_id, n)
);
CREATE TABLE IF NOT EXISTS metrics (
    doc_id INTEGER NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    start INTEGER,
    "end" INTEGER,
    text TEXT,
    value TEXT,
    value_num REAL,
    value_max TEXT,
    value_max_num REAL,
    unit TEXT,
    unit_surface TEXT,
    qualifier TEXT,
    marker TEXT,
    kind TEXT,
    object TEXT,
    indicator TEXT,
    direction TEXT,
    status TEXT,
    period INTEGER,
    section_id TEXT,
    item_id TEXT,
    rule TEXT,
    PRIMARY KEY (doc_id, n)
);
CREATE TABLE IF NOT EXISTS indicators (
    doc_id INTEGER NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    region TEXT,
    doc_year INTEGER,
    indicator TEXT NOT NULL,
    measure TEXT NOT NULL,
    period INTEGER,
    status TEXT NOT NULL,
    value TEXT,
    value_num REAL,
    value_max TEXT,
    value_max_num REAL,
    unit TEXT,
    qualifier TEXT,
    text TEXT,
    sentence TEXT,
    start INTEGER,
    "end" INTEGER,
    mentions INTEGER,
    conflict INTEGER,
    PRIMARY KEY (doc_id, n)
);
CREATE TABLE IF NOT EXISTS errors (
    error_id INTEGER PRIMARY KEY,
    source TEXT,
    error TEXT,
    message TEXT,
    UNIQUE (source, error, message)
);
CREATE INDEX IF NOT EXISTS documents_region ON documents(region);
CREATE INDEX IF NOT EXISTS metrics_indicator ON metrics(indicator);
CREATE INDEX IF NOT EXISTS indicators_indicator ON indicators(indicator);
CREATE INDEX IF NOT EXISTS indicators_region ON indicators(region);
"""

# Documents per transaction: one transaction each would spend most of the time in fsync.
_COMMIT_EVERY = 200

_SECTION = ("id", "level", "index", "marker", "heading", "theme", "action", "parent_id", "start", "end")
_ITEM = ("id", "level", "ordinal", "marker", "topic", "slogan", "section_id", "start", "end")
_CHECK = ("what", "declared", "found", "ok", "start", "end", "text")
_METRIC = (
    "start",
    "end",
    "text",
    "value",
    "value_num",
    "value_max",
    "value_max_num",
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
)
# The long indicator table's columns (tabulate.LONG_COLUMNS) less those of the document, with a
# numeric column beside each exact value.
_INDICATOR = tuple(
    col
    for c in LONG_COLUMNS
    if c not in ("source", "level", "genre")
    for col in ((c, c + "_num") if c in ("value", "value_max") else (c,))
)


def _q(name: str) -> str:
    return f'"{name}"'


def _insert(table: str, columns: Sequence[str]) -> str:
    cols = ", ".join(_q(c) for c in ("doc_id", *columns))
    marks = ", ".join("?" for _ in range(len(columns) + 1))
    return f"INSERT INTO {table} ({cols}) VALUES ({marks})"


def _exact(v: Any) -> str | None:
    if v is None or (isinstance(v, float) and v != v):
        return None
    d = v if isinstance(v, Decimal) else Decimal(str(v))
    return format(d, "f")


def _num(v: Any) -> float | None:
    text = _exact(v)
    return None if text is None else float(text)


def _plain(v: Any) -> Any:
    t = type(v)
    if v is None or t is str or t is int:
        return v
    if isinstance(v, Mapping):
        return v.get("name")  # a unit object
    if isinstance(v, bool):
        return int(v)
    if v is None or (isinstance(v, float) and v != v):
        return None
    if hasattr(v, "item"):  # numpy / pandas scalars
        return v.item()
    return v


def write_sqlite(path: str | Path, documents: Iterable[Any]) -> int:
    """Append documents: each an Extraction or a list of its record dicts (``document`` or
    ``error`` record last).  Return how many were added; a document already in the database
    (same sha256) is skipped.  An Extraction keeps every digit of its values; dicts read back
    from JSON hold what JSON held."""
    from .tabulate import table_rows

    con = sqlite3.connect(str(path))
    added = 0
    try:
        con.executescript(SCHEMA)
        for n, doc in enumerate(documents, 1):
            records = (
                [r.model_dump() for r in doc.all_records()] if hasattr(doc, "all_records") else list(doc)
            )
            added += _add_document(con, records, table_rows)
            if n % _COMMIT_EVERY == 0:
                con.commit()  # a run stopped half-way keeps whole documents only
        con.commit()
    finally:
        con.close()
    return added


def _add_document(con: sqlite3.Connection, records: list[dict[str, Any]], table_rows: Any) -> int:
    doc = next((r for r in records if r.get("type") == "document"), None)
    for err in (r for r in records if r.get("type") == "error"):
        con.execute(
            "INSERT OR IGNORE INTO errors (source, error, message) VALUES (?, ?, ?)",
            (err.get("source"), err.get("error"), err.get("message")),
        )
    if doc is None or not doc.get("sha256"):
        return 0
    if con.execute("SELECT 1 FROM documents WHERE sha256 = ?", (doc["sha256"],)).fetchone():
        return 0
    cur = con.execute(
        "INSERT INTO documents (sha256, source, title, year, region, level, genre, chars, encoding, format, "
        "warnings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            doc["sha256"],
            doc.get("source"),
            doc.get("title"),
            doc.get("year"),
            doc.get("region"),
            doc.get("level"),
            doc.get("genre"),
            doc.get("chars"),
            doc.get("encoding"),
            doc.get("format"),
            json.dumps(doc.get("warnings") or [], ensure_ascii=False),
        ),
    )
    doc_id = cur.lastrowid
    by_type: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        by_type.setdefault(str(r.get("type")), []).append(r)
    con.executemany(
        _insert("sections", _SECTION),
        [(doc_id, *(_plain(s.get(c)) for c in _SECTION)) for s in by_type.get("section", [])],
    )
    con.executemany(
        _insert("items", _ITEM),
        [(doc_id, *(_plain(s.get(c)) for c in _ITEM)) for s in by_type.get("focus_item", [])],
    )
    con.executemany(
        _insert("checks", ("n", *_CHECK)),
        [(doc_id, n, *(_plain(s.get(c)) for c in _CHECK)) for n, s in enumerate(by_type.get("check", []), 1)],
    )
    rows = []
    for n, m in enumerate(by_type.get("metric", []), 1):
        m = {**m, "value_num": _num(m.get("value")), "value_max_num": _num(m.get("value_max"))}
        m["value"], m["value_max"] = _exact(m.get("value")), _exact(m.get("value_max"))
        rows.append((doc_id, n, *(_plain(m.get(c)) for c in _METRIC)))
    con.executemany(_insert("metrics", ("n", *_METRIC)), rows)
    rows = []
    for n, t in enumerate(table_rows(records), 1):
        t = {**t, "value_num": _num(t.get("value")), "value_max_num": _num(t.get("value_max"))}
        t["value"], t["value_max"] = _exact(t.get("value")), _exact(t.get("value_max"))
        rows.append((doc_id, n, *(_plain(t.get(c)) for c in _INDICATOR)))
    con.executemany(_insert("indicators", ("n", *_INDICATOR)), rows)
    return 1


# ------------------------------------------------------------------ Excel
def write_xlsx(path: str | Path, sheets: Mapping[str, pd.DataFrame]) -> None:
    """One sheet per table: a frozen, bold header, fitted column widths, numbers as numbers.

    Exact values (Decimal) are written as numbers; the long tables also keep them as text in the
    ``text`` column, so nothing is lost where a float cannot hold every digit.
    """
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter
    except ImportError as exc:
        raise ImportError(
            f"Excel output needs openpyxl: pip install 'extractor[xlsx]' (import failed: {exc})"
        ) from exc

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for name, frame in sheets.items():
        ws = wb.create_sheet(title=name[:31])
        columns = [str(c) for c in frame.columns]
        ws.append(columns)
        for cell in ws[1]:
            cell.font = bold
        widths = [len(c) for c in columns]
        for row in frame.itertuples(index=False):
            values = [_cell(v) for v in row]
            ws.append(values)
            for i, v in enumerate(values):
                if v is not None:
                    widths[i] = max(widths[i], _width(str(v)))
        ws.freeze_panes = "A2"
        for i, w in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = min(60, w + 2)
    wb.save(str(path))


def _cell(v: Any) -> Any:
    if v is None or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() and abs(v) < 10**15 else float(v)
    if isinstance(v, Mapping):
        return v.get("name")
    if isinstance(v, (list, tuple)):
        return json.dumps(v, ensure_ascii=False)
    if type(v).__name__ == "NAType":  # pandas.NA
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


def _width(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


# ------------------------------------------------------------------ streaming writers for `extract`
class SqliteWriter:
    """``extract -o facts.sqlite``: records streamed into the database, a document at a time.

    The file is appended to, never truncated: documents already in it (same sha256) are skipped.
    """

    def __init__(self, path: str | Path) -> None:
        from .tabulate import table_rows

        self._table_rows = table_rows
        try:
            self._con = sqlite3.connect(str(path))
            self._con.executescript(SCHEMA)
        except sqlite3.Error as exc:  # a folder, a file that is not a database, no permission
            raise OSError(f"not a writable SQLite database ({exc})") from exc
        self._pending: list[dict[str, Any]] = []
        self._documents = 0

    def write(self, record: Mapping[str, Any]) -> None:
        self._pending.append(dict(record))
        if record.get("type") in ("document", "error"):
            _add_document(self._con, self._pending, self._table_rows)
            self._pending = []
            self._documents += 1
            if self._documents % _COMMIT_EVERY == 0:
                self._con.commit()

    def close(self) -> None:
        try:
            if self._pending:
                _add_document(self._con, self._pending, self._table_rows)
            self._con.commit()
        finally:
            self._con.close()


# Sheet names of the record types, in order.
_SHEETS = {
    "document": "documents",
    "metric": "metrics",
    "section": "sections",
    "focus_item": "items",
    "check": "checks",
    "error": "errors",
}


class XlsxWriter:
    """``extract -o facts.xlsx``: a sheet per record type (with each row's context columns) and
    the indicator table, written when the run ends (Excel holds 1,048,576 rows a sheet)."""

    def __init__(self, path: str | Path) -> None:
        import openpyxl  # noqa: F401  (fail at the start, not after the run, when it is missing)

        self._path = path
        self._records: list[dict[str, Any]] = []

    def write(self, record: Mapping[str, Any]) -> None:
        self._records.append(dict(record))

    def close(self) -> None:
        import pandas as pd

        from .tables import CONTEXT_COLUMNS, TYPE_COLUMNS, row_column, table_rows
        from .tabulate import table_rows as indicator_rows

        rows = list(table_rows(self._records))
        sheets: dict[str, pd.DataFrame] = {}
        for kind, name in _SHEETS.items():
            own = [row_column(kind, c) for c in TYPE_COLUMNS[kind]]
            columns = list(dict.fromkeys([*own, *(c for c in CONTEXT_COLUMNS if kind != "error")]))
            sheets[name] = pd.DataFrame(
                [{c: r[c] for c in columns} for r in rows if r["type"] == kind], columns=columns
            )
        sheets["indicators"] = pd.DataFrame(indicator_rows(self._records), columns=LONG_COLUMNS)
        write_xlsx(self._path, sheets)

"""From records to the analyst's table: indicators by document, period and status.

``indicator_table(records)`` gives the *long* table: one row per (document, indicator, measure,
period, status) with the document's region, level, genre and year, the value, its unit and
qualifier, the surface text, the sentence and the offsets.  ``measure`` separates a rate (a
percent: 地区生产总值增长5%) from a level (地区生产总值3.2万亿元), which are different facts about
one indicator.  When one document states the same key twice with different values, both rows are
kept and marked ``conflict`` — the table never chooses silently.

``indicator_table(records, pivot=True)`` gives the *wide* view: one row per document, one column
per indicator/measure/period/status, each cell the surface text (``5%左右``) or
``conflict: 5% | 6%``, plus typed ``…:value`` / ``…:value_max`` columns.

``attainment_table(records)`` joins, per region and indicator, the target for year Y with the
outcome stated for Y (by the report of Y+1 or a bulletin of Y) and judges it by the target's
qualifier with the rules of ``data/attainment.toml``.

>>> import extractor
>>> r = extractor.extract("禾溪县2026年政府工作报告\\n一、2026年工作安排\\n地区生产总值增长5%左右。")
>>> t = indicator_table([r])
>>> t[["indicator", "measure", "period", "status", "text", "qualifier"]].values.tolist()
[['gdp', 'rate', 2026, 'target', '5%左右', 'approx']]
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import regex

from .lexicon import StrictModel, load_data

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "LONG_COLUMNS",
    "TableConflict",
    "attainment_table",
    "indicator_table",
    "load_table_records",
    "long_rows",
]

#: Columns of the long table, in order.
LONG_COLUMNS = [
    "source",
    "region",
    "level",
    "genre",
    "doc_year",
    "indicator",
    "measure",
    "period",
    "status",
    "value",
    "value_max",
    "unit",
    "qualifier",
    "text",
    "sentence",
    "start",
    "end",
    "mentions",
    "conflict",
]
_KEY = ["source", "indicator", "measure", "period", "status"]
_SENTENCE_END = regex.compile(r"[。！？!?；;\n]")
_DOCUMENT_FIELDS = ("region", "level", "genre")


class TableConflict(ValueError):
    """A document states one indicator, period and status with different values."""


# ------------------------------------------------------------------ attainment rules
class _AttainmentRules(StrictModel):
    qualifiers: dict[str, Literal["within", "ge", "gt", "le", "lt", "between"]]
    tolerance: Decimal
    ceilings: list[str]
    ceiling_qualifiers: dict[str, Literal["within", "ge", "gt", "le", "lt", "between"]]


@cache
def _attainment_rules() -> _AttainmentRules:
    return load_data("attainment.toml", _AttainmentRules)


# ------------------------------------------------------------------ loading records
@dataclass
class _Doc:
    source: str
    year: int | None = None
    region: str | None = None
    level: str | None = None
    genre: str | None = None
    text: str | None = None


def load_table_records(inputs: Iterable[Any]) -> tuple[list[dict[str, Any]], dict[str, _Doc]]:
    """Metric dicts and document facts from Extractions, record dicts, DataFrames or files."""
    metrics: list[dict[str, Any]] = []
    docs: dict[str, _Doc] = {}

    def add(rec: Mapping[str, Any], text: str | None = None) -> None:
        typ = rec.get("type")
        src = str(rec.get("source") or "")
        if typ == "document":
            d = docs.setdefault(src, _Doc(src))
            d.year = _int(rec.get("year"))
            for f in _DOCUMENT_FIELDS:
                setattr(d, f, rec.get(f))
            d.text = text if text is not None else rec.get("text") or d.text
        elif typ == "metric" or (typ is None and "value" in rec and "indicator" in rec):
            row = dict(rec)
            metrics.append(row)
            d = docs.setdefault(src, _Doc(src))
            for f in _DOCUMENT_FIELDS:  # a flat file (CSV, Parquet) carries them on every row
                v = rec.get(f, rec.get("doc_" + f))
                if not _missing(v) and getattr(d, f) is None:
                    setattr(d, f, v)
            year = rec.get("doc_year", rec.get("document_year"))
            if d.year is None and _int(year) is not None:
                d.year = _int(year)

    for item in inputs:
        if hasattr(item, "to_dicts") and hasattr(item, "text"):  # an Extraction
            for rec in item.to_dicts():
                add(rec, item.text if rec.get("type") == "document" else None)
        elif isinstance(item, Mapping):
            add(item)
        elif isinstance(item, (str, Path)):
            for rec in _read_file(Path(item)):
                add(rec)
        elif hasattr(item, "to_dict") and hasattr(item, "columns"):  # a DataFrame
            frame: Any = item
            for rec in frame.astype(object).where(frame.notna(), None).to_dict("records"):
                add({"type": rec.get("type", "metric"), **rec})
        else:
            raise TypeError(f"cannot read records from {type(item).__name__}")
    return metrics, docs


def _read_file(path: Path) -> Iterable[dict[str, Any]]:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        with path.open(encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    if suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, list) else list(data.get("records", []))
    from .frames import read_records

    frame = read_records(path)
    rows: list[dict[str, Any]] = [
        {str(k): v for k, v in r.items()}
        for r in frame.astype(object).where(frame.notna(), None).to_dict("records")
    ]
    return rows


def _missing(v: Any) -> bool:
    """None, NaN or pandas.NA."""
    return v is None or type(v).__name__ == "NAType" or (isinstance(v, float) and v != v)


def _int(v: Any) -> int | None:
    try:
        return None if _missing(v) else int(v)
    except (TypeError, ValueError):
        return None


def _dec(v: Any) -> Decimal | None:
    if _missing(v):
        return None
    return v if isinstance(v, Decimal) else Decimal(str(v))


def _unit_name(u: Any) -> str | None:
    if isinstance(u, Mapping):
        return u.get("name")
    return None if u is None else str(u)


def _sentence(text: str | None, start: Any, end: Any) -> str | None:
    if not text or start is None:
        return None
    s, e = int(start), int(end)
    left = max((m.end() for m in _SENTENCE_END.finditer(text, max(0, s - 200), s)), default=max(0, s - 200))
    m = _SENTENCE_END.search(text, e)
    right = m.end() if m is not None else len(text)
    return text[left:right].strip()


# ------------------------------------------------------------------ the long table
def _measure(kind: Any) -> str:
    return "rate" if kind == "percent" else "level"


def indicator_table(
    records: Any,
    *,
    pivot: bool = False,
    indicators: Iterable[str] | None = None,
    status: str | None = None,
    strict: bool = False,
) -> pd.DataFrame:
    """The long table (or with ``pivot=True`` the wide one) of every metric with an indicator.

    ``records``: Extraction results, record dicts, a DataFrame of metrics, output file paths, or
    an iterable mixing them.  ``indicators`` and ``status`` filter; ``strict`` raises
    :class:`TableConflict` when a document states one key with different values.
    """
    import pandas as pd

    items = [records] if _single(records) else list(records)
    metrics, docs = load_table_records(items)
    rows = long_rows(metrics, docs, indicators=indicators, status=status)
    table = pd.DataFrame(rows, columns=LONG_COLUMNS)
    for col in ("doc_year", "period", "start", "end", "mentions"):
        table[col] = table[col].astype("Int64")
    table["conflict"] = table["conflict"].astype(bool)
    if strict:
        clash = [r for r in rows if r["conflict"]]
        if clash:
            first = clash[0]
            same = [r["text"] for r in clash if all(r[k] == first[k] for k in _KEY)]
            raise TableConflict(
                f"{first['source']}: {first['indicator']} {first['measure']} {first['period']} "
                f"{first['status']} is stated with different values: " + ", ".join(map(str, same))
            )
    return _pivot(table) if pivot else table


def long_rows(
    metrics: Iterable[Mapping[str, Any]],
    docs: Mapping[str, _Doc],
    *,
    indicators: Iterable[str] | None = None,
    status: str | None = None,
) -> list[dict[str, Any]]:
    """The long table's rows as plain dicts (sorted; ``conflict`` marked), without pandas."""
    wanted = set(indicators) if indicators else None
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for m in metrics:
        ind = m.get("indicator")
        if not ind or (wanted is not None and ind not in wanted):
            continue
        if status is not None and m.get("status") != status:
            continue
        src = str(m.get("source") or "")
        d = docs.get(src) or _Doc(src)
        value, value_max = _dec(m.get("value")), _dec(m.get("value_max"))
        row = {
            "source": src,
            "region": d.region,
            "level": d.level,
            "genre": d.genre,
            "doc_year": d.year,
            "indicator": ind,
            "measure": _measure(m.get("kind")),
            "period": _int(m.get("period")),
            "status": m.get("status") or "actual",
            "value": value,
            "value_max": value_max,
            "unit": _unit_name(m.get("unit")),
            "qualifier": m.get("qualifier") or "exact",
            "text": m.get("text"),
            "sentence": _sentence(d.text, m.get("start"), m.get("end")),
            "start": _int(m.get("start")),
            "end": _int(m.get("end")),
            "mentions": 1,
            "conflict": False,
        }
        same = (*[row[k] for k in _KEY], value, value_max, row["unit"], row["qualifier"])
        if same in rows:
            rows[same]["mentions"] += 1  # the same figure stated again: one row
        else:
            rows[same] = row
    out = list(rows.values())
    per_key: dict[tuple[Any, ...], int] = {}
    for r in out:
        k = tuple(r[c] for c in _KEY)
        per_key[k] = per_key.get(k, 0) + 1
    for r in out:
        r["conflict"] = per_key[tuple(r[c] for c in _KEY)] > 1
    big = 1 << 62
    out.sort(
        key=lambda r: (
            r["source"],
            r["indicator"],
            r["measure"],
            big if r["period"] is None else r["period"],
            r["status"],
            big if r["start"] is None else r["start"],
        )
    )
    return out


def table_rows(records: Iterable[Any]) -> list[dict[str, Any]]:
    """The long table's rows of some records (dicts or Extractions), without pandas."""
    metrics, docs = load_table_records(records)
    return long_rows(metrics, docs)


def _single(records: Any) -> bool:
    return (
        isinstance(records, (str, Path, Mapping))
        or hasattr(records, "columns")
        or hasattr(records, "to_dicts")
    )


def column_name(indicator: str, measure: str, period: Any, status: str) -> str:
    """The pivot column of a key: ``gdp:rate:2026:target``."""
    year = "" if _missing(period) else str(int(period))
    return f"{indicator}:{measure}:{year}:{status}"


def _pivot(table: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    docs: dict[str, dict[str, Any]] = {}
    cells: dict[tuple[str, str], list[Any]] = {}
    columns: list[str] = []
    for row in table.itertuples(index=False):
        src = str(row.source)
        docs.setdefault(
            src,
            {
                "source": src,
                "region": row.region,
                "doc_year": row.doc_year,
                "level": row.level,
                "genre": row.genre,
            },
        )
        col = column_name(str(row.indicator), str(row.measure), row.period, str(row.status))
        if col not in columns:
            columns.append(col)
        cells.setdefault((src, col), []).append(row)
    out: list[dict[str, Any]] = []
    for src, base in docs.items():
        line = dict(base)
        for col in columns:
            found = cells.get((src, col))
            if not found:
                continue
            if len(found) == 1:
                line[col] = found[0].text
                line[col + ":value"] = found[0].value
                line[col + ":value_max"] = found[0].value_max
            else:
                line[col] = "conflict: " + " | ".join(str(r.text) for r in found)
                line[col + ":value"] = None
                line[col + ":value_max"] = None
        out.append(line)
    ordered = ["source", "region", "doc_year", "level", "genre"]
    for col in sorted(columns):
        ordered += [col, col + ":value", col + ":value_max"]
    frame = pd.DataFrame(out, columns=ordered)
    frame["doc_year"] = frame["doc_year"].astype("Int64")
    return frame


# ------------------------------------------------------------------ attainment
ATTAINMENT_COLUMNS = [
    "region",
    "indicator",
    "measure",
    "year",
    "target",
    "qualifier",
    "target_value",
    "target_value_max",
    "outcome",
    "outcome_value",
    "gap",
    "result",
    "target_source",
    "outcome_source",
]


def attainment_table(records: Any) -> pd.DataFrame:
    """Targets for year Y against the outcomes stated for Y, judged by the target's qualifier.

    ``result`` is ``met``, ``missed``, ``not stated`` (no outcome for that year in the inputs) or
    ``conflict`` (the target or the outcome is stated with different values: not judged).
    """
    import pandas as pd

    long = indicator_table(records)
    rules = _attainment_rules()
    targets = long[(long["status"] == "target") & long["period"].notna()]
    actuals = long[(long["status"] == "actual") & long["period"].notna()]
    out: list[dict[str, Any]] = []
    for (region, ind, measure, year), group in targets.groupby(
        ["region", "indicator", "measure", "period"], dropna=True, sort=True
    ):
        # the target is stated by the report of its own year (a later report's look back is not it)
        own = group[group["doc_year"] == year]
        group = own if not own.empty else group
        t = group.iloc[0]
        conflict = len({(r.value, r.value_max, r.qualifier) for r in group.itertuples()}) > 1
        outcome = actuals[
            (actuals["region"] == region)
            & (actuals["indicator"] == ind)
            & (actuals["measure"] == measure)
            & (actuals["period"] == year)
            & (actuals["unit"] == t["unit"])
        ]
        values = {r.value for r in outcome.itertuples()}
        row = {
            "region": region,
            "indicator": ind,
            "measure": measure,
            "year": int(str(year)),
            "target": "conflict: " + " | ".join(map(str, group["text"])) if conflict else t["text"],
            "qualifier": None if conflict else t["qualifier"],
            "target_value": None if conflict else t["value"],
            "target_value_max": None if conflict else t["value_max"],
            "outcome": None,
            "outcome_value": None,
            "gap": None,
            "result": "not stated",
            "target_source": ", ".join(sorted(set(map(str, group["source"])))),
            "outcome_source": ", ".join(sorted(set(map(str, outcome["source"])))) or None,
        }
        if len(values) > 1:
            row["outcome"] = "conflict: " + " | ".join(map(str, outcome["text"]))
            row["result"] = "conflict"
        elif values:
            o = outcome.iloc[0]
            row["outcome"], row["outcome_value"] = o["text"], o["value"]
            if conflict:
                row["result"] = "conflict"
            else:
                row["gap"] = o["value"] - t["value"]
                row["result"] = "met" if _met(str(ind), t, o["value"], rules) else "missed"
        elif conflict:
            row["result"] = "conflict"
        out.append(row)
    frame = pd.DataFrame(out, columns=ATTAINMENT_COLUMNS)
    frame["year"] = frame["year"].astype("Int64")
    return frame


def _met(indicator: str, target: Any, outcome: Decimal, rules: _AttainmentRules) -> bool:
    qualifier = str(target["qualifier"])
    table = rules.ceiling_qualifiers if indicator in rules.ceilings else rules.qualifiers
    how = table.get(qualifier, rules.qualifiers.get(qualifier, "ge"))
    lo: Decimal = target["value"]
    hi: Decimal | None = target["value_max"]
    if how == "within":
        return abs(outcome - lo) <= rules.tolerance
    if how == "between":
        return lo <= outcome <= (hi if hi is not None else lo)
    if how == "ge":
        return outcome >= lo
    if how == "gt":
        return outcome > lo
    if how == "le":
        return outcome <= (hi if hi is not None else lo)
    return outcome < lo

"""``extractor table``: from reports or record files to the indicator table an analyst opens.

Registered on the typer app by :mod:`extractor.cli`; heavy modules load inside the command.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

__all__ = ["TableFormat", "table"]

#: Files read as records written by ``extractor extract`` rather than as reports.
RECORD_SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv", ".parquet")


class TableFormat(str, Enum):
    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"
    xlsx = "xlsx"
    sqlite = "sqlite"


_SUFFIX_FORMAT = {
    ".csv": TableFormat.csv,
    ".jsonl": TableFormat.jsonl,
    ".ndjson": TableFormat.jsonl,
    ".parquet": TableFormat.parquet,
    ".xlsx": TableFormat.xlsx,
    ".sqlite": TableFormat.sqlite,
    ".sqlite3": TableFormat.sqlite,
    ".db": TableFormat.sqlite,
}


def _fail(message: str) -> typer.Exit:
    print(f"error: {message}", file=sys.stderr)
    return typer.Exit(2)


def _documents(paths: list[str], quiet: bool) -> Iterator[list[dict[str, Any]]]:
    """Each input document's records: reports are extracted, record files read back."""
    reports = [p for p in paths if not p.lower().endswith(RECORD_SUFFIXES)]
    for p in paths:
        if p in reports:
            continue
        path = Path(p)
        if not path.is_file():
            raise _fail(f"no such record file: {p}")
        from .tabulate import load_table_records

        try:
            grouped: dict[str, list[dict[str, Any]]] = {}
            if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
                from .tabulate import _read_file

                for rec in _read_file(path):
                    grouped.setdefault(str(rec.get("source") or ""), []).append(rec)
            else:
                metrics, docs = load_table_records([path])
                for m in metrics:
                    grouped.setdefault(str(m.get("source") or ""), []).append({"type": "metric", **m})
                for src, d in docs.items():
                    doc = {"type": "document", "source": src, "year": d.year, "region": d.region}
                    grouped.setdefault(src, []).append({**doc, "level": d.level, "genre": d.genre})
        except (OSError, ValueError) as exc:
            raise _fail(f"cannot read records from {p}: {exc}") from exc
        yield from grouped.values()
    if reports:
        from .batch import run_batch

        for out in run_batch(reports, with_text=True):
            records = out.records
            if out.failed and not quiet:
                err = records[-1] if records else {}
                print(f"warning: {out.source}: {err.get('error')}: {err.get('message')}", file=sys.stderr)
            yield records


def table(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Reports (any input extract takes) or record files (.jsonl .json .csv .parquet)."
        ),
    ],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here (format from the extension).")
    ] = None,
    fmt: Annotated[
        TableFormat | None, typer.Option("--format", "-f", help="Output format (default: from -o, else csv).")
    ] = None,
    pivot: Annotated[
        bool, typer.Option("--pivot", help="One row per document, one column per indicator.")
    ] = False,
    attainment: Annotated[
        bool, typer.Option("--attainment", help="Targets for year Y against the outcomes stated for Y.")
    ] = False,
    indicator: Annotated[
        str | None, typer.Option("--indicator", help="Only these indicators, comma-separated: gdp,cpi.")
    ] = None,
    status: Annotated[str | None, typer.Option("--status", help="Only target or actual.")] = None,
    strict_table: Annotated[
        bool,
        typer.Option("--strict-table", help="A document stating one key with different values is an error."),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No warnings about failed inputs.")] = False,
) -> None:
    """The indicator table of reports: long (one row per document, indicator, period and status),
    wide (--pivot) or targets against outcomes (--attainment)."""
    if status not in (None, "target", "actual"):
        raise _fail(f"--status must be target or actual, not {status!r}")
    if fmt is None:
        fmt = _SUFFIX_FORMAT.get(output.suffix.lower()) if output is not None else TableFormat.csv
        if fmt is None:
            raise _fail(
                f"cannot tell the format of {output}: use .csv .jsonl .parquet .xlsx .sqlite or --format"
            )
    if fmt in (TableFormat.xlsx, TableFormat.sqlite, TableFormat.parquet) and output is None:
        raise _fail(f"--format {fmt.value} needs -o FILE")
    if output is not None and (output.is_dir() or not output.parent.is_dir()):
        raise _fail(f"cannot write {output}: {'a folder' if output.is_dir() else 'no such folder'}")
    from .tabulate import TableConflict, attainment_table, indicator_table

    documents = list(_documents(paths, quiet))
    if not documents:
        raise _fail("no documents were read")
    records = [r for doc in documents for r in doc]
    wanted = [x.strip() for x in indicator.split(",") if x.strip()] if indicator else None
    try:
        if attainment:
            frame = attainment_table(records)
            if wanted:
                frame = frame[frame["indicator"].isin(wanted)]
        else:
            frame = indicator_table(
                records, pivot=pivot, indicators=wanted, status=status, strict=strict_table
            )
    except TableConflict as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(1) from exc
    _write(frame, documents, fmt, output)
    if not quiet:
        print(f"rows: {len(frame)}  documents read: {len(documents)}", file=sys.stderr)


def _write(frame: Any, documents: list[list[dict[str, Any]]], fmt: TableFormat, output: Path | None) -> None:
    from .database import write_sqlite, write_xlsx

    if fmt is TableFormat.sqlite:
        assert output is not None
        write_sqlite(output, documents)
        return
    if fmt is TableFormat.xlsx:
        assert output is not None
        write_xlsx(output, {"table": frame})
        return
    if fmt is TableFormat.parquet:
        assert output is not None
        _parquet(frame).to_parquet(output, index=False)
        return
    if fmt is TableFormat.jsonl:
        lines = "".join(json.dumps(_jsonable(r), ensure_ascii=False) + "\n" for r in frame.to_dict("records"))
        if output is None:
            sys.stdout.write(lines)
        else:
            output.write_text(lines, encoding="utf-8")
        return
    if output is None:
        frame.to_csv(sys.stdout, index=False)
    else:
        frame.to_csv(output, index=False, encoding="utf-8")


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    from decimal import Decimal

    out: dict[str, Any] = {}
    for k, v in row.items():
        if v is None or (isinstance(v, float) and v != v) or type(v).__name__ == "NAType":
            out[k] = None
        elif isinstance(v, Decimal):
            out[k] = int(v) if v == v.to_integral_value() else float(v)
        elif hasattr(v, "item"):
            out[k] = v.item()
        else:
            out[k] = v
    return out


def _parquet(frame: Any) -> Any:
    """Exact values as text plus a float column for analysis (Parquet has no exact decimal here)."""
    from decimal import Decimal

    out = frame.copy()
    for col in list(out.columns):
        if out[col].map(lambda v: isinstance(v, Decimal)).any():
            out[col] = out[col].map(lambda v: None if v is None or v != v else format(v, "f"))
            out[col + "_num"] = out[col].map(lambda v: None if v is None else float(v))
    return out

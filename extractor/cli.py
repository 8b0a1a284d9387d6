"""The command line: a thin typer app over the library.

Heavy modules (jieba, pandas, the pipeline) are imported inside the commands, so ``--help``
stays fast.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, TextIO

import typer

__all__ = ["app", "main"]

app = typer.Typer(
    help="Turn Chinese work reports (政府工作报告, 工作总结, 统计公报) into structured, exact records.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    epilog="Example:\n\n  extractor extract report.txt -o facts.jsonl",
)


class OutputFormat(str, Enum):
    jsonl = "jsonl"
    json = "json"
    csv = "csv"
    parquet = "parquet"


@app.command(
    epilog=(
        "Examples:\n\n"
        "  extractor extract report.txt\n\n"
        "  extractor extract reports/ archive.zip -o facts.jsonl\n\n"
        "  extractor extract report.txt --format csv --excel -o facts.csv"
    )
)
def extract(
    paths: Annotated[list[str], typer.Argument(help="Files, folders or archives to read; - reads stdin.")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")
    ] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.jsonl,
    encoding: Annotated[str | None, typer.Option(help="Decode every input with this encoding.")] = None,
    glob: Annotated[str | None, typer.Option(help="Only files matching this pattern, e.g. '*.txt'.")] = None,
    with_text: Annotated[
        bool, typer.Option("--with-text", help="Put each document's text in its record.")
    ] = False,
    excel: Annotated[
        bool, typer.Option("--excel", help="CSV with a UTF-8 BOM so Excel shows Chinese.")
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit with status 1 when any input failed.")
    ] = False,
    max_bytes: Annotated[int, typer.Option(help="Largest document in bytes.")] = 50 * 2**20,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary line on stderr.")] = False,
) -> None:
    """Extract metrics, sections and focus items from reports.

    Writes one record per line (JSON Lines) in document order, then a `document` record for
    each input; an input that cannot be read gives an `error` record and a message on stderr,
    and the other inputs are still processed.
    """
    from .batch import BatchStats, run_batch
    from .writers import make_writer

    if fmt is OutputFormat.parquet and output is None:
        raise typer.BadParameter("Parquet output needs a file: use -o FILE.parquet", param_hint="--format")
    stats = BatchStats()
    out_stream: TextIO | None = None
    if output is not None and fmt is not OutputFormat.parquet:
        out_stream = output.open("w", encoding="utf-8-sig" if excel else "utf-8", newline="")
    elif output is None:
        if excel:
            sys.stdout.write("\ufeff")
        out_stream = sys.stdout
    writer = make_writer(fmt.value, out_stream, str(output) if output is not None else None)
    try:
        for doc in run_batch(paths, glob=glob, encoding=encoding, max_bytes=max_bytes, with_text=with_text):
            for record in doc.records:
                writer.write(record)
                if record.get("type") == "error":
                    typer.echo(f"error: {record['source']}: {record['error']}: {record['message']}", err=True)
            stats.add(doc)
    finally:
        writer.close()
        if out_stream is not None and out_stream is not sys.stdout:
            out_stream.close()
    if not quiet:
        typer.echo(stats.summary(), err=True)
    if strict and stats.failed:
        raise typer.Exit(1)


class SchemaType(str, Enum):
    record = "record"
    metric = "metric"
    section = "section"
    focus_item = "focus_item"
    check = "check"
    document = "document"
    error = "error"


@app.command(epilog="Examples:\n\n  extractor schema\n\n  extractor schema metric > metric.schema.json")
def schema(
    record_type: Annotated[SchemaType, typer.Argument(help="Which record type.")] = SchemaType.record,
) -> None:
    """Print the JSON Schema of the output records."""
    from .schema import dumps, json_schemas

    typer.echo(dumps(json_schemas()[f"{record_type.value}.schema.json"]), nl=False)


def main() -> None:
    """Entry point of the ``extractor`` console script."""
    app()

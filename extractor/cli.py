"""The command line: a thin typer app over the library.

Heavy modules (jieba, pandas, the pipeline) are imported inside the commands, so ``--help``
stays fast.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterable
from enum import Enum
from itertools import islice
from pathlib import Path
from typing import Annotated, TextIO

import typer

from .options import DEFAULT_DOC_TIMEOUT, Engine

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
        "  extractor extract report.txt --format csv --excel -o facts.csv\n\n"
        "  extractor extract reports.zip -o facts.jsonl --jobs 8 --progress\n\n"
        "  extractor extract reports.zip -o facts.jsonl --resume\n\n"
        "  extractor extract reports.zip -o facts.jsonl --engine dask --scheduler tcp://10.0.0.5:8786"
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
    max_bytes: Annotated[int, typer.Option(min=1, help="Largest document in bytes.")] = 50 * 2**20,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No summary line (nor, unless --progress, a bar) on stderr.")
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            show_default="the number of CPUs",
            help="Worker processes (Dask workers with --engine dask); 1 runs in this process.",
        ),
    ] = None,
    progress: Annotated[
        bool | None,
        typer.Option(
            "--progress/--no-progress",
            show_default="when stderr is a terminal",
            help="A progress bar on stderr: documents, characters/s, failures.",
        ),
    ] = None,
    doc_timeout: Annotated[
        float,
        typer.Option(
            min=0.0,
            help="Seconds one document may take; an overrun becomes a TimeoutError record. 0: no limit.",
        ),
    ] = DEFAULT_DOC_TIMEOUT,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Continue an interrupted run into -o OUT (JSON Lines): keep the inputs already complete "
            "there, drop a partial tail, process the rest.",
        ),
    ] = False,
    engine: Annotated[
        Engine, typer.Option(help="Run here (local) or on a Dask cluster (dask, the 'dask' extra).")
    ] = Engine.local,
    scheduler: Annotated[
        str | None,
        typer.Option(
            metavar="ADDRESS",
            help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: a local cluster).",
        ),
    ] = None,
) -> None:
    """Extract metrics, sections and focus items from reports.

    Writes one record per line (JSON Lines) in document order, then a `document` record for
    each input; an input that cannot be read gives an `error` record and a message on stderr,
    and the other inputs are still processed.  The output is in input order and the same
    whatever --jobs or --engine.  Exit status: 0 when every input was processed or reported
    (1 with --strict when any failed), 2 for bad usage.
    """
    from contextlib import ExitStack

    from .batch import (
        BatchStats,
        LocalEngine,
        ResumeError,
        default_jobs,
        read_resume_point,
        reading_deadline,
        skip_completed,
    )
    from .outputlock import OutputLockedError, lock_output
    from .progress import Progress
    from .readers import iter_inputs
    from .writers import JsonLinesWriter, make_writer

    if fmt is OutputFormat.parquet and output is None:
        raise typer.BadParameter("Parquet output needs a file: use -o FILE.parquet", param_hint="--format")
    if resume and output is None:
        raise typer.BadParameter("--resume continues an output file: use -o OUT.jsonl", param_hint="--resume")
    if resume and fmt is not OutputFormat.jsonl:
        raise typer.BadParameter(
            f"--resume needs --format jsonl: a {fmt.value} file cannot be resumed; "
            "resume into JSON Lines and convert it afterwards",
            param_hint="--resume",
        )
    if scheduler is not None and engine is not Engine.dask:
        raise typer.BadParameter("--scheduler is for --engine dask", param_hint="--scheduler")
    workers = jobs or default_jobs()
    timeout = doc_timeout or None
    runner: LocalEngine | DaskEngine
    if engine is Engine.dask:
        from .dask import DaskEngine, DaskUnavailableError

        try:
            runner = DaskEngine(scheduler, jobs=workers, with_text=with_text, timeout=timeout)
        except DaskUnavailableError as exc:
            raise typer.BadParameter(str(exc), param_hint="--engine") from exc
    else:
        runner = LocalEngine(workers, with_text=with_text, timeout=timeout)

    with ExitStack() as guard:
        if output is not None:
            try:  # before anything reads, truncates or appends to it
                guard.enter_context(lock_output(output))
            except OutputLockedError as exc:
                raise typer.BadParameter(str(exc), param_hint="--output") from exc
            except OSError as exc:
                raise typer.BadParameter(f"cannot write {output}: {exc}", param_hint="--output") from exc
        stats = BatchStats()
        # --doc-timeout covers reading (decompressing, parsing HTML) as well as extraction.
        read_guard = (lambda: reading_deadline(timeout)) if timeout else None
        items = iter_inputs(paths, glob=glob, encoding=encoding, max_bytes=max_bytes, guard=read_guard)
        if resume and output is not None:
            point = read_resume_point(output)
            try:
                items = skip_completed(items, point)
            except ResumeError as exc:
                raise typer.BadParameter(f"cannot resume {output}: {exc}", param_hint="--resume") from exc
            stats.documents, stats.records, stats.failed = point.documents, point.records, point.failed
            if point.dropped_bytes:
                with output.open("r+b") as fh:
                    fh.truncate(point.offset)
            if not quiet:
                typer.echo(
                    f"resume: {point.documents} inputs already complete in {output}; "
                    f"{point.dropped_bytes} bytes of a partial tail dropped",
                    err=True,
                )

        with ExitStack() as stack:
            try:
                stack.enter_context(runner)  # starts or connects to the Dask cluster
            except OSError as exc:
                if scheduler is None:
                    raise
                raise typer.BadParameter(
                    f"cannot reach the Dask scheduler at {scheduler}: {exc}", param_hint="--scheduler"
                ) from exc
            out_stream: TextIO | None = None
            if output is not None and fmt is not OutputFormat.parquet:
                file_encoding = "utf-8-sig" if excel else "utf-8"
                # backslashreplace: a character no UTF-8 can hold (a lone surrogate in a CSV cell) is
                # escaped rather than ending the run; JSON lines escape it themselves (json_line).
                out_file = output.open(
                    "a" if resume else "w", encoding=file_encoding, errors="backslashreplace", newline=""
                )
                stack.callback(out_file.close)
                out_stream = out_file
            elif output is None:
                if excel:
                    sys.stdout.write("\ufeff")
                out_stream = sys.stdout
            writer = make_writer(fmt.value, out_stream, str(output) if output is not None else None)
            stack.callback(writer.close)
            show = progress if progress is not None else sys.stderr.isatty() and not quiet
            bar = stack.enter_context(Progress(show))
            for doc in runner.run(items):
                if isinstance(writer, JsonLinesWriter):
                    writer.write_encoded(doc.data)  # already serialised by the worker
                else:
                    for record in doc.records:
                        writer.write(record)
                if doc.failed:
                    for record in doc.records:
                        if record.get("type") == "error":
                            bar.echo(f"error: {record['source']}: {record['error']}: {record['message']}")
                stats.add(doc)
                bar.update(doc)
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


@app.command(
    epilog=(
        "Examples:\n\n"
        "  extractor render report.txt -o report.html\n\n"
        "  extractor render reports/ --out-dir pages/"
    )
)
def render(
    paths: Annotated[list[str], typer.Argument(help="Reports to show (files, folders or archives).")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="The page, for one input.")] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out-dir", help="One page per document plus index.html.")
    ] = None,
    encoding: Annotated[str | None, typer.Option(help="Decode every input with this encoding.")] = None,
) -> None:
    """Write a self-contained HTML page showing each report with every extracted fact marked."""
    from .pipeline import get_extractor
    from .readers import InputDocument, InputFailure, iter_inputs
    from .render import render_html, render_index

    if output is not None and out_dir is not None:
        raise typer.BadParameter("use either -o or --out-dir", param_hint="--out-dir")
    docs: Iterable[InputDocument | InputFailure] = iter_inputs(paths, encoding=encoding)
    if out_dir is None:
        first_two = list(islice(docs, 2))  # documents stream; only a single page needs counting
        if len(first_two) != 1:
            raise typer.BadParameter(
                "one page needs exactly one document: use --out-dir", param_hint="--out-dir"
            )
        docs = first_two
    failed = 0
    entries: list[tuple[str, str, dict[str, int]]] = []
    for doc in docs:
        if isinstance(doc, InputFailure):
            failed += 1
            typer.echo(f"error: {doc.source}: {doc.error}: {doc.message}", err=True)
            continue
        result = get_extractor().extract(doc.text, doc.source, encoding=doc.encoding, format=doc.format)
        page = render_html(result)
        if out_dir is None:
            target = output or Path(Path(doc.source.split("!")[-1]).stem + ".html")
        else:
            out_dir.mkdir(parents=True, exist_ok=True)
            name = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in doc.source.split("/")[-1])
            target = out_dir / f"{Path(name).stem}.html"
            entries.append((target.name, result.document.title or doc.source, result.document.counts))
        target.write_text(page, encoding="utf-8")
        typer.echo(str(target))
    if out_dir is not None:
        index = out_dir / "index.html"
        index.write_text(render_index(entries), encoding="utf-8")
        typer.echo(str(index))
    if failed and not entries and out_dir is not None:
        raise typer.Exit(1)


def main() -> None:
    """Entry point of the ``extractor`` console script."""
    try:
        app()
    finally:
        # The process ends here: let the interpreter's exit skip the garbage collector's passes
        # over every object a run loaded (jieba's dictionary, the models), about 25 ms.
        gc.freeze()

"""The command line: a thin typer app over the library.

Heavy modules (jieba, pandas, the pipeline) are imported inside the commands, so ``--help``
stays fast.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterable, Iterator
from enum import Enum
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TextIO, TypeVar

import typer

from .options import DEFAULT_DOC_TIMEOUT, Engine, PdfEngine, ScriptOption
from .rules_cli import INFO_EPILOG, RULES_EPILOG, RULES_HELP, SCRIPT_HELP, info_command, rules_command
from .table_cli import table as _table_command

if TYPE_CHECKING:
    from .batch import BatchStats, DocumentOutput
    from .progress import Progress
    from .readers import InputDocument, InputFailure, PendingInput
    from .writers import RecordWriter

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
    sqlite = "sqlite"
    xlsx = "xlsx"


#: Formats written to a file by path (not a text stream), and never truncated first for SQLite.
_FILE_FORMATS = frozenset({OutputFormat.parquet, OutputFormat.sqlite, OutputFormat.xlsx})

#: The format an output file's extension asks for; other extensions get JSON Lines.
_SUFFIX_FORMATS = {
    ".jsonl": OutputFormat.jsonl,
    ".ndjson": OutputFormat.jsonl,
    ".json": OutputFormat.json,
    ".csv": OutputFormat.csv,
    ".parquet": OutputFormat.parquet,
    ".sqlite": OutputFormat.sqlite,
    ".sqlite3": OutputFormat.sqlite,
    ".db": OutputFormat.sqlite,
    ".xlsx": OutputFormat.xlsx,
}


_PDF_ENGINE_HELP = (
    "What reads PDF text: pypdfium2 (PDFium; pdfplumber reads a page it cannot) or pdfplumber "
    "(slower).  The document record's warnings name it."
)


class DecodeErrors(Enum):
    strict = "strict"
    replace = "replace"


def _fail(message: str) -> NoReturn:
    """One line on stderr and exit status 2: a usage problem found after parsing the options."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _output_format(fmt: OutputFormat | None, output: Path | None) -> OutputFormat:
    """``--format``, else the one the output file's extension names, else JSON Lines."""
    implied = _SUFFIX_FORMATS.get(output.suffix.lower()) if output is not None else None
    if fmt is None:
        return implied or OutputFormat.jsonl
    if implied is not None and implied is not fmt:
        raise typer.BadParameter(
            f"--format {fmt.value} contradicts the extension of {output} ({implied.value}): "
            "drop --format or rename the file",
            param_hint="--format",
        )
    return fmt


def _check_encoding(encoding: str | None) -> None:
    import codecs

    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise typer.BadParameter(f"unknown encoding {encoding!r}", param_hint="--encoding") from None


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _inputs_reporting_empty(
    paths: list[str], warn: Callable[[str], None], *, glob: str | None, **options: object
) -> Iterator[InputDocument | InputFailure]:
    """The inputs under ``paths``; a path that yields none (an empty folder, a --glob that
    matches nothing) is reported to ``warn`` instead of passing unnoticed."""
    from .readers import iter_inputs

    return _reporting_empty(paths, warn, iter_inputs, glob=glob, **options)


def _pending_inputs_reporting_empty(
    paths: list[str], warn: Callable[[str], None], *, glob: str | None, **options: object
) -> Iterator[PendingInput | InputFailure]:
    """:func:`_inputs_reporting_empty`, the inputs' bytes read but decoded by whoever extracts
    them (worker processes)."""
    from .readers import iter_pending_inputs

    return _reporting_empty(paths, warn, iter_pending_inputs, glob=glob, **options)


_T = TypeVar("_T")


def _reporting_empty(
    paths: list[str], warn: Callable[[str], None], source: Callable[..., Iterator[_T]], **options: object
) -> Iterator[_T]:
    glob = options.get("glob")
    for path in paths:
        found = False
        for item in source([path], **options):
            found = True
            yield item
        if not found:
            why = (
                f"--glob {glob!r}"
                if glob
                else "no .txt, .md, .html, .htm, .docx or .pdf file, nor an archive"
            )
            warn(f"{path}: no input found ({why})")


@app.command(
    epilog=(
        "Examples:\n\n"
        "  extractor extract report.txt\n\n"
        "  extractor extract reports/ archive.zip -o facts.jsonl\n\n"
        "  extractor extract report.txt --excel -o facts.csv\n\n"
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
    fmt: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format",
            "-f",
            show_default="from the -o file's extension (.jsonl .json .csv .parquet), else jsonl",
            help="Output format.",
        ),
    ] = None,
    encoding: Annotated[str | None, typer.Option(help="Decode every input with this encoding.")] = None,
    errors: Annotated[
        DecodeErrors,
        typer.Option(
            "--errors",
            help="replace: an undecodable byte becomes U+FFFD (counted in the document's warnings) "
            "instead of costing the document.",
        ),
    ] = DecodeErrors.strict,
    glob: Annotated[str | None, typer.Option(help="Only files matching this pattern, e.g. '*.txt'.")] = None,
    pdf_engine: Annotated[PdfEngine, typer.Option(help=_PDF_ENGINE_HELP)] = PdfEngine.pypdfium2,
    with_text: Annotated[
        bool, typer.Option("--with-text", help="Put each document's text in its record.")
    ] = False,
    excel: Annotated[
        bool, typer.Option("--excel", help="CSV only: start with a UTF-8 BOM so Excel shows Chinese.")
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
    rules: Annotated[
        list[Path] | None, typer.Option("--rules", envvar="EXTRACTOR_RULES", help=RULES_HELP)
    ] = None,
    script: Annotated[ScriptOption, typer.Option(help=SCRIPT_HELP)] = ScriptOption.auto,
) -> None:
    """Extract metrics, sections and focus items from reports.

    Writes one record per line (JSON Lines) in document order, then a `document` record for
    each input; an input that cannot be read gives an `error` record and a message on stderr,
    and the other inputs are still processed.  The output is in input order and the same
    whatever --jobs or --engine.  Exit status: 0 when every input was processed or reported
    (1 with --strict when any failed), 2 for bad usage or when nothing could be read.
    """
    from contextlib import ExitStack

    from .batch import (
        BatchStats,
        InputItem,
        LocalEngine,
        ResumeError,
        default_jobs,
        read_resume_point,
        reading_deadline,
        skip_completed,
    )
    from .interrupt import Interrupted, Interruption
    from .outputlock import OutputLockedError, lock_output
    from .progress import Progress
    from .writers import UnrepresentableValueError, make_writer

    fmt = _output_format(fmt, output)
    _check_encoding(encoding)
    if excel and fmt is not OutputFormat.csv:
        raise typer.BadParameter(
            f"--excel is for CSV output (a byte-order mark breaks {fmt.value} readers): "
            "use it with -f csv or -o FILE.csv",
            param_hint="--excel",
        )
    if fmt in _FILE_FORMATS and output is None:
        raise typer.BadParameter(
            f"{fmt.value} output needs a file: use -o FILE.{fmt.value}", param_hint="--format"
        )
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
    from .rules_cli import check_resume_rules, load_rules_or_exit, settings_environment

    effective = load_rules_or_exit(rules)  # a bad rule file: one message, exit 2, nothing written
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

    with ExitStack() as output_lock:
        if output is not None:
            try:  # before anything reads, truncates or appends to it
                output_lock.enter_context(lock_output(output))
            except OutputLockedError as exc:
                raise typer.BadParameter(str(exc), param_hint="--output") from exc
            except OSError as exc:
                _fail(f"cannot write {output}: {_reason(exc)}")
        stats = BatchStats()
        bar: Progress | None = None

        def warn(message: str) -> None:
            line = f"warning: {message}"
            bar.echo(line) if bar is not None else typer.echo(line, err=True)

        items: Iterator[InputItem] = _pending_inputs_reporting_empty(
            paths,
            warn,
            glob=glob,
            encoding=encoding,
            max_bytes=max_bytes,
            errors=errors.value,
            pdf_engine=pdf_engine.value,
            # --doc-timeout covers reading (decompressing, parsing HTML) as well as extraction.
            guard=(lambda: reading_deadline(timeout)) if timeout else None,
        )
        if resume and output is not None:
            check_resume_rules(output, effective)
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

        interruption = Interruption()
        with interruption, ExitStack() as stack:
            stack.enter_context(settings_environment(effective, script))  # before any worker starts
            try:
                stack.enter_context(runner)  # starts or connects to the Dask cluster
            except OSError as exc:
                if scheduler is None:
                    raise
                raise typer.BadParameter(
                    f"cannot reach the Dask scheduler at {scheduler}: {exc}", param_hint="--scheduler"
                ) from exc
            out_stream: TextIO | None = None
            writer: RecordWriter
            try:
                if output is not None and fmt not in _FILE_FORMATS:
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
            except OSError as exc:
                _fail(f"cannot write {output}: {_reason(exc)}")
            except RuntimeError as exc:  # an extra that is not installed
                _fail(str(exc))
            stack.callback(writer.close)
            show = progress if progress is not None else sys.stderr.isatty() and not quiet
            total = _remaining(paths, glob, stats.documents) if show else None
            bar = stack.enter_context(Progress(show, total=total))
            try:
                for doc in runner.run(items):
                    with interruption.deferred():
                        _write_document(doc, writer, bar, stats)
            except Interrupted:
                pass  # the stack closes the writer and stops the workers; then say what happened
            except UnrepresentableValueError as exc:
                _fail(f"cannot write {output}: {exc}")
        if interruption.signum is not None:
            typer.echo(_interrupted_message(stats.documents, fmt, output), err=True)
            if not quiet:
                typer.echo(stats.summary(), err=True)
            raise typer.Exit(128 + interruption.signum)
        if not quiet:
            typer.echo(stats.summary(), err=True)
        if stats.documents == stats.failed:
            _fail(
                f"nothing could be read: every one of the {stats.documents} inputs failed"
                if stats.documents
                else "nothing could be read: no input found"
            )
        if strict and stats.failed:
            raise typer.Exit(1)


def _remaining(paths: list[str], glob: str | None, done: int) -> int | None:
    """Documents left to process, for the progress bar's total and time left (None: unknown)."""
    from .readers import count_inputs

    total = count_inputs(paths, glob=glob)
    return None if total is None else max(total - done, 0)


def _write_document(doc: DocumentOutput, writer: RecordWriter, bar: Progress, stats: BatchStats) -> None:
    from .writers import JsonLinesWriter

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


def _interrupted_message(documents: int, fmt: OutputFormat, output: Path | None) -> str:
    done = f"interrupted after {documents} documents"
    if output is None:
        return f"{done}; to be able to continue with --resume, write to a file: -o OUT.jsonl"
    if fmt is not OutputFormat.jsonl:
        return (
            f"{done}; a {fmt.value} file cannot be resumed: write JSON Lines (-o OUT.jsonl) to use --resume"
        )
    return f"{done}; rerun with --resume -o {output} to continue"


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
    pdf_engine: Annotated[PdfEngine, typer.Option(help=_PDF_ENGINE_HELP)] = PdfEngine.pypdfium2,
) -> None:
    """Write a self-contained HTML page showing each report with every extracted fact marked."""
    from .pipeline import get_extractor
    from .readers import InputFailure
    from .render import render_html, render_index

    if output is not None and out_dir is not None:
        raise typer.BadParameter("use either -o or --out-dir", param_hint="--out-dir")
    _check_encoding(encoding)

    def warn(message: str) -> None:
        typer.echo(f"warning: {message}", err=True)

    docs: Iterable[InputDocument | InputFailure] = _inputs_reporting_empty(
        paths, warn, glob=None, encoding=encoding, pdf_engine=pdf_engine.value
    )
    if out_dir is not None:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            _fail(f"cannot write {out_dir}: {_reason(exc)}")
    if out_dir is None:
        first_two = list(islice(docs, 2))  # documents stream; only a single page needs counting
        if len(first_two) != 1:
            raise typer.BadParameter(
                "one page needs exactly one document: use --out-dir", param_hint="--out-dir"
            )
        docs = first_two
    failed = rendered = 0
    entries: list[tuple[str, str, dict[str, int]]] = []
    for doc in docs:
        if isinstance(doc, InputFailure):
            failed += 1
            typer.echo(f"error: {doc.source}: {doc.error}: {doc.message}", err=True)
            continue
        result = get_extractor().extract_document(doc)
        page = render_html(result)
        if out_dir is None:
            target = output or Path(Path(doc.source.split("!")[-1]).stem + ".html")
        else:
            name = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in doc.source.split("/")[-1])
            target = out_dir / f"{Path(name).stem}.html"
            entries.append((target.name, result.document.title or doc.source, result.document.counts))
        _write_page(target, page)
        rendered += 1
    if not rendered:
        _fail(
            f"nothing could be read: every one of the {failed} inputs failed"
            if failed
            else "nothing to render: no input found"
        )
    if out_dir is not None:
        _write_page(out_dir / "index.html", render_index(entries))


def _write_page(target: Path, page: str) -> None:
    try:
        target.write_text(page, encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot write {target}: {_reason(exc)}")
    typer.echo(str(target))


app.command(
    epilog=(
        "Examples:\n\n"
        "  extractor table reports/ -o indicators.csv\n\n"
        "  extractor table a.txt b.txt c.txt --pivot --status target -o targets.xlsx\n\n"
        "  extractor table facts.jsonl --attainment -o attainment.csv\n\n"
        "  extractor table reports/ -o facts.sqlite"
    )
)(_table_command)


app.command("rules", epilog=RULES_EPILOG)(rules_command)
app.command("info", epilog=INFO_EPILOG)(info_command)


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"extractor {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Turn Chinese work reports (政府工作报告, 工作总结, 统计公报) into structured, exact records."""


def main() -> None:
    """Entry point of the ``extractor`` console script."""
    try:
        app()
    finally:
        # The process ends here: let the interpreter's exit skip the garbage collector's passes
        # over every object a run loaded (jieba's dictionary, the models), about 25 ms.
        gc.freeze()

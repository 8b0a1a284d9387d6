"""Real-format part of ``make bench`` (issue 14.4): the corpus as PDF, HTML and DOCX.

Each base document of the bench corpus is written as ``.txt``, as an HTML page (a ``<p>`` a
line), as a DOCX (a paragraph a line) and, when headless Chromium is installed, printed to PDF
from a minimal UTF-8 page holding the text in one wrapping ``<pre>``.  Then, interleaving the
contenders round by round:

* per format, reading (bytes to text) and extraction (text to records) in this process, as
  documents/s and MB/s of input files;
* PDF read twice, by pypdfium2 and by pdfplumber: the seconds each engine took over the same
  PDFs and their ratio, and in how many PDFs the metrics (value, unit, qualifier, object) are
  those of the ``.txt``.

``python benchmarks/real_formats.py`` runs this part alone (``--quick``: the project's three reports,
one round) and prints its table; ``benchmarks/bench.py`` runs it as part of the whole bench.
"""

from __future__ import annotations

import argparse
import html
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

MB = 1_000_000
#: (contender, file format, PDF engine)
CONTENDERS: tuple[tuple[str, str, str | None], ...] = (
    ("txt", "txt", None),
    ("html", "html", None),
    ("docx", "docx", None),
    ("pdf (pypdfium2)", "pdf", "pypdfium2"),
    ("pdf (pdfplumber)", "pdf", "pdfplumber"),
)
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def find_chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def pre_page(text: str) -> str:
    """The minimal UTF-8 page that is printed to PDF: the text as it is, wrapped by the browser."""
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>"
        f'<pre style="white-space:pre-wrap">{html.escape(text)}</pre></body></html>'
    )


def html_page(text: str) -> str:
    """The text saved as a web page: a title and a paragraph a line."""
    lines = [line for line in text.splitlines() if line.strip()]
    title = html.escape(lines[0]) if lines else ""
    body = "".join(f"<p>{html.escape(line)}</p>\n" for line in lines)
    return (
        f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>{title}</title></head>\n"
        f"<body>\n<article>\n{body}</article>\n</body></html>\n"
    )


def write_docx(text: str, path: Path) -> None:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    document.save(str(path))


def print_pdf(chromium: str, page: Path, pdf: Path) -> str | None:
    """Print ``page`` to ``pdf`` with headless Chromium; None, or why there is no PDF."""
    with tempfile.TemporaryDirectory(prefix="bench-chromium-") as profile:
        flags = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",  # the browser's date/URL/page-number lines are not the report's
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf}",
        ]
        try:
            proc = subprocess.run(
                [chromium, *flags, page.as_uri()], capture_output=True, text=True, timeout=300, check=False
            )
        except subprocess.TimeoutExpired:
            return f"Chromium did not print {page.name} within 300 s"
    if not pdf.exists():
        tail = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        return f"Chromium did not print {page.name} (exit {proc.returncode}: {tail})"
    return None


def write_formats(base: Sequence[tuple[str, str]], folder: Path) -> dict[str, Any]:
    """Every base document in every format under ``folder``; PDFs only when Chromium is here."""
    folder.mkdir(parents=True, exist_ok=True)
    chromium = find_chromium()
    files: dict[str, list[Path]] = {fmt: [] for fmt in ("txt", "html", "docx", "pdf")}
    notes: list[str] = []
    if chromium is None:
        notes.append(f"no Chromium ({', '.join(CHROMIUM_NAMES)}): the PDF part is skipped")
    printing = 0.0
    for i, (name, text) in enumerate(base):
        stem = f"{i:02d}_{Path(name).stem}"
        txt = folder / f"{stem}.txt"
        txt.write_text(text, encoding="utf-8")
        files["txt"].append(txt)
        page = folder / f"{stem}.html"
        page.write_text(html_page(text), encoding="utf-8")
        files["html"].append(page)
        docx_path = folder / f"{stem}.docx"
        write_docx(text, docx_path)
        files["docx"].append(docx_path)
        if chromium is not None:
            pre = folder / f"{stem}.print.htm"
            pre.write_text(pre_page(text), encoding="utf-8")
            pdf = folder / f"{stem}.pdf"
            t = time.perf_counter()
            problem = print_pdf(chromium, pre, pdf)
            printing += time.perf_counter() - t
            pre.unlink()
            if problem is None:
                files["pdf"].append(pdf)
            else:
                notes.append(problem)
    return {"files": files, "notes": notes, "print_s": printing}


def _pages(pdfs: Sequence[Path]) -> int | None:
    try:
        import pypdfium2
    except ImportError:
        return None
    total = 0
    for path in pdfs:
        document = pypdfium2.PdfDocument(path.read_bytes())
        total += len(document)
        document.close()
    return total


def _metrics(result: Any) -> list[tuple[str, str | None, str, str | None]]:
    return [(str(m.value), m.unit.name if m.unit else None, m.qualifier, m.object) for m in result.metrics]


def bench_formats(
    base: Sequence[tuple[str, str]], rounds: int, tmp: Path, clear_cache: Callable[[], None] = lambda: None
) -> dict[str, Any]:
    """Per-format throughput and the PDF engine comparison (see the module docstring)."""
    from extractor.pipeline import get_extractor
    from extractor.readers import read_document

    ex = get_extractor()
    written = write_formats(base, tmp / "real_formats")
    files: dict[str, list[Path]] = written["files"]
    data = {fmt: [(p.name, p.read_bytes()) for p in paths] for fmt, paths in files.items()}
    want = [_metrics(ex.extract(text)) for _, text in base]
    stems = [p.stem for p in files["txt"]]
    contenders = [c for c in CONTENDERS if data[c[1]]]
    read_s: dict[str, list[float]] = {c[0]: [] for c in contenders}
    extract_s: dict[str, list[float]] = {c[0]: [] for c in contenders}
    equal: dict[str, int] = {}
    found: dict[str, list[Any]] = {}  # each contender's metrics, file by file
    for r in range(rounds):
        print(f"  real formats round {r + 1}/{rounds}", file=sys.stderr, flush=True)
        for label, fmt, engine in contenders:
            clear_cache()
            reading = extracting = 0.0
            same = 0
            found[label] = []
            for name, payload in data[fmt]:
                t0 = time.perf_counter()
                doc = read_document(name, payload, pdf_engine=engine or "pypdfium2")
                t1 = time.perf_counter()
                result = ex.extract_document(doc)
                t2 = time.perf_counter()
                reading += t1 - t0
                extracting += t2 - t1
                found[label].append(_metrics(result))
                same += found[label][-1] == want[stems.index(Path(name).stem)]
            read_s[label].append(reading)
            extract_s[label].append(extracting)
            equal[label] = same
    out: dict[str, Any] = {"documents": len(base), "notes": written["notes"], "print_s": written["print_s"]}
    per_format: dict[str, Any] = {}
    for label, fmt, _ in contenders:
        size = sum(len(payload) for _, payload in data[fmt])
        n = len(data[fmt])
        read, extract = statistics.median(read_s[label]), statistics.median(extract_s[label])
        per_format[label] = {
            "documents": n,
            "mb": size / MB,
            "read_s": read,
            "extract_s": extract,
            "docs_per_s": n / (read + extract),
            "mb_per_s": size / MB / (read + extract),
            "read_docs_per_s": n / read,
            "read_mb_per_s": size / MB / read,
            "metrics_equal_to_txt": equal[label],
            "runs_s": {"read": read_s[label], "extract": extract_s[label]},
        }
    out["formats"] = per_format
    fast, slow = per_format.get("pdf (pypdfium2)"), per_format.get("pdf (pdfplumber)")
    if fast is not None and slow is not None:
        out["pdf_engines"] = {
            "pdfs": fast["documents"],
            "pages": _pages(files["pdf"]),
            "mb": fast["mb"],
            "pypdfium2_s": fast["read_s"],
            "pdfplumber_s": slow["read_s"],
            "speedup": slow["read_s"] / fast["read_s"],
            "metrics_equal": {
                "pypdfium2": fast["metrics_equal_to_txt"],
                "pdfplumber": slow["metrics_equal_to_txt"],
            },
            "metrics_equal_between_engines": sum(
                a == b for a, b in zip(found["pdf (pypdfium2)"], found["pdf (pdfplumber)"], strict=True)
            ),
        }
    if files["pdf"]:
        out["pdf_archive"] = bench_pdf_archive(files["pdf"], rounds, tmp)
    return out


def bench_pdf_archive(pdfs: Sequence[Path], rounds: int, tmp: Path, copies: int = 3) -> dict[str, Any]:
    """The command on a zip of the PDFs (``copies`` times each), ``--jobs 1`` against ``--jobs 2``,
    interleaved: the workers read the PDFs, so two of them read twice as many pages."""
    import zipfile

    from bench import cli_path

    archive = tmp / "pdfs.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for copy in range(copies):
            for pdf in pdfs:
                zf.write(pdf, f"copy{copy}/{pdf.name}")
    exe = cli_path()
    runs: dict[str, list[float]] = {"1": [], "2": []}
    outputs: dict[str, bytes] = {}
    for _ in range(rounds):
        for jobs in runs:
            out = tmp / f"pdfs-jobs{jobs}.jsonl"
            t = time.perf_counter()
            subprocess.run(
                [exe, "extract", str(archive), "-o", str(out), "--quiet", "--jobs", jobs], check=True
            )
            runs[jobs].append(time.perf_counter() - t)
            outputs[jobs] = out.read_bytes()
    one, two = statistics.median(runs["1"]), statistics.median(runs["2"])
    return {
        "pdfs": len(pdfs) * copies,
        "mb": archive.stat().st_size / MB,
        "jobs1_s": one,
        "jobs2_s": two,
        "speedup": one / two,
        "same_output": outputs["1"] == outputs["2"],
        "runs_s": runs,
    }


def table_rows(res: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Rows (name, value, note) for the bench table."""
    rows: list[tuple[str, str, str]] = []
    for note in res.get("notes", []):
        rows.append(("real formats", "note", note))
    for label, f in res.get("formats", {}).items():
        rows.append(
            (
                f"real formats: {label}",
                f"{f['docs_per_s']:.1f} docs/s",
                f"{f['mb_per_s']:.2f} MB/s read+extract; reading alone {f['read_docs_per_s']:.1f} docs/s, "
                f"{f['read_mb_per_s']:.2f} MB/s; {f['documents']} files, {f['mb']:.1f} MB; "
                f"metrics = .txt's in {f['metrics_equal_to_txt']}/{f['documents']}",
            )
        )
    e = res.get("pdf_engines")
    if e is not None:
        rows.append(
            (
                "PDF engines: pdfplumber / pypdfium2",
                f"{e['speedup']:.1f}×",
                f"{e['pdfplumber_s']:.2f} s vs {e['pypdfium2_s']:.2f} s reading {e['pdfs']} PDFs, "
                f"{e['pages']} pages; metrics of the two engines equal in "
                f"{e['metrics_equal_between_engines']}/{e['pdfs']}; "
                f"target ≥ 20×: {'PASS' if e['speedup'] >= 20 else 'FAIL'}",
            )
        )
    a = res.get("pdf_archive")
    if a is not None:
        rows.append(
            (
                "PDF archive: --jobs 1 / --jobs 2",
                f"{a['speedup']:.2f}×",
                f"{a['jobs1_s']:.2f} s vs {a['jobs2_s']:.2f} s wall clock for a zip of {a['pdfs']} PDFs "
                f"({a['mb']:.1f} MB), start-up included; outputs "
                f"{'byte-identical' if a['same_output'] else 'DIFFER'}",
            )
        )
    return rows


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    from bench import CORPUS_DIRS, base_documents, clear_segment_cache

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--quick", action="store_true", help="the project's reports only, one round")
    ap.add_argument("--rounds", type=int, help="interleaved rounds (default 3; 1 with --quick)")
    ap.add_argument("--out", type=Path, help="also write the figures to this JSON file")
    args = ap.parse_args(argv)
    base = base_documents(CORPUS_DIRS[:1] if args.quick else CORPUS_DIRS)
    rounds = args.rounds or (1 if args.quick else 3)
    with tempfile.TemporaryDirectory(prefix="extractor-formats-") as tmp:
        res = bench_formats(base, rounds, Path(tmp), clear_segment_cache)
    w0 = max((len(r[0]) for r in table_rows(res)), default=0)
    w1 = max((len(r[1]) for r in table_rows(res)), default=0)
    for a, b, c in table_rows(res):
        print(f"{a:<{w0}}  {b:>{w1}}  {c}")
    if args.out is not None:
        args.out.write_text(json.dumps(res, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return res


if __name__ == "__main__":
    main()

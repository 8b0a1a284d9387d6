"""PDF engines (issue 14.1): PDFium by default, pdfplumber for a page PDFium cannot read or by
choice, and the ``document`` record's warnings naming the engine and the pages without text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor import extract_file
from extractor.cli import app
from extractor.pdf import PDF_ENGINES, read_pdf
from extractor.readers import DecodeError, InputFailure, iter_inputs, read_document
from tests.test_readers import make_pdf

pdfium = pytest.importorskip("pypdfium2")
pytest.importorskip("pdfplumber")

runner = CliRunner()

TWO_PAGES = [
    ["2025年全区地区生产总值增长", "5.2%，新增就业1.2万人。", "—1—"],
    ["二、主要任务", "粮食产量45万吨。"],
]
TWO_PAGES_TEXT = "2025年全区地区生产总值增长5.2%，新增就业1.2万人。\n二、主要任务\n粮食产量45万吨。"


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_each_engine_reads_the_same_cleaned_text(engine: str) -> None:
    doc = read_document("report.pdf", make_pdf(TWO_PAGES, cjk=True), pdf_engine=engine)
    assert (doc.text, doc.format, doc.encoding) == (TWO_PAGES_TEXT, "pdf", None)
    assert doc.warnings == (f"PDF: 2 pages read by {engine}",)


def test_pypdfium2_is_the_default() -> None:
    doc = read_document("report.pdf", make_pdf([["GDP grew 5.2%"]]))
    assert doc.warnings == ("PDF: 1 page read by pypdfium2",)


def test_a_page_pdfium_cannot_load_is_read_by_pdfplumber(monkeypatch: pytest.MonkeyPatch) -> None:
    real_get_page = pdfium.PdfDocument.get_page

    def get_page(self: object, index: int) -> object:
        if index == 1:
            raise pdfium.PdfiumError("Failed to load page.")
        return real_get_page(self, index)

    monkeypatch.setattr(pdfium.PdfDocument, "get_page", get_page)
    result = read_pdf(make_pdf(TWO_PAGES, cjk=True))
    assert result.text == TWO_PAGES_TEXT
    assert (result.engine, result.fallback_pages) == ("pypdfium2", (2,))
    assert result.warnings == (
        "PDF: 2 pages read by pypdfium2; page 2 by pdfplumber, as PDFium could not read them "
        "(PdfiumError: Failed to load page.)",
    )


def test_a_file_pdfium_cannot_open_is_read_by_pdfplumber(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise pdfium.PdfiumError("Failed to load document (PDFium: Data format error).")

    monkeypatch.setattr(pdfium, "PdfDocument", refuse)
    doc = read_document("report.pdf", make_pdf(TWO_PAGES, cjk=True))
    assert doc.text == TWO_PAGES_TEXT
    assert doc.warnings == (
        "PDF: 2 pages read by pdfplumber, as PDFium could not open the file "
        "(PdfiumError: Failed to load document (PDFium: Data format error).)",
    )


def test_a_file_neither_engine_reads_is_one_decode_error_naming_both() -> None:
    with pytest.raises(
        DecodeError, match=r"cannot read PDF: PDFium: PdfiumError: .*; pdfplumber: "
    ) as caught:
        read_document("broken.pdf", b"%PDF-1.4\nthis is not really a pdf")
    message = str(caught.value)
    assert message.count("cannot read PDF") == 1 and "\n" not in message, message


def test_a_broken_pdf_is_one_error_line_and_the_other_inputs_are_kept(tmp_path: Path) -> None:
    (tmp_path / "a_broken.pdf").write_bytes(b"%PDF-1.4\nthis is not really a pdf")
    (tmp_path / "b_good.pdf").write_bytes(make_pdf(TWO_PAGES, cjk=True))
    res = runner.invoke(app, ["extract", str(tmp_path), "--jobs", "1"])
    assert res.exit_code == 0, res.output
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "a_broken.pdf: DecodeError: cannot read PDF: PDFium:" in errors[0]
    records = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["type"] for r in records].count("metric") == 3
    assert records[-1]["warnings"] == ["PDF: 2 pages read by pypdfium2"]


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_a_scanned_page_is_counted_and_named_as_needing_ocr(engine: str) -> None:
    pages = [["GDP grew 5.2%"], [], [], ["Jobs 12000"]]
    doc = read_document("scan.pdf", make_pdf(pages, image_pages=[1]), pdf_engine=engine)
    assert doc.text == "GDP grew 5.2%\n\n\nJobs 12000"
    assert doc.warnings == (
        f"PDF: 4 pages read by {engine}",
        "PDF: 2 of 4 pages have no text layer (pages 2, 3); page 2 is an image (scanned?), "
        "whose text would need OCR, which is not done",
    )


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_a_blank_page_is_counted_without_asking_for_ocr(engine: str) -> None:
    doc = read_document("blank.pdf", make_pdf([["GDP grew 5.2%"], []]), pdf_engine=engine)
    assert doc.warnings[1:] == ("PDF: 1 of 2 pages has no text layer (page 2)",)


def test_a_long_list_of_pages_is_cut() -> None:
    result = read_pdf(make_pdf([[]] * 12, image_pages=range(12)))
    assert result.textless_pages == tuple(range(1, 13)) and result.image_pages == result.textless_pages
    assert "(pages 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 2 more)" in result.warnings[1]


def test_an_unknown_engine_is_a_value_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="pdf_engine must be one of pypdfium2, pdfplumber, not 'mupdf'"):
        read_pdf(make_pdf([["x"]]), "mupdf")
    with pytest.raises(ValueError, match="pdf_engine must be one of"):
        list(iter_inputs([str(tmp_path)], pdf_engine="mupdf"))
    with pytest.raises(ValueError, match="pdf_engine must be one of"):
        extract_file(tmp_path / "a.txt", pdf_engine="mupdf")


@pytest.mark.parametrize("engine", PDF_ENGINES)
def test_the_library_takes_the_engine(tmp_path: Path, engine: str) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(make_pdf(TWO_PAGES, cjk=True))
    result = extract_file(path, pdf_engine=engine)
    assert result.document.warnings == [f"PDF: 2 pages read by {engine}"]
    assert [str(m.value) for m in result.metrics] == ["5.2", "12000", "450000"]
    [doc] = iter_inputs([str(path)], pdf_engine=engine)
    assert not isinstance(doc, InputFailure) and doc.warnings == (f"PDF: 2 pages read by {engine}",)


@pytest.mark.parametrize("engine", [None, *PDF_ENGINES])
def test_extract_pdf_engine_option(tmp_path: Path, engine: str | None) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(make_pdf(TWO_PAGES, cjk=True))
    option = [] if engine is None else ["--pdf-engine", engine]
    res = runner.invoke(app, ["extract", str(path), "--quiet", "--jobs", "1", *option])
    assert res.exit_code == 0, res.output
    document = json.loads(res.stdout.splitlines()[-1])
    assert document["warnings"] == [f"PDF: 2 pages read by {engine or 'pypdfium2'}"]


def test_render_pdf_engine_option(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(make_pdf(TWO_PAGES, cjk=True))
    page = tmp_path / "report.html"
    res = runner.invoke(app, ["render", str(path), "-o", str(page), "--pdf-engine", "pdfplumber"])
    assert res.exit_code == 0, res.output
    assert "PDF: 2 pages read by pdfplumber" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("command", ["extract", "render"])
def test_an_unknown_pdf_engine_is_a_usage_error(tmp_path: Path, command: str) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(make_pdf([["x"]]))
    res = runner.invoke(app, [command, str(path), "--pdf-engine", "mupdf"])
    assert res.exit_code == 2
    assert "--pdf-engine" in res.stderr and "mupdf" in res.stderr


def test_a_batch_reads_pdfs_where_it_extracts_them(tmp_path: Path) -> None:
    """iter_pending_inputs reads bytes only; PendingInput.read gives what iter_inputs gives, and
    process_input (what a worker runs) decodes it there: same records, failures as error records."""
    import zipfile

    from extractor.batch import process_input
    from extractor.readers import PendingInput, iter_pending_inputs

    archive = tmp_path / "reports.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a.pdf", make_pdf(TWO_PAGES, cjk=True))
        zf.writestr("b.pdf", b"%PDF-1.4\nthis is not really a pdf")
        zf.writestr("c.txt", "新增就业1.2万人。".encode())
    pending = list(iter_pending_inputs([str(archive)]))
    decoded = list(iter_inputs([str(archive)]))
    assert all(isinstance(p, PendingInput) for p in pending)  # nothing decoded in this process
    assert [p.read() for p in pending if isinstance(p, PendingInput)] == decoded
    assert [process_input(p).data for p in pending] == [process_input(d).data for d in decoded]
    errors = [json.loads(line) for line in process_input(pending[1]).lines.splitlines()]
    assert errors[0]["type"] == "error" and errors[0]["error"] == "DecodeError"


def test_reading_in_a_worker_counts_toward_the_document_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    import time as time_module

    from extractor import pdf as pdf_module
    from extractor.batch import process_input
    from extractor.readers import PendingInput

    slow = pdf_module.read_pdf

    def read_slowly(data: bytes, engine: str = "pypdfium2") -> object:
        time_module.sleep(3)
        return slow(data, engine)

    monkeypatch.setattr(pdf_module, "read_pdf", read_slowly)
    item = PendingInput("slow.pdf", make_pdf(TWO_PAGES, cjk=True), None, 10**8)
    record = json.loads(process_input(item, timeout=1).lines.splitlines()[0])
    assert record["error"] == "TimeoutError" and "reading took longer than 1 s" in record["message"]

"""A report printed to PDF by a browser reads back with the same facts (issues 13.10, 14.2).

Headless Chromium prints each of the project's own corpus texts with a CJK font, as one wrapping
``<pre>`` and as a paragraph a line; both PDF engines must give back the metrics of the text.
pdfminer (under pdfplumber) reads many characters back as Kangxi or supplement radicals (⼀是,
⼗⼆个聚焦, ⼈⺠), which the normalisation folds; PDFium reads the unified ideographs.  Skips when
Chromium, a CJK font or the ``pdf`` extra is missing.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from extractor.pdf import PDF_ENGINES
from extractor.pipeline import Extraction, Extractor
from extractor.readers import read_document

CORPORA = Path(__file__).resolve().parent.parent / "corpora"


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium to print a PDF with")


def _has_cjk_font() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    out = subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True, check=False).stdout
    return bool(out.strip())


def _page(text: str, layout: str) -> str:
    """A minimal UTF-8 page: the text as one ``<pre>`` that wraps (``pre``), or a ``<p>`` a line."""
    if layout == "pre":
        body = f'<pre style="white-space:pre-wrap">{html.escape(text)}</pre>'
    else:
        body = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{body}</body></html>"


def print_to_pdf(text: str, folder: Path, layout: str = "p") -> bytes:
    chromium = _chromium()
    if not _has_cjk_font():
        pytest.skip("no CJK font for Chromium (fonts-noto-cjk)")
    page = folder / "report.html"
    page.write_text(_page(text, layout), encoding="utf-8")
    pdf = folder / "report.pdf"
    with tempfile.TemporaryDirectory() as profile:
        flags = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            # Chromium's own header and footer (date, title, file URL, "1/2") are not the report's
            "--no-pdf-header-footer",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf}",
        ]
        subprocess.run([chromium, *flags, page.as_uri()], capture_output=True, timeout=120, check=False)
    if not pdf.exists():
        pytest.skip("Chromium did not print a PDF here")
    return pdf.read_bytes()


NAMES = sorted(p.stem for p in CORPORA.glob("*.txt"))
LAYOUTS = ["pre", "p"]


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], bytes]:
    """Each corpus report printed once per layout, for every test and engine of this module."""
    cache: dict[tuple[str, str], bytes] = {}

    def get(name: str, layout: str) -> bytes:
        if (name, layout) not in cache:
            text = (CORPORA / f"{name}.txt").read_text(encoding="utf-8")
            cache[name, layout] = print_to_pdf(text, tmp_path_factory.mktemp(f"{name}-{layout}"), layout)
        return cache[name, layout]

    return get


def _metrics(result: Extraction) -> list[tuple[str, str | None, str, str | None]]:
    """What a metric says, apart from where it is and how its characters were written."""
    return [(str(m.value), m.unit.name if m.unit else None, m.qualifier, m.object) for m in result.metrics]


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", NAMES)
def test_a_printed_report_has_the_metrics_of_its_text(
    extractor_instance: Extractor,
    printed: Callable[[str, str], bytes],
    name: str,
    layout: str,
    engine: str,
) -> None:
    """Issue 14.2: value, unit, qualifier and object of every metric, in order, for both engines."""
    pytest.importorskip(engine)
    text = (CORPORA / f"{name}.txt").read_text(encoding="utf-8")
    doc = read_document(f"{name}.pdf", printed(name, layout), pdf_engine=engine)
    assert doc.warnings[0].endswith(f"read by {engine}") and len(doc.warnings) == 1, doc.warnings
    want = extractor_instance.extract(text)
    got = extractor_instance.extract(doc.text)
    assert _metrics(got) == _metrics(want)
    assert got.document.counts == want.document.counts


@pytest.mark.parametrize("engine", PDF_ENGINES)
@pytest.mark.parametrize("name", ["district_campaign", "county_work_report"])
def test_a_printed_report_keeps_its_items_and_metrics(
    extractor_instance: Extractor, printed: Callable[[str, str], bytes], name: str, engine: str
) -> None:
    pytest.importorskip(engine)
    text = (CORPORA / f"{name}.txt").read_text(encoding="utf-8")
    doc = read_document(f"{name}.pdf", printed(name, "p"), pdf_engine=engine)
    want = extractor_instance.extract(text)
    got = extractor_instance.extract(doc.text)
    assert got.document.counts == want.document.counts
    assert [i.topic for i in got.records if i.type == "focus_item"] == [  # type: ignore[attr-defined]
        i.topic  # type: ignore[attr-defined]
        for i in want.records
        if i.type == "focus_item"  # type: ignore[attr-defined]
    ]
    assert [(str(m.value), m.object) for m in got.metrics] == [(str(m.value), m.object) for m in want.metrics]
    assert (got.document.region, got.document.genre) == (want.document.region, want.document.genre)

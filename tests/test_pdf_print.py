"""A report printed to PDF by a browser reads back with the same facts (issue 13.10).

Headless Chromium prints one of the project's own corpus texts with a CJK font; pdfminer reads
many of its characters back as Kangxi or supplement radicals (⼀是, ⼗⼆个聚焦, ⼈⺠), which the
normalisation folds.  Skips when Chromium, a CJK font or the ``pdf`` extra is missing.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from extractor.pipeline import Extractor
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


def print_to_pdf(text: str, folder: Path) -> bytes:
    chromium = _chromium()
    if not _has_cjk_font():
        pytest.skip("no CJK font for Chromium (fonts-noto-cjk)")
    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    page = folder / "report.html"
    page.write_text(f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>", encoding="utf-8")
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
            "--no-pdf-header-footer",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf}",
        ]
        subprocess.run([chromium, *flags, page.as_uri()], capture_output=True, timeout=120, check=False)
    if not pdf.exists():
        pytest.skip("Chromium did not print a PDF here")
    return pdf.read_bytes()


@pytest.mark.parametrize("name", ["district_campaign", "county_work_report"])
def test_a_printed_report_keeps_its_items_and_metrics(
    extractor_instance: Extractor, tmp_path: Path, name: str
) -> None:
    pytest.importorskip("pdfplumber")
    text = (CORPORA / f"{name}.txt").read_text(encoding="utf-8")
    doc = read_document(f"{name}.pdf", print_to_pdf(text, tmp_path))
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

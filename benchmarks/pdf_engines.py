"""Where the PDF reading time goes: each engine alone, the shared cleaning, and PDFium's pages.

``make bench`` compares ``read_document`` with ``--pdf-engine pypdfium2`` and ``pdfplumber`` on
the bench corpus printed to PDF by Chromium (``real_formats.py``).  This script splits that time,
interleaving the contenders round by round (medians):

* the engines alone: pdfplumber's ``extract_text`` of every page, and PDFium's load, text page
  and text of every page (the calls ``extractor.pdf`` makes) — the ceiling of the ratio;
* the cleaning both engines share (``clean_pdf_text``) and the whole ``read_document``;
* PDFium's pages loaded twice in one open document: the first load parses the fonts' glyphs,
  which PDFium keeps per document, so the second pass shows the page parsing alone.

``python benchmarks/pdf_engines.py [--rounds N]`` (Chromium needed; about a minute a round).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    import pypdfium2 as pdfium
    from bench import CORPUS_DIRS, base_documents
    from real_formats import write_formats

    from extractor.pdf import _pdfplumber_pages
    from extractor.readers import clean_pdf_text, read_document

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="extractor-pdf-engines-") as tmp:
        written = write_formats(base_documents(CORPUS_DIRS), Path(tmp))
        pdfs = [p.read_bytes() for p in written["files"]["pdf"]]
    if not pdfs:
        sys.exit("no PDFs: " + "; ".join(written["notes"]))

    def pdfium_pages(data: bytes, passes: int = 1) -> list[float]:
        document = pdfium.PdfDocument(data)
        took = []
        for _ in range(passes):
            t = time.perf_counter()
            for i in range(len(document)):
                page = document[i]
                textpage = page.get_textpage()
                textpage.get_text_range()
                textpage.close()
                page.close()
            took.append(time.perf_counter() - t)
        document.close()
        return took

    times: dict[str, list[float]] = {}

    def timed(label: str, fn: object) -> None:
        t = time.perf_counter()
        for data in pdfs:
            fn(data)  # type: ignore[operator]
        times.setdefault(label, []).append(time.perf_counter() - t)

    pages = sum(len(pdfium.PdfDocument(d)) for d in pdfs)
    texts = [
        "\n".join(p.text for p in _pdfplumber_pages(d)) for d in pdfs
    ]  # (any engine's text: the cleaning is timed on it)
    for r in range(args.rounds):
        print(f"  round {r + 1}/{args.rounds}", file=sys.stderr, flush=True)
        timed("pdfplumber: engine alone", _pdfplumber_pages)
        timed("pypdfium2: engine alone", pdfium_pages)
        t = time.perf_counter()
        for text in texts:
            clean_pdf_text(text)
        times.setdefault("clean_pdf_text (both engines)", []).append(time.perf_counter() - t)
        timed("read_document, pdfplumber", lambda d: read_document("x.pdf", d, pdf_engine="pdfplumber"))
        timed("read_document, pypdfium2", lambda d: read_document("x.pdf", d, pdf_engine="pypdfium2"))
        first = second = 0.0
        for data in pdfs:
            a, b = pdfium_pages(data, passes=2)
            first, second = first + a, second + b
        times.setdefault("pypdfium2: first pass in a document", []).append(first)
        times.setdefault("pypdfium2: second pass (glyphs parsed)", []).append(second)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"{len(pdfs)} PDFs, {pages} pages, {args.rounds} rounds (medians)")
    for label, seconds in med.items():
        print(f"  {label:<40} {seconds:7.3f} s")
    engines = med["pdfplumber: engine alone"] / med["pypdfium2: engine alone"]
    whole = med["read_document, pdfplumber"] / med["read_document, pypdfium2"]
    print(f"  pdfplumber / pypdfium2, engines alone      {engines:6.1f}×")
    print(f"  pdfplumber / pypdfium2, read_document      {whole:6.1f}×")


if __name__ == "__main__":
    main()

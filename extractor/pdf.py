"""PDF text: PDFium (pypdfium2) by default, pdfplumber as the fallback or by choice.

Both engines give the page texts that :func:`extractor.readers.clean_pdf_text` then cleans the
same way (wrapped lines joined, page footers dropped, spaced-out characters collapsed; Kangxi
radicals are kept in the text and folded by the normalisation).  PDFium reads a page about fifty
times faster than pdfminer, on which pdfplumber is built.

* ``pypdfium2`` (the default): a page PDFium cannot load is read by pdfplumber, and a file PDFium
  cannot open at all is read by pdfplumber as a whole; the warnings say so.
* ``pdfplumber``: every page by pdfplumber, as before issue 14.

Whatever the engine, :attr:`PdfText.warnings` name the engine that read the pages, and the pages
without a text layer (a scanned page would need OCR, which is not done).  Both libraries are the
``pdf`` extra and are imported only when a PDF is read.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .readers import DecodeError, _require, clean_pdf_text

__all__ = ["DEFAULT_PDF_ENGINE", "PDF_ENGINES", "PdfText", "check_pdf_engine", "read_pdf"]

PDF_ENGINES: tuple[str, ...] = ("pypdfium2", "pdfplumber")
DEFAULT_PDF_ENGINE = "pypdfium2"

#: Pages named in a warning; the rest are counted.
_LISTED_PAGES = 10


@dataclass(frozen=True, slots=True)
class PdfText:
    """The cleaned text of a PDF and what reading it found, for the ``document`` record."""

    text: str
    pages: int
    engine: str
    #: 1-based numbers of the pages whose text pdfplumber read because PDFium could not
    fallback_pages: tuple[int, ...] = ()
    #: 1-based numbers of the pages without any text
    textless_pages: tuple[int, ...] = ()
    #: those of them that hold an image (a scan, most likely)
    image_pages: tuple[int, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(slots=True)
class _Page:
    text: str = ""
    has_image: bool = False
    failure: str | None = None  # why PDFium could not read the page


def check_pdf_engine(engine: str) -> str:
    """``engine`` if it is one of :data:`PDF_ENGINES`, else ``ValueError``.

    >>> check_pdf_engine("pdfplumber")
    'pdfplumber'
    """
    if engine not in PDF_ENGINES:
        raise ValueError(f"pdf_engine must be one of {', '.join(PDF_ENGINES)}, not {engine!r}")
    return engine


def read_pdf(data: bytes, engine: str = DEFAULT_PDF_ENGINE) -> PdfText:
    """Text of every page joined by LF and passed through :func:`clean_pdf_text`.

    Raises :class:`~extractor.readers.DecodeError` for a file neither engine can read and
    :class:`~extractor.readers.MissingExtraError` when the ``pdf`` extra is not installed.
    """
    check_pdf_engine(engine)
    if engine == "pdfplumber":
        pages = _pdfplumber_pages(data)
        return _finish(pages, "pdfplumber", ())
    pdfium = _require("pypdfium2")
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        pdfium_failure = f"{type(exc).__name__}: {exc}"
        try:
            pages = _pdfplumber_pages(data)
        except DecodeError as plumber_exc:
            plumber_failure = str(plumber_exc).removeprefix("cannot read PDF: ")
            raise DecodeError(
                f"cannot read PDF: PDFium: {pdfium_failure}; pdfplumber: {plumber_failure}"
            ) from exc
        result = _finish(pages, "pdfplumber", ())
        note = f"{result.warnings[0]}, as PDFium could not open the file ({pdfium_failure})"
        return _with_warnings(result, (note, *result.warnings[1:]))
    try:
        read = [_pdfium_page(pdfium, document, i) for i in range(len(document))]
    finally:
        document.close()
    failed = [i for i, page in enumerate(read) if page.failure is not None]
    if failed:
        again = _pdfplumber_pages(data, failed)
        for i, page in zip(failed, again, strict=True):
            page.failure = read[i].failure
            read[i] = page
    return _finish(read, "pypdfium2", tuple(i + 1 for i in failed))


def _pdfium_page(pdfium: Any, document: Any, index: int) -> _Page:
    """One page's text by PDFium; a page it cannot load or parse comes back with ``failure``."""
    try:
        page = document[index]
    except pdfium.PdfiumError as exc:
        return _Page(failure=f"{type(exc).__name__}: {exc}")
    try:
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
        finally:
            textpage.close()
        has_image = False
        if not text.strip():  # only then does it matter whether the page is a picture
            images = page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE])
            has_image = next(iter(images), None) is not None
    except pdfium.PdfiumError as exc:
        return _Page(failure=f"{type(exc).__name__}: {exc}")
    finally:
        page.close()
    return _Page(text, has_image)


class _FontNoiseAtDebug(logging.Filter):
    """pdfminer warns once per font whose descriptor has no usable FontBBox ("Could not get
    FontBBox from font descriptor …"), which many Chinese PDFs trigger on every page and which
    does not affect the text: such records are passed on at DEBUG level instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.DEBUG and "FontBBox" in str(record.msg):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


_FONT_NOISE = _FontNoiseAtDebug()


def _pdfplumber_pages(data: bytes, only: Sequence[int] | None = None) -> list[_Page]:
    """Every page's text by pdfplumber (or the pages numbered ``only``, 0-based, in order)."""
    pdfplumber = _require("pdfplumber")
    pages: list[_Page] = []
    font_logger = logging.getLogger("pdfminer.pdffont")
    font_logger.addFilter(_FONT_NOISE)  # only while we read: the logging set-up is the caller's
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            chosen = pdf.pages if only is None else [pdf.pages[i] for i in only]
            for page in chosen:
                text = page.extract_text() or ""
                pages.append(_Page(text, not text.strip() and bool(page.images)))
                page.close()
    except Exception as exc:  # pdfminer raises many unrelated types on malformed/encrypted files
        raise DecodeError(f"cannot read PDF: {type(exc).__name__}: {exc}") from exc
    finally:
        font_logger.removeFilter(_FONT_NOISE)
    return pages


def _page_list(numbers: Sequence[int]) -> str:
    shown = ", ".join(map(str, numbers[:_LISTED_PAGES]))
    more = len(numbers) - _LISTED_PAGES
    return f"{'page' if len(numbers) == 1 else 'pages'} {shown}" + (f" and {more} more" if more > 0 else "")


def _pages(n: int) -> str:
    return f"{n} page" if n == 1 else f"{n} pages"


def _finish(pages: list[_Page], engine: str, fallback: tuple[int, ...]) -> PdfText:
    textless = tuple(i + 1 for i, p in enumerate(pages) if not p.text.strip())
    images = tuple(i + 1 for i, p in enumerate(pages) if not p.text.strip() and p.has_image)
    warnings = [f"PDF: {_pages(len(pages))} read by {engine}"]
    if fallback:
        why = next(p.failure for p in pages if p.failure is not None)
        warnings[0] += f"; {_page_list(fallback)} by pdfplumber, as PDFium could not read them ({why})"
    if textless:
        line = (
            f"PDF: {len(textless)} of {_pages(len(pages))} "
            f"{'has' if len(textless) == 1 else 'have'} no text layer ({_page_list(textless)})"
        )
        if images:
            line += (
                f"; {_page_list(images)} {'is an image' if len(images) == 1 else 'are images'} "
                "(scanned?), whose text would need OCR, which is not done"
            )
        warnings.append(line)
    text = clean_pdf_text("\n".join(p.text for p in pages))
    return PdfText(text, len(pages), engine, fallback, textless, images, tuple(warnings))


def _with_warnings(result: PdfText, warnings: tuple[str, ...]) -> PdfText:
    return PdfText(
        result.text,
        result.pages,
        result.engine,
        result.fallback_pages,
        result.textless_pages,
        result.image_pages,
        warnings,
    )

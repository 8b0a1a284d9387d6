"""Option values shared by the command line and the batch engine.

Kept apart from :mod:`extractor.batch` so that defining the CLI (and ``--help``) imports nothing
heavy.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["DEFAULT_DOC_TIMEOUT", "Engine", "PdfEngine", "ScriptOption"]

#: Seconds one document may take before it becomes a ``TimeoutError`` record.
DEFAULT_DOC_TIMEOUT = 60.0


class Engine(str, Enum):
    """Where the per-document work runs."""

    local = "local"  # this machine: in this process, or worker processes with --jobs
    dask = "dask"  # a Dask cluster (the ``dask`` extra)


class ScriptOption(str, Enum):
    """How to read the characters: detect Traditional Chinese per document, or say which it is."""

    auto = "auto"
    simplified = "simplified"
    traditional = "traditional"


class PdfEngine(str, Enum):
    """What reads a PDF's text (``extractor.pdf.PDF_ENGINES``; both are the ``pdf`` extra)."""

    pypdfium2 = "pypdfium2"  # PDFium: fast; pdfplumber reads a page it cannot
    pdfplumber = "pdfplumber"  # pdfminer underneath: about fifty times slower

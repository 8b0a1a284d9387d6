"""Structured, exact quantity records from Chinese work reports.

>>> import extractor
>>> [m.text for m in extractor.extract("182名领导干部包联4385户企业").metrics]
['182名', '4385户']
"""

from __future__ import annotations

from .frames import read_records, to_dataframe
from .models import (
    Check,
    Count,
    DocumentInfo,
    ErrorRecord,
    FocusItem,
    Measure,
    Metric,
    Money,
    Multiple,
    Percentage,
    Record,
    Section,
    Unit,
    validate_record,
)
from .pipeline import Extraction, Extractor, extract, extract_file

__all__ = [
    "Check",
    "Count",
    "DocumentInfo",
    "ErrorRecord",
    "Extraction",
    "Extractor",
    "FocusItem",
    "Measure",
    "Metric",
    "Money",
    "Multiple",
    "Percentage",
    "Record",
    "Section",
    "Unit",
    "extract",
    "extract_file",
    "read_records",
    "to_dataframe",
    "validate_record",
]

__version__ = "0.1.0"

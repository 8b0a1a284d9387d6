"""Structured, exact quantity records from Chinese work reports.

>>> import extractor
>>> [m.text for m in extractor.extract("182名领导干部包联4385户企业").metrics]
['182名', '4385户']

The public names load on first use (PEP 562), so ``import extractor`` and ``extractor --help``
stay fast; the jieba dictionary loads on the first extraction.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

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
    "attainment_table",
    "extract",
    "extract_file",
    "indicator_table",
    "read_records",
    "to_dataframe",
    "validate_record",
]

__version__ = "0.1.0"

_HOMES = {
    "indicator_table": "tabulate",
    "attainment_table": "tabulate",
    "read_records": "frames",
    "to_dataframe": "frames",
    "Extraction": "pipeline",
    "Extractor": "pipeline",
    "extract": "pipeline",
    "extract_file": "pipeline",
}

if TYPE_CHECKING:
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
    from .tabulate import attainment_table, indicator_table


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'extractor' has no attribute {name!r}")
    value = getattr(import_module(f".{_HOMES.get(name, 'models')}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])

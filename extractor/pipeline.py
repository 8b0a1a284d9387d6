"""One document in, typed records out.

``text ─normalize─▶ copy + offset map ─quantities─▶ candidates ─classify─▶ meanings``
``text ─structure─▶ sections · items · checks``; each metric gets the ids of the section and item
that contain it, and every offset is mapped back to the original text, so for every record
``text[record.start:record.end] == record.text``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from pydantic import BaseModel

from .classify import Classifier, Meaning
from .lexicon import Kind, Lexicon, load_lexicon
from .metadata import read_metadata
from .models import (
    Check,
    Count,
    Direction,
    DocumentInfo,
    FocusItem,
    Measure,
    MetricBase,
    Money,
    Multiple,
    Percentage,
    Qualifier,
    Section,
    Status,
    Unit,
)
from .normalize import normalize
from .numbers import plain
from .quantities import Candidate, QuantityFinder, Rejection
from .structure import Structure, find_structure
from .writers import json_line

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Extraction", "Extractor", "extract", "extract_file", "get_extractor"]

_METRIC_CLASSES: dict[str, type[MetricBase]] = {
    "count": Count,
    "money": Money,
    "percent": Percentage,
    "multiple": Multiple,
}
_OptionalDirection = Direction | None
_TYPE_ORDER = {"section": 0, "focus_item": 1, "check": 2, "metric": 3}


@dataclass
class Extraction:
    """The records of one document."""

    source: str | None
    text: str
    records: list[BaseModel]
    document: DocumentInfo
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def metrics(self) -> list[MetricBase]:
        return [r for r in self.records if isinstance(r, MetricBase)]

    def all_records(self) -> Iterator[BaseModel]:
        """Every record in document order, the ``document`` record last."""
        yield from self.records
        yield self.document

    def to_dicts(self) -> list[dict[str, Any]]:
        """JSON-ready dicts (exact numbers, canonical unit names)."""
        return [r.model_dump(mode="json") for r in self.all_records()]

    def to_jsonl(self) -> str:
        """The records as JSON Lines."""
        return "".join(json_line(d) + "\n" for d in self.to_dicts())

    def to_dataframe(self) -> pd.DataFrame:
        """The metric records as a pandas DataFrame."""
        from .frames import to_dataframe

        return to_dataframe([self])


def _title(text: str) -> str | None:
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= 80 else None
    return None


class Extractor:
    """Runs the stages for one document.  Build once, call :meth:`extract` many times."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or load_lexicon()
        self.finder = QuantityFinder(self.lexicon)
        self.classifier = Classifier(self.lexicon)

    def extract(
        self,
        text: str,
        source: str | None = None,
        *,
        encoding: str | None = None,
        format: str | None = None,
        with_text: bool = False,
        warnings: Sequence[str] = (),
    ) -> Extraction:
        """Extract every record from ``text``; offsets index ``text`` exactly as given.

        ``warnings`` (from reading the document: text left out on purpose) go first into the
        ``document`` record's warnings.
        """
        norm = normalize(text)
        cands, rejected = self.finder.find(norm.text)
        structure = find_structure(text)
        target_sections = [
            (s.start, s.end) for s in structure.sections if self.classifier.heading_is_target(s.heading)
        ]

        def section_info(pos: int) -> tuple[bool, int | None]:
            orig = norm.to_original(pos)
            return any(s <= orig < e for s, e in target_sections), None

        meanings = self.classifier.classify(norm.text, cands, section_info)
        records: list[BaseModel] = []
        records.extend(self._structure_records(text, source, structure))
        for cand, meaning in zip(cands, meanings, strict=True):
            records.append(
                self._metric(
                    text, source, norm.span_to_original(cand.start, cand.end), cand, meaning, structure
                )
            )
        records.sort(key=lambda r: (getattr(r, "start", 0), _TYPE_ORDER.get(getattr(r, "type", ""), 9)))
        counts = Counter(getattr(r, "type", "") for r in records)
        warnings = [
            *warnings,
            *(
                f"the document declares {c.declared} {c.what} but {c.found} were found"
                for c in structure.checks
                if not c.ok
            ),
        ]
        if not text.strip():
            warnings.append("the document is empty")
        meta = read_metadata(text)
        document = DocumentInfo(
            source=source,
            title=_title(text),
            year=meta.year,
            region=meta.region,
            level=cast(Any, meta.level),
            genre=cast(Any, meta.genre),
            chars=len(text),
            sha256=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
            counts=dict(sorted(counts.items())),
            warnings=warnings,
            encoding=encoding,
            format=format,
            text=text if with_text else None,
        )
        rejections = [Rejection(*norm.span_to_original(r.start, r.end), r.rule, r.reason) for r in rejected]
        return Extraction(source, text, records, document, rejections)

    def _structure_records(self, text: str, source: str | None, structure: Structure) -> Iterator[BaseModel]:
        # The structure layer's spans carry exactly the record fields but the text and source.
        for s in structure.sections:
            yield Section.model_construct(source=source, text=text[s.start : s.end], **asdict(s))
        for i in structure.items:
            yield FocusItem.model_construct(source=source, text=text[i.start : i.end], **asdict(i))
        for c in structure.checks:
            yield Check.model_construct(source=source, **asdict(c))

    def _metric(
        self,
        text: str,
        source: str | None,
        span: tuple[int, int],
        cand: Candidate,
        meaning: Meaning,
        structure: Structure,
    ) -> MetricBase:
        start, end = span
        unit = None
        if cand.unit is not None:
            unit = _unit(cand.unit_surface, cand.unit.name, cand.unit.kind, cand.unit.scale)
        section_id, item_id = structure.locate(start)
        cls = _METRIC_CLASSES.get(cand.kind, Measure)
        # The values come from checked data files and rules: build without re-validating (the
        # hot loop); tests validate every kind of output line against the models and the schema.
        return cls.model_construct(
            source=source,
            start=start,
            end=end,
            text=text[start:end],
            value=plain(cand.value),
            value_max=None if cand.value_max is None else plain(cand.value_max),
            unit=unit,
            qualifier=cast(Qualifier, cand.qualifier),
            marker=cand.marker,
            kind=cast(Kind, cand.kind),
            object=meaning.object,
            indicator=meaning.indicator,
            direction=cast(_OptionalDirection, meaning.direction),
            status=cast(Status, meaning.status),
            period=meaning.period,
            section_id=section_id,
            item_id=item_id,
            rule=",".join((cand.rule, *meaning.rules)),
        )


@lru_cache(maxsize=1024)
def _unit(surface: str | None, name: str, kind: str, scale: Decimal) -> Unit:
    """The (frozen, so shareable) Unit of every metric with this unit: built and checked once."""
    return Unit(surface=surface, name=name, kind=cast(Kind, kind), scale=scale)


_DEFAULT: Extractor | None = None


def get_extractor() -> Extractor:
    """The process's default extractor (built on first use)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Extractor()
    return _DEFAULT


def extract(text: str, source: str | None = None, *, with_text: bool = False) -> Extraction:
    """Extract records from a document's text.

    >>> result = extract("全年新增城镇就业1.2万人，增长5%左右。")
    >>> [(m.text, str(m.value), m.unit.name, m.qualifier) for m in result.metrics]
    [('1.2万人', '12000', '人', 'exact'), ('5%左右', '5', '%', 'approx')]
    """
    return get_extractor().extract(text, source, with_text=with_text)


def extract_file(path: str | Path, *, encoding: str | None = None, with_text: bool = False) -> Extraction:
    """Read a file (any supported format and encoding) and extract its records."""
    from .readers import read_document

    p = Path(path)
    doc = read_document(str(p), p.read_bytes(), encoding=encoding)
    return get_extractor().extract(
        doc.text,
        doc.source,
        encoding=doc.encoding,
        format=doc.format,
        with_text=with_text,
        warnings=doc.warnings,
    )

"""One document in, typed records out.

``text ─normalize─▶ copy + offset map ─quantities─▶ candidates ─classify─▶ meanings``
``text ─structure─▶ sections · items · checks``; each metric gets the ids of the section and item
that contain it, and every offset is mapped back to the original text, so for every record
``text[record.start:record.end] == record.text``.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from pydantic import BaseModel

from .classify import Classifier, Meaning
from .lexicon import Kind, Lexicon, load_lexicon
from .metadata import Metadata, read_metadata
from .models import (
    Check,
    Count,
    DocumentInfo,
    FocusItem,
    Measure,
    MetricBase,
    Money,
    Multiple,
    Percentage,
    RulesUsed,
    Section,
    Unit,
    constructed,
    decimal_to_json,
)
from .normalize import IDEOGRAPH_VARIANTS, Normalized, fold_ideographs, normalize_folded
from .numbers import plain
from .quantities import Candidate, QuantityFinder, Rejection
from .rulefiles import Rules, builtin_rules, builtin_sha256, load_rules, rules_from_env
from .script import SCRIPTS, Script, ScriptChoice, detect_script, to_simplified, traditional_class
from .structure import Structure, find_structure
from .tense import Context
from .writers import json_line

if TYPE_CHECKING:
    import pandas as pd

    from .readers import InputDocument

__all__ = ["Extraction", "Extractor", "extract", "extract_file", "get_extractor"]

_METRIC_CLASSES: dict[str, type[MetricBase]] = {
    "count": Count,
    "money": Money,
    "percent": Percentage,
    "multiple": Multiple,
}
_TYPE_ORDER = {"section": 0, "focus_item": 1, "check": 2, "metric": 3}


#: A record not built yet: its model class and every field's value, in the model's field order.
Row = tuple[type[BaseModel], dict[str, Any]]


class Extraction:
    """The records of one document.

    The pipeline keeps each record as a :data:`Row` (its class and field values): ``records``
    builds the pydantic models on first use, while ``to_dicts`` and ``to_jsonl`` write JSON
    straight from the rows, so a caller that only writes output never pays for the models.
    """

    def __init__(
        self,
        source: str | None,
        text: str,
        records: list[BaseModel] | None,
        document: DocumentInfo,
        rejections: list[Rejection] | None = None,
        *,
        rows: list[Row] | None = None,
    ) -> None:
        if (records is None) == (rows is None):
            raise ValueError("give either records or rows")
        self.source = source
        self.text = text
        self.document = document
        self.rejections = rejections if rejections is not None else []
        self._records = records
        self._rows = rows

    def __repr__(self) -> str:
        return f"Extraction(source={self.source!r}, records={len(self)}, document={self.document!r})"

    def __len__(self) -> int:
        """The number of records (the ``document`` record not counted)."""
        return len(self._rows) if self._rows is not None else len(self.records)

    @property
    def records(self) -> list[BaseModel]:
        """The records in document order (built from the rows on first use)."""
        if self._records is None:
            self._records = [constructed(cls, _model_values(cls, values)) for cls, values in self._rows or ()]
        return self._records

    @records.setter
    def records(self, records: list[BaseModel]) -> None:
        # Records set by the caller are the result's from then on (its JSON included).
        self._records = list(records)
        self._rows = None

    @property
    def metrics(self) -> list[MetricBase]:
        return [r for r in self.records if isinstance(r, MetricBase)]

    def all_records(self) -> Iterator[BaseModel]:
        """Every record in document order, the ``document`` record last."""
        yield from self.records
        yield self.document

    def to_dicts(self) -> list[dict[str, Any]]:
        """JSON-ready dicts (exact numbers, canonical unit names): ``model_dump(mode="json")``."""
        if self._rows is None:
            out = [json_dict(r) for r in self.records]
        else:
            out = [_row_json(cls, values) for cls, values in self._rows]
        out.append(self.document.model_dump(mode="json"))
        return out

    def to_jsonl(self) -> str:
        """The records as JSON Lines."""
        return "".join(json_line(d) + "\n" for d in self.to_dicts())

    def to_dataframe(self) -> pd.DataFrame:
        """The metric records as a pandas DataFrame."""
        from .frames import to_dataframe

        return to_dataframe([self])


_METRIC_TYPES = frozenset(_METRIC_CLASSES.values()) | {Measure}
# A metric's JSON, field by field as pydantic writes it (tests/test_models.py compares the two):
# exact numbers, the unit's canonical name, then the computed unit_surface.
_METRIC_FIELDS = tuple(MetricBase.model_fields)
_NUMBER_FIELDS = frozenset({"value", "value_max"})


def json_dict(record: BaseModel) -> dict[str, Any]:
    """``record.model_dump(mode="json")``; a metric's is built here, several times faster (the
    field serialisers and the computed field are Python calls inside pydantic's dump)."""
    if type(record) not in _METRIC_TYPES:
        return record.model_dump(mode="json")
    return _metric_json(record.__dict__)


def _model_values(cls: type[BaseModel], values: dict[str, Any]) -> dict[str, Any]:
    """A row's values as its model holds them: a metric's numbers in plain form (12000, 13.5)."""
    if cls in _METRIC_TYPES:
        values["value"] = plain(values["value"])
        if values["value_max"] is not None:
            values["value_max"] = plain(values["value_max"])
    return values


def _row_json(cls: type[BaseModel], values: dict[str, Any]) -> dict[str, Any]:
    """The JSON of a row: a metric's as :func:`json_dict` writes it; a section's, an item's or a
    check's fields are all plain values, which pydantic writes as they are."""
    return _metric_json(values) if cls in _METRIC_TYPES else dict(values)


def _metric_json(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in _METRIC_FIELDS:
        value = values[name]
        if name in _NUMBER_FIELDS:
            value = None if value is None else decimal_to_json(value)
        elif name == "unit":
            value = None if value is None else value.name
        out[name] = value
    unit = values["unit"]
    out["unit_surface"] = None if unit is None else unit.surface
    return out


def _title(text: str) -> str | None:
    """The first non-blank line, if it is short enough to be a title."""
    head = text[:4096]
    lines = head.splitlines()
    if len(head) < len(text):
        lines = lines[:-1]  # the last line of the head may go on past it
    first = _first_nonblank(lines)
    if first is None and len(head) < len(text):
        first = _first_nonblank(text.splitlines())  # nothing but blank lines in the head: read on
    return first if first is not None and len(first) <= 80 else None


def _as_written(text: str) -> re.Match[str] | None:
    """The first character of ``text`` that script detection counts as Traditional or that
    folding changes (:data:`~extractor.normalize.IDEOGRAPH_VARIANTS`); None for a text read as
    it is written."""
    found: re.Match[str] | None = _as_written_pattern().search(text)
    return found


@lru_cache(maxsize=1)
def _as_written_pattern() -> re.Pattern[str]:
    # Built on first use: it loads OpenCC's table, as detection does.
    return re.compile(f"[{traditional_class()}{IDEOGRAPH_VARIANTS}]")


def _first_nonblank(lines: list[str]) -> str | None:
    return next((line.strip() for line in lines if line.strip()), None)


class Extractor:
    """Runs the stages for one document.  Build once, call :meth:`extract` many times.

    ``rules``: user rule files merged over the built-in tables, in order (a bad file raises
    :class:`~extractor.rulefiles.RuleFileError`).  ``script``: ``auto`` reads a document detected
    as Traditional Chinese through a Simplified copy, ``traditional`` always does, ``simplified``
    never does.
    """

    def __init__(
        self,
        lexicon: Lexicon | None = None,
        *,
        rules: Sequence[str | os.PathLike[str]] = (),
        script: ScriptChoice = "auto",
    ) -> None:
        if lexicon is not None and rules:
            raise ValueError("give either a lexicon or rule files, not both")
        if script not in SCRIPTS:
            raise ValueError(f"script must be one of {', '.join(SCRIPTS)}, not {script!r}")
        # The built-in tables are the process's (load_lexicon, structure.load_vocabulary); a user's
        # are merged and compiled here.
        self._rules: Rules | None = load_rules([os.fspath(r) for r in rules]) if rules else None
        self.lexicon = lexicon or (self._rules.lexicon if self._rules else load_lexicon())
        self.script: ScriptChoice = script
        self._structure = self._rules.structure if self._rules else None
        files = list(self._rules.files) if self._rules else []
        sha256 = self._rules.sha256 if self._rules else builtin_sha256()
        if lexicon is not None:  # a lexicon built by the caller: its own hash
            sha256 = hashlib.sha256(lexicon.model_dump_json().encode("utf-8")).hexdigest()
        self._rules_used = RulesUsed.model_construct(files=files, sha256=sha256)
        self.finder = QuantityFinder(self.lexicon)
        self._unit_models: dict[tuple[str | None, str], Unit] = {}
        self.classifier = Classifier(self.lexicon)

    @property
    def rules(self) -> Rules:
        """The effective rules (tables, files, hash)."""
        return self._rules or builtin_rules()

    def script_of(self, text: str) -> Script:
        """What ``text`` is read as: the ``script`` asked for, or the one detected."""
        return detect_script(text) if self.script == "auto" else self.script

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

        ``warnings`` (what reading the input changed or dropped: replaced bytes, text left out on
        purpose) go first into the ``document`` record's warnings.
        """
        if self.script == "auto" and _as_written(text) is None:
            # No Traditional-only character and nothing to fold (the usual text): one scan
            # says what detection and folding below would each scan the text to say.
            script: Script = "simplified"
            folded = text
        else:
            script = self.script_of(text)
            # Traditional text is read through a Simplified copy of the same length (script.py),
            # so offsets found in the copy index ``text``; records take their text from ``text``.
            read = to_simplified(text) if script == "traditional" else text
            # Everything reads the text with Kangxi radicals and compatibility ideographs folded
            # (PDF fonts): the same length again, so offsets index ``text``.
            folded = fold_ideographs(read)
        norm = normalize_folded(folded)
        cands, rejected = self.finder.find(norm.text)
        structure = find_structure(folded, self._structure)
        meta = read_metadata(folded)
        meanings = self.meanings(folded, norm, cands, structure, meta)
        rows: list[Row] = []
        rows.extend(self._structure_rows(text, source, structure))
        for cand, meaning in zip(cands, meanings, strict=True):
            rows.append(
                self._metric(
                    text, source, norm.span_to_original(cand.start, cand.end), cand, meaning, structure
                )
            )
        rows.sort(key=_document_order)
        counts = Counter(values["type"] for _, values in rows)
        all_warnings = [*warnings]
        all_warnings.extend(
            f"the document declares {c.declared} {c.what} but {c.found} were found"
            for c in structure.checks
            if not c.ok
        )
        if not text.strip():
            all_warnings.append("the document is empty")
        document = DocumentInfo(
            source=source,
            title=_title(folded),
            year=meta.year,
            region=meta.region,
            level=cast(Any, meta.level),
            genre=cast(Any, meta.genre),
            chars=len(text),
            sha256=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
            counts=dict(sorted(counts.items())),
            warnings=all_warnings,
            encoding=encoding,
            format=format,
            text=text if with_text else None,
            script=script,
            rules=self._rules_used,
        )
        if not norm.same_offsets:  # (the rejections are frozen: shared as they are otherwise)
            rejected = [Rejection(*norm.span_to_original(r.start, r.end), r.rule, r.reason) for r in rejected]
        return Extraction(source, text, None, document, rejected, rows=rows)

    def meanings(
        self, text: str, norm: Normalized, cands: list[Candidate], structure: Structure, meta: Metadata
    ) -> list[Meaning]:
        """Classify the candidates: the sections' tense and the document's year and region."""
        in_original = self.classifier.tenses.contexts(
            text, structure.enclosing_stretch, meta.year, meta.genre
        )
        if norm.same_offsets:
            return self.classifier.classify(norm.text, cands, in_original, meta.year, meta.region)

        def context(pos: int) -> Context:
            return in_original(norm.to_original(pos))

        return self.classifier.classify(norm.text, cands, context, meta.year, meta.region)

    def extract_document(self, doc: InputDocument, *, with_text: bool = False) -> Extraction:
        """Extract the records of a document read by :mod:`extractor.readers`.

        Its source, encoding and format go into the ``document`` record, and its reading
        warnings (replaced bytes, HTML text dropped as boilerplate) open that record's warnings.
        """
        return self.extract(
            doc.text,
            doc.source,
            encoding=doc.encoding,
            format=doc.format,
            with_text=with_text,
            warnings=doc.warnings,
        )

    def _structure_rows(self, text: str, source: str | None, structure: Structure) -> Iterator[Row]:
        # The structure layer's spans carry exactly the record fields but the source, the type
        # and the text, which quotes ``text`` (the layer read it or its Simplified copy).
        for kind, spans in (
            (Section, structure.sections),
            (FocusItem, structure.items),
            (Check, structure.checks),
        ):
            order, type_ = _ROW_FIELDS[kind]
            for span in spans:
                given = {"source": source, "type": type_, "text": text[span.start : span.end]}
                yield kind, {name: given[name] if name in given else getattr(span, name) for name in order}

    def _metric(
        self,
        text: str,
        source: str | None,
        span: tuple[int, int],
        cand: Candidate,
        meaning: Meaning,
        structure: Structure,
    ) -> Row:
        start, end = span
        unit = None
        if cand.unit is not None:
            # A unit of the lexicon is named by its surface: one Unit model per (written, meant).
            key = (cand.unit_surface, cand.unit.surface)
            unit = self._unit_models.get(key)
            if unit is None:
                unit = self._unit_models[key] = _unit(
                    cand.unit_surface, cand.unit.name, cand.unit.kind, cand.unit.scale
                )
        section_id, item_id = structure.locate(start)
        cls = _METRIC_CLASSES.get(cand.kind, Measure)
        # The values come from checked data files and rules: build without re-validating (the
        # hot loop); tests validate every kind of output line against the models and the schema.
        # Every field, in the model's order (what model_construct would build).
        return (
            cls,
            {
                "source": source,
                "start": start,
                "end": end,
                "text": text[start:end],
                "type": "metric",
                # Exact, but maybe written 12000.0 or 1.2E+4: the model gets the plain form
                # (_model_values); JSON writes the same number either way.
                "value": cand.value,
                "value_max": cand.value_max,
                "unit": unit,
                "qualifier": cand.qualifier,
                "marker": cand.marker,
                "kind": cand.kind,
                "object": meaning.object,
                "indicator": meaning.indicator,
                "direction": meaning.direction,
                "status": meaning.status,
                "period": meaning.period,
                "section_id": section_id,
                "item_id": item_id,
                "rule": ",".join((cand.rule, *meaning.rules)),
            },
        )


def _document_order(row: Row) -> tuple[int, int]:
    """Records by offset; at one offset a section, then an item, a check, a metric."""
    values = row[1]
    return values["start"], _TYPE_ORDER[values["type"]]


# The field order and the type of the structure records.
_ROW_FIELDS: dict[type[BaseModel], tuple[tuple[str, ...], str]] = {
    cls: (tuple(cls.model_fields), cls.model_fields["type"].default) for cls in (Section, FocusItem, Check)
}


@lru_cache(maxsize=1024)
def _unit(surface: str | None, name: str, kind: str, scale: Decimal) -> Unit:
    """The (frozen, so shareable) Unit of every metric with this unit: built and checked once."""
    return Unit(surface=surface, name=name, kind=cast(Kind, kind), scale=scale)


_DEFAULTS: dict[tuple[object, ...], Extractor] = {}


def get_extractor() -> Extractor:
    """The process's default extractor (built on first use).

    It reads the rule files named by ``EXTRACTOR_RULES`` (separated like ``PATH``) and the script
    in ``EXTRACTOR_SCRIPT`` (``auto`` when unset): the command line sets both for its run, so
    worker processes, however they are started, build the same extractor.
    """
    files = rules_from_env()
    script = os.environ.get("EXTRACTOR_SCRIPT") or "auto"
    # A rule file edited between two calls is read again.
    key = (script, *((f, *_stamp(f)) for f in files))
    found = _DEFAULTS.get(key)
    if found is None:
        if script not in SCRIPTS:
            raise ValueError(f"EXTRACTOR_SCRIPT must be one of {', '.join(SCRIPTS)}, not {script!r}")
        found = _DEFAULTS[key] = Extractor(rules=files, script=cast(ScriptChoice, script))
    return found


def _stamp(path: str) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (-1, -1)  # Extractor() reports the missing file
    return (st.st_mtime_ns, st.st_size)


def extract(text: str, source: str | None = None, *, with_text: bool = False) -> Extraction:
    """Extract records from a document's text.

    >>> result = extract("全年新增城镇就业1.2万人，增长5%左右。")
    >>> [(m.text, str(m.value), m.unit.name, m.qualifier) for m in result.metrics]
    [('1.2万人', '12000', '人', 'exact'), ('5%左右', '5', '%', 'approx')]
    """
    return get_extractor().extract(text, source, with_text=with_text)


def extract_file(
    path: str | Path,
    *,
    encoding: str | None = None,
    errors: str = "strict",
    with_text: bool = False,
    pdf_engine: str = "pypdfium2",
) -> Extraction:
    """Read a file (any supported format and encoding) and extract its records.

    ``errors="replace"`` turns undecodable bytes of a text or HTML file into U+FFFD (counted in
    the document's warnings) instead of raising :class:`~extractor.readers.DecodeError`.
    ``pdf_engine`` (``"pypdfium2"`` or ``"pdfplumber"``) reads a PDF; see :mod:`extractor.pdf`.
    """
    from .pdf import check_pdf_engine
    from .readers import read_document

    check_pdf_engine(pdf_engine)
    p = Path(path)
    doc = read_document(str(p), p.read_bytes(), encoding=encoding, errors=errors, pdf_engine=pdf_engine)
    return get_extractor().extract_document(doc, with_text=with_text)

"""The ``report_facts`` spaCy component.

>>> import spacy
>>> nlp = spacy.blank("zh")
>>> _ = nlp.add_pipe("report_facts")
>>> doc = nlp("全区182名领导干部包联4385户企业。")
>>> [(s.text, s.label_, s._.record.object) for s in doc.spans["metrics"]]
[('182名', 'count', '领导干部'), ('4385户', 'count', '企业')]

Extension attributes hold plain data, so that ``doc.to_bytes()``, ``DocBin(store_user_data=True)``
and ``nlp.pipe(n_process=2)`` (which sends documents between processes as bytes) keep them:
``doc._.report_facts`` maps each span's ``id_`` to its record as a JSON-ready dict and
``doc._.report_data`` is the document record's dict.  ``span._.record_data`` is a span's dict;
``span._.record`` and ``doc._.report`` rebuild the pydantic models from them on demand.

Spans are made from character offsets with ``alignment_mode="expand"``: a fact whose edge falls
inside a token (a word segmenter such as pkuseg or jieba) is kept, the span widened to the token
boundaries, while ``span._.record.text`` and its ``start``/``end`` stay the fact's own; with
``spacy.blank("zh")``'s default character segmentation every span is exact.

Config (``nlp.add_pipe("report_facts", config={...})``): ``spans_key`` (the metrics' span
group, default ``"metrics"``), ``sections_key`` (``"sections"``) and ``items_key``
(``"items"``), each ``None`` to leave that group out; ``rules`` and ``indicators``, paths of
files that replace the packaged ``rules.toml`` and ``indicators.toml``.  The component is
registered through the ``spacy_factories`` entry point, so ``add_pipe`` works without importing
this module.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from spacy.language import Language
from spacy.tokens import Doc, Span

from .models import DocumentInfo, validate_record
from .pipeline import Extractor, get_extractor

__all__ = ["ReportFacts", "make_report_facts"]

#: The largest integer msgpack (spaCy's serialisation) stores; a larger value is kept as text.
_INT64_MAX = 2**63 - 1


def _record_data(span: Span) -> dict[str, Any] | None:
    facts = span.doc._.report_facts
    return None if facts is None else facts.get(span.id_)


def _record(span: Span) -> BaseModel | None:
    data = _record_data(span)
    return None if data is None else validate_record(data)


def _report(doc: Doc) -> DocumentInfo | None:
    data = doc._.report_data
    return None if data is None else DocumentInfo.model_validate(data)


for _name, _getter in (("record_data", _record_data), ("record", _record)):
    if not Span.has_extension(_name):
        Span.set_extension(_name, getter=_getter)
for _name, _default in (("report_facts", None), ("report_data", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)
if not Doc.has_extension("report"):
    Doc.set_extension("report", getter=_report)


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    """A record dict msgpack can store: integers beyond 64 bits as text (exact either way)."""
    return {k: str(v) if isinstance(v, int) and abs(v) > _INT64_MAX else v for k, v in record.items()}


class ReportFacts:
    """Puts metrics, sections and focus items of the text in ``doc.spans``."""

    def __init__(
        self,
        name: str = "report_facts",
        *,
        spans_key: str | None = "metrics",
        sections_key: str | None = "sections",
        items_key: str | None = "items",
        extractor: Extractor | None = None,
    ) -> None:
        self.name = name
        self.keys = {"metric": spans_key, "section": sections_key, "focus_item": items_key}
        self._extractor = extractor

    def __call__(self, doc: Doc) -> Doc:
        extractor = self._extractor or get_extractor()
        result = extractor.extract(doc.text)
        groups: dict[str, list[Span]] = {key: [] for key in self.keys.values() if key is not None}
        facts: dict[str, dict[str, Any]] = {}
        metrics = 0
        for record in result.records:
            kind = str(getattr(record, "type", ""))
            key = self.keys.get(kind)
            if key is None:
                continue
            data = _plain(record.model_dump(mode="json"))
            if kind == "metric":
                metrics += 1
                span_id, label = f"metric:{metrics}", str(data["kind"])
            else:
                span_id, label = f"{kind}:{data['id']}", kind
            span = doc.char_span(
                data["start"], data["end"], label=label, alignment_mode="expand", span_id=span_id
            )
            if span is None:  # only for an empty span: nothing to point at
                continue
            facts[span_id] = data
            groups[key].append(span)
        for key, spans in groups.items():
            doc.spans[key] = spans
        doc._.report_facts = facts
        doc._.report_data = _plain(result.document.model_dump(mode="json"))
        return doc


@Language.factory(
    "report_facts",
    default_config={
        "spans_key": "metrics",
        "sections_key": "sections",
        "items_key": "items",
        "rules": None,
        "indicators": None,
    },
)
def make_report_facts(
    nlp: Language,
    name: str,
    spans_key: str | None,
    sections_key: str | None,
    items_key: str | None,
    rules: str | None,
    indicators: str | None,
) -> ReportFacts:
    """Factory for ``nlp.add_pipe("report_facts", config={...})``."""
    extractor = None
    if rules is not None or indicators is not None:
        from .lexicon import load_lexicon_with

        extractor = Extractor(load_lexicon_with(rules=rules, indicators=indicators))
    return ReportFacts(
        name, spans_key=spans_key, sections_key=sections_key, items_key=items_key, extractor=extractor
    )

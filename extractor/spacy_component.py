"""The ``report_facts`` spaCy component.

>>> import spacy
>>> nlp = spacy.blank("zh")
>>> _ = nlp.add_pipe("report_facts")
>>> doc = nlp("全区182名领导干部包联4385户企业。")
>>> [(s.text, s.label_, s._.record.object) for s in doc.spans["metrics"]]
[('182名', 'count', '领导干部'), ('4385户', 'count', '企业')]

Spans are made from character offsets with ``alignment_mode="expand"``, so a fact whose edge
falls inside a token (with a word segmenter such as pkuseg or jieba) is kept, widened to the
token; with ``spacy.blank("zh")``'s default character segmentation every span is exact.
The component is registered through the ``spacy_factories`` entry point, so ``add_pipe`` works
without importing this module.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from .pipeline import get_extractor

__all__ = ["ReportFacts", "make_report_facts"]

if not Span.has_extension("record"):
    Span.set_extension("record", default=None)
if not Doc.has_extension("report"):
    Doc.set_extension("report", default=None)


class ReportFacts:
    """Puts metrics, sections and focus items of the text in ``doc.spans``."""

    def __init__(self, name: str = "report_facts") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        result = get_extractor().extract(doc.text)
        groups: dict[str, list[Span]] = {"metrics": [], "sections": [], "items": []}
        for record in result.records:
            kind = getattr(record, "type", "")
            key, label = {
                "metric": ("metrics", getattr(record, "kind", "")),
                "section": ("sections", "section"),
                "focus_item": ("items", "focus_item"),
            }.get(kind, ("", ""))
            if not key:
                continue
            start: int = getattr(record, "start")  # noqa: B009 - records of these types have spans
            end: int = getattr(record, "end")  # noqa: B009
            span = doc.char_span(start, end, label=label, alignment_mode="expand")
            if span is None:  # only for an empty span: nothing to point at
                continue
            span._.record = record
            groups[key].append(span)
        for key, spans in groups.items():
            doc.spans[key] = spans
        doc._.report = result.document
        return doc


@Language.factory("report_facts")
def make_report_facts(nlp: Language, name: str) -> ReportFacts:
    """Factory for ``nlp.add_pipe("report_facts")``."""
    return ReportFacts(name)

"""The report_facts spaCy component."""

from __future__ import annotations

import pytest

spacy = pytest.importorskip("spacy")

TEXT = (
    "一、工作回顾\n一是聚焦项目建设，完成投资8000余万。二是聚焦民生，新建学校3所。\n"
    "二、今年目标\n地区生产总值增长6%左右。"
)


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    nlp = spacy.blank("zh")
    nlp.add_pipe("report_facts")  # registered by entry point: no import of extractor needed here
    return nlp


def test_metrics_are_spans_labelled_by_kind(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(TEXT)
    spans = doc.spans["metrics"]
    assert [(s.text, s.label_) for s in spans] == [
        ("8000余万", "money"),
        ("3所", "count"),
        ("6%左右", "percent"),
    ]
    assert str(spans[0]._.record.value) == "80000000"
    assert spans[2]._.record.indicator == "gdp"
    assert spans[2]._.record.status == "target"


def test_sections_and_items(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(TEXT)
    assert [s._.record.heading for s in doc.spans["sections"]] == ["工作回顾", "今年目标"]
    assert [s._.record.topic for s in doc.spans["items"]] == ["项目建设", "民生"]
    assert doc._.report.counts["metric"] == 3


def test_spans_are_exact_with_character_tokens(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(TEXT)
    for span in doc.spans["metrics"]:
        assert span.start_char == span._.record.start
        assert span.end_char == span._.record.end


def test_word_tokens_never_drop_a_fact() -> None:
    # A tokenizer whose tokens straddle the fact's edges: the span is widened, not dropped.
    from spacy.tokens import Doc

    nlp = spacy.blank("zh")
    nlp.tokenizer = lambda text: Doc(nlp.vocab, words=["全区182", "名领导干部"], spaces=[False, False])
    nlp.add_pipe("report_facts")
    doc = nlp("全区182名领导干部")
    [span] = doc.spans["metrics"]
    assert span.text == "全区182名领导干部"
    assert span._.record.text == "182名"


def test_empty_text(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("")
    assert list(doc.spans["metrics"]) == []

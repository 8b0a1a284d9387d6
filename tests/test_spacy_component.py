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


# ---- Issue 13.13: plain data on extensions, serialisation, worker processes, config ---------


def _facts(doc) -> list[tuple[str, str, str, object]]:  # type: ignore[no-untyped-def]
    return [
        (key, s.text, s.label_, s._.record.model_dump(mode="json"))
        for key in ("metrics", "sections", "items")
        for s in doc.spans[key]
    ]


def test_extension_attributes_hold_plain_data(nlp) -> None:  # type: ignore[no-untyped-def]
    import json

    doc = nlp(TEXT)
    data = doc.spans["metrics"][0]._.record_data
    assert isinstance(data, dict) and data["text"] == "8000余万" and data["value"] == 80000000
    json.dumps(list(doc.user_data.values()))  # nothing but plain values in user_data
    for value in doc.user_data.values():
        assert isinstance(value, (dict, list, str, int, float, type(None))), type(value)
    assert isinstance(doc._.report_data, dict)
    assert doc._.report.counts == doc._.report_data["counts"]


def test_doc_to_bytes_round_trip(nlp) -> None:  # type: ignore[no-untyped-def]
    from spacy.tokens import Doc

    doc = nlp(TEXT)
    again = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert _facts(again) == _facts(doc)
    assert again._.report == doc._.report


def test_docbin_with_user_data_round_trip(nlp) -> None:  # type: ignore[no-untyped-def]
    from spacy.tokens import DocBin

    docs = [nlp(TEXT), nlp("新建学校3所。")]
    data = DocBin(docs=docs, store_user_data=True).to_bytes()
    again = list(DocBin().from_bytes(data).get_docs(nlp.vocab))
    assert [_facts(d) for d in again] == [_facts(d) for d in docs]


def test_pipe_with_two_processes(nlp) -> None:  # type: ignore[no-untyped-def]
    texts = [TEXT, "新建学校3所。", "城镇新增就业1.2万人。", TEXT]
    single = [_facts(d) for d in nlp.pipe(texts)]
    assert [_facts(d) for d in nlp.pipe(texts, n_process=2, batch_size=1)] == single


def test_a_section_and_an_item_on_the_same_span_keep_their_own_records() -> None:
    nlp = spacy.blank("zh")
    nlp.add_pipe("report_facts")
    doc = nlp(TEXT)
    keys = [s.id_ for group in ("metrics", "sections", "items") for s in doc.spans[group]]
    assert len(keys) == len(set(keys))


def test_config_names_the_span_groups() -> None:
    nlp = spacy.blank("zh")
    nlp.add_pipe("report_facts", config={"spans_key": "facts", "sections_key": "parts", "items_key": None})
    doc = nlp(TEXT)
    assert [s.text for s in doc.spans["facts"]] == ["8000余万", "3所", "6%左右"]
    assert [s._.record.heading for s in doc.spans["parts"]] == ["工作回顾", "今年目标"]
    assert "metrics" not in doc.spans and "items" not in doc.spans


def test_config_takes_an_indicator_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "indicators.toml"
    path.write_text(
        '[[indicator]]\nid = "output"\nname = "产出"\naliases = ["地区生产总值"]\n', encoding="utf-8"
    )
    nlp = spacy.blank("zh")
    nlp.add_pipe("report_facts", config={"indicators": str(path)})
    doc = nlp(TEXT)
    assert doc.spans["metrics"][2]._.record.indicator == "output"
    config = nlp.config["components"]["report_facts"]
    assert config["indicators"] == str(path)


def test_config_with_a_missing_rule_file_names_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from extractor.lexicon import LexiconError

    nlp = spacy.blank("zh")
    with pytest.raises(LexiconError, match=r"nope\.toml"):
        nlp.add_pipe("report_facts", config={"rules": str(tmp_path / "nope.toml")})


def test_the_pipeline_saves_and_loads(nlp, tmp_path) -> None:  # type: ignore[no-untyped-def]
    nlp.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model")
    assert _facts(loaded(TEXT)) == _facts(nlp(TEXT))

"""Whole-document properties: offsets, order, ids, empty and structureless documents."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import extractor
from extractor.models import MetricBase
from extractor.pipeline import Extractor

REPORT_ALPHABET = [
    *"0123456789１２３.%％万亿千百十一二三四五六七八九两零余多约近以上下内左右个名项元人年月日",
    *"第是、，。；：“”\n 增长下降提高目标力争PM",
    "千米",
    "平方米",
    "个百分点",
    "公里",
    "吨",
    "亿元",
    "万元",
    "一是",
    "二是",
    "（一）",
    "一、",
    "聚焦",
    "—3—",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(REPORT_ALPHABET), max_size=60).map("".join))
def test_any_text_gives_valid_records_with_exact_offsets(extractor_instance: Extractor, text: str) -> None:
    res = extractor_instance.extract(text, "x.txt")
    for rec in res.records:
        assert res.text[rec.start : rec.end] == rec.text  # type: ignore[attr-defined]
        extractor.validate_record(json.loads(json.dumps(rec.model_dump(mode="json"))))
    assert res.document.chars == len(text)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_arbitrary_unicode_never_raises(extractor_instance: Extractor, text: str) -> None:
    res = extractor_instance.extract(text)
    for m in res.metrics:
        assert text[m.start : m.end] == m.text


@pytest.mark.parametrize(
    "text",
    ["", "\n\n", "没有任何数字的一段话。", "2023年3月5日"],
    ids=["empty", "blank", "no_numbers", "date"],
)
def test_documents_without_facts(text: str) -> None:
    res = extractor.extract(text)
    assert res.metrics == []
    assert [r for r in res.records if r.type == "section"] == []  # type: ignore[attr-defined]
    assert res.document.chars == len(text)


def test_empty_document_has_a_warning() -> None:
    assert extractor.extract("").document.warnings == ["the document is empty"]


def test_metrics_carry_section_and_item_ids() -> None:
    text = (
        "一、工作回顾\n一是聚焦项目建设，完成投资8000余万。二是聚焦民生，新建学校3所。\n"
        "二、今年目标\n城镇新增就业1.2万人以上。\n"
    )
    res = extractor.extract(text)
    by_text = {m.text: m for m in res.metrics}
    assert by_text["8000余万"].section_id == "s1"
    assert by_text["8000余万"].item_id == "s1.i1"
    assert by_text["3所"].item_id == "s1.i2"
    assert by_text["1.2万人以上"].section_id == "s2"
    assert by_text["1.2万人以上"].item_id is None
    assert by_text["1.2万人以上"].status == "target"
    assert by_text["1.2万人以上"].indicator == "urban_new_jobs"


def test_document_record() -> None:
    res = extractor.extract("青川县2025年工作总结\n全年完成投资12亿元。", "a.txt")
    doc = res.document
    assert doc.title == "青川县2025年工作总结"
    assert doc.counts == {"metric": 1}
    assert len(doc.sha256) == 64
    assert isinstance(res.metrics[0], MetricBase)


def test_dataframe() -> None:
    df = extractor.to_dataframe(extractor.extract("增长5%左右，完成投资12亿元。"))
    assert list(df["unit"]) == ["%", "元"]
    assert str(df["value"][1]) == "1200000000"

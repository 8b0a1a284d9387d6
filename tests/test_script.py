"""Traditional Chinese: every report of corpora/ in Traditional gives the metrics of the original.

The Traditional copies are made here with OpenCC's ``s2t`` (no files are checked in).  Compared
per metric: offsets, value, bounds, unit (canonical name), qualifier, kind, object (in Simplified:
the copy the rules read), indicator, direction, status and period; ``text`` is the Traditional
text as written, and indexes it.
"""

from __future__ import annotations

from typing import Any

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from extractor.cli import app
from extractor.pipeline import Extraction, Extractor
from extractor.script import detect_script, to_simplified

from .conftest import CORPORA

NAMES = sorted(p.stem for p in CORPORA.glob("*.txt"))
S2T = opencc.OpenCC("s2t")


def _facts(result: Extraction) -> list[tuple[Any, ...]]:
    return [
        (
            m.start,
            m.end,
            m.value,
            m.value_max,
            m.unit.name if m.unit else None,
            m.qualifier,
            m.kind,
            m.object,
            m.indicator,
            m.direction,
            m.status,
            m.period,
            m.section_id,
            m.item_id,
        )
        for m in result.metrics
    ]


@pytest.fixture(scope="module")
def pairs(extractor_instance: Extractor) -> dict[str, tuple[Extraction, Extraction]]:
    out = {}
    for name in NAMES:
        text = (CORPORA / f"{name}.txt").read_text(encoding="utf-8")
        traditional = S2T.convert(text)
        out[name] = (extractor_instance.extract(text, name), extractor_instance.extract(traditional, name))
    return out


@pytest.mark.parametrize("name", NAMES)
def test_a_traditional_copy_gives_the_same_metrics(
    name: str, pairs: dict[str, tuple[Extraction, Extraction]]
) -> None:
    simplified, traditional = pairs[name]
    assert simplified.text != traditional.text  # the copy really is Traditional
    assert simplified.document.script == "simplified"
    assert traditional.document.script == "traditional"
    assert len(simplified.metrics) > 20
    assert _facts(traditional) == _facts(simplified)
    assert traditional.document.counts == simplified.document.counts


@pytest.mark.parametrize("name", NAMES)
def test_traditional_offsets_index_the_traditional_text(
    name: str, pairs: dict[str, tuple[Extraction, Extraction]]
) -> None:
    _, traditional = pairs[name]
    for rec in traditional.records:
        if hasattr(rec, "start"):
            assert traditional.text[rec.start : rec.end] == rec.text  # type: ignore[attr-defined]
    assert any(m.text != to_simplified(m.text) for m in traditional.metrics)  # 億, 萬, 點 as written


TRADITIONAL = [
    ("三千億美元", "三千亿美元", "300000000000", "美元"),
    ("增長百分之五點五", "增长百分之五点五", "5.5", "%"),
    ("城鎮新增就業1.2萬人", "城镇新增就业1.2万人", "12000", "人"),
    ("糧食產量達到1.3萬億斤", "粮食产量达到1.3万亿斤", "1300000000000", "斤"),
]


@pytest.mark.parametrize(
    ("text", "simplified", "value", "unit"), TRADITIONAL, ids=[t[0] for t in TRADITIONAL]
)
def test_traditional_numbers(
    extractor_instance: Extractor, text: str, simplified: str, value: str, unit: str
) -> None:
    assert to_simplified(text) == simplified
    (metric,) = extractor_instance.extract(f"全年{text}。").metrics
    assert (str(metric.value), metric.unit.name if metric.unit else None) == (value, unit)
    assert metric.text == f"全年{text}。"[metric.start : metric.end]


def test_script_option(extractor_instance: Extractor) -> None:
    text = "全年地區生產總值三千億美元，增長百分之五點五。"
    as_simplified = Extractor(script="simplified").extract(text)
    assert as_simplified.document.script == "simplified"
    assert "三千億美元" not in [m.text for m in as_simplified.metrics]  # what issue 12 was about
    forced = Extractor(script="traditional").extract(text)
    assert [m.text for m in forced.metrics] == ["三千億美元", "百分之五點五"]
    assert _facts(forced) == _facts(extractor_instance.extract(text))
    with pytest.raises(ValueError, match="script must be one of"):
        Extractor(script="cantonese")  # type: ignore[arg-type]


def test_script_on_the_command_line() -> None:
    runner = CliRunner()
    text = "全年地區生產總值三千億美元。"
    res = runner.invoke(app, ["extract", "-", "-q", "--script", "simplified"], input=text)
    assert '"三千億美元"' not in res.stdout and '"script": "simplified"' in res.stdout
    res = runner.invoke(app, ["extract", "-", "-q"], input=text)
    assert '"text": "三千億美元"' in res.stdout and '"script": "traditional"' in res.stdout


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("國務院關於預算執行情況的報告", "traditional"),
        ("国务院关于预算执行情况的报告", "simplified"),
        ("国务院报告引用“臺灣”一词", "simplified"),
        ("2025 GDP 5%", "simplified"),
        ("", "simplified"),
    ],
    ids=["traditional", "simplified", "simplified-quoting-traditional", "no-han", "empty"],
)
def test_detect_script(text: str, script: str) -> None:
    assert detect_script(text) == script


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x3400, max_codepoint=0x9FFF), max_size=40))
def test_conversion_keeps_the_length(text: str) -> None:
    assert len(to_simplified(text)) == len(text)


@pytest.mark.parametrize("name", NAMES)
def test_simplified_corpora_are_left_alone(name: str) -> None:
    text = (CORPORA / f"{name}.txt").read_text(encoding="utf-8")
    assert detect_script(text) == "simplified"
    assert to_simplified(S2T.convert(text)) == text  # the round trip is exact on our corpora


class _Shrinking:
    """A converter whose phrase table maps a phrase to a shorter one (OpenCC's does not today)."""

    def convert(self, text: str) -> str:
        return text.replace("萬億", "兆")


def test_a_conversion_that_changes_length_falls_back_to_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    from extractor import script

    conv = script._converters()
    monkeypatch.setattr(conv, "t2s", _Shrinking())
    text = "糧食產量達到1.3萬億斤"
    assert to_simplified(text) == "粮食产量达到1.3万亿斤"
    assert len(to_simplified(text)) == len(text)


def test_a_lone_surrogate_does_not_stop_the_conversion() -> None:
    # Found by `make fuzz` (13 of a million inputs): OpenCC takes UTF-8, which a lone surrogate
    # (text from bytes that were not text) cannot be encoded in.
    import extractor
    from extractor.script import to_simplified

    assert to_simplified("\udae1鵟億萬") == "\udae1𫛭亿万"
    r = extractor.extract("\udae1億萬元增長5%")
    assert [m.text for m in r.metrics] == ["5%"]


@pytest.mark.parametrize(
    ("text", "as_written"),
    [
        ("全年地区生产总值增长5%，新增就业1.2万人", True),
        ("全年地區生產總值增長5%", False),  # Traditional-only characters: detection reads them
        ("⼀是聚焦⼯业", False),  # Kangxi radicals: folding changes them
        ("\uf9b2人员", False),  # a compatibility ideograph (U+F9B2, 零)
    ],
)
def test_one_scan_tells_a_text_read_as_written(text: str, as_written: bool) -> None:
    """The pipeline's shortcut: no character that detection counts or folding changes, so the
    text is Simplified and unfolded, with the records the long way gives."""
    from extractor.normalize import fold_ideographs
    from extractor.pipeline import _as_written

    assert (_as_written(text) is None) is as_written
    if as_written:
        assert detect_script(text) == "simplified" and fold_ideographs(text) == text
    auto, chosen = Extractor(script="auto"), Extractor(script=detect_script(text))
    assert auto.extract(text).to_jsonl() == chosen.extract(text).to_jsonl()

"""Tests of extractor.structure: sections, enumerated items and declared counts.

All texts here are invented for the tests.  The real reports in ../shared are only read by
the tests at the end, which skip when the folder is absent.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on 3.10
    import tomli as tomllib

if importlib.util.find_spec("extractor") is None:  # not installed: run from the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractor.structure import (
    DeclaredCount,
    ItemSpan,
    SectionSpan,
    Structure,
    StructureVocabulary,
    find_structure,
    load_vocabulary,
)

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
CORPORA = SHARED / "corpora"


def secs(text: str) -> list[tuple[str | None, int, str]]:
    return [(s.marker, s.level, s.heading) for s in find_structure(text).sections]


def check_invariants(text: str, s: Structure) -> None:
    n = len(text)
    by_id = {x.id: x for x in s.sections}
    assert len(by_id) == len(s.sections)
    assert len({x.id for x in s.items}) == len(s.items)
    for x in s.sections:
        assert 0 <= x.start <= x.end <= n
        assert x.level >= 1 and x.index >= 1
        if x.parent_id is not None:
            p = by_id[x.parent_id]
            assert p.start <= x.start and x.end <= p.end and p.level < x.level
        else:
            assert x.level == 1
    for it in s.items:
        assert 0 <= it.start <= it.end <= n
        if it.section_id is not None:
            p = by_id[it.section_id]
            assert p.start <= it.start and it.end <= p.end
    for c in s.checks:
        assert 0 <= c.start <= c.end <= n and c.ok == (c.declared == c.found)


# --------------------------------------------------------------------------------------------
# Headings
# --------------------------------------------------------------------------------------------

HEADING_CASES = [
    pytest.param(
        "一、基本情况\n今年以来运行平稳。\n二、存在问题\n短板仍然明显。",
        [("一、", 1, "基本情况"), ("二、", 1, "存在问题")],
        id="chinese-own-line",
    ),
    pytest.param(
        "（一）坚持稳中求进，夯实发展基础。全年新修道路12公里。\n（二）坚持改革创新，激发市场活力。新设企业300家。",
        [("（一）", 1, "坚持稳中求进，夯实发展基础"), ("（二）", 1, "坚持改革创新，激发市场活力")],
        id="paren-inline-heading-top-level",
    ),
    pytest.param(
        "(一)抓项目。新开工5个。\n(二)抓招商。签约8个。",
        [("(一)", 1, "抓项目"), ("(二)", 1, "抓招商")],
        id="ascii-paren",
    ),
    pytest.param(
        "1.农业方面。新建高标准农田2万亩。\n2.工业方面。新增规上企业30家。",
        [("1.", 1, "农业方面"), ("2.", 1, "工业方面")],
        id="arabic-dot",
    ),
    pytest.param(
        "1、农业方面。内容甲。\n2、工业方面。内容乙。",
        [("1、", 1, "农业方面"), ("2、", 1, "工业方面")],
        id="arabic-dun",
    ),
    pytest.param(
        "１．农业方面。内容甲。\n２．工业方面。内容乙。",
        [("１．", 1, "农业方面"), ("２．", 1, "工业方面")],
        id="fullwidth-arabic",
    ),
    pytest.param(
        "（1）粮食生产。内容甲。\n（2）蔬菜供应。内容乙。",
        [("（1）", 1, "粮食生产"), ("（2）", 1, "蔬菜供应")],
        id="arabic-paren",
    ),
    pytest.param(
        "1）粮食生产。内容甲。\n2）蔬菜供应。内容乙。",
        [("1）", 1, "粮食生产"), ("2）", 1, "蔬菜供应")],
        id="arabic-half-paren",
    ),
    pytest.param(
        "一.基本情况\n内容。\n二.存在问题\n内容。",
        [("一.", 1, "基本情况"), ("二.", 1, "存在问题")],
        id="chinese-dot",
    ),
    pytest.param(
        "一、三个统筹\n内容。\n二、两个确保\n内容。",
        [("一、", 1, "三个统筹"), ("二、", 1, "两个确保")],
        id="heading-starting-with-numeral",
    ),
    pytest.param(
        "①道路建设。内容甲。\n②桥梁建设。内容乙。",
        [("①", 1, "道路建设"), ("②", 1, "桥梁建设")],
        id="circled",
    ),
    pytest.param(
        "第一，坚持党建引领。内容甲。\n第二，坚持人民至上。内容乙。",
        [("第一，", 1, "坚持党建引领"), ("第二，", 1, "坚持人民至上")],
        id="ordinal-line-start",
    ),
    pytest.param(
        "第一部分 过去一年工作回顾\n内容甲。\n第二部分 今年工作安排\n内容乙。",
        [("第一部分", 1, "过去一年工作回顾"), ("第二部分", 1, "今年工作安排")],
        id="part",
    ),
    pytest.param(
        "　　一、总体情况\n　　内容甲。\n　　二、重点工作\n　　内容乙。",
        [("一、", 1, "总体情况"), ("二、", 1, "重点工作")],
        id="indented",
    ),
    pytest.param(
        "十、教育\n内容。\n十一、卫生\n内容。",
        [],
        id="sequence-must-start-at-one",
    ),
    pytest.param(
        "九、教育\n十、卫生\n十一、文化\n十二、体育",
        [],
        id="no-start-no-sections",
    ),
]


@pytest.mark.parametrize(("text", "expected"), HEADING_CASES)
def test_heading_styles(text: str, expected: list[tuple[str | None, int, str]]) -> None:
    assert secs(text) == expected
    check_invariants(text, find_structure(text))


def test_nested_levels_and_restart_under_new_parent() -> None:
    text = (
        "一、工作回顾\n（一）抓产业。内容甲。\n（二）抓民生。内容乙。\n"
        "二、工作安排\n（一）稳增长。内容丙。\n1.扩消费。内容丁。\n2.促投资。内容戊。\n（二）促改革。内容己。\n"
    )
    s = find_structure(text)
    got = [(x.id, x.marker, x.level, x.index, x.parent_id) for x in s.sections]
    assert got == [
        ("s1", "一、", 1, 1, None),
        ("s1.1", "（一）", 2, 1, "s1"),
        ("s1.2", "（二）", 2, 2, "s1"),
        ("s2", "二、", 1, 2, None),
        ("s2.1", "（一）", 2, 1, "s2"),
        ("s2.1.1", "1.", 3, 1, "s2.1"),
        ("s2.1.2", "2.", 3, 2, "s2.1"),
        ("s2.2", "（二）", 2, 2, "s2"),
    ]
    by = {x.id: x for x in s.sections}
    assert by["s1"].start == 0 and by["s1"].end == by["s2"].start == text.index("二、")
    assert by["s2.1.2"].end == by["s2.2"].start
    assert by["s2"].end == len(text)
    check_invariants(text, s)


def test_higher_style_after_lower_becomes_level_one() -> None:
    text = "（一）引言甲。\n（二）引言乙。\n一、正文\n（一）分项。\n（二）分项。\n二、结语\n"
    assert [(m, lv) for m, lv, _ in secs(text)] == [
        ("（一）", 1), ("（二）", 1), ("一、", 1), ("（一）", 2), ("（二）", 2), ("二、", 1),
    ]  # fmt: skip


def test_out_of_sequence_marker_is_text() -> None:
    text = "（一）甲项。内容。\n（二）乙项。内容。\n（四）错号。内容。\n（三）丙项。内容。\n"
    assert [m for m, _, _ in secs(text)] == ["（一）", "（二）", "（三）"]


def test_long_inline_heading_is_cut() -> None:
    body = "坚持" + "稳" * 70 + "，其余部分。"
    text = f"（一）{body}内容。\n（二）短标题。内容。"
    heading = find_structure(text).sections[0].heading
    assert len(heading) <= 60 and heading.startswith("坚持")


def test_heading_on_next_line() -> None:
    text = "第一部分\n发展回顾\n内容。\n第二部分\n工作安排\n内容。"
    assert secs(text) == [("第一部分", 1, "发展回顾"), ("第二部分", 1, "工作安排")]


def test_inline_heading_after_sentence_end_in_run_on_text() -> None:
    text = "各位代表：一年来成绩来之不易。一、工作回顾全年增长平稳。二、工作安排今年继续努力。"
    got = secs(text)
    assert [m for m, _, _ in got] == ["一、", "二、"]


def test_the_inline_heading_pattern_that_takes_the_sentence_end_finds_what_the_look_behind_finds() -> None:
    import random

    import regex

    from extractor.structure import _patterns

    fast = _patterns().heading_inline
    assert fast.pattern.startswith("[")  # the built-in vocabulary gets the fast form
    ends = fast.pattern.index("]") + 1
    slow = regex.compile(f"(?<={fast.pattern[:ends]})" + fast.pattern[ends:])
    rng = random.Random(3)
    pieces = [*"。！?一十二、．.（）()5是\n", " ", "\u3000"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))) for _ in range(5000)]

    def spans(p: Any, text: str) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
        return [(m.span("m"), m.groupdict()) for m in p.finditer(text)]

    found = 0
    for text in texts:
        assert spans(fast, text) == spans(slow, text), text
        found += len(spans(fast, text))
    assert found > 400


# --------------------------------------------------------------------------------------------
# Themed openers
# --------------------------------------------------------------------------------------------

THEMED = (
    "标题：以“三劲”推动落实\n"
    "全镇以“三劲”推动落实。\n"
    "同心一条路，以“闯劲”开拓市场。一是聚焦招商引资，打好“主动仗”。新签项目。"
    "二是聚焦项目建设，跑出“加速度”。开工项目。\n"
    "筑起一道坝，以“韧劲”守住底线。一是聚焦安全生产，拧紧“安全阀”。排查隐患。"
    "二是聚焦信访化解，架起“连心桥”。化解矛盾。\n"
    "点亮一盏灯，以“暖劲”服务群众。一是聚焦就业帮扶，端稳“饭碗”。新增岗位。"
    "二是聚焦养老服务，织密“保障网”。新建站点。\n"
)


def test_themed_openers() -> None:
    s = find_structure(THEMED)
    got = [(x.marker, x.level, x.heading, x.theme, x.action) for x in s.sections]
    assert got == [
        (None, 1, "同心一条路", "闯劲", "开拓市场"),
        (None, 1, "筑起一道坝", "韧劲", "守住底线"),
        (None, 1, "点亮一盏灯", "暖劲", "服务群众"),
    ]
    assert s.sections[0].start == THEMED.index("同心一条路")
    assert [(i.id, i.topic, i.slogan) for i in s.items[:2]] == [
        ("s1.i1", "招商引资", "打好“主动仗”"),
        ("s1.i2", "项目建设", "跑出“加速度”"),
    ]
    assert s.items[1].end == s.sections[1].start
    check_invariants(THEMED, s)


def test_single_themed_sentence_is_not_a_section() -> None:
    assert secs("同心一条路，以“闯劲”开拓市场。内容。\n其他内容。") == []


def test_themed_openers_under_numbered_heading() -> None:
    text = (
        "一、主要做法\n同心一条路，以“闯劲”开拓市场。内容。\n"
        "筑起一道坝，以“韧劲”守住底线。内容。\n二、下步打算\n内容。"
    )
    assert [(m, lv) for m, lv, _ in secs(text)] == [("一、", 1), (None, 2), (None, 2), ("二、", 1)]


# --------------------------------------------------------------------------------------------
# Enumerated items
# --------------------------------------------------------------------------------------------

ELEVEN = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一"]
ITEM_CASES = [
    pytest.param(
        "（一）强化保障。一是聚焦产业升级，跑出“加速度”。内容甲。二是聚焦民生改善，织密“保障网”。内容乙。",
        [("一是", 1, "产业升级", "跑出“加速度”"), ("二是", 2, "民生改善", "织密“保障网”")],
        id="shi-with-focus-and-slogan",
    ),
    pytest.param(
        "今年重点抓好三项工作：一是稳住农业生产，确保粮食丰收；二是扩大有效投资；三是优化营商环境。",
        [
            ("一是", 1, "稳住农业生产", None),
            ("二是", 2, "扩大有效投资", None),
            ("三是", 3, "优化营商环境", None),
        ],
        id="shi-plain",
    ),
    pytest.param(
        "主要做法有：一是抓班子，二是带队伍，三是促发展。",
        [("一是", 1, "抓班子", None), ("二是", 2, "带队伍", None), ("三是", 3, "促发展", None)],
        id="shi-after-commas",
    ),
    pytest.param(
        "我们的体会是：第一，必须坚持人民至上。第二，必须坚持改革创新。",
        [("第一，", 1, "必须坚持人民至上", None), ("第二，", 2, "必须坚持改革创新", None)],
        id="di-inline",
    ),
    pytest.param(
        "做好这项工作，首先要统一思想。其次，要压实责任。最后，要强化考核。",
        [("首先", 1, "要统一思想", None), ("其次", 2, "要压实责任", None), ("最后", 3, "要强化考核", None)],
        id="shouxian-qici-zuihou",
    ),
    pytest.param(
        "首先，摸清底数。再次，建立台账。",
        [("首先", 1, "摸清底数", None), ("再次", 2, "建立台账", None)],
        id="shouxian-zaici",
    ),
    pytest.param(
        "十分注重实效：" + "；".join(f"{n}是抓重点{i + 1}" for i, n in enumerate(ELEVEN)) + "。",
        [(f"{n}是", i + 1, f"抓重点{i + 1}", None) for i, n in enumerate(ELEVEN)],
        id="shi-up-to-eleven",
    ),
    pytest.param("群众评价说“一是一、二是二”，作风很实。", [], id="shi-inside-quotes"),
    pytest.param("推进统一是关键，第一是目标，唯一是方向。", [], id="shi-inside-words"),
    pytest.param("这再次表明，发展是硬道理。最后一公里问题得到解决。", [], id="zaici-zuihou-as-words"),
    pytest.param("全省排名全国第一，第二产业增长较快。", [], id="di-as-rank"),
    pytest.param("一是加强领导。", [], id="lone-shi"),
    pytest.param("首先要统一思想，确保落实到位。", [], id="lone-shouxian"),
    pytest.param("一是统一是否必要，二是否可行。", [], id="shi-fou"),
]


@pytest.mark.parametrize(("text", "expected"), ITEM_CASES)
def test_items(text: str, expected: list[tuple[str, int, str, str | None]]) -> None:
    s = find_structure(text)
    assert [(i.marker, i.ordinal, i.topic, i.slogan) for i in s.items] == expected
    check_invariants(text, s)


def test_item_spans_and_ids() -> None:
    text = "一、工作回顾\n一是抓产业，内容甲。二是抓民生，内容乙。\n二、工作安排\n内容丙。"
    s = find_structure(text)
    a, b = s.items
    assert (a.id, a.section_id, a.level, a.start) == ("s1.i1", "s1", 2, text.index("一是"))
    assert a.end == b.start == text.index("二是")
    assert b.end == s.sections[1].start  # the last item runs to the next section


def test_items_outside_sections_and_nesting() -> None:
    text = "第一，抓产业。一是建园区；二是引项目。第二，抓民生。一是稳就业；二是保基本。"
    s = find_structure(text)
    got = [(i.id, i.marker, i.level, i.section_id) for i in s.items]
    assert got == [
        ("i1", "第一，", 1, None),
        ("i2", "一是", 2, None),
        ("i3", "二是", 2, None),
        ("i4", "第二，", 1, None),
        ("i5", "一是", 2, None),
        ("i6", "二是", 2, None),
    ]
    first, inner = s.items[0], s.items[2]
    assert first.end == s.items[3].start and inner.end == s.items[3].start
    assert s.items[-1].end == len(text)
    check_invariants(text, s)


def test_two_runs_in_one_section() -> None:
    text = (
        "（一）抓项目。一是谋项目；二是建项目。此外，一是强服务；二是优环境；三是促落地。\n"
        "（二）抓改革。内容。"
    )
    s = find_structure(text)
    assert [(i.id, i.ordinal) for i in s.items] == [
        ("s1.i1", 1), ("s1.i2", 2), ("s1.i3", 1), ("s1.i4", 2), ("s1.i5", 3),
    ]  # fmt: skip


def test_line_start_items_under_heading() -> None:
    text = "一、工作回顾\n一是经济稳中有进。\n内容甲。\n二是民生持续改善。\n内容乙。\n二、工作安排\n内容。"
    s = find_structure(text)
    assert [(i.topic, i.section_id) for i in s.items] == [("经济稳中有进", "s1"), ("民生持续改善", "s1")]
    assert [x.marker for x in s.sections] == ["一、", "二、"]


# --------------------------------------------------------------------------------------------
# Declared counts
# --------------------------------------------------------------------------------------------

DECLARED_CASES = [
    pytest.param(
        "主要做了以下三个方面工作：\n（一）修路。内容。\n（二）建桥。内容。\n（三）通水。内容。",
        [("sections", 3, 3, True)],
        id="sections-match",
    ),
    pytest.param(
        "主要做了以下四个方面工作：\n（一）修路。内容。\n（二）建桥。内容。\n（三）通水。内容。",
        [("sections", 4, 3, False)],
        id="sections-mismatch",
    ),
    pytest.param(
        "一年来，主要抓了两个方面工作。\n（一）修路。内容。\n（二）建桥。内容。",
        [("sections", 2, 2, True)],
        id="sections-liang",
    ),
    pytest.param(
        "重点抓好以下3个方面的工作：\n1.修路。内容。\n2.建桥。内容。\n3.通水。内容。",
        [("sections", 3, 3, True)],
        id="sections-arabic-count",
    ),
    pytest.param(
        "我们干好三件大事：一是修路；二是建桥；三是通水。",
        [("items", 3, 3, True)],
        id="items-match",
    ),
    pytest.param(
        "重点抓好三项工作。一是修路。二是建桥。",
        [("items", 3, 2, False)],
        id="items-mismatch",
    ),
    pytest.param("做好以下几个方面：一是修路；二是建桥。", [], id="no-number"),
    pytest.param("共排查5个方面12个问题。一是整改；二是问责。", [], id="count-not-followed-by-colon"),
    pytest.param(
        "全年办好十方面民生实事。\n（一）修路。内容。\n（二）建桥。内容。", [], id="count-qualifies-noun"
    ),
    pytest.param(
        "重点抓好三个方面。" + "内容很长。" * 60 + "一是修路；二是建桥；三是通水。", [], id="too-far"
    ),
    pytest.param(
        "全镇以“三劲”推动落实。\n同心一条路，以“闯劲”开拓市场。内容。\n筑起一道坝，以“韧劲”守住底线。内容。",
        [("sections", 3, 2, False)],
        id="themes-mismatch",
    ),
    pytest.param(
        "围绕“三个聚焦”发力。\n（一）强基础。一是聚焦产业，内容。二是聚焦民生，内容。\n"
        "（二）促发展。一是聚焦生态，内容。二是抓改革，内容。",
        [("focus_items", 3, 3, True)],
        id="focus-count",
    ),
]


@pytest.mark.parametrize(("text", "expected"), DECLARED_CASES)
def test_declared_counts(text: str, expected: list[tuple[str, int, int, bool]]) -> None:
    s = find_structure(text)
    assert [(c.what, c.declared, c.found, c.ok) for c in s.checks] == expected
    for c in s.checks:
        assert text[c.start : c.end] == c.text
    check_invariants(text, s)


def test_declared_themes_match_in_themed_document() -> None:
    checks = find_structure(THEMED).checks
    assert [(c.what, c.declared, c.found, c.ok, c.text) for c in checks] == [
        ("sections", 3, 3, True, "“三劲”"),
        ("sections", 3, 3, True, "“三劲”"),
    ]


# --------------------------------------------------------------------------------------------
# Robustness: things that only look like structure
# --------------------------------------------------------------------------------------------

ROBUST_CASES = [
    pytest.param("今年我们重点推动一、三产业融合发展，成效明显。", [], id="dun-inside-sentence"),
    pytest.param("一、二季度增速较快。\n三、四季度有所回落。", [], id="numeral-list-at-line-start"),
    pytest.param("第一、二产业增加值分别增长3%和5%。\n", [], id="ordinal-numeral-list"),
    pytest.param("细颗粒物PM\n2.5年均浓度下降。\n3.6万人次参加培训。", [], id="broken-decimal"),
    pytest.param(
        "一、总体情况\n内容。\n—3—\n二、主要成效\n内容。\n- 4 -\n第5页\n",
        [("一、", 1, "总体情况"), ("二、", 1, "主要成效")],
        id="page-footers",
    ),
    pytest.param("1.  地区生产总值    1234    5.6\n2.  工业增加值    567    4.3\n", [], id="table-spaces"),
    pytest.param("1.\t地区生产总值\t1234\n2.\t工业增加值\t567\n", [], id="table-tabs"),
    pytest.param("1. 2024\n2. 2025\n", [], id="numbers-only"),
    pytest.param("", [], id="empty"),
    pytest.param("   \n\n", [], id="blank"),
    pytest.param("今年经济运行总体平稳，主要指标好于预期。", [], id="plain-paragraph"),
    pytest.param("123 456\n7890\n3.14\n", [], id="only-numbers"),
]


@pytest.mark.parametrize(("text", "expected"), ROBUST_CASES)
def test_robustness(text: str, expected: list[tuple[str | None, int, str]]) -> None:
    s = find_structure(text)
    assert secs(text) == expected
    if not expected:
        assert s.items == () and s.checks == ()
    check_invariants(text, s)


def test_empty_structure_locate() -> None:
    s = find_structure("")
    assert (s.sections, s.items, s.checks) == ((), (), ())
    assert s.locate(0) == (None, None)


APPENDIX_MAIN = "一、工作回顾\n内容甲。\n二、工作安排\n内容乙。\n三、自身建设\n内容丙。\n"
APPENDIX_LIST = (
    "一、新建学校两所。\n具体内容。\n二、改造道路五条。\n具体内容。\n三、新增床位百张。\n具体内容。\n"
    "四、建设公园两个。\n具体内容。\n五、增加公交线路。\n具体内容。\n"
)


def test_appendix_with_cue_is_its_own_part() -> None:
    text = (
        APPENDIX_MAIN
        + "附件1\n今年十件民生实事\n"
        + APPENDIX_LIST
        + "附件2\n名词解释\n1.“三保”：指保基本。\n2.“两新”：指设备更新。\n"
    )
    s = find_structure(text)
    top = [(x.marker, x.heading) for x in s.sections if x.level == 1]
    assert top == [
        ("一、", "工作回顾"),
        ("二、", "工作安排"),
        ("三、", "自身建设"),
        ("附件1", "今年十件民生实事"),
        ("附件2", "名词解释"),
    ]
    appendix = s.sections[3]
    kids = [x for x in s.sections if x.parent_id == appendix.id]
    assert [x.marker for x in kids] == ["一、", "二、", "三、", "四、", "五、"]
    assert s.sections[2].end == appendix.start == text.index("附件1")
    check_invariants(text, s)


def test_appendix_list_without_cue_does_not_break_tree() -> None:
    text = APPENDIX_MAIN + "今年十件民生实事\n" + APPENDIX_LIST
    s = find_structure(text)
    assert [(x.marker, x.level) for x in s.sections] == [("一、", 1), ("二、", 1), ("三、", 1)]
    assert s.sections[-1].end == len(text)


def test_note_block() -> None:
    text = "一、综合\n内容。\n二、农业\n内容。\n注释：\n1.本公报数据为初步统计数。\n2.增速按可比价计算。\n"
    s = find_structure(text)
    assert [(x.marker, x.level, x.heading) for x in s.sections] == [
        ("一、", 1, "综合"),
        ("二、", 1, "农业"),
        (None, 1, "注释"),
        ("1.", 2, "本公报数据为初步统计数"),
        ("2.", 2, "增速按可比价计算"),
    ]


def test_note_in_mid_document_belongs_to_its_section() -> None:
    text = "一、综合\n内容。\n注：\n1.本表为快报数。\n2.增速按可比价。\n二、农业\n内容。\n三、工业\n内容。\n"
    s = find_structure(text)
    assert [(x.id, x.marker, x.level) for x in s.sections] == [
        ("s1", "一、", 1),
        ("s1.1", None, 2),
        ("s1.1.1", "1.", 3),
        ("s1.1.2", "2.", 3),
        ("s2", "二、", 1),
        ("s3", "三、", 1),
    ]
    check_invariants(text, s)


def test_two_notes_in_mid_document() -> None:
    text = (
        "一、综合\n内容。\n注：\n1.甲项说明。\n2.乙项说明。\n"
        "注释：\n1.丙项说明。\n2.丁项说明。\n二、农业\n内容。\n"
    )
    s = find_structure(text)
    assert [(x.id, x.level) for x in s.sections] == [
        ("s1", 1), ("s1.1", 2), ("s1.1.1", 3), ("s1.1.2", 3),
        ("s1.2", 2), ("s1.2.1", 3), ("s1.2.2", 3), ("s2", 1),
    ]  # fmt: skip
    check_invariants(text, s)


def test_inline_enumeration_does_not_steal_the_real_heading() -> None:
    text = "（一）抓产业。措施如下。（二）是重点环节。\n（二）抓民生。内容。\n（三）抓改革。内容。"
    s = find_structure(text)
    assert [(x.marker, x.start) for x in s.sections] == [
        ("（一）", 0),
        ("（二）", text.index("（二）抓民生")),
        ("（三）", text.index("（三）")),
    ]


# --------------------------------------------------------------------------------------------
# locate()
# --------------------------------------------------------------------------------------------

LOCATE_TEXT = (
    "前言内容。\n一、工作回顾\n（一）抓产业。一是建园区，内容甲。二是引项目，内容乙。\n"
    "（二）抓民生。内容丙。\n二、工作安排\n内容丁。"
)


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        pytest.param("前言", (None, None), id="preamble"),
        pytest.param("工作回顾", ("s1", None), id="level-1-heading"),
        pytest.param("抓产业", ("s1.1", None), id="level-2-heading"),
        pytest.param("内容甲", ("s1.1", "s1.1.i1"), id="first-item"),
        pytest.param("内容乙", ("s1.1", "s1.1.i2"), id="second-item"),
        pytest.param("内容丙", ("s1.2", None), id="second-subsection"),
        pytest.param("内容丁", ("s2", None), id="second-section"),
    ],
)
def test_locate(needle: str, expected: tuple[str | None, str | None]) -> None:
    s = find_structure(LOCATE_TEXT)
    assert s.locate(LOCATE_TEXT.index(needle)) == expected


def test_locate_boundaries() -> None:
    s = find_structure(LOCATE_TEXT)
    second = s.sections[-1]
    assert s.locate(second.start) == ("s2", None)
    assert s.locate(second.start - 1) == ("s1.2", None)
    assert s.locate(len(LOCATE_TEXT)) == (None, None)
    assert s.locate(-5) == (None, None)


def test_records_are_frozen() -> None:
    s = find_structure(LOCATE_TEXT)
    assert isinstance(s.sections[0], SectionSpan) and isinstance(s.items[0], ItemSpan)
    with pytest.raises(AttributeError):
        s.sections[0].start = 3  # type: ignore[misc]
    assert DeclaredCount("items", 1, 1, True, 0, 1, "x").ok


# --------------------------------------------------------------------------------------------
# Vocabulary file
# --------------------------------------------------------------------------------------------


def test_vocabulary_loads() -> None:
    v = load_vocabulary()
    assert v.numerals.digits["九"] == 9 and "聚焦" in v.items.focus_cues


def test_vocabulary_rejects_unknown_keys() -> None:
    path = Path(__file__).resolve().parents[1] / "extractor" / "data" / "structure.toml"
    raw: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    StructureVocabulary.model_validate(raw)
    raw["items"]["focus_cue"] = ["聚焦"]
    with pytest.raises(ValidationError):
        StructureVocabulary.model_validate(raw)
    raw["items"].pop("focus_cue")
    raw["extra_table"] = {}
    with pytest.raises(ValidationError):
        StructureVocabulary.model_validate(raw)


# --------------------------------------------------------------------------------------------
# Property: arbitrary text never breaks the invariants
# --------------------------------------------------------------------------------------------

FRAGMENTS = [
    "一、", "二、", "三、", "（一）", "（二）", "(三)", "1.", "2.", "3、", "（1）", "（2）", "①", "②",
    "第一，", "第二，", "第一部分", "第二部分", "一是", "二是", "三是", "聚焦", "首先", "其次", "最后，",
    "以“闯劲”", "以“韧劲”", "同心一条路，", "附件1", "附件", "注释：", "以下三个方面", "三件大事：",
    "“两个聚焦”", "“", "”", "。", "，", "：", "；", "\n", "\n\n", " ", "\u3000", "\t", "—3—", "2.5",
    "抓产业", "内容", "增长5%", "十一、", "十是",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=5)), max_size=60))
def test_arbitrary_text_invariants(parts: list[str]) -> None:
    text = "".join(parts)
    s = find_structure(text)
    check_invariants(text, s)
    for pos in range(-1, len(text) + 2, 3):
        sec_id, item_id = s.locate(pos)
        if sec_id is not None:
            x = next(x for x in s.sections if x.id == sec_id)
            assert x.start <= pos < x.end
        if item_id is not None:
            it = next(i for i in s.items if i.id == item_id)
            assert it.start <= pos < it.end


# --------------------------------------------------------------------------------------------
# Real reports (skipped when ../shared is absent)
# --------------------------------------------------------------------------------------------

needs_shared = pytest.mark.skipif(
    not (CORPORA / "hulan_campaign.txt").is_file(), reason="../shared is absent"
)


def _load_scorer() -> Any:
    path = SHARED / "eval" / "score.py"
    spec = importlib.util.spec_from_file_location("shared_score", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _records(doc: str, s: Structure) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for x in s.sections:
        out.append({"doc": doc, "type": "section", "start": x.start, "end": x.end, "heading": x.heading,
                    "theme": x.theme})  # fmt: skip
    for i in s.items:
        out.append({"doc": doc, "type": "focus_item", "start": i.start, "end": i.end, "topic": i.topic})
    return out


@needs_shared
def test_hulan_against_gold() -> None:
    doc = "hulan_campaign.txt"
    text = (CORPORA / doc).read_text(encoding="utf-8")
    s = find_structure(text)
    gold = []
    with (SHARED / "gold" / "dev.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                r = json.loads(line)
                if (r.get("doc") or r.get("source", "")).endswith(doc):
                    gold.append(r)
    res = _load_scorer().score(gold, _records(doc, s))
    print({k: v for k, v in res.items() if k.startswith(("focus", "section"))})
    assert res["focus_f1"] == 1.0
    assert res["focus_topic_f1"] >= 0.95
    assert res["section_f1"] == 1.0
    assert res["section_theme_acc"] == 1.0
    checks = {c.what: (c.declared, c.found) for c in s.checks}
    assert checks == {"sections": (5, 5), "focus_items": (16, 16)}
    assert all(c.ok for c in s.checks)


def _print_tree(name: str, s: Structure) -> None:
    print(f"\n== {name}: {len(s.sections)} sections, {len(s.items)} items")
    for x in s.sections:
        print("  " * x.level + f"{x.id} {x.marker or ''}{x.heading[:36]}  [{x.start}:{x.end}]")
    for c in s.checks:
        print(f"    check {c.what}: declared {c.declared}, found {c.found} ({c.text})")


@needs_shared
@pytest.mark.parametrize(
    ("doc", "top"),
    [
        ("gov_report_2026_zhejiang_province.txt", ["一、", "二、", "三、"]),
        ("work_summary_2025_zhengzhou_finance_bureau.txt", ["一、", "二、", "三、", "四、"]),
        ("gov_report_2026_guangdong_province.txt", ["一、", "二、", "三、", "附件1", "附件2"]),
        ("gov_report_2026_chongqing_municipality.txt", ["一、", "二、", "三、", "四、"]),
    ],
)
def test_real_report_trees(doc: str, top: list[str | None]) -> None:
    text = (CORPORA / doc).read_text(encoding="utf-8")
    s = find_structure(text)
    _print_tree(doc, s)
    check_invariants(text, s)
    assert [x.marker for x in s.sections if x.level == 1] == top
    assert all(c.ok for c in s.checks)
    for x in s.sections:  # headings are short text, never a number or a whole paragraph
        assert 0 < len(x.heading) <= 60 and any("\u4e00" <= ch <= "\u9fff" for ch in x.heading)


def test_line_patterns_find_what_a_multiline_caret_finds() -> None:
    """The fast line-start search gives the matches of ``(?m)^…``, in every line-break style."""
    import random

    from extractor.structure import _patterns

    from .conftest import sample_texts

    p = _patterns()
    rng = random.Random(5)
    texts = list(sample_texts())
    texts += [
        "".join(
            line + rng.choice(["\n", "\r\n", "\r", "\u2028", "\n\n", "\u3000\n"]) for line in t.split("\n")
        )
        for t in texts
    ]
    texts += ["一、总体要求\n（一）稳增长。\n第二部分\n附件1\n", "\n\n一、开头", "二、"]
    found = 0
    for text in texts:
        for pattern in (p.heading_line, p.theme_line, p.appendix_line):
            slow = [(m.span(1), m.groupdict()) for m in pattern.anchored.finditer(text)]
            assert [(m.span(1), m.groupdict()) for m in pattern.finditer(text)] == slow
            found += len(slow)
    assert found > 50


def test_the_stretch_around_a_position_has_the_sections_of_that_position_throughout() -> None:
    from .conftest import sample_texts

    for text in sample_texts():
        st_ = find_structure(text)
        assert st_.sections
        for pos in range(0, len(text) + 1, 7):
            chain, lo, hi = st_.enclosing_stretch(pos)
            assert chain == st_.enclosing(pos)
            assert lo <= pos < hi
            # the ends of the stretch are section bounds, and every position inside has that chain
            for q in range(max(lo, 0), min(hi, len(text) + 1)):
                assert st_.enclosing(q) == chain
            if lo >= 0:
                assert any(lo in (s.start, s.end) for s in st_.sections)
            if hi <= len(text):
                assert any(hi in (s.start, s.end) for s in st_.sections)


def test_few_cjk_says_what_counting_the_han_characters_says() -> None:
    import random

    import regex

    from extractor.structure import _few_cjk

    rng = random.Random(4)
    for _ in range(2000):
        text = "".join(rng.choice("一二是a1 ，\n〇々⺀") for _ in range(rng.randint(0, 12)))
        k = rng.randint(0, 5)
        assert _few_cjk(text, k) == (len(regex.findall(r"\p{Han}", text)) < k), (text, k)

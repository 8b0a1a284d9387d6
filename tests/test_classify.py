"""What a number means: object, direction, status, indicator, period.

Cue tables are generated from the data files, so every listed word is tested, plus hand-written
sentences for the cases that need context.
"""

from __future__ import annotations

import pytest

import extractor
from extractor.lexicon import load_lexicon

LEX = load_lexicon()


def one(text: str) -> extractor.Metric:
    metrics = extractor.extract(text).metrics
    assert len(metrics) == 1, [m.text for m in metrics]
    return metrics[0]  # type: ignore[return-value]


def by_text(text: str) -> dict[str, extractor.Metric]:
    return {m.text: m for m in extractor.extract(text).metrics}  # type: ignore[misc]


# --- direction ---------------------------------------------------------------------------
DIRECTION_WORDS = [(w, r.value) for r in LEX.rules.direction for w in r.words]


@pytest.mark.parametrize(("word", "value"), DIRECTION_WORDS, ids=[f"{v}-{w}" for w, v in DIRECTION_WORDS])
def test_every_direction_word_governs_the_number_after_it(word: str, value: str) -> None:
    m = one(f"全县工业产值{word}12.5%。")
    assert m.direction == value


@pytest.mark.parametrize(
    ("text", "number", "direction"),
    [
        ("国内生产总值增长5%左右。", "5%左右", "up"),
        ("单位国内生产总值能耗下降5.6%。", "5.6%", "down"),
        ("比上年增长5.3％。", "5.3％", "up"),
        ("营业收入利润率提高0.7个百分点。", "0.7个百分点", "up"),
        ("赤字率提高到3%。", "3%", "up"),
        ("企业办理时间压缩至4小时以内。", "4小时以内", "down"),
        ("比上年减少 439户。", "439户", "down"),
        ("降低利息负担约2000亿元。", "约2000亿元", "down"),
        ("城镇新增就业1312万人。", "1312万人", None),
        ("人口自然增长率为1.2‰。", "1.2‰", None),
        ("消费对经济增长的贡献率达到66.4%。", "66.4%", None),
        ("增长面达到42.8%。", "42.8%", None),
        ("全县户籍人口581184人。", "581184人", None),
        ("取消和下放311项行政审批事项。", "311项", None),
    ],
    ids=[
        "zengzhang",
        "xiajiang",
        "bi-shangnian",
        "baifendian",
        "tigao-dao",
        "yasuo-zhi",
        "space-before-number",
        "verb-opens-clause",
        "xinzeng-in-indicator-name",
        "zengzhang-in-rate-name",
        "zengzhang-inside-subject",
        "stative-link",
        "no-verb",
        "quxiao-is-not-down",
    ],
)
def test_direction_in_context(text: str, number: str, direction: str | None) -> None:
    assert by_text(text)[number].direction == direction


def test_fenbie_list_shares_direction_and_splits_objects() -> None:
    ms = by_text("新能源、电子信息、食品三大产业增加值分别增长15.2%、0.7%和下降6.8%。")
    assert [ms[k].direction for k in ("15.2%", "0.7%", "6.8%")] == ["up", "up", "down"]
    assert ms["15.2%"].object == "新能源"
    assert ms["0.7%"].object == "电子信息"
    assert ms["6.8%"].object is not None and ms["6.8%"].object.startswith("食品")


def test_fenbie_with_shared_head_noun() -> None:
    ms = by_text("城镇和农村居民人均可支配收入分别达到45860元和23140元。")
    assert ms["45860元"].object == "城镇居民人均可支配收入"
    assert ms["23140元"].object == "农村居民人均可支配收入"
    assert ms["45860元"].indicator == "urban_disposable_income"
    assert ms["23140元"].indicator == "rural_disposable_income"


# --- status ------------------------------------------------------------------------------
TARGET_SENTENCES = [
    ("预期目标", "今年主要预期目标是：地区生产总值增长6%左右。"),
    ("lizheng", "力争全年新增城镇就业1.2万人以上。"),
    ("jihua", "计划新建学校3所。"),
    ("ni", "今年赤字率拟按3%安排。"),
    ("anpai", "安排地方专项债券4000亿元。"),
    ("kongzhi", "城镇调查失业率控制在5.5%以内。"),
    ("yao", "今年要新增高新技术企业50家。"),
    ("jiang", "明年将建成5G基站1200个。"),
    ("queshi", "确保粮食产量稳定在52万吨以上。"),
]
ACTUAL_SENTENCES = [
    ("past", "全年完成投资12亿元，增长8%。"),
    ("cue-after-number", "抽调20余名业务骨干，确保各项任务落实。"),
    ("plan-as-name", "实施工业倍增计划，成功引进投资10亿元的项目。"),
    ("quoted-plan", "深化“青年素质提升计划”，组织37家党组织开展培训。"),
    ("budget-name", "一般公共预算收入16.4亿元，增长4.8%。"),
    ("jiang-jin", "将近400家企业参加。"),
    ("jiang-as-ba", "将县属国有企业整合为11家。"),
]


@pytest.mark.parametrize("text", [t for _, t in TARGET_SENTENCES], ids=[i for i, _ in TARGET_SENTENCES])
def test_target_cues(text: str) -> None:
    assert {m.status for m in extractor.extract(text).metrics} == {"target"}


@pytest.mark.parametrize("text", [t for _, t in ACTUAL_SENTENCES], ids=[i for i, _ in ACTUAL_SENTENCES])
def test_actual_statements(text: str) -> None:
    assert {m.status for m in extractor.extract(text).metrics} == {"actual"}


def test_a_section_looking_back_at_goals_is_not_a_goals_section() -> None:
    text = "一、2025年目标任务完成情况\n新增就业1.1万人。\n二、2026年主要目标\n新增就业1.2万人。\n"
    assert [m.status for m in extractor.extract(text).metrics] == ["actual", "target"]


def test_a_goals_section_makes_its_numbers_targets() -> None:
    text = "一、2025年工作回顾\n全县新增就业1.1万人。\n二、2026年主要目标\n新增就业1.2万人。\n"
    ms = extractor.extract(text).metrics
    assert [(m.text, m.status) for m in ms] == [("1.1万人", "actual"), ("1.2万人", "target")]


# --- objects -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "number", "obj"),
    [
        ("全区182名领导干部包联4385户企业。", "182名", "领导干部"),
        ("全区182名领导干部包联4385户企业。", "4385户", "企业"),
        ("协调解决问题270个。", "270个", "问题"),
        ("国内生产总值增长5%左右。", "5%左右", "国内生产总值"),
        ("城镇新增就业1256万人。", "1256万人", "城镇新增就业"),
        ("签约产业项目29个、签约额170亿元。", "29个", "产业项目"),
        ("组织案例研讨和专题剖析2轮150次。", "150次", "案例研讨和专题剖析"),
        ("组织基层37家党组织共1450人开展宣讲。", "37家", "党组织"),
        ("全年实现生产总值(GDP)262.6亿元，比上年增长5.3%。", "5.3%", "生产总值"),
        ("全省科技创新投入7232亿元。", "7232亿元", "科技创新投入"),
        ("年末牛存栏5.5万头，牛出栏2.8万头。", "2.8万头", "牛出栏"),
        ("高新技术企业从2.2万家增加到4.9万家。", "2.2万家", "高新技术企业"),
        ("又解决6434万农村人口饮水安全问题。", "6434万", "农村人口"),
        ("新建“四好农村路”20条。", "20条", "四好农村路"),
    ],
    ids=[
        "after-count",
        "after-second-count",
        "before-after-verb",
        "subject-of-direction",
        "indicator-name",
        "pair-joined-by-dun",
        "adjacent-bounds-share",
        "noun-after-measure-word",
        "parenthesis-and-inherit",
        "verb-ending-noun",
        "one-char-head",
        "from-to",
        "bare-magnitude-people",
        "quotes-removed",
    ],
)
def test_object(text: str, number: str, obj: str) -> None:
    assert by_text(text)[number].object == obj


# --- indicators --------------------------------------------------------------------------
ALIASES = [(alias, ind.id) for ind in LEX.indicators for alias in ind.aliases]


_VALUE_OF_KIND = {
    "percent": "12.5%",
    "count": "12万人",
    "money": "12亿元",
    "weight": "12万吨",
    "area": "12万亩",
}
_KINDS = {i.id: i.kinds for i in LEX.indicators}


@pytest.mark.parametrize(("alias", "ind"), ALIASES, ids=[f"{i}-{a}" for a, i in ALIASES])
def test_every_indicator_alias(alias: str, ind: str) -> None:
    value = _VALUE_OF_KIND[_KINDS[ind][0]] if _KINDS[ind] else "12.5%"
    m = one(f"全年{alias}为{value}。")
    assert m.indicator == ind


def test_there_are_at_least_25_indicators() -> None:
    assert len(LEX.indicators) >= 25


def test_longest_alias_wins() -> None:
    assert one("单位国内生产总值能耗下降3.4%。").indicator == "energy_intensity"


# --- period ------------------------------------------------------------------------------
def test_period_from_the_sentence() -> None:
    assert one("2022年全县生产总值262.6亿元。").period == 2022
    assert one("全县生产总值262.6亿元。").period is None


def test_the_longest_alias_is_the_one_the_overlapped_search_finds_longest() -> None:
    """The alias look-up by characters picks what the longest of an overlapped regex search (the
    longest alias at every start) picks: the first of the longest."""
    import random

    import regex

    from extractor.lexicon import alternation
    from extractor.pipeline import get_extractor

    classifier = get_extractor().classifier
    aliases = list(classifier._indicator_of)
    pattern = regex.compile(alternation(aliases))
    rng = random.Random(5)
    found = 0
    for _ in range(3000):
        parts = [
            rng.choice(aliases) if rng.random() < 0.3 else rng.choice("全省地区生产总值增长收入")
            for _ in range(6)
        ]
        text = "".join(p[rng.randint(0, len(p) - 1) :] if rng.random() < 0.3 else p for p in parts)
        best = max(pattern.finditer(text, overlapped=True), key=lambda m: len(m.group(0)), default=None)
        want = (best.group(0), best.start()) if best is not None else ("", -1)
        assert classifier._longest_alias(text) == want, text
        found += best is not None
    assert found > 1000


def test_clause_breaks_are_found_as_a_plain_scan_finds_them() -> None:
    """The incremental look-up of the breaks around a span (numbers asked for in text order,
    sometimes again from further back) gives what a scan of the whole text gives."""
    import random

    from extractor.classify import _CLAUSE_BREAK, _Breaks

    rng = random.Random(11)
    for _ in range(300):
        text = "".join(rng.choice("，。；\n、增长亿元12") for _ in range(rng.randint(0, 60)))
        breaks = _Breaks(text, _CLAUSE_BREAK)
        spans = sorted(
            (s, min(len(text), s + rng.randint(0, 3))) for s in (rng.randint(0, len(text)) for _ in range(8))
        )
        if rng.random() < 0.3:
            spans.reverse()  # asked for out of order: answered by a fresh scan
        for start, end in spans:
            left = max((i + 1 for i in range(start) if text[i] in _CLAUSE_BREAK), default=0)
            right = next((i for i in range(end, len(text)) if text[i] in _CLAUSE_BREAK), len(text))
            assert breaks.around(start, end) == (left, right), (text, start, end)


def test_period_anchors_found_on_re_are_those_the_regex_engine_finds() -> None:
    """The anchor pattern runs on the standard library's engine, scanned for its first characters
    (scanning.FirstCharPattern); on the regex engine, as a plain search, it finds the same anchors."""
    import random

    import regex

    from extractor.pipeline import get_extractor

    from .conftest import sample_texts

    anchors = get_extractor().classifier.tenses._anchors
    plain = regex.compile(anchors.pattern.pattern)
    rng = random.Random(2)
    pieces = [
        "2025年",
        "1999年",
        "2025年代",
        "12025年",
        "今年",
        "明年",
        "上年",
        "去年",
        "“十四五”",
        "十五",
        "时期",
        "期间",
        "规划",
        "，",
        "。",
        "比",
        "全",
    ]
    texts = list(sample_texts())
    texts += ["".join(rng.choice(pieces) for _ in range(30)) for _ in range(500)]
    found = 0
    for text in texts:
        ours = [(m.span(), m.lastgroup) for m in anchors.finditer(text)]
        assert ours == [(m.span(), m.lastgroup) for m in plain.finditer(text)], text
        found += len(ours)
    assert found > 2000


def test_the_context_of_a_position_does_not_depend_on_the_positions_asked_before() -> None:
    """Contexts are kept over the stretch where a position's sections stay the same: asked for in
    text order, out of order or alone, every position gets the same context."""
    import random

    from extractor.metadata import read_metadata
    from extractor.pipeline import get_extractor
    from extractor.structure import find_structure

    from .conftest import sample_texts

    tenses = get_extractor().classifier.tenses
    rng = random.Random(5)
    distinct = 0
    for text in sample_texts():
        structure, meta = find_structure(text), read_metadata(text)
        args = (text, structure.enclosing_stretch, meta.year, meta.genre)
        positions = list(range(0, len(text), 5))
        in_order = tenses.contexts(*args)
        ordered = [in_order(p) for p in positions]
        shuffled = positions[:]
        rng.shuffle(shuffled)
        out_of_order = tenses.contexts(*args)
        by_pos = {p: out_of_order(p) for p in shuffled}
        assert ordered == [by_pos[p] for p in positions]
        assert [tenses.contexts(*args)(p) for p in positions[::50]] == ordered[::50]
        distinct = max(distinct, len(set(ordered)))
    assert distinct > 1, "the sample reports have review and plan parts"

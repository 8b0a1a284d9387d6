"""What a number means, class by class: object, line wraps, status by tense, period, indicator
precision, traps, quantities that used to be missed, and structure on new layouts.

Every sentence here is invented (no text of a real report); each table holds at least five cases
of one failure class, so a rule that only fits one sentence shows here as a failure of the others.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import extractor
from extractor.structure import find_structure

CORPORA = Path(__file__).resolve().parent.parent / "corpora"


def metric(text: str, surface: str) -> extractor.Metric:
    found = [m for m in extractor.extract(text).metrics if m.text == surface]
    assert len(found) == 1, [m.text for m in extractor.extract(text).metrics]
    return found[0]  # type: ignore[return-value]


def report(year: int, body: str, genre: str = "政府工作报告") -> str:
    """A small document with a title line, so that its year and genre are known."""
    return f"禾溪县{year}年{genre}\n\n{body}"


# --- 1. the object is a noun phrase ----------------------------------------------------------
OBJECTS = [
    # carried from the clause before in the same sentence
    ("持续推进“青禾英才”计划，拨付5.1亿元，引进青年人才1200名。", "5.1亿元", "青禾英才计划"),
    # carried from a short lead sentence
    ("支持乡村振兴。拨付12.6亿元，用于高标准农田建设。", "12.6亿元", "乡村振兴"),
    # a comparison is not the object; the figure before it is
    ("涉及补贴资金8.2亿元，较上年度增加1.3亿元。", "1.3亿元", "补贴资金"),
    ("全县粮食产量12万吨，比2024年增长2.1%。", "2.1%", "粮食产量"),
    ("城镇居民收入增长6%，高于全国平均水平1.2个百分点。", "1.2个百分点", "城镇居民收入"),
    # a 分别 list of a compound subject
    ("城乡居民收入分别增长4.5%、6.2%。", "4.5%", "城镇居民收入"),
    ("城乡居民收入分别增长4.5%、6.2%。", "6.2%", "农村居民收入"),
    ("金融机构存贷款余额分别达820亿元、640亿元。", "640亿元", "金融机构贷款余额"),
    # a threshold phrase carried to the next numbers splits into measure and entity
    ("营业收入超亿元的企业达46户，其中超10亿元的5户。", "5户", "企业"),
    ("营业收入超亿元的企业达46户，其中超10亿元的5户。", "超10亿元", "营业收入"),
    # an adverb or link verb is not part of the object
    ("全县生产总值总量连续12年居全市首位。", "12年", "生产总值总量"),
    ("跨境电商完成交易额36亿元。", "36亿元", "跨境电商交易额"),
    ("对新增的48个项目共计3.2亿元开展评估。", "48个", "项目"),
    # the noun after a count stops at a preposition, a list word or the next verb's adverb
    ("吸纳3.5万名高校毕业生在县就业。", "3.5万名", "高校毕业生"),
    ("3个乡镇和4个街道新获评省级文明单位。", "3个", "乡镇"),
    ("3个乡镇和4个街道新获评省级文明单位。", "4个", "街道"),
    # the head noun after 的
    ("保持5%左右的增速，就能稳住就业。", "5%左右", "增速"),
    # a ranking line: each entity is its own object
    ("甲镇增长12.4%，乙镇增长7.5%，丙乡增长3.1%。", "7.5%", "乙镇"),
]


@pytest.mark.parametrize(("text", "surface", "obj"), OBJECTS)
def test_object_is_a_noun_phrase(text: str, surface: str, obj: str) -> None:
    assert metric(text, surface).object == obj


@pytest.mark.parametrize(
    "text",
    [
        "条目减少一半，95%以上实行备案管理。",  # 一半 is a quantity word, not a topic
        "全面落实补贴政策，连续6年保持增长。",  # 连续 is an adverb
        "较2024年增长3.1%。",  # a comparison alone
        "全力以赴，圆满完成至少5项任务。",  # verbs and adverbs
        "实现平稳增长，（其中城镇占60%）。",  # a parenthetical remark
    ],
)
def test_no_verb_comparison_or_function_word_as_object(text: str) -> None:
    bad = {"连续", "较2024年", "全力", "圆满完成至少", "一半", "（其中", "以", "计", "平", "长", "成", "年"}
    for m in extractor.extract(text).metrics:
        assert m.object not in bad, (m.text, m.object)


# --- 2. hard line wraps ------------------------------------------------------------------------
def hard_wrap(text: str, width: int) -> str:
    out: list[str] = []
    for line in text.split("\n"):
        while len(line) > width:
            out.append(line[:width])
            line = line[width:]
        out.append(line)
    return "\n".join(out)


FILLER = "全县上下凝心聚力，攻坚克难，各项事业取得新进展，人民群众获得感不断增强。" * 4
WIDTH = 30


def wrapped_at(sentence: str) -> str:
    """``sentence`` in a document hard-wrapped at WIDTH, with a line break where it has "|"."""
    split = sentence.index("|")
    sentence = sentence.replace("|", "")
    pad = "各项工作扎实推进成效明显群众满意度稳步提升"[: WIDTH - split - 1] + "。"
    return hard_wrap(FILLER, WIDTH) + "\n" + hard_wrap(pad + sentence, WIDTH)


WRAPS = [
    # (sentence with "|" where the line breaks, the metric, what it must read)
    ("全县税收收入同比增|长3.1%。", "3.1%", ("up", "税收收入")),
    ("全县一般公共预算收入完成80亿|元。", "80亿\n元", (None, "一般公共预算收入")),
    ("全年出生率为6.12‰，死亡率为7|.35‰。", "7\n.35‰", (None, "死亡率")),
    ("每亩耕地化肥施用量|（折纯）降至21.3千克。", "21.3千克", ("down", "每亩耕地化肥施用量")),
    ("城镇新增就业1.2万人，城镇调查失|业率控制在5.5%以内。", "5.5%以内", (None, "城镇调查失业率")),
    ("力争增长6.5%|－7%。", "6.5%\n－7%", ("up", None)),
]


@pytest.mark.parametrize(("sentence", "surface", "want"), WRAPS)
def test_reads_through_a_wrap(sentence: str, surface: str, want: tuple[str | None, str | None]) -> None:
    text = wrapped_at(sentence)
    m = metric(text, surface)
    assert text[m.start : m.end] == m.text
    assert (m.direction, m.object) == want


@pytest.mark.parametrize("name", ["county_work_report", "district_campaign", "stats_bulletin"])
@pytest.mark.parametrize("width", [24, 31])
def test_a_hard_wrapped_report_means_the_same(name: str, width: int) -> None:
    original = (CORPORA / f"{name}.txt").read_text(encoding="utf-8")
    wrapped = hard_wrap(original, width)

    def key(r: extractor.Extraction) -> list[tuple[object, ...]]:
        return [
            (
                str(m.value),
                m.unit.name if m.unit else None,
                m.qualifier,
                m.object,
                m.direction,
                m.status,
                m.period,
            )
            for m in r.metrics
        ]

    got = extractor.extract(wrapped)
    assert key(got) == key(extractor.extract(original))
    assert all(wrapped[m.start : m.end] == m.text for m in got.metrics)


def test_a_lead_in_broken_over_short_lines_is_read_through() -> None:
    text = "今年经济社会发展的\n主要预期目标\n是：地区生产总值增长5%左右。"
    m = metric(text, "5%左右")
    assert (m.direction, m.object, m.status) == ("up", "地区生产总值", "target")


def test_a_label_line_ending_in_a_number_is_not_a_wrap() -> None:
    text = FILLER + "\n附件1\n名词解释\n“四上”企业：规模以上企业。"
    assert [m.text for m in extractor.extract(text).metrics] == []


# --- 3. status by tense ------------------------------------------------------------------------
REVIEW = "一、2025年工作回顾\n"
PLAN = "一、2026年工作安排\n"
STATUS = [
    (report(2026, REVIEW + "积极向上争取政策性资金12.5亿元。"), "12.5亿元", "actual"),
    (report(2026, REVIEW + "预计全年接待游客3200万人次。"), "3200万人次", "actual"),
    (report(2026, REVIEW + "全年安排民生资金8.6亿元。"), "8.6亿元", "actual"),
    (report(2026, REVIEW + "计划投资45亿元的12个项目全部开工。"), "45亿元", "actual"),
    (report(2026, REVIEW + "拟新增的36个项目全部完成评审。"), "36个", "actual"),
    (report(2026, PLAN + "积极向上争取政策性资金15亿元。"), "15亿元", "target"),
    (report(2026, PLAN + "预计全年接待游客3500万人次。"), "3500万人次", "target"),
    (report(2026, PLAN + "城镇新增就业1.2万人以上。"), "1.2万人以上", "target"),
    (report(2026, "过去一年，全县争取专项债券9亿元。"), "9亿元", "actual"),
    (report(2025, "全年争取上级资金6.4亿元。", "财政工作总结"), "6.4亿元", "actual"),
    (report(2025, "一、2026年工作谋划\n重点抓好五个方面。", "财政工作总结"), "五个", "target"),
    (report(2026, REVIEW + "下一步力争新增市场主体3000户。"), "3000户", "target"),
]


@pytest.mark.parametrize(("text", "surface", "status"), STATUS)
def test_status_by_tense(text: str, surface: str, status: str) -> None:
    assert metric(text, surface).status == status


# --- 4. period ----------------------------------------------------------------------------------
PERIODS = [
    (report(2026, PLAN + "今年主要预期目标是：地区生产总值增长5%左右。"), "5%左右", 2026),
    (report(2026, REVIEW + "地区生产总值增长5.2%。"), "5.2%", 2025),
    (report(2026, "一、“十五五”时期的主要目标\n地区生产总值年均增长5%左右。"), "5%左右", 2030),
    (report(2026, PLAN + "力争到2030年，全县生产总值迈上500亿元台阶。"), "500亿元", 2030),
    (report(2026, REVIEW + "去年，全县新增就业4200人。"), "4200人", 2025),
    (report(2026, PLAN + "全县生产总值比2020年增长40%。"), "40%", 2026),
    (report(2025, "全年一般公共预算收入完成18亿元。", "财政工作总结"), "18亿元", 2025),
    (report(2016, "今后五年，城镇新增就业5万人以上。"), "5万人以上", 2020),
]


@pytest.mark.parametrize(("text", "surface", "period"), PERIODS)
def test_period(text: str, surface: str, period: int) -> None:
    assert metric(text, surface).period == period


def test_every_target_of_a_2026_report_has_a_period() -> None:
    text = report(
        2026,
        REVIEW
        + "地区生产总值增长5.2%。\n"
        + "二、“十五五”时期的主要目标\n地区生产总值年均增长5%左右，居民收入年均增长5.5%。\n"
        + "三、2026年工作安排\n地区生产总值增长5%以上，城镇新增就业1.5万人。",
    )
    targets = [m for m in extractor.extract(text).metrics if m.status == "target"]
    assert len(targets) == 4
    assert {(m.text, m.period) for m in targets} == {
        ("5%左右", 2030),
        ("5.5%", 2030),
        ("5%以上", 2026),
        ("1.5万人", 2026),
    }


# --- 5. indicator precision ---------------------------------------------------------------------
INDICATORS = [
    ("全县地区生产总值增长5.6%。", "5.6%", "gdp"),
    ("全省生产总值增长5%—5.5%。", "5%—5.5%", "gdp"),
    ("禾溪生产总值达到320亿元。", "320亿元", "gdp"),
    ("海洋生产总值增长6%左右。", "6%左右", None),  # another indicator
    ("数字经济增加值占GDP比重达14%。", "14%", None),  # a share
    ("社会物流总费用与地区生产总值的比率降至13.6%。", "13.6%", None),  # a ratio
    ("出台稳住经济增长“20条”政策。", "20条", None),  # a count cannot measure GDP
    ("预计都市圈经济总量突破2万亿元。", "突破2万亿元", None),  # another region
    ("城市副中心地区生产总值增长8%。", "8%", None),  # a sub-area
    ("居民消费价格涨幅2%左右。", "2%左右", "cpi"),
    ("城镇新增就业1.1万人以上。", "1.1万人以上", "urban_new_jobs"),
]


@pytest.mark.parametrize(("body", "surface", "indicator"), INDICATORS)
def test_indicator_only_for_the_reports_own_region_and_a_fitting_kind(
    body: str, surface: str, indicator: str | None
) -> None:
    assert metric(report(2026, body), surface).indicator == indicator


# --- 6. traps -----------------------------------------------------------------------------------
TRAPS = [
    ("加强应急队伍处置能力建设。", "伍"),  # 大写 numeral inside a word
    ("全县综合考核排名前三名。", "三名"),  # a rank cut-off
    ("在全省考核中进入前10位。", "10位"),
    ("过去五年，全县发展成效显著。", "五年"),  # a period phrase
    ("这五年，是跨越发展的五年。", "五年"),
    ("十年来，城乡面貌焕然一新。", "十年"),
    ("县人民医院二期工程投入使用。", "二期"),  # a phase
    ("深入学习县委十一届八次全会精神。", "十一届"),  # a session
]


@pytest.mark.parametrize(("text", "trap"), TRAPS)
def test_trap_is_not_a_metric(text: str, trap: str) -> None:
    at = text.index(trap)
    hits = [m.text for m in extractor.extract(text).metrics if m.start < at + len(trap) and at < m.end]
    assert hits == []


@pytest.mark.parametrize(
    ("text", "surface"),
    [("成功举办三期培训班。", "三期"), ("两届博览会吸引客商5万人次。", "两届"), ("壹万伍仟元", "壹万伍仟元")],
)
def test_counts_that_look_like_traps_stay(text: str, surface: str) -> None:
    assert metric(text, surface)


# --- 7. quantities that used to be missed -------------------------------------------------------
MISSED = [
    ("到2035年人均地区生产总值翻一番。", "翻一番", "2", "倍", "exact"),
    ("经济总量较2010年翻两番。", "翻两番", "4", "倍", "exact"),
    ("七成以上的村实现集体经济增收。", "七成以上", "70", "%", "at_least"),
    ("近七成企业实现盈利。", "近七成", "70", "%", "approx"),
    ("城乡居民收入倍差从2.4缩小到1.9。", "1.9", "1.9", "倍", "exact"),
    ("居民收入基尼系数0.45。", "0.45", "0.45", None, "exact"),
    ("为138万残疾人发放补贴。", "138万", "1380000", "人", "exact"),
    ("近百亿元项目集中开工。", "近百亿元", "10000000000", "元", "approx"),
    ("网上办件量突破百亿次。", "突破百亿次", "10000000000", "次", "more_than"),
    ("打造10分钟内便民服务圈。", "10分钟内", "10", "分钟", "at_most"),
    ("客运量分别达1409万、1305万人次。", "1409万", "14090000", "人次", "exact"),
]


@pytest.mark.parametrize(("text", "surface", "value", "unit", "qualifier"), MISSED)
def test_quantity_found(text: str, surface: str, value: str, unit: str | None, qualifier: str) -> None:
    m = metric(text, surface)
    assert (str(m.value), m.unit.name if m.unit else None, m.qualifier) == (value, unit, qualifier)


# --- 8. structure on new layouts ----------------------------------------------------------------
LAYOUT = (
    "禾溪县2025年财政工作总结\n\n"
    "一、2025年主要工作\n"
    "“一网清”强治理“一表通”提效能\n"
    "全年一般公共预算收入完成12亿元，增长5%，税收收入完成8亿元。\n"
    "——深化预算改革。全年压减一般性支出0.8亿元。\n"
    "——强化绩效管理。开展重点绩效评价15项。\n"
    "守底线防风险\n"
    "全年化解隐性债务3亿元，确保不发生系统性风险。\n"
    "二、2026年工作打算\n"
    "（一）稳收入\n"
    "全年一般公共预算收入增长4%左右，税收占比稳定在70%以上。\n"
    "附件1\n"
    "2026年民生实事\n"
    "一、新建学校两所。\n"
    "二、改造道路五条。\n"
)


def test_unnumbered_heading_lines_are_sub_sections() -> None:
    secs = find_structure(LAYOUT).sections
    plain = [(s.level, s.heading) for s in secs if s.marker is None]
    assert plain == [(2, "“一网清”强治理“一表通”提效能"), (2, "守底线防风险")]


def test_dash_bullets_are_items() -> None:
    items = find_structure(LAYOUT).items
    assert [(i.marker, i.topic) for i in items] == [("——", "深化预算改革"), ("——", "强化绩效管理")]


def test_single_entry_sub_list_is_a_section() -> None:
    secs = find_structure(LAYOUT).sections
    assert ("（一）", "稳收入", 2) in [(s.marker, s.heading, s.level) for s in secs]


def test_appendix_has_its_cue_as_marker() -> None:
    secs = find_structure(LAYOUT).sections
    appendix = next(s for s in secs if s.marker == "附件1")
    assert (appendix.level, appendix.heading) == (1, "2026年民生实事")
    assert [s.marker for s in secs if s.parent_id == appendix.id] == ["一、", "二、"]


def test_a_title_or_subtitle_is_not_a_heading_or_bullet() -> None:
    text = "禾溪县2026年政府工作报告\n——2026年1月9日在禾溪县人民代表大会上\n" + LAYOUT
    s = find_structure(text)
    assert all(not i.topic.startswith("2026年1月") for i in s.items)
    assert all(sec.heading != "禾溪县2026年政府工作报告" for sec in s.sections)


def test_metrics_land_in_the_new_sections() -> None:
    r = extractor.extract(LAYOUT)
    sections = {s.id: s for s in r.records if getattr(s, "type", "") == "section"}
    m = next(m for m in r.metrics if m.text == "3亿元")
    assert sections[m.section_id].heading == "守底线防风险"  # type: ignore[attr-defined]
    m = next(m for m in r.metrics if m.text == "4%左右")
    assert (m.status, m.period) == ("target", 2026)


PARA = "全年各项工作扎实推进，主要指标好于预期，群众满意度持续提升。"
LAYOUTS = [
    # (document, the sections and items expected, as (kind, marker, label))
    (
        "一、主要工作\n“一窗办”优服务“一码通”强监管\n"
        + PARA
        + "\n“双随机”促公平“全覆盖”保质量\n"
        + PARA
        + "\n",
        [
            ("S", "一、", "主要工作"),
            ("S", None, "一窗办优服务一码通强监管"),
            ("S", None, "双随机促公平全覆盖保质量"),
        ],
    ),
    (
        "一、主要工作\n稳增长促发展\n" + PARA + "\n二、下一步打算\n" + PARA + "\n",
        [("S", "一、", "主要工作"), ("S", None, "稳增长促发展"), ("S", "二、", "下一步打算")],
    ),
    (
        "一、主要工作\n" + PARA + "\n——聚焦产业升级。" + PARA + "\n——聚焦民生改善。" + PARA + "\n",
        [("S", "一、", "主要工作"), ("I", "——", "产业升级"), ("I", "——", "民生改善")],
    ),
    (
        "一、主要工作\n" + PARA + "\n——抓项目。" + PARA + "\n二、下一步打算\n——强保障。" + PARA + "\n",
        [
            ("S", "一、", "主要工作"),
            ("I", "——", "抓项目"),
            ("S", "二、", "下一步打算"),
            ("I", "——", "强保障"),
        ],
    ),
    (
        "一、2025年工作回顾\n" + PARA + "\n二、2026年工作安排\n（一）稳投资\n" + PARA + "\n",
        [("S", "一、", "2025年工作回顾"), ("S", "二、", "2026年工作安排"), ("S", "（一）", "稳投资")],
    ),
    (
        "一、主要工作\n" + PARA + "\n附件2\n名词解释\n" + PARA + "\n",
        [("S", "一、", "主要工作"), ("S", "附件2", "名词解释")],
    ),
]


@pytest.mark.parametrize(("text", "want"), LAYOUTS)
def test_layouts(text: str, want: list[tuple[str, str | None, str]]) -> None:
    s = find_structure(text)
    got = [("S", x.marker, x.heading.replace("“", "").replace("”", ""), x.start) for x in s.sections]
    got += [("I", x.marker, x.topic, x.start) for x in s.items]
    assert [g[:3] for g in sorted(got, key=lambda g: g[3])] == want


def test_a_long_list_is_classified_in_linear_time() -> None:
    # Issue 15 item 3: the 分别 pass walked back one character at a time per number (4,000 items
    # took 10.9 s, growing with the square).  30,000 items took about 600 s that way and take about
    # 2 s now; the bound below is thirty times that, so only the quadratic walk can fail it.
    import time

    n = 30_000
    text = "各类人员分别增加" + "、".join(f"{i % 97 + 1}人" for i in range(n)) + "。"
    started = time.perf_counter()
    metrics = extractor.extract(text).metrics
    assert time.perf_counter() - started < 60
    assert len(metrics) == n and all(m.direction == "up" for m in metrics[:3])

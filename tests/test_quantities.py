"""Quantity records in report-style sentences, checked against gold/CONVENTIONS.md.

Every table row is one short invented sentence.  Expected values are exact ``Decimal`` strings
with the magnitude applied ("a/b" means the exact quotient, for fractions).  Known failures stay
in the tables as ``xfail(strict=True)`` rows whose reason says what the library does instead, so
a fix shows up as an XPASS and the row is promoted by deleting its mark.

Every test goes through :func:`metrics`, which checks the offset identity
``text[m.start:m.end] == m.text`` for every metric it returns.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

import extractor
from extractor.models import MetricBase


def case(case_id: str, *values: Any, xfail: str | None = None) -> Any:
    """One table row; ``xfail`` is the reason the library currently gets it wrong."""
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(*values, id=case_id, marks=marks)


def dec(value: str) -> Decimal:
    """``"1640000000"`` → Decimal; ``"100/3"`` → the exact Decimal quotient."""
    if "/" in value:
        num, den = value.split("/")
        return Decimal(num) / Decimal(den)
    return Decimal(value)


def metrics(text: str) -> list[MetricBase]:
    """The metrics of ``text``, each checked for the offset identity."""
    found = extractor.extract(text).metrics
    for m in found:
        assert text[m.start : m.end] == m.text, (m.start, m.end, m.text)
        assert isinstance(m.value, Decimal)
    return found


def only(text: str) -> MetricBase:
    """The one metric of ``text``."""
    found = metrics(text)
    assert len(found) == 1, [m.text for m in found]
    return found[0]


def unit_name(m: MetricBase) -> str | None:
    return None if m.unit is None else m.unit.name


def span_of(text: str, surface: str) -> tuple[int, int]:
    start = text.index(surface)
    return start, start + len(surface)


def overlaps(m: MetricBase, start: int, end: int) -> bool:
    return m.start < end and start < m.end


# ---------------------------------------------------------------------------------------------
# 1. Units and magnitudes: (text, value, canonical unit, kind)
# ---------------------------------------------------------------------------------------------
UNITS = [
    # money
    case("yuan", "人均发放慰问金860元。", "860", "元", "money"),
    case("wan-yuan", "拨付奖补资金350万元。", "3500000", "元", "money"),
    case("yi-yuan", "实现地区生产总值286.5亿元。", "28650000000", "元", "money"),
    case("wanyi-yuan", "全国一般公共预算收入21.7万亿元。", "21700000000000", "元", "money"),
    case("dollar", "人均出口额达到860美元。", "860", "美元", "money"),
    case("wan-dollar", "实际利用外资2350万美元。", "23500000", "美元", "money"),
    case("yi-dollar", "外贸进出口总额12.4亿美元。", "1240000000", "美元", "money"),
    case("bare-wan-money-context", "融资贷款8000余万，支持小微企业。", "80000000", "元", "money"),
    case("bare-yi-money-context", "争取上级资金2.3亿，用于乡村振兴。", "230000000", "元", "money"),
    case("qian-wan-yuan", "投入专项经费1.5千万元。", "15000000", "元", "money"),
    case(
        "bare-money-shehui-ziben-missed",
        "撬动社会资本8000余万。",
        "80000000",
        "元",
        "money",
    ),
    case(
        "bare-money-shengchan-zongzhi-missed",
        "地区生产总值突破1200亿。",
        "120000000000",
        "元",
        "money",
    ),
    case(
        "bare-money-zhaoshang-yinzi-missed",
        "完成招商引资12亿。",
        "1200000000",
        "元",
        "money",
    ),
    # people and measure words
    case("ren", "新增城镇就业1260人。", "1260", "人", "count"),
    case("wan-ren", "转移农村劳动力3.2万人。", "32000", "人", "count"),
    case("bare-wan-people-after", "帮助6434万农村人口解决饮水问题。", "64340000", "人", "count"),
    case("bare-wan-people-before", "城镇新增就业1.5万，完成年度任务。", "15000", "人", "count"),
    case("qian-ren", "参与志愿服务群众5千人。", "5000", "人", "count"),
    case("ming", "培训新型职业农民450名。", "450", "名", "count"),
    case("ge", "新建村级综合服务站26个。", "26", "个", "count"),
    case("xiang", "实施重点项目48项。", "48", "项", "count"),
    case("ci", "开展安全生产检查120次。", "120", "次", "count"),
    case("renci", "开展义诊服务3200人次。", "3200", "人次", "count"),
    case("wan-renci", "接待游客86万人次。", "860000", "人次", "count"),
    case("yi-renci", "全年接待游客1.2亿人次。", "120000000", "人次", "count"),
    case("hu", "完成农村危房改造415户。", "415", "户", "count"),
    case("wan-huci", "开展入户走访2.6万户次。", "26000", "户次", "count"),
    case("jia", "新增规上工业企业23家。", "23", "家", "count"),
    case("tiao", "新建农村公路18条。", "18", "条", "count"),
    case("pian", "刊发宣传稿件136篇。", "136", "篇", "count"),
    case("jian", "办理人大代表建议87件。", "87", "件", "count"),
    case("wan-jianci", "受理群众诉求1.8万件次。", "18000", "件次", "count"),
    case("ben", "发放不动产权证书2300本。", "2300", "本", "count"),
    case("zhang-decimal", "每千人口拥有医疗床位6.5张。", "6.5", "张", "count"),
    case("lun", "开展常规巡察3轮。", "3", "轮", "count"),
    case("dong", "改造老旧小区住宅42栋。", "42", "栋", "count"),
    case("zuo", "新建农村公厕15座。", "15", "座", "count"),
    case("suo", "新建改扩建中小学6所。", "6", "所", "count"),
    case("tai", "安装公共充电桩320台。", "320", "台", "count"),
    case("liang", "新增新能源公交车56辆。", "56", "辆", "count"),
    case("tao", "建设保障性租赁住房1200套。", "1200", "套", "count"),
    case("qi", "举办农村实用技术培训班12期。", "12", "期", "count"),
    case("zhong", "推广农作物新品种15种。", "15", "种", "count"),
    case("tou", "新增能繁母牛860头。", "860", "头", "count"),
    case("wan-tou", "生猪出栏38.6万头。", "386000", "头", "count"),
    case("yu", "家禽出笼120万羽。", "1200000", "羽", "count"),
    # area
    case("mu", "流转土地860亩。", "860", "亩", "area"),
    case("wan-mu", "新建高标准农田2.5万亩。", "25000", "亩", "area"),
    case("gongqing", "完成人工造林1200公顷。", "1200", "公顷", "area"),
    case("qian-gongqing-scales", "粮食播种面积85.6千公顷。", "85600", "公顷", "area"),
    case("pingfangmi", "新建标准厂房3200平方米。", "3200", "平方米", "area"),
    case("wan-pingfangmi", "改造棚户区住房4.5万平方米。", "45000", "平方米", "area"),
    case("pingfang-gongli", "治理水土流失面积36.5平方公里。", "36.5", "平方公里", "area"),
    # length
    case("gongli", "新改建农村公路128公里。", "128", "公里", "length"),
    case("qianmi-keeps-qian", "新建污水管网12.6千米。", "12.6", "千米", "length"),
    case("mi", "修建防洪堤坝860米。", "860", "米", "length"),
    # weight
    case("dun", "回收废旧农膜560吨。", "560", "吨", "weight"),
    case("wan-dun", "粮食总产量32.6万吨。", "326000", "吨", "weight"),
    case("qianke-keeps-qian", "人均消费水产品12.5千克。", "12.5", "千克", "weight"),
    case("gongjin", "茶叶产量4800公斤。", "4800", "公斤", "weight"),
    case("jin", "水稻亩产1150斤。", "1150", "斤", "weight"),
    case("wanyi-jin", "全国粮食产量1.3万亿斤。", "1300000000000", "斤", "weight"),
    # volume
    case("lifangmi", "清淤疏浚土方8600立方米。", "8600", "立方米", "volume"),
    case("wan-lifangmi", "新增蓄水库容320万立方米。", "3200000", "立方米", "volume"),
    # energy
    case("qianwa-keeps-qian", "新增屋顶光伏装机860千瓦。", "860", "千瓦", "energy"),
    case("wan-qianwa", "新增风电装机容量45万千瓦。", "450000", "千瓦", "energy"),
    case("qianwashi", "全年节约用电12000千瓦时。", "12000", "千瓦时", "energy"),
    case("wan-qianwashi", "光伏电站发电量560万千瓦时。", "5600000", "千瓦时", "energy"),
    case("yi-qianwashi", "全社会用电量28.6亿千瓦时。", "2860000000", "千瓦时", "energy"),
    case(
        "cn-shiwan-qianwa-missed",
        "新增风电装机十万千瓦。",
        "100000",
        "千瓦",
        "energy",
    ),
    # duration
    case("xiaoshi", "企业开办时间压缩至8小时。", "8", "小时", "duration"),
    case("tian", "不动产登记办理时长缩短3天。", "3", "天", "duration"),
    case("geyue", "用6个月时间完成集中整治。", "6", "个月", "duration"),
    case("gongzuori", "承诺办结时限压缩至3个工作日。", "3", "工作日", "duration"),
    case("cn-nian-duration", "用三年时间完成全域整治。", "3", "年", "duration"),
    case("nian-duration", "用3年时间基本完成改造。", "3", "年", "duration"),
    case("nian-duration-small-4digit", "这座古镇已有1800年历史。", "1800", "年", "duration"),
    case(
        "nian-2000-years-history-read-as-calendar-year",
        "这座古城已有2000年历史。",
        "2000",
        "年",
        "duration",
        xfail="rejected as trap.year: any 4-digit 1900-2100 before 年 is taken as a calendar year,"
        " although 已有…年历史 is a duration",
    ),
    case(
        "ge-duo-yue-read-as-ge",
        "专项整治历时3个多月。",
        "3",
        "个月",
        "duration",
    ),
    # multiple and percent
    case("bei", "外贸进出口额增长1.5倍。", "1.5", "倍", "multiple"),
    case("percent", "规上工业增加值增长8.5%。", "8.5", "%", "percent"),
    case("fullwidth-percent-sign", "社会消费品零售总额增长7.2％。", "7.2", "%", "percent"),
    case("percent-words", "行政运行经费下降百分之五。", "5", "%", "percent"),
    case("percent-words-decimal", "森林覆盖率达到百分之三十五点五。", "35.5", "%", "percent"),
    case("percentage-points", "城镇化率提高1.2个百分点。", "1.2", "百分点", "percent"),
    case("permille", "人口自然增长率为3.6‰。", "3.6", "‰", "percent"),
    case("fraction-third", "外出务工人员约占全县总人口的三分之一。", "100/3", "%", "percent"),
    case("fraction-quarter", "民营经济贡献了全县税收的四分之一。", "25", "%", "percent"),
    case("fraction-two-thirds", "集体经济收入较高的村占三分之二。", "200/3", "%", "percent"),
    case(
        "qianfenzhi-permille-missed",
        "人口自然增长率为千分之五。",
        "5",
        "‰",
        "percent",
    ),
    # compound units
    case("dun-gongli", "完成货物周转量8600吨公里。", "8600", "吨公里", "other"),
    case("wan-dun-gongli", "全年货物周转量125.6万吨公里。", "1256000", "吨公里", "other"),
    case("ren-per-gongli", "轨道交通线路客流强度达到1.2万人/公里。", "12000", "人/公里", "other"),
    case("muci", "开展统防统治3500亩次。", "3500", "亩次", "other"),
    case("wan-muci", "完成小麦一喷三防12万亩次。", "120000", "亩次", "other"),
    case(
        "weike-per-lifangmi-missed",
        "全年细颗粒物平均浓度为32微克/立方米。",
        "32",
        "微克/立方米",
        "other",
    ),
]


@pytest.mark.parametrize(("text", "value", "unit", "kind"), UNITS)
def test_unit_and_magnitude(text: str, value: str, unit: str, kind: str) -> None:
    m = only(text)
    assert (m.value, unit_name(m), m.kind) == (dec(value), unit, kind)


# ---------------------------------------------------------------------------------------------
# 2. Numerals inside sentences: (text, value, canonical unit)
# ---------------------------------------------------------------------------------------------
NUMERALS = [
    case("arabic-int", "新建城市口袋公园12个。", "12", "个"),
    case("arabic-decimal", "居民人均可支配收入增长6.8%。", "6.8", "%"),
    case("arabic-small-decimal", "PM10平均浓度同比下降0.05%。", "0.05", "%"),
    case("arabic-decimal-wan", "人均补贴12.75万元。", "127500", "元"),
    case("fullwidth-int", "培训农村实用人才１２３４人。", "1234", "人"),
    case("fullwidth-decimal", "一般公共预算收入增长１６．４％。", "16.4", "%"),
    case("fullwidth-wan", "发放创业补贴１．５万元。", "15000", "元"),
    case("thousands-wan-yuan", "兑现惠企资金1,100万元。", "11000000", "元"),
    case("thousands-ren", "吸纳就业12,345人。", "12345", "人"),
    case("thousands-two-groups", "完成造林1,234,567亩。", "1234567", "亩"),
    case("thousands-decimal", "减免租金2,345.6万元。", "23456000", "元"),
    case(
        "fullwidth-thousands-comma-split",
        "兑现惠企资金１，１００万元。",
        "11000000",
        "元",
    ),
    case("cn-shiliu-ge", "成立十六个工作专班。", "16", "个"),
    case("cn-sanqian-wubai-ren", "组织三千五百人参加应急演练。", "3500", "人"),
    case("cn-liang-ge", "建成两个省级产业园。", "2", "个"),
    case("cn-yibai-ling-wu-xiang", "梳理改革任务一百零五项。", "105", "项"),
    case("cn-ershi-wan-yuan", "筹集帮扶资金二十万元。", "200000", "元"),
    case("cn-shi-ge", "选派十个驻村工作队。", "10", "个"),
    case("cn-ershisan-ming", "表彰优秀村干部二十三名。", "23", "名"),
    case("cn-wubai-hu", "帮扶困难家庭五百户。", "500", "户"),
    case("cn-yiqian-erbai-ren", "招募志愿者一千二百人。", "1200", "人"),
    case("cn-san-wan-ren", "带动群众三万人增收。", "30000", "人"),
    case("cn-liangqian-wan-yuan", "设立产业基金两千万元。", "20000000", "元"),
    case("cn-sishiwu-jia", "新增专精特新企业四十五家。", "45", "家"),
    case("cn-yiwan-ling-babai-ren", "累计安置移民一万零八百人。", "10800", "人"),
    case("cn-liang-yi-yuan", "发行专项债券两亿元。", "200000000", "元"),
    case("cn-shier-yi-yuan", "完成固定资产投资十二亿元。", "1200000000", "元"),
    case("cn-decimal-dian", "新增粮食产能三点五万吨。", "35000", "吨"),
    case("cn-financial-digits", "拨付救灾资金叁拾万元。", "300000", "元"),
    case("cn-yiwan-erqian", "安置就业一万二千人。", "12000", "人"),
    case("cn-yiyi-liangqianwan", "争取中央预算内投资一亿两千万元。", "120000000", "元"),
    case("cn-lingdianwu-points", "城镇登记失业率下降零点五个百分点。", "0.5", "百分点"),
    case("cn-percent-words-lingdianwu", "能耗下降百分之零点五。", "0.5", "%"),
    case("cn-six-digits", "全市常住人口十二万三千四百五十六人。", "123456", "人"),
    case("cn-liangqian-yu", "两千余人参加义务植树。", "2000", "人"),
    case("cn-ershisan-liang-san-qian", "惠及群众两三千人。", "2000", "人"),
    case(
        "cn-bai-yu-missed",
        "组织百余人参加业务培训。",
        "100",
        "人",
    ),
    case(
        "cn-qian-yu-missed",
        "千余名党员参加志愿服务。",
        "1000",
        "名",
    ),
    case("mixed-wan-ren", "城镇新增就业1.5万人。", "15000", "人"),
    case("mixed-wan-trailing-group", "全县参保人数达到3万4000人。", "34000", "人"),
    case("mixed-yi-exact-no-float", "完成政府投资16.4亿元。", "1640000000", "元"),
    case("mixed-wanyi", "国内生产总值达到134.9万亿元。", "134900000000000", "元"),
    case("mixed-wanyi-2", "减税降费2.3万亿元。", "2300000000000", "元"),
    case("mixed-wan-duo-yi", "新增减税降费4万多亿元。", "4000000000000", "元"),
    # regression: 13万2千人 gave 132000000 (the trailing 千 was applied again as a magnitude)
    case("regression-wan-trailing-qian-applied-twice", "参与群众达到13万2千人。", "132000", "人"),
    case("negative-percent", "农产品出口额增长-3.2%。", "-3.2", "%"),
    case("negative-points", "居民消费价格指数同比-0.3个百分点。", "-0.3", "百分点"),
    case("negative-unicode-minus", "农产品出口额增长−3.2%。", "-3.2", "%"),
    case(
        "negative-fullwidth-minus-dropped",
        "农产品出口额增长－3.2%。",
        "-3.2",
        "%",
    ),
]


@pytest.mark.parametrize(("text", "value", "unit"), NUMERALS)
def test_numeral_in_sentence(text: str, value: str, unit: str) -> None:
    m = only(text)
    assert (m.value, unit_name(m)) == (dec(value), unit)


# ---------------------------------------------------------------------------------------------
# 3. Qualifiers: (text, qualifier, marker)
# ---------------------------------------------------------------------------------------------
QUALIFIERS = [
    # approx
    case("yue", "全年接待游客约120万人次。", "approx", "约"),
    case("dayue", "大约3000名志愿者参与清洁行动。", "approx", "大约"),
    case("zuoyou", "地区生产总值增长5%左右。", "approx", "左右"),
    case("shangxia", "常住人口保持在3000人上下。", "approx", "上下"),
    case("jin", "近1200万人享受医保报销。", "approx", "近"),
    case("jiangjin", "将近800户群众搬入新居。", "approx", "将近"),
    case("jiejin", "城镇化率接近40%。", "approx", "接近"),
    case("yuewei", "农村居民人均可支配收入约为2.8万元。", "approx", "约为"),
    case("yue-chinese", "约三千人参加义务植树。", "approx", "约"),
    # more_than
    case("yu-infix", "选派20余名干部驻村。", "more_than", "余"),
    case("yu-before-magnitude", "融资8000余万元。", "more_than", "余"),
    case("yu-after-magnitude", "带动就业1万余人。", "more_than", "余"),
    case("duo-infix", "建成200多个文化广场。", "more_than", "多"),
    case("duo-chinese", "组织三千多人参加培训。", "more_than", "多"),
    case("duo-after-unit", "专项行动持续1年多。", "more_than", "多"),
    case("duo-before-wan", "带动50多万人就业。", "more_than", "多"),
    case("yu-after-shi", "打造十余个特色街区。", "more_than", "余"),
    case("yu-after-wan-before-yuan", "统筹资金1200余万元。", "more_than", "余"),
    case("yu-prefix", "逾5000人次参加展会。", "more_than", "逾"),
    case("chaoguo", "市场主体超过3000家。", "more_than", "超过"),
    case("chao", "民间投资超10亿元。", "more_than", "超"),
    case("tupo", "工业总产值突破100亿元。", "more_than", "突破"),
    # at_least
    case("yishang-percent", "农村自来水普及率达到95%以上。", "at_least", "以上"),
    case("yishang-wan-ren", "服务群众1000万人以上。", "at_least", "以上"),
    case("budiyu", "粮食播种面积不低于60%。", "at_least", "不低于"),
    case("bushaoyu", "每个村不少于30人。", "at_least", "不少于"),
    case("zhishao", "每年组织应急演练至少2次。", "at_least", "至少"),
    # regression: 至少 separated from the number by the verb 开展 was ignored (exact)
    case("regression-zhishao-before-verb", "每年至少开展2次应急演练。", "at_least", "至少"),
    case("yishang-percent-words", "达标率提高到百分之五十以上。", "at_least", "以上"),
    # at_most
    case("yinei-hours", "审批时限压缩至4小时以内。", "at_most", "以内"),
    case("yinei-percent", "城镇登记失业率控制在3%以内。", "at_most", "以内"),
    case("yixia", "小微企业从业人员10人以下。", "at_most", "以下"),
    case("buchaoguo", "办理时限不超过5天。", "at_most", "不超过"),
    case("bugaoyu", "居民消费价格涨幅不高于3%。", "at_most", "不高于"),
    # less_than
    case("budao", "项目审批用时不到3天。", "less_than", "不到"),
    case("buzu", "部分村常住人口不足100人。", "less_than", "不足"),
    case("diyu", "万元GDP能耗增幅低于5%。", "less_than", "低于"),
    # traps: a marker-looking word that does not qualify the number
    case("yuetan-is-a-verb", "约谈3名干部。", "exact", None),
    case("yuetan-in-sentence", "共约谈12名村干部。", "exact", None),
    case("yishang-means-the-above", "以上3个行业均实现增长。", "exact", None),
    case("yixia-means-the-following", "重点抓好以下3个方面。", "exact", None),
    case("chaoguo-qunian-is-no-qualifier", "销售额超过去年同期12%。", "exact", None),
    case("chaoguo-qunian-points", "增速超过去年0.5个百分点。", "exact", None),
    case("qiyu-is-no-qualifier", "其余5个乡镇全部达标。", "exact", None),
    case("shangxia-before-number", "全县上下3000余名干部投入一线。", "more_than", "余"),
    case(
        "qianyue-read-as-yue",
        "集中签约12个重大项目。",
        "exact",
        None,
    ),
    case(
        "jieyue-read-as-yue",
        "累计节约1200万元。",
        "exact",
        None,
    ),
    case(
        "yuyue-read-as-yue",
        "全年累计预约1.2万人次。",
        "exact",
        None,
    ),
    case(
        "zuijin-read-as-jin",
        "最近3年新建学校。",
        "exact",
        None,
    ),
    case(
        "duo-of-duogongneng-read-as-more-than",
        "建成20个多功能活动室。",
        "exact",
        None,
    ),
    case(
        "duo-of-duomeiti-read-as-more-than",
        "新增8间多媒体教室。",
        "exact",
        None,
    ),
]


@pytest.mark.parametrize(("text", "qualifier", "marker"), QUALIFIERS)
def test_qualifier(text: str, qualifier: str, marker: str | None) -> None:
    m = only(text)
    assert (m.qualifier, m.marker) == (qualifier, marker)
    if marker is not None:
        assert marker in text
        # CONVENTIONS: the text covers an adjacent marker, so none may touch the span from outside.
        assert not text[: m.start].endswith(marker), m.text
        assert not text[m.end :].startswith(marker), m.text


# ---------------------------------------------------------------------------------------------
# 4. Ranges: (text, lower, upper, canonical unit)
# ---------------------------------------------------------------------------------------------
RANGES = [
    case("percent-fullwidth-dash", "地区生产总值增长6.5%－7%。", "6.5", "7", "%"),
    case("percent-ascii-hyphen", "地区生产总值增长6.5%-7%。", "6.5", "7", "%"),
    case("percent-unit-on-upper-only", "居民收入增长6.5-7%。", "6.5", "7", "%"),
    case("zhi-ge", "每个乡镇打造3至5个示范村。", "3", "5", "个"),
    case("emdash-ge", "每年新建3—5个社区食堂。", "3", "5", "个"),
    case("dao-nian", "用3到5年时间完成改造。", "3", "5", "年"),
    case("zhi-wan-yuan-both-scaled", "每户补助3至5万元。", "30000", "50000", "元"),
    case("tilde-wan-dun", "年新增产能10～15万吨。", "100000", "150000", "吨"),
    case("ascii-tilde-tian", "审批时间缩短3~5天。", "3", "5", "天"),
    case("emdash-points", "财政收入占比提高2—3个百分点。", "2", "3", "百分点"),
    case("zhi-ren", "每期培训30至50人。", "30", "50", "人"),
    case("cn-liang-san-ge", "每个县培育两三个龙头企业。", "2", "3", "个"),
    case("cn-ba-jiu-yi-yuan", "年均投入八九亿元。", "800000000", "900000000", "元"),
    case("cn-yi-liang-ge", "每村发展一两个特色产业。", "1", "2", "个"),
    case("cn-qi-ba-qian-ren", "每天接待游客七八千人。", "7000", "8000", "人"),
    case("cn-san-si-shi-wan-ren", "年均带动三四十万人就业。", "300000", "400000", "人"),
    case("cn-liang-dao-san-nian", "用两到三年时间建成。", "2", "3", "年"),
    case("cn-san-zhi-wu-ge", "每年新建三至五个美丽乡村。", "3", "5", "个"),
    case("cn-er-san-shi-ge", "每年实施二三十个技改项目。", "20", "30", "个"),
    case("percent-both-emdash", "项目资本金比例为20%—30%。", "20", "30", "%"),
    case("percent-ascii-tilde", "居民收入增长5%~6%。", "5", "6", "%"),
    case("percent-fullwidth-tilde", "居民收入增长６．５％～７％。", "6.5", "7", "%"),
    case("points-zhi", "研发投入强度提高1至2个百分点。", "1", "2", "百分点"),
    case("bei-emdash", "亩均效益提高2—3倍。", "2", "3", "倍"),
    case("yi-yuan-on-both-bounds", "单个项目投资3亿元—5亿元。", "300000000", "500000000", "元"),
    case("wan-ren-on-both-bounds", "每年培训1.2万人-1.5万人。", "12000", "15000", "人"),
    case(
        "wan-on-both-bounds-scaled-twice",
        "每年吸引游客1.2万—1.5万人。",
        "12000",
        "15000",
        "人",
    ),
    case(
        "wan-yuan-on-both-bounds-scaled-twice",
        "每户奖补10万至15万元。",
        "100000",
        "150000",
        "元",
    ),
    case(
        "cn-san-wu-nian-not-a-range",
        "用三五年时间建成示范区。",
        "3",
        "5",
        "年",
    ),
    case(
        "percent-words-range-split",
        "能耗强度下降百分之五至百分之八。",
        "5",
        "8",
        "%",
    ),
]


@pytest.mark.parametrize(("text", "low", "high", "unit"), RANGES)
def test_range(text: str, low: str, high: str, unit: str) -> None:
    m = only(text)
    assert (m.qualifier, m.value, m.value_max, unit_name(m)) == ("range", dec(low), dec(high), unit)


# ---------------------------------------------------------------------------------------------
# 5. Traps: (text, trap surface, a real quantity in the same sentence or None).
#    No metric may overlap the trap; the real quantity, when given, must still be found.
# ---------------------------------------------------------------------------------------------
TRAPS = [
    # years, dates, months
    case("year", "2023年，全县新增城镇就业1260人。", "2023年", "1260人"),
    case("year-opens-sentence", "2022年全国粮食产量增长3.1%。", "2022年", "3.1%"),
    case("year-built", "该桥建于1954年，全长860米。", "1954年", "860米"),
    case("year-full-date", "2026年2月7日召开动员大会，参会320名。", "2026年2月7日", "320名"),
    case("month", "3月，启动专项整治，排查隐患86处。", "3月", "86处"),
    case("year-range-emdash", "2021—2025年累计投入资金12亿元。", "2021—2025年", "12亿元"),
    case("year-range-hyphen", "2021-2025年累计新增就业5.6万人。", "2021-2025年", "5.6万人"),
    case("year-range-zhi", "2021至2025年新建学校18所。", "2021至2025年", "18所"),
    case("year-chinese-ling-circle", "二〇二三年，全市新建学校5所。", "二〇二三年", "5所"),
    case("year-chinese-ling", "二零二二年新增绿地120公顷。", "二零二二年", "120公顷"),
    case("year-target", "到2035年，城镇化率达到70%。", "2035年", "70%"),
    case("year-since", "2019年以来，累计培训4800人次。", "2019年", "4800人次"),
    case("year-since-1949", "1949年以来，人口增长3倍。", "1949年", "3倍"),
    case("month-range", "1—11月，实现营业收入8.6亿元。", "1—11月", "8.6亿元"),
    case("month-day", "12月31日前整改问题46个。", "12月31日", "46个"),
    case("year-month", "2023年12月，新增市场主体1300户。", "2023年12月", "1300户"),
    case("year-end", "2023年末，户籍人口48.6万人。", "2023年", "48.6万人"),
    case("year-du", "2024年度考核优秀单位18个。", "2024年", "18个"),
    case("month-day-effective", "自10月1日起，减免费用300万元。", "10月1日", "300万元"),
    case("quarter", "一季度，规上工业增加值增长7.5%。", "一季度", "7.5%"),
    case("anniversary", "庆祝建党100周年，表彰优秀党员120名。", "100周年", "120名"),
    case(
        "decade-chinese-read-as-duration",
        "上世纪八十年代建成的厂房改造12栋。",
        "八十年代",
        "12栋",
    ),
    case(
        "decade-arabic-read-as-duration",
        "20世纪90年代以来，人口增长3倍。",
        "90年代",
        "3倍",
    ),
    # ordinals and ranks
    case("di-yi-ci", "第一次全国自然灾害普查排查隐患320处。", "第一次", "320处"),
    case("di-shiliu-jie", "第十六届运动会设比赛项目32项。", "第十六届", "32项"),
    case("shou-jie", "首届农民丰收节吸引游客2.3万人次。", "首届", "2.3万人次"),
    case("di-3-ci-arabic", "召开第3次党代会，代表280名。", "第3次", "280名"),
    case("di-2-wei", "增速排名全省第2位，增长9.1%。", "第2位", "9.1%"),
    case("di-er-pi", "入选第二批试点县，获奖补资金500万元。", "第二批", "500万元"),
    case("di-yi-shuji", "选派第一书记46名。", "第一", "46名"),
    case("di-shisi-ge-wunian", "第十四个五年规划实施项目210个。", "第十四个", "210个"),
    case("er-deng-jiang", "荣获省科技进步二等奖2项。", "二等奖", "2项"),
    case("yi-deng-jiang", "获一等奖3项。", "一等奖", "3项"),
    case("san-deng-jiang", "获得三等奖的作品12件。", "三等奖", "12件"),
    case("er-ji-gonglu", "新建二级公路35公里。", "二级", "35公里"),
    case("san-ji-yiyuan", "建成三级医院2所。", "三级", "2所"),
    case(
        "shiyi-jie-wu-ci-quanhui-read-as-counts",
        "省委十一届五次全会部署重点项目36个。",
        "十一届五次全会",
        "36个",
    ),
    case(
        "shisi-jie-renda-er-ci-huiyi-read-as-counts",
        "十四届全国人大二次会议审议通过法律5部。",
        "十四届全国人大二次会议",
        "5部",
    ),
    case(
        "san-nianji-read-as-duration",
        "三年级学生120名参加研学。",
        "三年级",
        "120名",
    ),
    case(
        "er-qi-gongcheng-read-as-count",
        "实施二期工程，新增用地120亩。",
        "二期",
        "120亩",
    ),
    # list markers
    case("yi-shi", "一是新建学校3所。", "一是", "3所"),
    case("er-shi", "二是改造农村公路56公里。", "二是", "56公里"),
    case("yi-dun", "一、主要经济指标\n地区生产总值增长5.6%。", "一、", "5.6%"),
    case("paren-yi", "（一）坚持稳中求进\n新增就业1200人。", "（一）", "1200人"),
    case("arabic-point", "1.加快项目建设，新开工项目36个。", "1.", "36个"),
    case("arabic-dun", "2、新建农贸市场4个。", "2、", "4个"),
    case("arabic-paren", "（3）新增停车位860个。", "（3）", "860个"),
    case("si-dun", "四、2024年工作安排\n新增就业1100人。", "四、", "1100人"),
    # names, slogans, fixed expressions
    case("ershi-da", "学习贯彻党的二十大精神，培训党员1.2万人次。", "二十大", "1.2万人次"),
    case("ershi-jie-san-zhong", "贯彻二十届三中全会精神，推出改革举措36项。", "二十届三中全会", "36项"),
    case("shisi-wu-quoted", "“十四五”规划确定的重大项目48个。", "“十四五”", "48个"),
    case("shisi-wu-bare", "十四五时期累计投资860亿元。", "十四五", "860亿元"),
    case("yi-qi", "一汽红旗基地投产整车2.6万辆。", "一汽", "2.6万辆"),
    case("san-zhi-yi-chuang", "深化“三治一创”，创建示范村15个。", "“三治一创”", "15个"),
    case("si-hao-nongcun-lu", "建设“四好农村路”86公里。", "“四好农村路”", "86公里"),
    case("yi-dai-yi-lu", "与一带一路沿线国家贸易额增长12%。", "一带一路", "12%"),
    case("yi-tiao-xin", "凝聚一条心，新增项目12个。", "一条心", "12个"),
    case("yi-pan-qi", "全县一盘棋，化解矛盾纠纷320件。", "一盘棋", "320件"),
    case("wan-jing-jin-wan-jia", "开展“万警进万家”，走访群众2.3万户。", "“万警进万家”", "2.3万户"),
    case("qian-che-wan-ren", "千车万人大会战完成土方56万立方米。", "千车万人", "56万立方米"),
    case("tieren-san-xiang", "举办铁人三项赛，参赛选手860名。", "铁人三项", "860名"),
    case("qian-fang-bai-ji", "千方百计稳就业，新增就业1100人。", "千方百计", "1100人"),
    case("yi-xilie", "出台一系列政策，减免税费2.1亿元。", "一系列", "2.1亿元"),
    case("yi-pi", "建成一批重大项目，完成投资45亿元。", "一批", "45亿元"),
    case("yi-tihua", "推进城乡供水一体化，新建管网56公里。", "一体化", "56公里"),
    case("yi-zhanshi", "建成一站式服务中心12个。", "一站式", "12个"),
    case("wanzai-xian", "万载县新增就业2100人。", "万载县", "2100人"),
    case("wu-xi-quoted", "落实“五细”要求，整改问题86个。", "“五细”", "86个"),
    case("liang-xue-yi-zuo", "开展两学一做，覆盖党员3200名。", "两学一做", "3200名"),
    case("yi-ba-shou", "一把手带头走访企业120家。", "一把手", "120家"),
    case("yi-wang-tong-ban", "推行一网通办，办件量增长35%。", "一网通办", "35%"),
    case("qian-jia-wan-hu", "自来水进入千家万户，受益群众5.6万人。", "千家万户", "5.6万人"),
    case("yi-guo-liang-zhi", "坚持一国两制，接待港澳客商860人次。", "一国两制", "860人次"),
    case("liang-ge-queli-quoted", "深刻领悟“两个确立”，培训干部560人。", "“两个确立”", "560人"),
    case("yi-ci-xing", "发放一次性补贴3000元。", "一次", "3000元"),
    case("yi-xian", "一线医务人员增加120名。", "一线", "120名"),
    case("qianyi-ji", "打造千亿级产业集群，产值增长12%。", "千亿级", "12%"),
    case("ershi-da-yilai", "党的二十大以来，新增就业1200人。", "二十大", "1200人"),
    case("yi-chan-er-chan", "一产增长3.1%，二产增长6.2%。", "一产", "3.1%"),
    case("di-yi-chanye", "第一产业增加值增长3.5%。", "第一产业", "3.5%"),
    case("san-ci-chanye", "三次产业结构持续优化，服务业占比提高1.2个百分点。", "三次", "1.2个百分点"),
    case("mei-wan-ren-denominator", "每万人拥有执业医师3.2人。", "每万人", "3.2人"),
    case("wan-yuan-gdp-denominator", "万元GDP能耗下降3.2%。", "万元GDP", "3.2%"),
    case(
        "liang-ge-haobudongyao-read-as-count",
        "坚持两个毫不动摇，新增民营企业860家。",
        "两个毫不动摇",
        "860家",
    ),
    case(
        "ba-xiang-guiding-read-as-count",
        "严格落实中央八项规定精神，查处问题36个。",
        "八项规定",
        "36个",
    ),
    case(
        "si-mian-ba-fang-read-as-count",
        "吸引四面八方游客86万人次。",
        "四面八方",
        "86万人次",
    ),
    case(
        "san-fan-wu-ci-read-as-count",
        "三番五次上门服务企业120家。",
        "三番五次",
        "120家",
    ),
    case(
        "san-men-xia-read-as-count",
        "三门峡市新增就业1.2万人。",
        "三门峡",
        "1.2万人",
    ),
    case(
        "wu-tai-shan-read-as-count",
        "五台山景区接待游客86万人次。",
        "五台山",
        "86万人次",
    ),
    case(
        "san-zhi-songshu-read-as-count",
        "三只松鼠新增线下门店56家。",
        "三只松鼠",
        "56家",
    ),
    case("yi-cun-yi-pin-quoted", "推进“一村一品”，发展特色产业村28个。", "“一村一品”", "28个"),
    case(
        "yi-ren-yi-dang-read-as-count",
        "建立一人一档，服务860名老人。",
        "一人一档",
        "860名",
    ),
    case(
        "yi-hu-yi-ce-read-as-count",
        "推行一户一策，帮扶320户。",
        "一户一策",
        "320户",
    ),
    case(
        "yi-men-shi-read-as-count",
        "推行一门式服务，办件1.2万件。",
        "一门式",
        "1.2万件",
    ),
    case(
        "yi-ben-zhang-read-as-count",
        "建立问题整改一本账，整改问题46个。",
        "一本账",
        "46个",
    ),
    case(
        "yi-jia-ren-read-as-count",
        "民族团结一家人，帮扶320户。",
        "一家人",
        "320户",
    ),
    case(
        "yi-tou-lian-zhe-read-as-count",
        "一头连着民生，投入360万元。",
        "一头",
        "360万元",
    ),
    # identifiers and codes
    case("pm25", "PM2.5平均浓度下降12%。", "PM2.5", "12%"),
    case("pm25-wrapped", "PM\n2.5平均浓度下降12%。", "PM\n2.5", "12%"),
    case("pm10", "PM10浓度下降8.6%。", "PM10", "8.6%"),
    case("5g", "新建5G基站1260个。", "5G", "1260个"),
    case("c919", "C919配套企业新增12家。", "C919", "12家"),
    case("4a-ji", "新增国家4A级旅游景区3家。", "4A级", "3家"),
    case("5a-ji", "创建5A级景区1家。", "5A级", "1家"),
    case("provincial-road-code", "改造S228省道12公里。", "S228", "12公里"),
    case("hotline-number", "12345热线受理诉求2.6万件。", "12345", "2.6万件"),
    case("document-number", "依据赣府发〔2023〕12号文件，拨付资金860万元。", "〔2023〕12号", "860万元"),
    case("3d-printing", "引进3D打印企业5家。", "3D", "5家"),
    case("ipv6", "IPv6用户增长36%。", "IPv6", "36%"),
    case("alarm-number-110", "110接警3.2万起。", "110", "3.2万起"),
    # page footers
    case("footer-emdash", "全年新增就业1200人。\n—3—\n城镇化率提高0.8个百分点。", "—3—", "1200人"),
    case("footer-emdash-spaced", "新建学校5所。\n— 12 —\n改造农村公路86公里。", "— 12 —", "86公里"),
    case("footer-fullwidth-dash", "新增绿地56公顷。\n－5－\n完成造林1200亩。", "－5－", "1200亩"),
    case("footer-hyphen-spaced", "增长6.3%。\n- 7 -\n新增企业120家。", "- 7 -", "120家"),
    case("footer-emdash-then-count-line", "新增就业1200人。\n—3—\n12个乡镇全部达标。", "—3—", "12个"),
    case("footer-hyphen-then-year-line", "新增就业1200人。\n- 3 -\n2024年新增企业120家。", "- 3 -", "120家"),
    case(
        "footer-bare-page-number-joined-with-year",
        "新增就业1200人。\n3\n2024年，新增企业120家。",
        "\n3\n",
        "120家",
    ),
    case(
        "footer-bare-page-number-joined-with-count",
        "改造农村公路56公里。\n3\n12个乡镇全部达标。",
        "\n3\n",
        "56公里",
    ),
]


@pytest.mark.parametrize(("text", "trap", "keep"), TRAPS)
def test_trap_is_not_a_metric(text: str, trap: str, keep: str | None) -> None:
    found = metrics(text)
    start, end = span_of(text, trap)
    assert [m.text for m in found if overlaps(m, start, end)] == []
    if keep is not None:
        k_start, k_end = span_of(text, keep)
        assert any(overlaps(m, k_start, k_end) for m in found), [m.text for m in found]


# ---------------------------------------------------------------------------------------------
# 6. Offset identity on texts whose normalised copy differs from the original:
#    (text, expected [(value, unit)] in order).  metrics() checks text[start:end] == text.
# ---------------------------------------------------------------------------------------------
OFFSETS = [
    case("fullwidth-digits", "培训１２３４人，增长１６．４％。", [("1234", "人"), ("16.4", "%")]),
    case("fullwidth-after-text", "全年ａｂｃ新增就业１２００人。", [("1200", "人")]),
    case("space-before-percent", "研发投入增长16.1 %。", [("16.1", "%")]),
    case("ideographic-space-before-percent", "研发投入增长16.1\u3000%。", [("16.1", "%")]),
    case("space-before-permille", "出生率为7.2 ‰。", [("7.2", "‰")]),
    case("number-wrapped-by-line-break", "完成投资12\n3.4亿元。", [("12340000000", "元")]),
    case(
        "thousands-then-later-metric",
        "兑现资金1,100万元，惠及企业1,234家。",
        [("11000000", "元"), ("1234", "家")],
    ),
    case(
        "crlf-lines",
        "一、工作回顾\r\n全年完成投资16.4亿元。\r\n新增就业1200人。",
        [("1640000000", "元"), ("1200", "人")],
    ),
    case("cr-only-lines", "增长5%\r新增就业1200人。", [("5", "%"), ("1200", "人")]),
    case(
        "ideographic-spaces",
        "\u3000\u3000全年\u3000完成投资\u300016.4亿元，\u3000新增就业\u30001200人。",
        [("1640000000", "元"), ("1200", "人")],
    ),
    case("nbsp-before-number", "地区生产总值增长\u00a05.2%。", [("5.2", "%")]),
    case("tab-before-number", "地区生产总值增长\t5.2%。", [("5.2", "%")]),
    case("bom-at-start", "\ufeff全年增长5%，新增就业1200人。", [("5", "%"), ("1200", "人")]),
    case("astral-characters-before", "𠮷𠮷小区新建停车位320个。", [("320", "个")]),
    case(
        "wrap-and-fullwidth-together",
        "投资１２\n３．４亿元，增长８．８％。",
        [("12340000000", "元"), ("8.8", "%")],
    ),
    case("pm-wrap-then-metric", "PM\n2.5下降12%，优良天数320天。", [("12", "%"), ("320", "天")]),
    case("unit-wrapped-after-magnitude", "完成投资16.4亿\n元。", [("1640000000", "元")]),
    case(
        "number-wrapped-by-crlf",
        "完成投资12\r\n3.4亿元。",
        [("12340000000", "元")],
    ),
    case(
        "number-wrapped-after-decimal-point",
        "研发投入增长16.\n4%。",
        [("16.4", "%")],
    ),
    case(
        "unit-wrapped-by-line-break",
        "全年新增就业1200\n人。",
        [("1200", "人")],
    ),
    case(
        "a-label-line-ending-in-a-number-is-not-wrapped",
        "附件1\n名词解释\n“四上”企业：规模以上工业企业。",
        [],
    ),
    case(
        "spaces-around-number",
        "全年新增就业 1200 人。",
        [("1200", "人")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), OFFSETS)
def test_offsets_index_the_original_text(text: str, expected: list[tuple[str, str]]) -> None:
    found = metrics(text)
    assert [(m.value, unit_name(m)) for m in found] == [(dec(v), u) for v, u in expected]


# ---------------------------------------------------------------------------------------------
# 7. Pairs: each quantity of a pair is its own record: (text, expected [(value, unit)] in order)
# ---------------------------------------------------------------------------------------------
PAIRS = [
    case("jia-then-ren", "37家党组织共1450人。", [("37", "家"), ("1450", "人")]),
    case("tiao-then-gongli", "新改建农村公路20条102公里。", [("20", "条"), ("102", "公里")]),
    case("ge-then-wan-pingfangmi", "改造老旧小区32个27.5万平方米。", [("32", "个"), ("275000", "平方米")]),
    case("lun-then-ci", "开展巡察2轮150次。", [("2", "轮"), ("150", "次")]),
    case("suo-then-wan-pingfangmi", "新建学校3所1.2万平方米。", [("3", "所"), ("12000", "平方米")]),
    case("ge-then-hu", "改造老旧小区12个4860户。", [("12", "个"), ("4860", "户")]),
    case("bi-then-yi-yuan", "发放贷款326笔1.2亿元。", [("326", "笔"), ("120000000", "元")]),
    case("qi-then-renci", "举办培训班8期600人次。", [("8", "期"), ("600", "人次")]),
    case("ge-then-ge", "覆盖16个乡镇218个村。", [("16", "个"), ("218", "个")]),
    case("tiao-then-decimal-gongli", "治理河道6条28.6公里。", [("6", "条"), ("28.6", "公里")]),
    case("zuo-then-wan-qianwa", "建成光伏电站4座装机1.2万千瓦。", [("4", "座"), ("12000", "千瓦")]),
    case("xiang-then-yi-yuan", "完成12项工程总投资4.5亿元。", [("12", "项"), ("450000000", "元")]),
    case("suo-then-ming", "撤并3所学校1200名学生。", [("3", "所"), ("1200", "名")]),
    case("fen-then-yi-yuan", "签订合同45份3.2亿元。", [("45", "份"), ("320000000", "元")]),
    case("cn-ge-then-ren", "成立五个服务队三百人。", [("5", "个"), ("300", "人")]),
    case("hu-then-ren", "搬迁860户3200人。", [("860", "户"), ("3200", "人")]),
    case("percent-then-points", "增长5.2%，高于全省0.6个百分点。", [("5.2", "%"), ("0.6", "百分点")]),
    case("duo-then-exact", "20多家企业投资1.5亿元。", [("20", "家"), ("150000000", "元")]),
    case("ge-hu-ren-triple", "覆盖12个村4860户1.6万人。", [("12", "个"), ("4860", "户"), ("16000", "人")]),
    case(
        "two-wan-ren-in-one-sentence",
        "户籍人口48.6万人，其中城镇人口21.3万人。",
        [("486000", "人"), ("213000", "人")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), PAIRS)
def test_pair_is_two_metrics(text: str, expected: list[tuple[str, str]]) -> None:
    found = metrics(text)
    assert [(m.value, unit_name(m)) for m in found] == [(dec(v), u) for v, u in expected]
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))  # no overlap, in order


def _every_candidate(finder: Any, text: str) -> Iterator[Any]:
    """Every numeral of ``text`` the finder reads as a candidate, before its trap rules."""
    pos = 0
    while (m := finder._number.search(text, pos)) is not None:
        pos = m.end()
        cand, _ = finder._candidate(text, m)
        if cand is not None:
            yield cand


def test_set_phrases_are_found_around_a_numeral_as_in_the_whole_text() -> None:
    """The trap.phrase rule searches a window around each numeral; a search of the whole text
    (every phrase, overlapped) must give the same answer for every candidate."""
    import random

    from extractor.pipeline import get_extractor
    from extractor.quantities import _Context, _in_trap_phrase

    from .conftest import sample_texts

    finder = get_extractor().finder
    phrases = finder.lexicon.traps.phrases
    rng = random.Random(7)
    filler = "全年新增企业项目个亿元万人，。、增长"
    texts = list(sample_texts())
    for _ in range(300):  # phrases glued to numbers and to each other
        parts = [rng.choice(phrases) if rng.random() < 0.4 else rng.choice(filler) for _ in range(30)]
        parts += [str(rng.randint(1, 99)), rng.choice("个项亿万名")]
        rng.shuffle(parts)
        texts.append("".join(parts))
    checked = inside = 0
    for text in texts:
        spans = [m.span() for m in finder._trap_phrases.finditer(text, overlapped=True)]
        ctx = _Context(text)
        for cand in _every_candidate(finder, text):
            whole = any(s <= cand.num_start and cand.num_end <= e for s, e in spans)
            assert _in_trap_phrase(finder, ctx, cand) == whole, (text, cand)
            checked += 1
            inside += whole
    assert checked > 1000 and inside > 50


def test_trap_rules_left_out_for_a_candidate_would_not_have_fired() -> None:
    """The finder runs only the trap rules that can fire for a candidate's numeral and unit; on
    every candidate of the sample reports and of generated text, the others do not fire."""
    import random

    from extractor.pipeline import get_extractor
    from extractor.quantities import _Context

    from .conftest import sample_texts

    finder = get_extractor().finder
    rng = random.Random(11)
    words = [
        "第",
        "一",
        "二",
        "十",
        "三",
        "年",
        "届",
        "期",
        "名",
        "位",
        "强",
        "“",
        "”",
        "2025",
        "12",
        "个",
        "亿元",
        *finder.lexicon.traps.phrases[:20],  # set phrases beside Arabic numerals
    ]
    texts = list(sample_texts())
    texts += ["".join(rng.choice(words) for _ in range(40)) for _ in range(300)]
    left_out = 0
    for text in texts:
        ctx = _Context(text)
        for cand in _every_candidate(finder, text):
            kept = finder._applicable_rules(cand.chinese, cand.unit.surface if cand.unit else None)
            for rule_id, rule in finder._trap_rules:
                if (rule_id, rule) not in kept:
                    left_out += 1
                    assert not rule(finder, ctx, cand), (rule_id, text[cand.start : cand.end])
    assert left_out > 1000


def test_the_ordinal_and_label_rules_answer_as_their_plain_tests() -> None:
    """Both rules first look at the one character next to the number; they answer what the plain
    test (the text before ends with an ordinal prefix, the text after starts with a label) does."""
    import random

    from extractor.pipeline import get_extractor
    from extractor.quantities import _Context, _label, _ordinal

    finder = get_extractor().finder
    traps = finder.lexicon.traps
    rng = random.Random(4)
    words = [*traps.ordinal_prefixes, *traps.label_suffixes, "3", "12", "十", "个", "年", "，", "增长"]
    fired = 0
    for _ in range(300):
        text = "".join(rng.choice(words) for _ in range(30))
        ctx = _Context(text)
        for cand in _every_candidate(finder, text):
            plain_ordinal = text[max(0, cand.start - 4) : cand.start].endswith(tuple(traps.ordinal_prefixes))
            plain_label = text.startswith(tuple(traps.label_suffixes), cand.num_end)
            assert _ordinal(finder, ctx, cand) == plain_ordinal, (text, cand)
            assert _label(finder, ctx, cand) == plain_label, (text, cand)
            fired += plain_ordinal + plain_label
    assert fired > 100

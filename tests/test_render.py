"""Tests of extractor.render: the HTML view of a report.

The unit tests render invented texts and read the page back with the stdlib ``html.parser``.  The
browser tests open pages in headless Chromium (``--dump-dom``, ``--screenshot``; no DevTools, no
extra Python package) and skip when no Chromium binary is installed.  The real report in
../shared (beside the project) is used only when present.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import struct
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

if importlib.util.find_spec("extractor") is None:  # not installed: run from the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractor import extract
from extractor.models import Check, Count, DocumentInfo, FocusItem, MetricBase, Section, decimal_to_json
from extractor.pipeline import Extraction
from extractor.render import render_file, render_html, render_index

ROOT = Path(__file__).resolve().parents[1]
DISTRICT = ROOT / "corpora" / "district_campaign.txt"
HULAN = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "hulan_campaign.txt"

# An invented report: a title, two sections "一、" "二、", items 一是/二是/三是, a declared count,
# and text that must be escaped (<script>, <b>, &, quotes).
REPORT = (
    "某区2024年工作报告\n"
    "一、主要工作\n"
    "今年以来，全区上下围绕“三个聚焦”持续发力。"
    "一是聚焦项目建设，跑出“加速度”。新开工项目37个，完成投资52.6亿元。"
    "二是聚焦民生改善，织密“保障网”。新增就业1.2万人，城镇登记失业率控制在3.5%以内。"
    '三是聚焦安全<script>alert("x")</script>，守牢“底线”。化解矛盾纠纷&投诉28件。\n'
    "\n"
    "二、明年安排\n"
    "全年地区生产总值增长5%左右，“A&B”<b>项目</b>投资约3亿元。"
)

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


# --------------------------------------------------------------------------------------------
# A small DOM built with html.parser
# --------------------------------------------------------------------------------------------


class Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None) -> None:
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Node | str] = []

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self) -> Iterator[Node]:
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Node]:
        return [
            n
            for n in self.iter()
            if (tag is None or n.tag == tag)
            and (cls is None or cls in n.classes)
            and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def by_id(self, id_: str) -> Node:
        found = [n for n in self.iter() if n.attrs.get("id") == id_]
        assert len(found) == 1, f"{len(found)} elements with id {id_!r}"
        return found[0]


class TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.cur = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.cur.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.cur))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.cur
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.cur = node.parent

    def handle_data(self, data: str) -> None:
        self.cur.children.append(data)


def parse(page: str) -> Node:
    builder = TreeBuilder()
    builder.feed(page)
    builder.close()
    return builder.root


def article_text(dom: Node) -> str:
    """The report text as shown: the paragraphs' text joined by line breaks."""
    article = dom.by_id("text")
    return "\n".join(p.text() for p in article.find_all("p"))


def metric_marks(dom: Node) -> list[Node]:
    return [n for n in dom.by_id("text").find_all("mark") if n.classes[:1] == ["metric"]]


def expected_attrs(m: MetricBase) -> dict[str, str]:
    def s(v: object) -> str:
        if v is None:
            return ""
        if isinstance(v, Decimal):
            return str(decimal_to_json(v))
        return str(v)

    return {
        "data-value": s(m.value),
        "data-value-max": s(m.value_max),
        "data-unit": s(None if m.unit is None else m.unit.name),
        "data-qualifier": m.qualifier,
        "data-marker": s(m.marker),
        "data-status": m.status,
        "data-kind": m.kind,
        "data-object": s(m.object),
        "data-indicator": s(m.indicator),
        "data-direction": s(m.direction),
        "data-period": s(m.period),
        "data-section": s(m.section_id),
        "data-item": s(m.item_id),
        "data-rule": s(m.rule),
    }


@pytest.fixture(scope="module")
def report() -> Extraction:
    return extract(REPORT, "demo.txt")


@pytest.fixture(scope="module")
def page(report: Extraction) -> str:
    return render_html(report)


# --------------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------------


def test_invented_report_has_what_the_tests_need(report: Extraction) -> None:
    kinds = {type(r) for r in report.records}
    assert {Section, FocusItem, Check} <= kinds
    assert len(report.metrics) >= 5


def test_one_mark_per_metric_with_its_fields(report: Extraction, page: str) -> None:
    assert page.count('<mark class="metric') == len(report.metrics)
    marks = metric_marks(parse(page))
    assert len(marks) == len(report.metrics)
    for n, (mark, m) in enumerate(zip(marks, report.metrics, strict=True), start=1):
        assert mark.attrs["id"] == f"m{n}"
        assert mark.classes == ["metric", f"kind-{m.kind}"]
        assert mark.text() == m.text
        for name, value in expected_attrs(m).items():
            assert mark.attrs[name] == value, (n, name)
        assert m.kind in mark.attrs["title"]  # details on hover


def test_text_reassembles_exactly(report: Extraction, page: str) -> None:
    dom = parse(page)
    assert article_text(dom) == REPORT

    # the text outside the marks is the text between the metrics
    def outside(node: Node) -> str:
        return "".join(
            c
            if isinstance(c, str)
            else "\0"
            if c.tag == "mark" and c.classes[:1] == ["metric"]
            else outside(c)
            for c in node.children
        )

    expected, pos = [], 0
    for m in report.metrics:
        expected.append(REPORT[pos : m.start])
        pos = m.end
    expected.append(REPORT[pos:])
    shown = "\n".join(outside(p) for p in dom.by_id("text").find_all("p"))
    assert shown == "\0".join(expected)


def test_paragraphs_follow_lines(page: str) -> None:
    dom = parse(page)
    paragraphs = dom.by_id("text").find_all("p")
    assert len(paragraphs) == REPORT.count("\n") + 1
    assert "lead" in paragraphs[0].classes  # the title line
    assert "blank" in paragraphs[3].classes  # the empty line


def test_escaping(report: Extraction, page: str) -> None:
    assert "<script>alert" not in page
    assert "<b>项目" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page or "&lt;script&gt;alert(" in page
    assert page.count("<script") == 2  # the JSON data and the page's own script
    # the embedded JSON cannot end its <script> element early and reads back exactly
    dom = parse(page)
    data = json.loads(dom.by_id("metrics-data").text())
    assert [d["text"] for d in data["metrics"]] == [m.text for m in report.metrics]
    assert [d["object"] for d in data["metrics"]] == [m.object for m in report.metrics]
    assert "</" not in dom.by_id("metrics-data").text()
    # attribute values round-trip (objects with & < > and quotes)
    for mark, m in zip(metric_marks(dom), report.metrics, strict=True):
        assert mark.attrs["data-object"] == (m.object or "")


def test_self_contained(page: str) -> None:
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "<link" not in page
    assert "@import" not in page
    assert "<style>" in page
    assert '"PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif' in page


def outline_entry(dom: Node, id_: str) -> Node:
    """The outline's ``<li>`` for a section or item."""
    (link,) = dom.by_id("sidebar").find_all("a", href=f"#{id_}")
    node: Node | None = link
    while node is not None and node.tag != "li":
        node = node.parent
    assert node is not None
    return node


def test_anchors_and_outline(report: Extraction, page: str) -> None:
    dom = parse(page)
    sections = [r for r in report.records if isinstance(r, Section)]
    items = [r for r in report.records if isinstance(r, FocusItem)]
    article = list(dom.by_id("text").iter())
    for id_ in [s.id for s in sections] + [i.id for i in items]:
        anchor = dom.by_id(id_)
        assert anchor in article
        assert anchor.text() == ""  # anchors add no text
    for s in sections:
        badge = outline_entry(dom, s.id).find_all("span", cls="badge")[0]
        assert int(badge.text().split()[0]) == sum(m.section_id == s.id for m in report.metrics)
    # items are nested under their section, each with its number of metrics
    for i in items:
        entry = outline_entry(dom, i.id)
        assert i.section_id is not None
        assert entry in list(outline_entry(dom, i.section_id).iter())
        badge = entry.find_all("span", cls="badge")[0]
        assert int(badge.text().split()[0]) == sum(m.item_id == i.id for m in report.metrics)


def test_checks_listed(report: Extraction, page: str) -> None:
    checks = [r for r in report.records if isinstance(r, Check)]
    text = parse(page).by_id("sidebar").text()
    for c in checks:
        label = c.what.replace("_", " ")
        assert f"{label} {c.found} of {c.declared}" in text
    assert "focus items 3 of 3 ✓" in text


def test_table_filters_legend(report: Extraction, page: str) -> None:
    dom = parse(page)
    rows = dom.by_id("metric-table").find_all("tr", cls=None)[1:]
    body_rows = [r for r in rows if r.attrs.get("data-id")]
    assert [r.attrs["data-id"] for r in body_rows] == [f"m{n}" for n in range(1, len(report.metrics) + 1)]
    kinds = {o.attrs["value"] for o in dom.by_id("f-kind").find_all("option")} - {""}
    assert kinds == {m.kind for m in report.metrics}
    indicators = {o.attrs["value"] for o in dom.by_id("f-indicator").find_all("option")} - {"", "-", "*"}
    assert indicators == {m.indicator for m in report.metrics if m.indicator}
    assert dom.by_id("export-csv").text() == "Export CSV"
    legend = dom.by_id("sidebar").find_all("ul", cls="legend")[0].text()
    for kind in {m.kind for m in report.metrics}:
        assert kind in legend
    assert parse(page).find_all("body")[0].attrs["data-metric-count"] == str(len(report.metrics))


def test_no_metrics() -> None:
    result = extract("本文只有文字，没有任何数字。\n第二行。", "plain.txt")
    assert result.metrics == []
    page = render_html(result)
    assert '<mark class="metric' not in page
    dom = parse(page)
    assert article_text(dom) == "本文只有文字，没有任何数字。\n第二行。"
    assert dom.find_all("body")[0].attrs["data-metric-count"] == "0"
    assert "No metrics in this text." in page
    assert not [r for r in dom.by_id("metric-table").find_all("tr") if r.attrs.get("data-id")]


def test_empty_document() -> None:
    page = render_html(extract("", None))
    dom = parse(page)
    assert article_text(dom) == ""
    assert dom.find_all("title")[0].text() == "Report"


def test_metric_across_a_line_break_is_continued() -> None:
    text = "甲\n乙"
    metric = Count(start=0, end=3, text=text, value=Decimal(1), kind="count")
    doc = DocumentInfo(title=None, chars=3, sha256="0" * 64)
    page = render_html(Extraction("x.txt", text, [metric], doc))
    dom = parse(page)
    assert page.count('<mark class="metric') == 1
    assert article_text(dom) == text
    (cont,) = dom.by_id("text").find_all("mark", cls="cont")
    assert cont.attrs["data-for"] == "m1"
    assert dom.by_id("m1").text() + "\n" + cont.text() == text


def test_deterministic(report: Extraction, page: str) -> None:
    assert render_html(report) == page


def test_index_page() -> None:
    entries = [
        (
            "a report.html",
            "“五劲”齐发 <激活力> & more",
            {"metric": 60, "section": 5, "focus_item": 16, "check": 2},
        ),
        ("鹤汀.html", "", {"metric": 49, "focus_item": 12, "check": 1}),
    ]
    page = render_index(entries)
    dom = parse(page)
    links = [a for a in dom.find_all("a")]
    assert [a.attrs["href"] for a in links] == ["a%20report.html", "%E9%B9%A4%E6%B1%80.html"]
    assert links[0].text() == "“五劲”齐发 <激活力> & more"
    assert links[1].text() == "鹤汀.html"  # no title: the file name
    assert "<激活力>" not in page
    head = [th.text() for th in dom.find_all("thead")[0].find_all("th")]
    assert head == ["Title", "File", "sections", "focus items", "metrics", "checks"]
    rows = dom.find_all("tbody")[0].find_all("tr")
    assert [td.text() for td in rows[1].find_all("td")][2:] == ["0", "12", "49", "1"]
    totals = [td.text() for td in dom.find_all("tfoot")[0].find_all("td")]
    assert totals[-4:] == ["5", "28", "109", "3"]
    assert "No pages." in render_index([])


def test_render_file(tmp_path: Path) -> None:
    source = tmp_path / "demo.txt"
    source.write_text(REPORT, encoding="utf-8")
    out = render_file(str(source), str(tmp_path / "out" / "demo.html"))
    assert out == str(tmp_path / "out" / "demo.html")
    page = Path(out).read_text(encoding="utf-8")
    assert article_text(parse(page)) == REPORT
    # an existing directory: <stem>.html inside it
    assert render_file(str(source), str(tmp_path)) == str(tmp_path / "demo.html")


# --------------------------------------------------------------------------------------------
# In a real browser
# --------------------------------------------------------------------------------------------


def chromium_binary() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


CHROMIUM = chromium_binary()
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium binary (install it with: apt-get install -y chromium)"
)


def run_chromium(tmp_path: Path, url: str, *args: str) -> str:
    assert CHROMIUM is not None
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        *args,
        url,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


# Run by the test after the page's own script: filter, sort and take the CSV, then write the
# results where --dump-dom shows them.
PROBE = """<script>
(function () {
  var b = document.body;
  function shown() {
    return Array.prototype.filter.call(document.querySelectorAll("#metric-table tbody tr"),
      function (r) { return !r.hidden; }).map(function (r) { return r.getAttribute("data-id"); }).join(" ");
  }
  var kind = document.getElementById("f-kind");
  kind.value = "money";
  kind.dispatchEvent(new Event("change"));
  b.setAttribute("data-probe-money", shown());
  b.setAttribute("data-probe-csv", JSON.stringify(window.extractorPage.csv()));
  var value = document.querySelector('th[data-key="value"] button');
  value.click();
  value.click();
  b.setAttribute("data-probe-money-desc", shown());
  document.getElementById("f-reset").click();
  b.setAttribute("data-probe-all", shown());
})();
</script>
</body>"""


def check_in_browser(result: Extraction, tmp_path: Path, name: str, click: int) -> Path:
    """Open the page with ``#click=m<click>``; check marks, the details panel, table and CSV;
    return the screenshot."""
    page = render_html(result)
    html_path = tmp_path / f"{name}.html"
    html_path.write_text(page.replace("</body>", PROBE, 1), encoding="utf-8")
    metrics = result.metrics
    assert len(metrics) >= click
    url = html_path.as_uri() + f"#click=m{click}"

    dom = parse(run_chromium(tmp_path, url, "--dump-dom", "--virtual-time-budget=5000"))
    body = dom.find_all("body")[0]
    assert body.attrs.get("data-ready") == "true", "the page's script did not run"
    assert body.attrs["data-marked-count"] == str(len(metrics))
    assert body.attrs["data-metric-count"] == str(len(metrics))

    # the hash clicked the metric: it is selected and the panel shows its value
    m = metrics[click - 1]
    panel = dom.by_id("details-body")
    assert panel.attrs["data-current"] == f"m{click}"
    (value,) = panel.find_all("dd", data_field="value")
    assert value.text() == str(decimal_to_json(m.value))
    assert m.text in panel.text()
    assert m.kind in panel.find_all("dd", data_field="kind")[0].text()  # kind in words, not colour only
    assert "selected" in dom.by_id(f"m{click}").classes
    assert "selected" in dom.by_id(f"row-m{click}").classes

    # filter, sort, CSV
    money = [f"m{n}" for n, x in enumerate(metrics, start=1) if x.kind == "money"]
    assert body.attrs["data-probe-money"].split() == money
    by_value = sorted(money, key=lambda i: (-metrics[int(i[1:]) - 1].value, int(i[1:])))
    assert body.attrs["data-probe-money-desc"].split() == by_value
    assert body.attrs["data-probe-all"].split() == [f"m{n}" for n in range(1, len(metrics) + 1)]
    csv = json.loads(body.attrs["data-probe-csv"])
    assert csv.startswith("\ufeffid,text,value,")
    lines = csv[1:].rstrip("\r\n").split("\r\n")
    assert [line.split(",")[0] for line in lines[1:]] == money
    for line, i in zip(lines[1:], money, strict=True):
        x = metrics[int(i[1:]) - 1]
        assert line.split(",")[2] == str(decimal_to_json(x.value))

    shot = tmp_path / f"{name}.png"
    run_chromium(
        tmp_path, url, f"--screenshot={shot}", "--window-size=1400,1000", "--virtual-time-budget=5000"
    )
    assert shot.exists() and shot.stat().st_size > 20_000
    assert png_size(shot) == (1400, 1000)
    return shot


@needs_chromium
def test_browser_district(tmp_path: Path) -> None:
    from extractor import extract_file

    result = extract_file(DISTRICT)
    check_in_browser(result, tmp_path, "district", click=3)


@needs_chromium
def test_browser_hulan(tmp_path: Path) -> None:
    if not HULAN.exists():
        pytest.skip(f"{HULAN} is absent")
    from extractor import extract_file

    result = extract_file(HULAN)
    check_in_browser(result, tmp_path, "hulan", click=3)

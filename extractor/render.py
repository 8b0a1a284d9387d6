"""An HTML view of one report: its text with every metric highlighted, an outline, a table.

:func:`render_html` turns an :class:`~extractor.pipeline.Extraction` into one self-contained page
(inline CSS and JavaScript, no network):

* the text, one ``<p>`` per line, each metric wrapped in ``<mark class="metric kind-…" id="mN">``
  with its fields as ``data-*`` attributes, a summary in ``title`` and a details panel on click;
  sections and focus items start with empty anchors (``id="s1"``, ``id="s1.i2"``), declared
  counts with ``id="c1"``;
* a sidebar outline (sections, focus items nested under them, metrics per entry), the declared
  count checks and a legend of kinds;
* a sortable, filterable table of the metrics with an "Export CSV" button (the filtered rows);
* a link to one fact: ``page.html#click=m3`` opens the page with metric ``m3`` selected, as if
  clicked.  Clicking a metric puts that link in the address bar.

Once its script has run the page sets ``data-marked-count`` on ``<body>`` (the number of metric
marks); ``data-metric-count`` is the number of metric records.  :func:`render_index` writes an
index of several pages and :func:`render_file` extracts one file and writes its page.

>>> from extractor import extract
>>> page = render_html(extract("全年新增城镇就业1.2万人。", "demo.txt"))
>>> page.count('<mark class="metric')
1
>>> 'data-value="12000"' in page
True
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Context, Decimal
from functools import cache
from html import escape
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .models import Check, FocusItem, MetricBase, Section, decimal_to_json
from .pipeline import Extraction

__all__ = ["KIND_LABELS", "render_file", "render_html", "render_index"]

#: Every kind, in legend order, with its label (English name and Chinese gloss).
KIND_LABELS: dict[str, str] = {
    "count": "count 计数",
    "money": "money 金额",
    "percent": "percent 百分比",
    "multiple": "multiple 倍数",
    "area": "area 面积",
    "length": "length 长度",
    "weight": "weight 重量",
    "volume": "volume 体积",
    "energy": "energy 能源",
    "duration": "duration 时长",
    "other": "other 其他",
}

_CHECK_LABELS = {"focus_items": "focus items", "sections": "sections"}
_COUNT_LABELS = {"section": "section", "focus_item": "focus item", "metric": "metric", "check": "check"}
_COUNT_ORDER = ("section", "focus_item", "metric", "check")
_HEAD_MAX = 60  # longest first sentence of a section or item that is set as its heading
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


# --------------------------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------------------------


@cache
def _resource(name: str) -> str:
    return files("extractor.templates").joinpath(name).read_text(encoding="utf-8")


def _fill(template: str, values: Mapping[str, str]) -> str:
    """Replace every ``{{name}}``; an unknown name is an error (a template out of step)."""

    def one(m: re.Match[str]) -> str:
        return values[m.group(1)]

    return _PLACEHOLDER.sub(one, template)


def _e(value: object) -> str:
    """HTML-escaped text (quotes too: fit for attribute values); ``None`` is empty."""
    return "" if value is None else escape(str(value), quote=True)


def _json_script(data: object) -> str:
    """JSON safe inside ``<script type="application/json">`` (no ``</script>``, no ``<!--``)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


# --------------------------------------------------------------------------------------------
# Numbers and labels
# --------------------------------------------------------------------------------------------


def _num(value: Decimal | None) -> str:
    """A value as the JSON output writes it (``5260000000``, ``13.5``); ``None`` is empty."""
    return "" if value is None else str(decimal_to_json(value))


def _grouped(value: Decimal | None) -> str:
    """A value for reading (``5,260,000,000``); past four decimals rounded (``≈33.3333``)."""
    if value is None:
        return ""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:
        # A context sized to the value: the caller's (perhaps 6 digits) must not make this fail.
        rounded = value.quantize(Decimal("0.0001"), context=Context(prec=max(value.adjusted(), 0) + 6))
        return "≈" + f"{decimal_to_json(rounded):,}"
    return f"{decimal_to_json(value):,}"


def _unit_name(m: MetricBase) -> str | None:
    return None if m.unit is None else m.unit.name


def _unit_surface(m: MetricBase) -> str | None:
    return None if m.unit is None else m.unit.surface


def _kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def _summary(m: MetricBase) -> str:
    """The hover text of a metric."""
    value = _grouped(m.value)
    if m.value_max is not None:
        value += "–" + _grouped(m.value_max)
    unit = _unit_name(m)
    parts = [f"{_kind_label(m.kind)}: {value}{' ' + unit if unit else ''}"]
    if m.qualifier != "exact":
        parts.append(f"qualifier: {m.qualifier}{f' ({m.marker})' if m.marker else ''}")
    if m.object:
        parts.append(f"object: {m.object}")
    if m.indicator:
        parts.append(f"indicator: {m.indicator}")
    if m.direction:
        parts.append(f"direction: {m.direction}")
    parts.append(f"status: {m.status}" + (f", period {m.period}" if m.period is not None else ""))
    return "\n".join(parts)


# --------------------------------------------------------------------------------------------
# The text
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Span:
    """An element wrapped around ``text[start:end]``; ``reopen`` continues it after a line break."""

    start: int
    end: int
    rank: int  # at equal extent the lower rank is outside
    open: str
    reopen: str
    close: str


def _nests(a: _Span, b: _Span) -> bool:
    return (
        a.end <= b.start
        or b.end <= a.start
        or (a.start <= b.start and b.end <= a.end)
        or (b.start <= a.start and a.end <= b.end)
    )


def _metric_attrs(m: MetricBase) -> str:
    fields: list[tuple[str, object]] = [
        ("value", _num(m.value)),
        ("value-max", _num(m.value_max)),
        ("unit", _unit_name(m)),
        ("unit-surface", _unit_surface(m)),
        ("qualifier", m.qualifier),
        ("marker", m.marker),
        ("status", m.status),
        ("kind", m.kind),
        ("object", m.object),
        ("indicator", m.indicator),
        ("direction", m.direction),
        ("period", m.period),
        ("section", m.section_id),
        ("item", m.item_id),
        ("rule", m.rule),
    ]
    return " ".join(f'data-{name}="{_e(value)}"' for name, value in fields)


def _metric_spans(text: str, metrics: Sequence[MetricBase]) -> list[_Span]:
    """One mark per metric, ``id="m1"`` … in document order; a metric overlapping an earlier one
    (the pipeline never makes one) or outside the text is listed in the table but not marked."""
    spans: list[_Span] = []
    last_end = 0
    for n, m in enumerate(metrics, start=1):
        if not (last_end <= m.start < m.end <= len(text)):
            continue
        last_end = m.end
        kind = _e(m.kind)
        spans.append(
            _Span(
                m.start,
                m.end,
                1,
                f'<mark class="metric kind-{kind}" id="m{n}" tabindex="0" role="button" '
                f'{_metric_attrs(m)} title="{_e(_summary(m))}">',
                f'<mark class="cont kind-{kind}" data-for="m{n}" data-status="{_e(m.status)}">',
                "</mark>",
            )
        )
    return spans


def _head_end(text: str, start: int, end: int) -> int | None:
    """The end of the first sentence or line of ``text[start:end]`` if it is short."""
    limit = min(end, start + _HEAD_MAX + 1)
    for i in range(start, limit):
        if text[i] == "\n":
            return i if i > start else None
        if text[i] == "。":
            return i + 1
    return end if end - start <= _HEAD_MAX and end > start else None


def _head_spans(text: str, sections: Sequence[Section], items: Sequence[FocusItem]) -> list[_Span]:
    spans: list[_Span] = []
    for s in sections:
        e = _head_end(text, s.start, s.end)
        if e is not None:
            cls = f"head head-section level-{s.level}"
            spans.append(_Span(s.start, e, 0, f'<span class="{cls}">', f'<span class="{cls}">', "</span>"))
    for i in items:
        e = _head_end(text, i.start, i.end)
        if e is not None:
            cls = "head head-item"
            spans.append(_Span(i.start, e, 0, f'<span class="{cls}">', f'<span class="{cls}">', "</span>"))
    return spans


def _anchors(
    sections: Sequence[Section], items: Sequence[FocusItem], checks: Sequence[Check]
) -> dict[int, list[str]]:
    """Empty, zero-width anchors (their label is CSS generated content, not text)."""
    at: dict[int, list[str]] = defaultdict(list)
    for s in sections:
        at[s.start].append(
            f'<span class="anchor anchor-section" id="{_e(s.id)}" data-label="{_e(s.id)}"></span>'
        )
    for i in items:
        at[i.start].append(
            f'<span class="anchor anchor-item" id="{_e(i.id)}" data-label="{_e(i.id)}"></span>'
        )
    for n, c in enumerate(checks, start=1):
        at[c.start].append(f'<span class="anchor anchor-check" id="c{n}"></span>')
    return at


def _render_text(
    text: str,
    spans: Sequence[_Span],
    anchors: Mapping[int, Sequence[str]],
    title: str | None,
) -> str:
    """The text as paragraphs (one per line), spans and anchors inserted.

    ``spans`` must nest (no two cross); an element open at a line break is closed before
    ``</p>`` and continued (``reopen``) in the next paragraph.
    """
    opens: dict[int, list[_Span]] = defaultdict(list)
    for sp in sorted(spans, key=lambda s: (s.start, -s.end, s.rank)):
        opens[sp.start].append(sp)
    stops = sorted({sp.start for sp in spans} | {sp.end for sp in spans} | set(anchors))
    out: list[str] = []
    stack: list[_Span] = []
    lead_done = title is None
    pos = 0
    for line in text.split("\n"):
        line_end = pos + len(line)
        classes = []
        if not line.strip():
            classes.append("blank")
        elif not lead_done:
            lead_done = True
            if line.strip() == title:
                classes.append("lead")
        out.append(f'<p class="{" ".join(classes)}">' if classes else "<p>")
        out.extend(sp.reopen for sp in stack)
        cursor = pos
        for stop in stops[bisect_left(stops, pos) : bisect_right(stops, line_end)]:
            out.append(escape(text[cursor:stop], quote=False))
            cursor = stop
            while stack and stack[-1].end == stop:
                out.append(stack.pop().close)
            out.extend(anchors.get(stop, ()))
            for sp in opens.get(stop, ()):
                out.append(sp.open)
                stack.append(sp)
        out.append(escape(text[cursor:line_end], quote=False))
        out.extend(sp.close for sp in reversed(stack))
        out.append("</p>\n")
        pos = line_end + 1
    return "".join(out)


def _body(result: Extraction, sections: list[Section], items: list[FocusItem], checks: list[Check]) -> str:
    text = result.text
    marks = _metric_spans(text, result.metrics)
    spans: list[_Span] = list(marks)
    for head in _head_spans(text, sections, items):
        if all(_nests(head, other) for other in spans):
            spans.append(head)
    return _render_text(text, spans, _anchors(sections, items, checks), result.document.title)


# --------------------------------------------------------------------------------------------
# Sidebar: outline, checks, legend
# --------------------------------------------------------------------------------------------


@dataclass
class _Node:
    id: str
    start: int
    label: str
    detail: str
    kind: str  # "section" | "item"
    level: int
    direct: int = 0
    total: int = 0
    children: list[_Node] = field(default_factory=list)


def _join_marker(marker: str | None, label: str) -> str:
    """``一、`` + ``综合`` → ``一、综合``; ``一是`` + ``抓项目`` → ``一是 抓项目``."""
    if not marker:
        return label
    return marker + label if marker[-1] in "、，,.．:：)）】]" else f"{marker} {label}"


def _outline_nodes(
    sections: Sequence[Section], items: Sequence[FocusItem], metrics: Sequence[MetricBase]
) -> list[_Node]:
    by_section = Counter(m.section_id for m in metrics if m.section_id)
    by_item = Counter(m.item_id for m in metrics if m.item_id)
    nodes: dict[str, _Node] = {}
    roots: list[_Node] = []

    def attach(node: _Node, parent_id: str | None) -> None:
        parent = nodes.get(parent_id) if parent_id else None
        if parent is None:
            roots.append(node)
        else:
            parent.children.append(node)

    for s in sorted(sections, key=lambda s: (s.start, s.level)):
        label = _join_marker(s.marker, s.heading)
        detail = " · ".join(x for x in (s.theme, s.action) if x)
        node = _Node(s.id, s.start, label, detail, "section", s.level, direct=by_section[s.id])
        nodes[s.id] = node
        attach(node, s.parent_id)
    open_items: list[FocusItem] = []
    for i in sorted(items, key=lambda i: (i.start, i.level)):
        open_items = [o for o in open_items if o.start <= i.start < o.end and o.level < i.level]
        parent = (
            open_items[-1].id if open_items and open_items[-1].section_id == i.section_id else i.section_id
        )
        node = _Node(
            i.id,
            i.start,
            _join_marker(i.marker, i.topic),
            i.slogan or "",
            "item",
            i.level,
            direct=by_item[i.id],
        )
        nodes[i.id] = node
        attach(node, parent)
        open_items.append(i)

    def total(node: _Node) -> int:
        # A section's metrics carry its id (or a subsection's); an item's carry its item id (or a
        # nested item's), so a section adds up only its subsections, an item its nested items.
        node.total = node.direct + sum(total(c) for c in node.children if c.kind == node.kind)
        for c in node.children:
            if c.kind != node.kind:
                total(c)
        return node.total

    for r in roots:
        total(r)
    for node in nodes.values():
        if node.children:
            node.children.sort(key=lambda c: c.start)
    roots.sort(key=lambda r: r.start)
    return roots


def _outline_html(nodes: Sequence[_Node]) -> str:
    if not nodes:
        return ""
    out = ['<ul class="tree">']
    for n in nodes:
        title = f"{n.label} — {n.detail}" if n.detail else n.label
        count = f"{n.total} metric{'s' if n.total != 1 else ''}"
        out.append(
            f'<li class="node-{n.kind} level-{n.level}"><div class="orow">'
            f'<a href="#{_e(n.id)}" title="{_e(title)}"><span class="oid">{_e(n.id)}</span> '
            f'<span class="olabel">{_e(n.label)}</span>'
            + (f' <span class="odetail">{_e(n.detail)}</span>' if n.detail else "")
            + f'</a> <span class="badge" title="{_e(count)}">{n.total}'
            f'<span class="sr"> metrics</span></span></div>'
        )
        out.append(_outline_html(n.children))
        out.append("</li>")
    out.append("</ul>")
    return "".join(out)


def _checks_html(checks: Sequence[Check]) -> str:
    if not checks:
        return '<p class="muted">The text declares no counts of its own.</p>'
    out = ['<ul class="checks">']
    for n, c in enumerate(checks, start=1):
        what = _CHECK_LABELS.get(c.what, c.what.replace("_", " "))
        mark = (
            '<span class="ok">✓ <span class="sr">matches</span></span>'
            if c.ok
            else ('<span class="bad">✗ mismatch</span>')
        )
        out.append(
            f'<li class="{"ok" if c.ok else "bad"}"><a href="#c{n}">{_e(what)} {c.found} of {c.declared}</a> '
            f'{mark} <span class="muted">declared in {_e(c.text)}</span></li>'
        )
    out.append("</ul>")
    return "".join(out)


def _legend_html(metrics: Sequence[MetricBase]) -> str:
    counts: Counter[str] = Counter(m.kind for m in metrics)
    kinds = [k for k in KIND_LABELS if counts[k]] + sorted(k for k in counts if k not in KIND_LABELS)
    if not kinds:
        return '<p class="muted">No metrics in this text.</p>'
    out = ['<ul class="legend">']
    for k in kinds:
        out.append(
            f'<li><mark class="swatch kind-{_e(k)}">{_e(_kind_label(k))}</mark> '
            f'<span class="n">{counts[k]}</span></li>'
        )
    out.append(
        '<li><mark class="swatch kind-other" data-status="target">target</mark> '
        '<span class="muted">dashed underline: a target (planned), not an actual</span></li>'
    )
    out.append("</ul>")
    return "".join(out)


# --------------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------------


def _metric_data(n: int, m: MetricBase) -> dict[str, Any]:
    return {
        "id": f"m{n}",
        "n": n,
        "text": m.text,
        "value": decimal_to_json(m.value),
        "value_str": _num(m.value),
        "value_display": _grouped(m.value),
        "value_max": None if m.value_max is None else decimal_to_json(m.value_max),
        "value_max_str": _num(m.value_max) or None,
        "unit": _unit_name(m),
        "unit_surface": _unit_surface(m),
        "qualifier": m.qualifier,
        "marker": m.marker,
        "kind": m.kind,
        "kind_label": _kind_label(m.kind),
        "object": m.object,
        "indicator": m.indicator,
        "direction": m.direction,
        "status": m.status,
        "period": m.period,
        "section_id": m.section_id,
        "item_id": m.item_id,
        "rule": m.rule,
        "start": m.start,
        "end": m.end,
    }


def _table_rows(metrics: Sequence[MetricBase]) -> str:
    out = []
    for n, m in enumerate(metrics, start=1):
        value = _grouped(m.value) + ("–" + _grouped(m.value_max) if m.value_max is not None else "")
        where = m.item_id or m.section_id or ""
        arrow = {"up": "↑ up", "down": "↓ down"}.get(m.direction or "", "")
        out.append(
            f'<tr id="row-m{n}" data-id="m{n}">'
            f'<td class="num">{n}</td>'
            f'<td class="nowrap"><a href="#click=m{n}" class="jump">{_e(m.text)}</a></td>'
            f'<td class="num">{_e(value)}</td>'
            f'<td class="nowrap">{_e(_unit_name(m))}</td>'
            f'<td><span class="chip kind-{_e(m.kind)}">{_e(m.kind)}</span></td>'
            f'<td class="nowrap">{_e(m.status)}</td>'
            f"<td>{_e(m.object)}</td>"
            f"<td>{_e(m.indicator)}</td>"
            f'<td class="nowrap">{_e(arrow)}</td>'
            f'<td class="nowrap">{_e(where)}</td>'
            "</tr>"
        )
    return "\n".join(out)


def _options(values: Iterable[str], labels: Mapping[str, str] | None = None) -> str:
    return "".join(f'<option value="{_e(v)}">{_e((labels or {}).get(v, v))}</option>' for v in values)


# --------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------


def _counts_text(counts: Mapping[str, int]) -> str:
    keys = [k for k in _COUNT_ORDER if k in counts] + sorted(k for k in counts if k not in _COUNT_ORDER)
    return " · ".join(f"{counts[k]:,} {_plural(_COUNT_LABELS.get(k, k), counts[k])}" for k in keys)


def _plural(word: str, n: int) -> str:
    return word if n == 1 else word + "s"


def _slug(source: str | None) -> str:
    stem = Path(source).stem if source else "report"
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", stem) or "report"


def render_html(result: Extraction) -> str:
    """One self-contained HTML page (inline CSS and JavaScript, no network) showing ``result``."""
    sections = [r for r in result.records if isinstance(r, Section)]
    items = [r for r in result.records if isinstance(r, FocusItem)]
    checks = [r for r in result.records if isinstance(r, Check)]
    metrics = result.metrics
    doc = result.document
    title = doc.title or (Path(result.source).name if result.source else "Report")
    meta = [f"{doc.chars:,} characters", _counts_text(doc.counts) or "no records"]
    if result.source:
        meta.insert(0, result.source)
    warnings = "".join(f'<li class="warning">⚠ {_e(w)}</li>' for w in doc.warnings)
    kinds = [k for k in KIND_LABELS if any(m.kind == k for m in metrics)]
    kinds += sorted({m.kind for m in metrics} - set(kinds))
    indicators = sorted({m.indicator for m in metrics if m.indicator})
    data = {
        "source": result.source,
        "csv_name": f"{_slug(result.source)}-metrics.csv",
        "metrics": [_metric_data(n, m) for n, m in enumerate(metrics, start=1)],
    }
    values = {
        "title": _e(title),
        "meta": " · ".join(_e(x) for x in meta),
        "warnings": f'<ul class="warnings">{warnings}</ul>' if warnings else "",
        "metric_count": str(len(metrics)),
        "outline": _outline_html(_outline_nodes(sections, items, metrics))
        or '<p class="muted">No sections or focus items found.</p>',
        "checks": _checks_html(checks),
        "legend": _legend_html(metrics),
        "body": _body(result, sections, items, checks),
        "kind_options": _options(kinds, KIND_LABELS),
        "indicator_options": _options(indicators),
        "rows": _table_rows(metrics),
        "data": _json_script(data),
        "css": _resource("report.css"),
        "js": _resource("report.js"),
    }
    return _fill(_resource("report.html"), values)


def render_index(entries: list[tuple[str, str, dict[str, int]]]) -> str:
    """An index page linking to each page: ``(file name, title, counts)`` per page, in order."""
    keys = [k for k in _COUNT_ORDER if any(k in c for _, _, c in entries)]
    keys += sorted({k for _, _, c in entries for k in c} - set(keys))
    head = "".join(
        f'<th scope="col" class="num">{_e(_plural(_COUNT_LABELS.get(k, k), 2))}</th>' for k in keys
    )
    rows = []
    for name, title, counts in entries:
        cells = "".join(f'<td class="num">{counts.get(k, 0):,}</td>' for k in keys)
        rows.append(
            f'<tr><td><a href="{_e(quote(name))}">{_e(title or name)}</a></td>'
            f'<td class="file">{_e(name)}</td>{cells}</tr>'
        )
    totals = "".join(f'<td class="num">{sum(c.get(k, 0) for _, _, c in entries):,}</td>' for k in keys)
    values = {
        "css": _resource("report.css"),
        "count": str(len(entries)),
        "head": head,
        "rows": "\n".join(rows) or f'<tr><td colspan="{2 + len(keys)}" class="muted">No pages.</td></tr>',
        "totals": f'<tr class="totals"><th scope="row">Total</th><td></td>{totals}</tr>' if entries else "",
    }
    return _fill(_resource("index.html"), values)


def render_file(path: str, out: str) -> str:
    """Extract ``path`` and write its page to ``out`` (a file, or an existing directory to write
    ``<stem>.html`` into); returns the path written."""
    from .pipeline import extract_file

    result = extract_file(path)
    target = Path(out)
    if target.is_dir():
        target = target / f"{Path(path).stem}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_html(result), encoding="utf-8")
    return str(target)

"""Which way a part of a document looks (back at results, ahead at goals) and the year it means.

A 2026 government work report holds 2025 results, 2026 targets and 2030 (“十五五”) targets side by
side; a 2025 工作总结 holds 2025 results and a few 2026 plans.  The classifier needs both facts for
every number: the *tense* decides what a tense-bound cue means (争取 is "secured" in a review and
"strive for" in a plan) and a number's *period* is the year its figure refers to.

The tense of a position comes from the innermost section heading that says something (回顾 and
完成情况 look back; 目标, 工作安排 and a later year look ahead), then the paragraph's opening words
(过去一年 …), then the document's genre.  The period comes from the words before the number in
its paragraph (到2030年, “十五五”时期, 今年, 去年 …), then from the section.  All word lists are in
``data/rules.toml`` (``[tense]``, ``heading_cues``, ``heading_not_cues``).

>>> from extractor.lexicon import load_lexicon
>>> t = Tenses(load_lexicon().rules)
>>> heads = ("2025年工作回顾", "“十五五”时期的主要目标")
>>> [(c.tense, c.period) for c in (t.heading(h, 2026) for h in heads)]
[('review', 2025), ('plan', 2030)]
>>> t.period_in("到2030年，地区生产总值迈上新台阶", 2026)
2030
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import regex

from .lexicon import RuleSpec, alternation
from .scanning import FirstCharPattern
from .structure import SectionSpan

__all__ = ["Context", "Tenses", "plan_end"]

_TENS = {"十": 10, "十一": 11, "十二": 12, "十三": 13, "十四": 14, "十五": 15, "十六": 16, "十七": 17}
_PLAN = regex.compile(r"[“\"‘]?(十[一二三四五六七]?)五[”\"’]?")
_YEAR = regex.compile(r"(?<![0-9])((?:19|20)[0-9]{2})年(?!代)")
# 去年 names the period only where it opens a clause (去年，全省…), not inside one (比上年).
_CLAUSE_OPENERS = frozenset('，,。；;：:、\n “"（(')


def plan_end(name: str) -> int | None:
    """Last year of the five-year plan ``十X五`` (十四五 → 2025, 十五五 → 2030)."""
    n = _TENS.get(name)
    return 1955 + 5 * n if n else None


@dataclass(frozen=True, slots=True)
class Context:
    """Tense (``"review"``, ``"plan"`` or None when nothing says) and the period it implies.

    ``plan_year`` and ``review_year`` are the document's defaults for a goal and for a result
    where neither the words nor the section name a year.
    """

    tense: str | None
    period: int | None
    plan_year: int | None = None
    review_year: int | None = None


_NONE = Context(None, None)


class Tenses:
    """Reads tense and period from headings and the words before a number."""

    def __init__(self, rules: RuleSpec) -> None:
        t = rules.tense
        self._not_cues = tuple(rules.heading_not_cues)
        self._cues = tuple(rules.heading_cues)
        self._review_openers = tuple(t.review_openers)
        self._review_genres = frozenset(t.review_genres)
        self._not_before = tuple(t.year_not_period_before)
        self._not_after = tuple(t.year_not_period_after)
        # One pass finds every period anchor; the last one before the number wins.  The text is
        # scanned for the characters an anchor can start with (scanning.FirstCharPattern).
        words = [*t.horizons, *t.this_year, *t.next_year, *t.last_year]
        body = "|".join(
            [
                r"(?P<year>(?<![0-9])(?:19|20)[0-9]{2})年(?!代)",
                rf"(?P<plan>[“\"‘]?十[一二三四五六七]?五[”\"’]?)(?:{alternation(t.plan_periods)})",
                rf"(?P<horizon>{alternation(t.horizons)})",
                rf"(?P<this>{alternation(t.this_year)})",
                rf"(?P<next>{alternation(t.next_year)})",
                rf"(?P<last>{alternation(t.last_year)})",
            ]
        )
        # (An empty word or list would match the empty string anywhere: the plain pattern then.)
        if t.horizons and t.this_year and t.next_year and t.last_year and all(words):
            self._anchors: FirstCharPattern | re.Pattern[str] = FirstCharPattern(
                body, {"1", "2", "“", '"', "‘", "十", *(w[0] for w in words)}
            )
        else:
            self._anchors = re.compile(body)

    # ------------------------------------------------------------------ headings
    def heading(self, heading: str, doc_year: int | None) -> Context:
        """What a heading alone says."""
        years = [int(y) for y in _YEAR.findall(heading)]
        if any(cue in heading for cue in self._not_cues):
            return Context("review", max(years) if years else (doc_year - 1 if doc_year else None))
        if years and doc_year is not None:
            y = max(years)
            return Context("review" if y < doc_year else "plan", y)
        plan = _PLAN.search(heading)
        if plan is not None:
            end = plan_end(plan.group(1))
            if doc_year is None or (end is not None and end >= doc_year):
                return Context("plan", end)
        if any(cue in heading for cue in self._cues):
            return Context("plan", None)
        return _NONE

    def contexts(
        self,
        text: str,
        enclosing: Callable[[int], tuple[Sequence[SectionSpan], int, int]],
        doc_year: int | None,
        genre: str | None,
    ) -> Callable[[int], Context]:
        """A function giving the tense and section period at a position of ``text``."""
        cache: dict[str, Context] = {}
        review_default = genre in self._review_genres
        # Figures in a 2026 report's review are 2025's; a 2025 summary's are 2025's.
        review_year = None if doc_year is None else (doc_year if review_default else doc_year - 1)
        plan_year = None if doc_year is None else (doc_year + 1 if review_default else doc_year)

        by_section: dict[str | None, tuple[str | None, int | None]] = {}
        contexts: dict[tuple[str | None, int | None], Context] = {}

        def of_sections(sections: Sequence[SectionSpan]) -> tuple[str | None, int | None]:
            tense: str | None = None
            period: int | None = None
            for sec in sections:
                ctx = cache.get(sec.id)
                if ctx is None:
                    ctx = cache[sec.id] = self.heading(sec.heading, doc_year)
                if tense is None:
                    tense = ctx.tense
                if period is None and ctx.period is not None and (tense is None or tense == ctx.tense):
                    period = ctx.period
                if tense is not None and period is not None:
                    break
            return tense, period

        # The stretch of text around the last position asked for where the sections, and so a
        # settled context, stay the same: numbers come in text order, many in one stretch.
        lo, hi, here = 0, 0, _NONE

        def at(pos: int) -> Context:
            nonlocal lo, hi, here
            if lo <= pos < hi:
                return here
            sections, start, end = enclosing(pos)
            # The chain of enclosing sections is fixed by the innermost one: decided once for it.
            key = sections[0].id if sections else None
            found = by_section.get(key)
            if found is None:
                found = by_section[key] = of_sections(sections)
            tense, period = found
            if tense is None:
                line_start = text.rfind("\n", 0, pos) + 1
                if text.startswith(self._review_openers, line_start) or review_default:
                    tense = "review"
            if period is None and tense is not None:
                period = review_year if tense == "review" else plan_year
            made = contexts.get((tense, period))  # a document has a handful of distinct ones
            if made is None:
                made = contexts[tense, period] = Context(tense, period, plan_year, review_year)
            if found[0] is None:  # the line decided: not the same over the stretch
                lo = hi = 0
            else:  # the sections decided: the same over the whole stretch
                lo, hi, here = start, end, made
            return made

        return at

    # ------------------------------------------------------------------ a number's period
    def anchors(self, text: str, doc_year: int | None) -> list[tuple[int, int, int]]:
        """(start, end, period) of every period anchor in ``text``, in order."""
        out: list[tuple[int, int, int]] = []
        for m in self._anchors.finditer(text):
            found = self._anchor_period(text, m, doc_year)
            if found is not None:
                out.append((m.start(), m.end(), found))
        return out

    def period_in(self, before: str, doc_year: int | None) -> int | None:
        """The period named by the last anchor in ``before`` (the paragraph up to a number)."""
        found = self.anchors(before, doc_year)
        return found[-1][2] if found else None

    def _anchor_period(self, text: str, m: re.Match[str], doc_year: int | None) -> int | None:
        kind = m.lastgroup
        if kind == "year":
            if m.start() > 0 and text[max(0, m.start() - 4) : m.start()].endswith(self._not_before):
                return None
            if text.startswith(self._not_after, m.end()):
                return None
            return int(m.group("year"))
        if kind == "plan":
            name = _PLAN.match(m.group("plan"))
            return plan_end(name.group(1)) if name else None
        if doc_year is None:
            return None
        if kind == "horizon":
            return doc_year + 4 if doc_year % 5 == 1 else None
        if kind == "this":
            return doc_year
        if kind == "next":
            return doc_year + 1
        if kind == "last":
            start = m.start()
            if start > 0 and text[start - 1] not in _CLAUSE_OPENERS:
                return None  # 比上年, 当地上年度水平: a comparison, not the period
            return doc_year - 1
        return None

"""The structure of a report: its sections, the enumerated items inside them, declared counts.

Chinese work reports are built from a small set of markers: headings ``一、`` ``（一）`` ``1.``
``（1）`` ``①`` ``第一部分`` and ``第一，`` at the start of a line, themed paragraph openers such as
``凝聚一条心，以“韧劲”抢抓落实。``, and enumerations inside a paragraph (``一是…二是…``,
``第一，…第二，…``, ``首先…其次…最后``).  :func:`find_structure` finds them in one linear pass
over pre-compiled patterns and builds a tree:

* a heading marker is accepted only when it continues its sequence (``（二）`` after ``（一）``) or
  starts a new one (``（一）`` followed later by ``（二）``); numbering restarts under a new
  parent, and a restart that is not under a new parent (a list of projects after the last
  section) is followed as a *shadow* sequence that never becomes a section;
* an appendix (``附件1``, ``注释：``) is its own top-level part and the lists inside it are
  numbered afresh under it;
* levels are relative: the highest style a document uses is level 1.

Offsets are code-point indices into the text as given.

>>> text = "一、总体情况\\n全年运行平稳。\\n二、主要工作\\n一是抓项目，稳投资。二是抓改革。"
>>> s = find_structure(text)
>>> [(x.id, x.marker, x.heading, x.level) for x in s.sections]
[('s1', '一、', '总体情况', 1), ('s2', '二、', '主要工作', 1)]
>>> [(x.id, x.marker, x.topic) for x in s.items]
[('s2.i1', '一是', '抓项目'), ('s2.i2', '二是', '抓改革')]
>>> s.locate(text.index("抓改革"))
('s2', 's2.i2')
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import regex
from pydantic import Field, field_validator

from .lexicon import StrictModel, alternation, load_data
from .scanning import FirstCharPattern, char_search

__all__ = [
    "DeclaredCount",
    "ItemSpan",
    "SectionSpan",
    "Structure",
    "StructureVocabulary",
    "find_structure",
    "load_vocabulary",
]

# --------------------------------------------------------------------------------------------
# Vocabulary (extractor/data/structure.toml)
# --------------------------------------------------------------------------------------------


_Strict = StrictModel


class _Numerals(_Strict):
    digits: dict[str, int]
    ten: str = Field(min_length=1, max_length=1)
    count_only: dict[str, int]
    circled: str = Field(min_length=1)

    @field_validator("digits")
    @classmethod
    def _one_to_nine(cls, v: dict[str, int]) -> dict[str, int]:
        if sorted(v.values()) != list(range(1, 10)) or any(len(k) != 1 for k in v):
            raise ValueError("digits must map nine single characters to 1..9")
        return v


class _Text(_Strict):
    indent: str
    sentence_ends: str = Field(min_length=1)
    quotes: list[tuple[str, str]]


class _Headings(_Strict):
    part_suffixes: list[str] = Field(min_length=1)
    chinese_marks: list[str] = Field(min_length=1)
    arabic_marks: list[str] = Field(min_length=1)
    open_parens: list[str] = Field(min_length=1)
    close_parens: list[str] = Field(min_length=1)
    ordinal_marks: list[str] = Field(min_length=1)
    terminators: str = Field(min_length=1)
    max_heading_chars: int = Field(gt=4)
    min_heading_cjk: int = Field(ge=0)
    numeral_list_follow: list[str]
    inline_styles: list[Literal["chinese", "chinese_paren", "arabic_paren"]]


class _Themes(_Strict):
    connectors: list[str] = Field(min_length=1)
    suffixes: list[str] = Field(min_length=1)
    max_head_chars: int = Field(gt=1)
    max_theme_chars: int = Field(gt=0)
    max_action_chars: int = Field(gt=0)
    min_count: int = Field(ge=1)


class _Plain(_Strict):
    min_cjk: int
    max_chars: int
    not_chars: str
    min_next_chars: int


class _Appendix(_Strict):
    cues: list[str]
    note_cues: list[str]
    max_title_chars: int = Field(gt=0)


class _Items(_Strict):
    shi_suffix: str = Field(min_length=1)
    ordinal_marks: list[str] = Field(min_length=1)
    sequence_first: list[str] = Field(min_length=1)
    sequence_middle: list[str]
    sequence_last: list[str]
    sequence_follow: list[str] = Field(min_length=1)
    breaks_strict: str
    breaks_loose: str
    dash_markers: list[str]
    focus_cues: list[str]
    focus_count_cue: str = Field(min_length=1)
    topic_terminators: str = Field(min_length=1)
    max_slogan_chars: int = Field(gt=0)


class _Declared(_Strict):
    prefixes: list[str]
    units: list[str] = Field(min_length=1)
    max_gap: int = Field(ge=0)
    max_sentences_between: int = Field(ge=0)
    clause_ends: str = Field(min_length=1)
    theme_connectors: list[str]
    theme_infixes: list[str]
    focus_units: list[str]


class StructureVocabulary(_Strict):
    """The contents of ``data/structure.toml``."""

    numerals: _Numerals
    text: _Text
    headings: _Headings
    themes: _Themes
    plain: _Plain
    appendix: _Appendix
    items: _Items
    declared: _Declared


@cache
def load_vocabulary(path: str | None = None) -> StructureVocabulary:
    """Read and validate the structure vocabulary (once per process and path)."""
    return load_data(Path(path) if path is not None else "structure.toml", StructureVocabulary)


# --------------------------------------------------------------------------------------------
# Public records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SectionSpan:
    """A heading and the part of the document it opens."""

    id: str
    level: int
    index: int
    marker: str | None
    heading: str
    theme: str | None
    action: str | None
    start: int
    end: int
    parent_id: str | None


@dataclass(frozen=True, slots=True)
class ItemSpan:
    """An enumerated item (一是…, 第一，…, 首先…) inside a section."""

    id: str
    level: int
    ordinal: int
    marker: str
    topic: str
    slogan: str | None
    start: int
    end: int
    section_id: str | None


@dataclass(frozen=True, slots=True)
class DeclaredCount:
    """A count the document announces ("以下八个方面") compared with what was found."""

    what: str
    declared: int
    found: int
    ok: bool
    start: int
    end: int
    text: str


def _innermost(starts: Sequence[int], ends: Sequence[int], parents: Sequence[int], pos: int) -> int:
    i = bisect_right(starts, pos) - 1
    while i >= 0 and ends[i] <= pos:
        i = parents[i]
    return i


def _containment_parents(spans: Sequence[tuple[int, int]]) -> tuple[int, ...]:
    """Index of the innermost earlier span containing each span (-1 for none); spans sorted."""
    out: list[int] = []
    stack: list[int] = []
    for i, (s, e) in enumerate(spans):
        while stack and not (spans[stack[-1]][0] <= s and e <= spans[stack[-1]][1]):
            stack.pop()
        out.append(stack[-1] if stack else -1)
        stack.append(i)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Structure:
    """Sections, items and declared counts of one document."""

    sections: tuple[SectionSpan, ...]
    items: tuple[ItemSpan, ...]
    checks: tuple[DeclaredCount, ...]
    _sec_starts: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _sec_ends: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _sec_parents: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _item_starts: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _item_ends: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _item_parents: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _chains: dict[int, tuple[SectionSpan, ...]] = field(init=False, repr=False, compare=False)
    _sec_bounds: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        secs = sorted(self.sections, key=lambda s: (s.start, -s.end))
        items = sorted(self.items, key=lambda s: (s.start, -s.end))
        object.__setattr__(self, "sections", tuple(secs))
        object.__setattr__(self, "items", tuple(items))
        object.__setattr__(self, "_sec_starts", tuple(s.start for s in secs))
        object.__setattr__(self, "_sec_ends", tuple(s.end for s in secs))
        object.__setattr__(self, "_sec_parents", _containment_parents([(s.start, s.end) for s in secs]))
        object.__setattr__(self, "_item_starts", tuple(s.start for s in items))
        object.__setattr__(self, "_item_ends", tuple(s.end for s in items))
        object.__setattr__(self, "_item_parents", _containment_parents([(s.start, s.end) for s in items]))
        object.__setattr__(self, "_chains", {})
        object.__setattr__(self, "_sec_bounds", tuple(sorted({p for s in secs for p in (s.start, s.end)})))

    def locate(self, pos: int) -> tuple[str | None, str | None]:
        """(innermost section id, innermost item id) whose span contains ``pos``."""
        si = _innermost(self._sec_starts, self._sec_ends, self._sec_parents, pos)
        ii = _innermost(self._item_starts, self._item_ends, self._item_parents, pos)
        return (self.sections[si].id if si >= 0 else None, self.items[ii].id if ii >= 0 else None)

    def enclosing(self, pos: int) -> tuple[SectionSpan, ...]:
        """The sections containing ``pos``, innermost first."""
        i = _innermost(self._sec_starts, self._sec_ends, self._sec_parents, pos)
        chain = self._chains.get(i)
        if chain is None:  # a chain is fixed by its innermost section: built once
            out: list[SectionSpan] = []
            j = i
            while j >= 0:
                out.append(self.sections[j])
                j = self._sec_parents[j]
            chain = self._chains[i] = tuple(out)
        return chain

    def enclosing_stretch(self, pos: int) -> tuple[tuple[SectionSpan, ...], int, int]:
        """:meth:`enclosing` at ``pos`` and the stretch ``[lo, hi)`` around ``pos`` where it
        is the same (between the section starts and ends nearest to ``pos``)."""
        bounds = self._sec_bounds
        j = bisect_right(bounds, pos)
        lo = bounds[j - 1] if j > 0 else -1
        hi = bounds[j] if j < len(bounds) else sys.maxsize
        return self.enclosing(pos), lo, hi


# --------------------------------------------------------------------------------------------
# Compiled patterns
# --------------------------------------------------------------------------------------------


@cache
def _at_least_cjk(k: int) -> Any:
    """``match(text)`` holds when ``text`` has at least ``k`` Han characters (read up to the
    k-th, not counted through)."""
    return regex.compile(rf"(?:\P{{Han}}*\p{{Han}}){{{max(k, 0)}}}").match


def _few_cjk(text: str, k: int) -> bool:
    """Fewer than ``k`` Han characters in ``text``."""
    return _at_least_cjk(k)(text) is None


_TABLE_GAP = regex.compile("[ \u3000]{2,}")


def _cls(chars: Iterable[str]) -> str:
    return "[" + "".join(regex.escape(c) for c in chars) + "]"


# Section styles, highest first.  "theme" and "ordinal" (第一，at line start) are "soft": they
# always nest under whatever is open, and only harder styles can close them by rank.
_RANK = {
    "appendix": -1.0,
    "part": 0.0,
    "chinese": 1.0,
    "theme": 1.5,
    "plain": 1.8,
    "chinese_paren": 2.0,
    "ordinal": 2.5,
    "arabic": 3.0,
    "arabic_paren": 4.0,
    "arabic_half": 4.5,
    "circled": 5.0,
}
_SOFT = frozenset({"theme", "ordinal", "plain"})
# Styles whose number 1 opens a section even when no number 2 follows (on its own line).
_SINGLE_OK = frozenset({"chinese", "chinese_paren"})


class _LinePattern:
    """A pattern that matches at line starts only (``(?m)^`` + ``body``), found fast.

    The ``regex`` engine tries ``^`` at every position of the text; a pattern opening with a
    literal newline lets it jump from newline to newline, about ten times faster.  Matches come
    out as from ``(?m)^body`` (its groups, without the newline), in order and not overlapping.
    """

    __slots__ = ("_after_newline", "anchored")

    def __init__(self, body: str) -> None:
        self.anchored = regex.compile(rf"(?m)^{body}")
        self._after_newline = regex.compile(rf"(?m)\n{body}")

    def match(self, text: str, pos: int = 0) -> regex.Match[str] | None:
        """The match at ``pos`` (a line start, or any position ``^`` holds at)."""
        return self.anchored.match(text, pos)

    def finditer(self, text: str) -> Iterator[regex.Match[str]]:
        """Every match in ``text`` (group offsets as in ``(?m)^body``; ``start()`` includes the
        newline, so use the groups)."""
        pos = 0
        m = self.anchored.match(text)
        if m is not None:
            yield m
            pos = m.end()
        while True:
            # A match may open at ``pos`` itself when the character before it is a newline.
            m = self._after_newline.search(text, max(pos - 1, 0))
            if m is None:
                return
            yield m
            pos = m.end()


@dataclass(frozen=True, slots=True)
class _Patterns:
    vocab: StructureVocabulary
    digits: dict[str, int]
    heading_line: _LinePattern
    heading_inline: Any
    theme_line: _LinePattern
    appendix_line: _LinePattern
    item: Any
    declared: Any
    declared_theme: Any
    declared_focus: Any
    # What a text must hold for theme_line / declared_theme to match (a connector and an opening
    # quote, 以“): most texts hold none, which a few substring tests tell fast.
    theme_openers: tuple[str, ...]
    declared_theme_openers: tuple[str, ...]
    numeral_list: Any
    indent: str
    quotes: tuple[tuple[str, str], ...]
    # The first terminator of a heading / an item's topic, a character a plain heading never
    # holds, in a text (``search``).
    heading_end: Any
    topic_end: Any
    plain_not: Any


@cache
def _patterns() -> _Patterns:
    return _compile(load_vocabulary())


# Patterns of vocabularies other than the built-in one (user rule files), by the vocabulary's
# identity; the vocabulary is kept with them so that its id is not reused.
_OTHER_PATTERNS: dict[int, tuple[StructureVocabulary, _Patterns]] = {}


def _patterns_of(vocabulary: StructureVocabulary | None) -> _Patterns:
    if vocabulary is None:
        return _patterns()
    found = _OTHER_PATTERNS.get(id(vocabulary))
    if found is None:
        if len(_OTHER_PATTERNS) >= 16:  # a process building many extractors keeps the latest
            del _OTHER_PATTERNS[next(iter(_OTHER_PATTERNS))]
        found = _OTHER_PATTERNS[id(vocabulary)] = (vocabulary, _compile(vocabulary))
    return found[1]


def _compile(v: StructureVocabulary) -> _Patterns:
    h, it, th, ap, dc = v.headings, v.items, v.themes, v.appendix, v.declared
    digits = dict(v.numerals.digits)
    ten = regex.escape(v.numerals.ten)
    d = _cls(digits)
    cn = f"(?:{d}?{ten}{d}?|{d})"  # 1..99
    ar = "[0-9０-９]{1,2}"
    op, cp = _cls(h.open_parens), _cls(h.close_parens)
    ind = _cls(v.text.indent) + "*" if v.text.indent else ""
    ends = _cls(v.text.sentence_ends)
    styles = {
        "part": rf"第(?P<part>{cn})(?:{alternation(h.part_suffixes)})",
        "chinese": rf"(?P<chinese>{cn})(?:{alternation(h.chinese_marks)})",
        "chinese_paren": rf"{op}(?P<chinese_paren>{cn}){cp}",
        "arabic": rf"(?P<arabic>{ar})(?:{alternation(h.arabic_marks)})(?![0-9０-９.．])",
        "arabic_paren": rf"{op}(?P<arabic_paren>{ar}){cp}",
        "arabic_half": rf"(?P<arabic_half>{ar}){cp}",
        "circled": rf"(?P<circled>{_cls(v.numerals.circled)})",
        "ordinal": rf"第(?P<ordinal>{cn})(?:{alternation(h.ordinal_marks)})",
    }
    heading_line = _LinePattern(rf"{ind}(?P<m>" + "|".join(styles[k] for k in _RANK if k in styles) + ")")
    inline = "|".join(styles[k] for k in h.inline_styles)
    # After a sentence end.  When no inline marker can end with a sentence end, the pattern takes
    # the sentence end itself (the groups are what is read, the same), as no match can then hold
    # the end before the next one; opening with a set of characters, it runs on the standard
    # library's engine, which skips to them fast (about twice as fast as the look-behind).
    last_chars = {w[-1] for w in h.chinese_marks if w} | set(h.close_parens)
    if last_chars.isdisjoint(v.text.sentence_ends):
        heading_inline: Any = re.compile(rf"{ends}[ \u3000]*(?P<m>{inline})")
    else:
        heading_inline = regex.compile(rf"(?<={ends})[ \u3000]*(?P<m>{inline})")
    punct = '\\s，,。；;：:“”"、！？!?'
    theme_line = _LinePattern(
        rf"{ind}(?P<head>[^{punct}]{{2,{th.max_head_chars}}})[，,]"
        rf"(?:{alternation(th.connectors)})[“\"](?P<theme>[^”\"\n]{{1,{th.max_theme_chars}}})[”\"]"
        rf"(?P<action>[^，,。；;！？!?\n“”]{{1,{th.max_action_chars}}})[。！!；;]"
    )
    cues = alternation(ap.cues)
    notes = alternation(ap.note_cues)
    sp = "[ \t\u3000]*"
    appendix_line = _LinePattern(
        rf"{ind}(?:(?P<cue>(?:{cues})(?:{sp}[0-9０-９{''.join(digits)}{ten}]+)?)"
        rf"(?:{sp}[:：]{sp}|[ \t\u3000]+|(?<=[0-9０-９{''.join(digits)}{ten}])|(?=\n|$))"
        rf"(?P<title>[^\n]{{0,{ap.max_title_chars}}}?)|(?P<note>{notes}){sp}[:：]?){sp}$"
    )
    seq_words = [w for w in (*it.sequence_first, *it.sequence_middle, *it.sequence_last) if w]
    item = FirstCharPattern(
        rf"(?P<shi>{cn}){regex.escape(it.shi_suffix)}(?!否)"
        rf"|第(?P<di>{cn})(?={alternation(it.ordinal_marks)})"
        rf"|(?P<seq>{alternation(seq_words)})",
        {*digits, *v.numerals.ten, "第", *(w[0] for w in seq_words)},
    )
    num = rf"(?:[0-9０-９]{{1,3}}|(?:{d}|{ten}|{_cls(v.numerals.count_only)}){{1,3}})"
    pre = f"(?P<pre>{alternation(dc.prefixes)})?" if dc.prefixes else "(?P<pre>(?!))?"
    # Every match starts with a prefix's or a numeral's first character: scanned for those.
    first = {w[0] for w in dc.prefixes} | set("0123456789０１２３４５６７８９") | set(digits)
    first |= set(v.numerals.ten) | set(v.numerals.count_only)
    declared = FirstCharPattern(
        rf"(?<![第0-9０-９{''.join(digits)}{ten}]){pre}(?P<num>{num})(?:{alternation(dc.units)})", first
    )
    declared_theme = regex.compile(
        rf"(?:{alternation(dc.theme_connectors)})(?P<span>[“\"](?P<num>{num})(?:{alternation(dc.theme_infixes)})?"
        rf"(?P<suffix>{alternation(th.suffixes)})[”\"])"
    )
    declared_focus = regex.compile(rf"[“\"]?(?P<num>{num})(?:{alternation(dc.focus_units)})[”\"]?")
    numeral_list = regex.compile(
        rf"(?:{cn}|{_cls(v.numerals.count_only)})(?:{alternation(h.numeral_list_follow)})"
    )
    return _Patterns(
        vocab=v,
        digits=digits,
        heading_line=heading_line,
        heading_inline=heading_inline,
        theme_line=theme_line,
        appendix_line=appendix_line,
        item=item,
        declared=declared,
        declared_theme=declared_theme,
        declared_focus=declared_focus,
        theme_openers=_joined(th.connectors, '“"'),
        declared_theme_openers=_joined(dc.theme_connectors, '“"'),
        numeral_list=numeral_list,
        indent=v.text.indent,
        quotes=tuple((a, b) for a, b in v.text.quotes),
        heading_end=char_search(h.terminators),
        topic_end=char_search(it.topic_terminators),
        plain_not=char_search(v.plain.not_chars),
    )


def _joined(words: Iterable[str], quotes: str) -> tuple[str, ...]:
    """Each word followed by each quote (the quotes alone for no words: an empty alternation
    matches the empty string)."""
    return tuple(w + q for w in (list(words) or [""]) for q in quotes)


def _holds_any(text: str, parts: tuple[str, ...]) -> bool:
    return any(part in text for part in parts)


def _cn_value(s: str, p: _Patterns) -> int:
    """Value of a Chinese or Arabic numeral of up to two places (0 when it is not one)."""
    if s.isdigit():
        return int(s.translate(_FULLWIDTH_DIGITS))
    v = p.vocab.numerals
    if len(s) == 1 and s in v.count_only:
        return v.count_only[s]
    if v.ten in s:
        left, _, right = s.partition(v.ten)
        if len(left) > 1 or len(right) > 1:
            return 0
        tens = p.digits.get(left, 0) if left else 1
        ones = p.digits.get(right, 0) if right else 0
        if (left and not tens) or (right and not ones):
            return 0
        return tens * 10 + ones
    return p.digits.get(s, 0) if len(s) == 1 else 0


_FULLWIDTH_DIGITS = {ord("０") + i: ord("0") + i for i in range(10)}


# --------------------------------------------------------------------------------------------
# Scanning helpers
# --------------------------------------------------------------------------------------------


_WINDOW = 400  # how far past a marker the heading, topic or table checks look


class _Lines:
    """Line boundaries by bisection over the newline positions (one pass over the text)."""

    __slots__ = ("n", "newlines")

    def __init__(self, text: str) -> None:
        self.n = len(text)
        self.newlines = [m.start() for m in _NEWLINE.finditer(text)]

    def bounds(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.newlines, pos - 1)
        ls = self.newlines[i - 1] + 1 if i > 0 else 0
        le = self.newlines[i] if i < len(self.newlines) else self.n
        return ls, le


_NEWLINE = re.compile("\n")  # the standard library finds a literal faster


class _QuoteTracker:
    """Whether positions (visited in increasing order) lie inside quotes on their line."""

    __slots__ = ("counts", "line", "pos", "quotes", "text")

    def __init__(self, text: str, quotes: Sequence[tuple[str, str]]) -> None:
        self.text = text
        self.quotes = [*quotes, ('"', "")]
        self.line = -1
        self.pos = 0
        self.counts = [0] * (2 * len(self.quotes))

    def inside(self, line_start: int, pos: int) -> bool:
        if line_start != self.line or pos < self.pos:
            self.line, self.pos = line_start, line_start
            self.counts = [0] * (2 * len(self.quotes))
        seg = self.text[self.pos : pos]
        self.pos = pos
        for i, (a, b) in enumerate(self.quotes):
            self.counts[2 * i] += seg.count(a)
            if b:
                self.counts[2 * i + 1] += seg.count(b)
        for i, (_, b) in enumerate(self.quotes):
            opened, closed = self.counts[2 * i], self.counts[2 * i + 1]
            if opened % 2 if not b else opened > closed:
                return True
        return False


def _prev_char(text: str, pos: int, p: _Patterns) -> str:
    """The character before ``pos`` skipping indentation; "\\n" at the start of a line or text."""
    i = pos - 1
    while i >= 0 and text[i] in p.indent and text[i] != "\n":
        i -= 1
    return "\n" if i < 0 else text[i]


def _clean(s: str) -> str:
    return s.strip(" \t\u3000\u00a0\u2002\u2003，,、；;：:。")


def _heading_text(text: str, pos: int, le: int, p: _Patterns) -> tuple[str, bool, bool]:
    """(heading, heading fills its line, heading ends with a full stop) for text at ``pos``."""
    h = p.vocab.headings
    stripped = text[pos : min(le, pos + _WINDOW)].lstrip(p.indent + "：:")
    found = p.heading_end(stripped)
    cut, term = (found.start(), found.group()) if found is not None else (len(stripped), "")
    head = stripped[:cut]
    own_line = not _clean(stripped[cut + 1 :]) if term else pos + _WINDOW >= le
    if len(head) > h.max_heading_chars:
        comma = min((i for i in (head.find("，"), head.find(",")) if i > 0), default=-1)
        head = head[:comma] if 0 < comma <= h.max_heading_chars else head[: h.max_heading_chars]
    return _clean(head), own_line, term in "。"


def _next_nonempty_line(text: str, le: int, limit: int) -> tuple[str, int]:
    """The next non-blank line after ``le`` (its text and end) if it is at most ``limit`` long."""
    pos = le + 1
    n = len(text)
    while pos < n:
        e = text.find("\n", pos)
        e = n if e < 0 else e
        line = text[pos:e].strip()
        if line:
            return (line, e) if len(line) <= limit else ("", -1)
        pos = e + 1
    return "", -1


# --------------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Cand:
    start: int
    style: str
    n: int
    marker: str | None
    heading: str
    shape: tuple[bool, bool]
    theme: str | None = None
    action: str | None = None
    inline: bool = False
    ok_next: bool = True  # a new sequence may start here (the next of its style is number 2)


@dataclass(slots=True)
class _Sec:
    start: int
    style: str
    n: int
    level: int
    parent: int
    marker: str | None
    heading: str
    theme: str | None
    action: str | None
    index: int = 0
    end: int = 0
    id: str = ""


@dataclass(slots=True)
class _Open:
    style: str
    last: int
    shape: tuple[bool, bool]
    sec: int


def _heading_candidates(text: str, p: _Patterns, lines: _Lines) -> list[_Cand]:
    h = p.vocab.headings
    out: list[_Cand] = []
    for inline, pat in ((False, p.heading_line), (True, p.heading_inline)):
        quotes = _QuoteTracker(text, p.quotes)
        for m in pat.finditer(text):
            style = next(k for k in _RANK if k in m.re.groupindex and m.group(k) is not None)
            raw = m.group(style)
            n = (p.vocab.numerals.circled.index(raw) + 1) if style == "circled" else _cn_value(raw, p)
            if n <= 0:
                continue
            start = m.start("m")
            ls, le = lines.bounds(start)
            rest = text[m.end("m") : min(le, m.end("m") + _WINDOW)]
            if "\t" in rest or len(_TABLE_GAP.findall(rest)) >= 2:
                continue  # a table row
            if rest.strip(p.indent):  # else the heading is the next line
                if _few_cjk(rest[:40], h.min_heading_cjk):
                    continue
            elif style not in ("part", "chinese"):
                continue
            if style in ("chinese", "ordinal", "part") and p.numeral_list.match(rest):
                continue  # 一、二季度 / 第一、二产业
            if style in ("arabic", "arabic_half") and rest[:1].isdigit():
                continue
            if inline and quotes.inside(ls, start):
                continue
            heading, own_line, period = _heading_text(text, m.end("m"), le, p)
            if not heading:  # "第一部分\n发展回顾": a title line without a sentence end
                heading, _ = _next_nonempty_line(text, le, h.max_heading_chars)
                if (
                    _few_cjk(heading, max(1, h.min_heading_cjk))
                    or any(ch in heading for ch in p.vocab.text.sentence_ends)
                    or p.heading_line.match(heading) is not None
                ):
                    continue
            out.append(_Cand(start, style, n, m.group("m"), heading, (own_line, period), inline=inline))
    counts: dict[str, int] = {}
    themed: list[_Cand] = []
    for m in p.theme_line.finditer(text) if _holds_any(text, p.theme_openers) else ():
        theme = m.group("theme")
        suffix = next((s for s in p.vocab.themes.suffixes if theme.endswith(s)), None)
        if suffix is None:
            continue
        counts[suffix] = counts.get(suffix, 0) + 1
        themed.append(
            _Cand(
                m.start("head"),
                "theme:" + suffix,
                0,
                None,
                _clean(m.group("head")),
                (False, True),
                theme=theme,
                action=_clean(m.group("action")),
            )
        )
    out.extend(c for c in themed if counts[c.style[6:]] >= p.vocab.themes.min_count)
    out.sort(key=lambda c: c.start)
    # One candidate per position.  An inline marker is for run-on text: where the same marker
    # also opens a line, the inline one is an enumeration inside a paragraph ("…。（二）…"
    # before the real "（二）" heading).
    at_line_start = {(c.style, c.n) for c in out if not c.inline}
    dedup: list[_Cand] = []
    for c in out:
        if (dedup and dedup[-1].start == c.start) or (c.inline and (c.style, c.n) in at_line_start):
            continue
        dedup.append(c)
    # ok_next: the next candidate of the same style after a number 1 is a number 2.
    nxt: dict[str, int] = {}
    for c in reversed(dedup):
        if c.style.startswith("theme:"):
            continue
        if c.n == 1:
            c.ok_next = nxt.get(c.style) == 2
        nxt[c.style] = c.n
    return dedup


def _plain_candidates(text: str, p: _Patterns) -> list[_Cand]:
    """Unnumbered heading lines: short, no final or inner punctuation, between paragraphs."""
    v = p.vocab.plain
    ends = p.vocab.text.sentence_ends + "；;"
    out: list[_Cand] = []
    prev_line = ""
    pos = 0
    lines = text.split("\n")
    for i, raw in enumerate(lines):
        start, pos = pos, pos + len(raw) + 1
        line = raw.strip(p.indent)
        if not line:
            continue
        prev, prev_line = prev_line, line
        if (  # (the cheap tests first)
            len(line) > v.max_chars
            or not prev
            or not (prev[-1] in ends or p.heading_line.match(prev) is not None)
            or _few_cjk(line, v.min_cjk)
            or p.plain_not(line) is not None
            or p.heading_line.match(line) is not None
            or p.appendix_line.match(line) is not None
        ):
            continue
        following = next((x.strip(p.indent) for x in lines[i + 1 :] if x.strip(p.indent)), "")
        if len(following) < v.min_next_chars:
            continue
        lead = start + (len(raw) - len(raw.lstrip(p.indent)))
        out.append(_Cand(lead, "plain", 0, None, _clean(line), (True, False)))
    return out


def _appendix_starts(text: str, p: _Patterns) -> list[tuple[int, str | None, str, int, bool]]:
    """(start, marker, heading, end of consumed title line, is a note) for each appendix or note.

    The cue with its number is the marker (附件1) and the title the heading (今年十件民生实事); a
    note block (名词解释) has no marker and its cue as heading.
    """
    out: list[tuple[int, str | None, str, int, bool]] = []
    limit = p.vocab.appendix.max_title_chars
    for m in p.appendix_line.finditer(text):
        if m.group("note") is not None:
            out.append((m.start("note"), None, m.group("note"), m.end(), True))
            continue
        cue = m.group("cue").strip()
        title = _clean(m.group("title") or "")
        end = m.end()
        if not title:
            title, e = _next_nonempty_line(text, m.end(), limit)
            if e >= 0 and p.heading_line.match(title) is None:
                end = e
            else:
                title = ""
        out.append((m.start("cue"), cue, title or cue, end, False))
    return out


def _style_rank(style: str) -> float:
    return _RANK["theme"] if style.startswith("theme:") else _RANK[style]


def _soft(style: str) -> bool:
    return style.startswith("theme:") or style in _SOFT


def _build_sections(text: str, p: _Patterns, lines: _Lines) -> list[_Sec]:
    cands = _heading_candidates(text, p, lines)
    appendices = _appendix_starts(text, p)
    cands = sorted([*cands, *_plain_candidates(text, p)], key=lambda c: c.start)
    events: list[tuple[int, int, _Cand | tuple[int, str | None, str, int, bool]]] = [
        (c.start, 1, c) for c in cands
    ]
    events += [(a[0], 0, a) for a in appendices]
    events.sort(key=lambda e: (e[0], e[1]))
    secs: list[_Sec] = []
    stack: list[_Open] = []
    shadows: dict[str, tuple[int, tuple[bool, bool]]] = {}
    skip_until = -1
    # The top-level heading open before a note block ("注：" in mid-document): the next heading
    # of its sequence closes the note block and the document goes on.
    before_note: _Open | None = None
    note_sec = -1

    def accept(depth: int, c: _Cand, n: int) -> None:
        for o in stack[depth:]:
            shadows.pop(o.style, None)
        shadows.pop(c.style, None)
        del stack[depth:]
        parent = stack[-1].sec if stack else -1
        secs.append(_Sec(c.start, c.style, n, depth + 1, parent, c.marker, c.heading, c.theme, c.action))
        stack.append(_Open(c.style, n, c.shape, len(secs) - 1))

    for pos, _, ev in events:
        if pos < skip_until:
            continue
        if isinstance(ev, tuple):
            start, marker, heading, consumed, note = ev
            if not note:
                before_note = None
            elif stack and stack[0].style != "appendix":
                before_note, note_sec = stack[0], len(secs)
            stack.clear()
            shadows.clear()
            secs.append(_Sec(start, "appendix", 0, 1, -1, marker, heading, None, None))
            stack.append(_Open("appendix", 0, (True, False), len(secs) - 1))
            skip_until = consumed
            continue
        c = ev
        if before_note is not None and c.style == before_note.style and c.n == before_note.last + 1:
            # the note belonged to the section before it: move it (and its lists) one level down
            for j in range(note_sec, len(secs)):
                secs[j].level += 1
                if secs[j].parent < 0:
                    secs[j].parent = before_note.sec
            stack[:] = [before_note]
            before_note = None
        k = next((i for i, o in enumerate(stack) if o.style == c.style), -1)
        if c.style == "plain":
            # an unnumbered heading line: a sub-section of the numbered section it is in
            if k >= 0:
                accept(k, c, stack[k].last + 1)
            elif stack and stack[-1].style != "appendix":
                accept(len(stack), c, 1)
            continue
        if c.style.startswith("theme:"):
            if k >= 0:
                accept(k, c, stack[k].last + 1)
            else:
                accept(len(stack), c, 1)
            continue
        if k >= 0:
            real_ok = c.n == stack[k].last + 1
            sh = shadows.get(c.style)
            shadow_ok = sh is not None and c.n == sh[0] + 1
            if real_ok and shadow_ok and sh is not None:
                if c.shape == stack[k].shape and c.shape != sh[1]:
                    accept(k, c, c.n)
                else:
                    shadows[c.style] = (c.n, sh[1])
            elif real_ok:
                accept(k, c, c.n)
            elif shadow_ok:
                shadows[c.style] = (c.n, c.shape)
            elif c.n == 1:
                shadows[c.style] = (1, c.shape)
            continue
        # A sequence starts at its number 1 when a number 2 follows, or when a heading of a main
        # style fills its own line (a sub-list of one entry: "（一）稳收入").
        if c.n != 1 or not (c.ok_next or (c.shape[0] and not c.inline and c.style in _SINGLE_OK)):
            continue
        rank = _style_rank(c.style)
        depth = len(stack)
        if not _soft(c.style):
            for i, o in enumerate(stack):
                if o.style != "appendix" and _style_rank(o.style) >= rank:
                    depth = i
                    break
        accept(depth, c, 1)
    # ends, indexes, ids
    n = len(text)
    open_: list[int] = []
    for i, s in enumerate(secs):
        while open_ and secs[open_[-1]].level >= s.level:
            secs[open_.pop()].end = s.start
        open_.append(i)
    for i in open_:
        secs[i].end = n
    counters: dict[int, int] = {}
    for s in secs:
        counters[s.parent] = counters.get(s.parent, 0) + 1
        s.index = counters[s.parent]
        s.id = (secs[s.parent].id + "." if s.parent >= 0 else "s") + str(s.index)
    return secs


# --------------------------------------------------------------------------------------------
# Items
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _ItemCand:
    start: int
    style: str
    n: int  # 0: "continue the sequence" (其次, 最后)
    last: bool
    marker: str
    body: int  # where the item's text starts
    ok_next: bool = True


@dataclass(slots=True)
class _Item:
    start: int
    depth: int
    n: int
    marker: str
    body: int
    section: int
    run: int
    end: int = 0


def _item_candidates(text: str, p: _Patterns, lines: _Lines, taken: set[int]) -> list[_ItemCand]:
    it = p.vocab.items
    out: list[_ItemCand] = []
    quotes = _QuoteTracker(text, p.quotes)
    for m in p.item.finditer(text):
        start = m.start()
        if start in taken:
            continue
        prev = _prev_char(text, start, p)
        line_start = prev == "\n"
        if m.group("shi") is not None:
            if not (line_start or prev in it.breaks_loose):
                continue
            n = _cn_value(m.group("shi"), p)
            cand = _ItemCand(start, "shi", n, False, m.group(), m.end())
        elif m.group("di") is not None:
            if not (line_start or prev in it.breaks_strict):
                continue
            after = text[m.end() + 1 : m.end() + 4]
            if p.numeral_list.match(after):
                continue
            n = _cn_value(m.group("di"), p)
            cand = _ItemCand(start, "di", n, False, m.group() + text[m.end()], m.end() + 1)
        else:
            if not (line_start or prev in it.breaks_loose):
                continue
            word = m.group("seq")
            follow = text[m.end() : m.end() + 1]
            if word in it.sequence_first:
                n, last = 1, False
            else:
                if not any(text.startswith(f, m.end()) for f in it.sequence_follow):
                    continue
                n, last = 0, word in it.sequence_last
            body = m.end() + (1 if follow in "，,：:" and follow else 0)
            cand = _ItemCand(start, "seq", n, last, word, body)
        if cand.n < 0:
            continue
        if not line_start and quotes.inside(lines.bounds(start)[0], start):
            continue
        out.append(cand)
    out.extend(_dash_candidates(text, p, taken))
    out.sort(key=lambda c: c.start)
    nxt: dict[str, int] = {}
    for c in reversed(out):
        if c.n == 1 and c.style != "dash":  # a dash list may have one entry
            c.ok_next = nxt.get(c.style, -1) in (2, 0)
        nxt[c.style] = c.n
    return out


def _dash_candidates(text: str, p: _Patterns, taken: set[int]) -> list[_ItemCand]:
    """ "——深化预算改革。…" bullets at line start, numbered in order within their section."""
    markers = sorted(p.vocab.items.dash_markers, key=len, reverse=True)
    out: list[_ItemCand] = []
    pos = 0
    last_end = -1
    # Before the first heading a dash line is a subtitle (——在…会议上), not a bullet.
    first_section = min(taken, default=len(text))
    starts = tuple(markers)
    for raw in text.split("\n"):
        start, pos = pos, pos + len(raw) + 1
        body = raw.lstrip(p.indent)
        if not body.startswith(starts):  # most lines: one call tells
            continue
        marker = next((m for m in markers if body.startswith(m)), None)
        if marker is None or _few_cjk(body[len(marker) : len(marker) + 20], 2):
            continue
        lead = start + len(raw) - len(body)
        if lead < first_section:
            continue
        restart = not out or any(last_end <= t < lead for t in taken)
        n = 1 if restart else out[-1].n + 1
        out.append(_ItemCand(lead, "dash", n, False, marker.strip(), lead + len(marker)))
        last_end = lead
    return out


def _item_topic(text: str, body: int, end: int, p: _Patterns) -> tuple[str, str | None, str | None]:
    """(topic, slogan, focus cue) of an item whose text starts at ``body``."""
    it = p.vocab.items
    seg = text[body : min(end, body + 400)]
    seg = seg.lstrip(p.indent + "，,：:")
    cue = next((c for c in it.focus_cues if seg.startswith(c)), None)
    if cue is not None:
        seg = seg[len(cue) :]
    found = p.topic_end(seg)
    cut = found.start() if found is not None else len(seg)
    topic = _clean(seg[:cut])
    slogan: str | None = None
    if cut < len(seg) and seg[cut] in "，,":
        rest = seg[cut + 1 :]
        found = p.topic_end(rest)
        cut2 = found.start() if found is not None else len(rest)
        second = rest[:cut2]
        if (
            0 < len(second) <= it.max_slogan_chars
            and (cut2 == len(rest) or rest[cut2] in "。；;！!")
            and any(a in second for a, _ in p.quotes)
        ):
            slogan = second
    return topic, slogan, cue


def _build_items(text: str, p: _Patterns, lines: _Lines, secs: list[_Sec]) -> list[_Item]:
    starts = [s.start for s in secs]
    cands = _item_candidates(text, p, lines, set(starts))
    items: list[_Item] = []
    stack: list[tuple[str, int, int]] = []  # (style, last ordinal, run id)
    runs = 0
    si = 0  # number of sections started so far
    for c in cands:
        while si < len(secs) and secs[si].start <= c.start:
            si += 1
            stack.clear()  # numbering restarts in every section
        k = next((i for i, o in enumerate(stack) if o[0] == c.style), -1)
        n = c.n if c.n else (stack[k][1] + 1 if k >= 0 else 0)
        if n <= 0:
            continue
        if k >= 0 and n == stack[k][1] + 1:
            depth, run = k, stack[k][2]
        elif n == 1 and c.ok_next:
            depth = k if k >= 0 else len(stack)
            runs += 1
            run = runs
        else:
            continue
        del stack[depth:]
        if not c.last:
            stack.append((c.style, n, run))
        # innermost section containing the item: the last started one that has not ended
        sec = si - 1
        while sec >= 0 and secs[sec].end <= c.start:
            sec = secs[sec].parent
        items.append(_Item(c.start, depth + 1, n, c.marker, c.body, sec, run))
    # ends: the next item of the same or a shallower depth, or the next section start
    n_text = len(text)
    open_: list[int] = []
    for i, item in enumerate(items):
        while open_ and items[open_[-1]].depth >= item.depth:
            items[open_.pop()].end = item.start
        open_.append(i)
    for i in open_:
        items[i].end = n_text
    for item in items:
        j = bisect_right(starts, item.start)
        if j < len(starts):
            item.end = min(item.end, starts[j])
        if item.section >= 0:
            item.end = min(item.end, secs[item.section].end)
    return items


# --------------------------------------------------------------------------------------------
# Declared counts
# --------------------------------------------------------------------------------------------


def _declared(
    text: str, p: _Patterns, secs: list[_Sec], items: list[_Item], focus: list[bool]
) -> list[DeclaredCount]:
    dc = p.vocab.declared
    out: list[DeclaredCount] = []
    elements: list[tuple[int, str, int]] = [(s.start, "s", i) for i, s in enumerate(secs)]
    elements += [(t.start, "i", i) for i, t in enumerate(items)]
    elements.sort()
    el_starts = [e[0] for e in elements]
    siblings: dict[tuple[int, str], int] = {}
    for sec in secs:
        siblings[sec.parent, sec.style] = siblings.get((sec.parent, sec.style), 0) + 1
    run_sizes: dict[int, int] = {}
    for t in items:
        run_sizes[t.run] = run_sizes.get(t.run, 0) + 1
    ends = p.vocab.text.sentence_ends

    def add(what: str, declared: int, found: int, m: Any, g: int | str = 0) -> None:
        out.append(DeclaredCount(what, declared, found, found == declared, m.start(g), m.end(g), m.group(g)))

    for m in p.declared.finditer(text):
        declared = _cn_value(m.group("num"), p)
        if declared <= 0 or (m.group("pre") is None and text[m.end() : m.end() + 1] not in dc.clause_ends):
            continue  # "十方面民生实事圆满完成": the count qualifies a noun, it announces nothing
        j = bisect_right(el_starts, m.end() - 1)
        if j >= len(elements) or el_starts[j] - m.end() > dc.max_gap:
            continue
        pos, kind, idx = elements[j]
        between = text[m.end() : pos]
        if sum(between.count(e) for e in ends) > dc.max_sentences_between:
            continue
        if kind == "s":
            sec = secs[idx]
            if sec.n == 1 and not sec.style.startswith("theme:") and sec.style != "appendix":
                add("sections", declared, siblings[sec.parent, sec.style], m)
        elif items[idx].n == 1:
            add("items", declared, run_sizes[items[idx].run], m)
    theme_starts: dict[str, list[int]] = {}
    for sec in secs:
        if sec.style.startswith("theme:"):
            theme_starts.setdefault(sec.style, []).append(sec.start)
    for m in p.declared_theme.finditer(text) if _holds_any(text, p.declared_theme_openers) else ():
        declared = _cn_value(m.group("num"), p)
        starts = theme_starts.get("theme:" + m.group("suffix"), [])
        if declared > 0:
            # The span is the count itself (“五劲”), not the connector that found it (以).
            add("sections", declared, len(starts) - bisect_right(starts, m.end() - 1), m, "span")
    focus_starts = [t.start for t, f in zip(items, focus, strict=True) if f]
    for m in p.declared_focus.finditer(text):
        declared = _cn_value(m.group("num"), p)
        if declared > 0:
            add("focus_items", declared, len(focus_starts) - bisect_right(focus_starts, m.end() - 1), m)
    out.sort(key=lambda d: d.start)
    return out


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def find_structure(text: str, vocabulary: StructureVocabulary | None = None) -> Structure:
    """Find the sections, enumerated items and declared counts of ``text`` (with the built-in
    vocabulary, or ``vocabulary``: the structure table of user rule files)."""
    if not text or not text.strip():
        return Structure((), (), ())
    p = _patterns_of(vocabulary)
    lines = _Lines(text)
    secs = _build_sections(text, p, lines)
    items = _build_items(text, p, lines, secs)
    sections = tuple(
        SectionSpan(
            id=s.id,
            level=s.level,
            index=s.index,
            marker=s.marker,
            heading=s.heading,
            theme=s.theme,
            action=s.action,
            start=s.start,
            end=s.end,
            parent_id=secs[s.parent].id if s.parent >= 0 else None,
        )
        for s in secs
    )
    spans: list[ItemSpan] = []
    focus: list[bool] = []
    per_section: dict[int, int] = {}
    for t in items:
        per_section[t.section] = per_section.get(t.section, 0) + 1
        k = per_section[t.section]
        sec = secs[t.section] if t.section >= 0 else None
        topic, slogan, cue = _item_topic(text, t.body, t.end, p)
        focus.append(cue == p.vocab.items.focus_count_cue)
        spans.append(
            ItemSpan(
                id=f"{sec.id}.i{k}" if sec is not None else f"i{k}",
                level=(sec.level if sec is not None else 0) + t.depth,
                ordinal=t.n,
                marker=t.marker,
                topic=topic,
                slogan=slogan,
                start=t.start,
                end=t.end,
                section_id=sec.id if sec is not None else None,
            )
        )
    checks = _declared(text, p, secs, items, focus)
    return Structure(sections, tuple(spans), tuple(checks))

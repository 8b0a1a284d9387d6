"""A normalised copy of a document's text, with a map back to the original offsets.

The original text is never changed: records carry offsets into it.  Matching runs on a copy in
which full-width digits and signs are ASCII, ideographic spaces are spaces, thousands separators
are gone and numbers broken by a line break or a stray space (PDF text: "16.1 %", "PM\\n2.5")
are joined, and radicals that PDF fonts put for whole characters (⼀是, ⼈⺠) are the unified
ideographs (:func:`fold_ideographs`).  Hard line wraps inside a sentence (PDF text wrapped at a
fixed width: "同比增\n长3.1%", "80亿\n元", a lead-in broken over lines: "发展的\n主要目标\n是：")
are joined too, so the number and classification layers read through them; the structure layer
reads the original lines.  :class:`Normalized` maps any span of the copy back to the original.

>>> n = normalize("增长１６．４％，达1,100万元")
>>> n.text
'增长16.4%，达1100万元'
>>> n.span_to_original(6, 13)
(6, 14)
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

import regex
from pydantic import ValidationInfo, field_validator

from .lexicon import StrictModel, load_data

__all__ = ["Normalized", "fold_ideographs", "normalize", "normalize_folded"]


class RadicalsFile(StrictModel):
    """``data/radicals.toml``: radicals that fonts put for whole characters, and the unified
    ideograph each stands for: ``fold`` for the CJK Radicals Supplement, ``kangxi`` for Kangxi
    radicals whose compatibility mapping is not the character a simplified-Chinese font meant."""

    kangxi: dict[str, str]
    fold: dict[str, str]

    @field_validator("kangxi", "fold")
    @classmethod
    def _one_radical_for_one_ideograph(cls, fold: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        low, high, block = (
            ("\u2f00", "\u2fdf", "Kangxi Radicals")
            if info.field_name == "kangxi"
            else ("\u2e80", "\u2eff", "CJK Radicals Supplement")
        )
        for radical, ideograph in fold.items():
            if len(radical) != 1 or not low <= radical <= high:
                raise ValueError(f"{radical!r} is not one character of the {block}")
            if len(ideograph) != 1 or not (
                "\u4e00" <= ideograph <= "\u9fff" or "\u3400" <= ideograph <= "\u4dbf"
            ):
                raise ValueError(f"{radical!r} = {ideograph!r}: not one unified ideograph")
        return fold


@cache
def _ideographs() -> dict[int, int]:
    """Kangxi radicals (U+2F00–U+2FDF), CJK compatibility ideographs (U+F900–U+FAFF,
    U+2F800–U+2FA1F) and the radicals of ``data/radicals.toml`` -> the unified ideograph.

    Some PDF fonts map 一 工 力 十 to the radicals ⼀ ⼯ ⼒ ⼗ (and 民 to ⺠), and "⼀是" would not
    be "一是".  The first two groups fold by their compatibility mapping (NFKC), each to exactly one
    code point; the supplement radicals have none and come from the data file.  Every fold is one
    code point for one, so folding never moves an offset.
    """
    table: dict[int, int] = {}
    for cp in (*range(0x2F00, 0x2FE0), *range(0xF900, 0xFB00), *range(0x2F800, 0x2FA20)):
        folded = unicodedata.normalize("NFKC", chr(cp))
        if len(folded) == 1 and folded != chr(cp) and unicodedata.category(folded) == "Lo":
            table[cp] = ord(folded)
    radicals = load_data("radicals.toml", RadicalsFile)
    table.update({ord(k): ord(v) for k, v in (radicals.kangxi | radicals.fold).items()})
    return table


#: Every character :func:`fold_ideographs` may change, as the inside of a character class.
IDEOGRAPH_VARIANTS = "\u2e80-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f"
# (The standard library's engine scans a text for a class about twice as fast as ``regex``.)
_HAS_IDEOGRAPH_VARIANT = re.compile(f"[{IDEOGRAPH_VARIANTS}]")


def fold_ideographs(text: str) -> str:
    """``text`` with Kangxi radicals, compatibility ideographs and the supplement radicals of
    ``data/radicals.toml`` as unified ideographs; the same length, so every offset is unchanged.

    >>> fold_ideographs("⼀是聚焦⼯业，⼗⼆个项⽬，⼈⺠⽣活")
    '一是聚焦工业，十二个项目，人民生活'
    """
    if _HAS_IDEOGRAPH_VARIANT.search(text) is None:  # the usual case: nothing to fold
        return text
    return text.translate(_ideographs())


# One-to-one character replacements (length never changes here).
_FULLWIDTH = {ord("０") + i: ord("0") + i for i in range(10)}
_FULLWIDTH.update(
    {
        ord("％"): ord("%"),
        ord("\u3000"): ord(" "),  # ideographic space
        ord("\u00a0"): ord(" "),
        ord("\u2002"): ord(" "),
        ord("\u2003"): ord(" "),
        ord("\u2009"): ord(" "),
        ord("\u202f"): ord(" "),
        ord("﹪"): ord("%"),
        ord("＋"): ord("+"),
    }
)

_FULLWIDTH_PAIRS = tuple((chr(a), chr(b)) for a, b in _FULLWIDTH.items())

# A full-width point is a decimal point only between digits ("１６．４"); elsewhere it is
# punctuation, so it is replaced in a second, context-aware step.
_FW_POINT = regex.compile(r"(?<=[0-9])．(?=[0-9])")

# Characters to delete from the copy:
# - a thousands separator: "1,100万", "12,345,678" (ASCII comma followed by exactly 3 digits);
# - spaces or one line break inside a number or between a number and its sign ("16.1 %",
#   "12\n3.4", "5 ‰");
# - one line break between a code's letters and its digits ("PM\n2.5"), so the code rule sees
#   the whole code.
_DELETE_COMMA = regex.compile(
    r"""
      ,(?<=[0-9],)(?=[0-9]{3}(?![0-9]))                              # 1,100万
    | ，(?<=(?:^|[^0-9.，])[0-9]{1,3}(?:，[0-9]{3})*，)(?=[0-9]{3}(?![0-9.，])\p{Han})  # １，１００万元
    """,
    regex.VERBOSE,
)
_DELETE_SPACE = regex.compile(
    r"""
      (?<=[0-9])[ \t]+(?=[%‰])                                      # "16.1 %"
    | (?<=[0-9%‰])[ \t]+(?=\p{Han})                                 # "新增就业 1200 人"
    | (?<=\p{Han})[ \t]+(?=[0-9])
    # A number wrapped by PDF text: "12\n3.4亿元", "16.\n4%".  Not when the digits before the
    # break are a line of their own: that is a page number ("…。\n3\n2024年…").
    | (?<=[^\n0-9.][0-9.]*[0-9.])[ \t]*\r?\n[ \t]*(?=[0-9%‰])
    | (?<=[A-Za-z])[ \t]*\r?\n[ \t]*(?=[0-9])                        # "PM\n2.5": a code wrapped
    """,
    regex.VERBOSE,
)
# (One pattern once; as two it finds the same spans, faster: a comma match is the comma alone and
# a space match holds only spaces, tabs and line breaks, so neither can hide the other's.)
# Either comma has a digit before it and one after it: most reports have no such comma, and this
# pattern, opening with a digit, finds that out about six times faster than the full one, which
# has to look behind every "，" of the text.
_COMMA_BETWEEN_DIGITS = regex.compile("[0-9][,，][0-9]")

# Every _DELETE_SPACE match holds only spaces, tabs and line breaks: it lies inside one run of
# them, and the characters around that run decide whether it can match at all.  Reports hold few
# such runs (mostly line breaks after "。"), which the standard library finds as literals fast.
_BLANKS = tuple(re.compile(re.escape(ch)) for ch in " \t\r\n")
_START = re.Match.start
_DIGIT_SIGN = frozenset("0123456789%‰")
# Around a run with a line break: a wrapped number or code (the last two alternatives) …
_BEFORE_BREAK = frozenset("0123456789.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_AFTER_BREAK = _DIGIT_SIGN


def _near_number(ch: str) -> bool:
    # … around a run of spaces: a digit or sign on one side, a digit, sign or Han on the other
    # (Han characters are not ASCII: a test that lets through more, never less).
    return ch in _DIGIT_SIGN or (ch != "" and not ch.isascii())


def _space_spans(text: str) -> list[tuple[int, int]]:
    """The spans of ``_DELETE_SPACE.finditer(text)``, the pattern run only on the runs of blanks
    whose neighbours can make it match (``tests/test_normalize.py`` compares the two)."""
    at = sorted(p for blank in _BLANKS for p in map(_START, blank.finditer(text)))
    out: list[tuple[int, int]] = []
    n, i, size = len(at), 0, len(text)
    while i < n:
        start = end = at[i]
        i += 1
        while i < n and at[i] == end + 1:
            end = at[i]
            i += 1
        end += 1
        before = text[start - 1] if start > 0 else ""
        after = text[end] if end < size else ""
        if "\n" in text[start:end]:
            possible = before in _BEFORE_BREAK and after in _AFTER_BREAK
        else:
            possible = _near_number(before) and _near_number(after)
        if possible:
            out.extend(m.span() for m in _DELETE_SPACE.finditer(text, start, end + 1))
    return out


# A line that ends a sentence or a heading never continues on the next line.
_TERMINAL = frozenset("。！？!?；;：:…")
# A line ending in one of these continues on the next one whatever its width (发展的\n主要目标).
_CONTINUES = frozenset("的、，,和与及或在对把被从向为以")
# A line starting with one of these continues the line before it (是：, a closing mark).
_CONTINUATION_START = regex.compile(r"(?:是[：:]|[，,、。；;：:%‰）)”」])")
# A line ending in a number (with its magnitude) glued to a word: its unit is on the next line.
_NUMBER_END = regex.compile(r"\p{Han}[0-9]+(?:\.[0-9]+)?[万亿千百]?$")
_RANGE_SEPARATORS = frozenset("－—–~～-")
_MIN_WRAP_WIDTH = 15
# A line ending in a number is a wrapped sentence only when it is not a short label (附件1).
_MIN_NUMBER_LINE = 8
# How many lines of the dominant width make a document hard-wrapped.
_MIN_WRAPPED_LINES = 5


def _wrap_width(lines: list[str]) -> int | None:
    """The width a document's text was hard-wrapped at, if it was (most long lines share it)."""
    lengths = [len(x.strip()) for x in lines if len(x.strip()) >= _MIN_WRAP_WIDTH]
    if len(lengths) < _MIN_WRAPPED_LINES:
        return None
    counts: dict[int, int] = {}
    for n in lengths:
        counts[n] = counts.get(n, 0) + 1
    width = max(counts, key=lambda n: (counts[n] + counts.get(n - 1, 0), n))
    near = sum(c for n, c in counts.items() if n >= width - 1)
    return width if near >= max(_MIN_WRAPPED_LINES, len(lengths) // 3) else None


def _wraps(text: str) -> list[tuple[int, int]]:
    """Spans of line breaks (with the spaces around them) that wrap a sentence."""
    if "\n" not in text:
        return []
    lines = text.split("\n")
    width = _wrap_width(lines)
    out: list[tuple[int, int]] = []
    pos = 0
    for i, line in enumerate(lines[:-1]):
        end = pos + len(line)  # the "\n" is at ``end``
        nxt = lines[i + 1]
        body, following = line.rstrip(), nxt.lstrip()
        pos = end + 1
        if not body or not following or body[-1] in _TERMINAL:
            continue
        last, first = body[-1], following[0]
        continues = (
            _is_text(first)
            or (last.isdigit() and following[:2].replace(".", "").isdigit())  # 7\n.35‰
            or (first in _RANGE_SEPARATORS and following[1:2] != "—")  # 6.5%\n－7% (not a —— bullet)
        )
        if not (_is_text(last) and continues):
            continue
        wrapped = width is not None and len(body.strip()) >= width - 2
        if (
            wrapped
            or last in _CONTINUES
            or _CONTINUATION_START.match(following)
            or (len(body.strip()) >= _MIN_NUMBER_LINE and _NUMBER_END.search(body))
        ):
            out.append((end - (len(line) - len(body)), end + 1 + (len(nxt) - len(following))))
    return out


def _is_text(ch: str) -> bool:
    return ch.isalnum() or ch in "%‰，,、。；;：:（()）“”「」《》/·"


@dataclass(frozen=True, slots=True)
class Normalized:
    """The normalised copy and the data to map its offsets back."""

    text: str
    # Positions in the copy where the shift to the original changes, and the shift from then on.
    _breaks: tuple[int, ...]
    _shifts: tuple[int, ...]

    @property
    def same_offsets(self) -> bool:
        """Whether every offset of the copy is the original's (nothing was deleted)."""
        return not self._breaks

    def to_original(self, pos: int) -> int:
        """Original offset of the character at ``pos`` in the copy."""
        if not self._breaks:
            return pos
        i = bisect_right(self._breaks, pos) - 1
        return pos + (self._shifts[i] if i >= 0 else 0)

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original half-open span of the copy's span ``[start, end)``."""
        if end <= start:
            o = self.to_original(start)
            return o, o
        return self.to_original(start), self.to_original(end - 1) + 1


def normalize(text: str) -> Normalized:
    """Return the normalised copy of ``text`` with its offset map."""
    return normalize_folded(fold_ideographs(text))


def normalize_folded(copy: str) -> Normalized:
    """:func:`normalize` of a text already passed through :func:`fold_ideographs` (the pipeline
    folds once for the structure layer and the number layer)."""
    for src, dst in _FULLWIDTH_PAIRS:  # str.translate with a dict costs ~100 ns a character
        if src in copy:
            copy = copy.replace(src, dst)
    if "．" in copy:
        copy = _FW_POINT.sub(".", copy)  # one-to-one, length unchanged
    pieces: list[str] = []
    breaks: list[int] = []
    shifts: list[int] = []
    last = 0
    deleted = 0
    out_len = 0
    commas = _DELETE_COMMA.finditer(copy) if _COMMA_BETWEEN_DIGITS.search(copy) else ()
    spans = sorted(
        {
            *_wraps(copy),
            *(m.span() for m in commas),
            *_space_spans(copy),
        }
    )
    for start, end in spans:
        if end <= start or start < last:
            continue  # empty, or overlapping a span already deleted
        pieces.append(copy[last:start])
        out_len += start - last
        deleted += end - start
        breaks.append(out_len)
        shifts.append(deleted)
        last = end
    if not pieces:
        return Normalized(copy, (), ())
    pieces.append(copy[last:])
    return Normalized("".join(pieces), tuple(breaks), tuple(shifts))

"""A normalised copy of a document's text, with a map back to the original offsets.

The original text is never changed: records carry offsets into it.  Matching runs on a copy in
which full-width digits and signs are ASCII, ideographic spaces are spaces, thousands separators
are gone and numbers broken by a line break or a stray space (PDF text: "16.1 %", "PM\\n2.5")
are joined.  :class:`Normalized` maps any span of the copy back to the original.

>>> n = normalize("增长１６．４％，达1,100万元")
>>> n.text
'增长16.4%，达1100万元'
>>> n.span_to_original(6, 13)
(6, 14)
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

import regex

__all__ = ["Normalized", "normalize"]

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
# A full-width point is a decimal point only between digits ("１６．４"); elsewhere it is
# punctuation, so it is replaced in a second, context-aware step.
_FW_POINT = regex.compile(r"(?<=[0-9])．(?=[0-9])")

# Characters to delete from the copy:
# - a thousands separator: "1,100万", "12,345,678" (ASCII comma followed by exactly 3 digits);
# - spaces or one line break inside a number or between a number and its sign ("16.1 %",
#   "12\n3.4", "5 ‰");
# - one line break between a code's letters and its digits ("PM\n2.5"), so the code rule sees
#   the whole code.
_DELETE = regex.compile(
    r"""
      (?<=[0-9]),(?=[0-9]{3}(?![0-9]))                              # 1,100万
    | (?<=(?:^|[^0-9.，])[0-9]{1,3}(?:，[0-9]{3})*)，(?=[0-9]{3}(?![0-9.，])\p{Han})  # １，１００万元
    | (?<=[0-9])[ \t]+(?=[%‰])                                      # "16.1 %"
    | (?<=[0-9%‰])[ \t]+(?=\p{Han})                                 # "新增就业 1200 人"
    | (?<=\p{Han})[ \t]+(?=[0-9])
    # A number wrapped by PDF text: "12\n3.4亿元", "16.\n4%".  Not when the digits before the
    # break are a line of their own: that is a page number ("…。\n3\n2024年…").
    | (?<=[^\n0-9.][0-9.]*[0-9.])[ \t]*\r?\n[ \t]*(?=[0-9%‰])
    | (?<=[A-Za-z])[ \t]*\r?\n[ \t]*(?=[0-9])                        # "PM\n2.5": a code wrapped
    """,
    regex.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Normalized:
    """The normalised copy and the data to map its offsets back."""

    text: str
    # Positions in the copy where the shift to the original changes, and the shift from then on.
    _breaks: tuple[int, ...]
    _shifts: tuple[int, ...]

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
    copy = text.translate(_FULLWIDTH)
    if "．" in copy:
        copy = _FW_POINT.sub(".", copy)  # one-to-one, length unchanged
    pieces: list[str] = []
    breaks: list[int] = []
    shifts: list[int] = []
    last = 0
    deleted = 0
    out_len = 0
    for m in _DELETE.finditer(copy):
        if m.end() == m.start():
            continue
        pieces.append(copy[last : m.start()])
        out_len += m.start() - last
        deleted += m.end() - m.start()
        breaks.append(out_len)
        shifts.append(deleted)
        last = m.end()
    if not pieces:
        return Normalized(copy, (), ())
    pieces.append(copy[last:])
    return Normalized("".join(pieces), tuple(breaks), tuple(shifts))

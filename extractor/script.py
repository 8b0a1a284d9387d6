"""Traditional Chinese: detect it, and convert it to Simplified for matching, character for character.

The word lists are Simplified (亿, 万, 点, 增长).  A Traditional report (三千億美元, 百分之五點五) is
read through a Simplified copy made with OpenCC's ``t2s`` conversion.  The copy has the same length
as the original, character for character, so every offset found in it indexes the original too and
``text[start:end] == record.text`` holds with the original text.  OpenCC converts by phrases first
(``TSPhrases``: 乾隆 stays 乾隆, 著名 stays 著名) and then by characters; every phrase it ships maps to
one of the same length, but that is the dictionary's property, not a promise, so the length is
checked: a text whose conversion changes length is converted again one character at a time, and a
character whose own conversion is not one character is kept as written.

Detection counts the characters that only Traditional writing uses (those ``t2s`` changes, less
those it also produces) against those only Simplified writing uses (those ``s2t`` changes and
``t2s`` keeps); the sets are derived from OpenCC's own tables (CJK Unified Ideographs and
Extension A), not kept by hand.

>>> to_simplified("三千億美元，增長百分之五點五")
'三千亿美元，增长百分之五点五'
>>> detect_script("全年地區生產總值增長百分之五點五"), detect_script("全年地区生产总值增长5%")
('traditional', 'simplified')
"""

from __future__ import annotations

import re
import threading
from functools import cache
from typing import Any, Literal

__all__ = ["SCRIPTS", "Script", "ScriptChoice", "detect_script", "opencc_version", "to_simplified"]

#: What a text is written in.
Script = Literal["simplified", "traditional"]
#: What a user may ask for: a script, or ``auto`` (detect it per document).
ScriptChoice = Literal["auto", "simplified", "traditional"]
SCRIPTS: tuple[str, ...] = ("auto", "simplified", "traditional")

# The blocks the detection sets are drawn from: CJK Unified Ideographs Extension A and the main
# block.  (Compatibility ideographs convert to their unified forms either way: they tell nothing.)
_BLOCKS = ((0x3400, 0x4DC0), (0x4E00, 0xA000))
_LOCK = threading.Lock()


class _Converters:
    """OpenCC's t2s and s2t converters and the character sets derived from them (built once)."""

    def __init__(self) -> None:
        import opencc

        self.t2s: Any = opencc.OpenCC("t2s")
        chars = [chr(c) for lo, hi in _BLOCKS for c in range(lo, hi)]
        # One call: newline-separated single characters cannot form a phrase.
        to_s = self.t2s.convert("\n".join(chars)).split("\n")
        if len(to_s) != len(chars):  # pragma: no cover - a broken OpenCC
            raise RuntimeError("OpenCC did not convert one character per line")
        traditional = {c for c, s in zip(chars, to_s, strict=True) if s != c}
        targets = {s for c, s in zip(chars, to_s, strict=True) if s != c and len(s) == 1}
        # A character t2s both changes and produces (乾/干, 後/后 pairs share some) tells nothing.
        self.traditional_only = frozenset(traditional - targets)
        # A character class scans a text in C, several times faster than counting its characters.
        self.traditional_pattern = _char_class(self.traditional_only)
        self._simplified_pattern: re.Pattern[str] | None = None
        self._chars = chars
        self._simplified_only: frozenset[str] | None = None
        # Per-character fallback: only conversions to exactly one character keep the alignment.
        self.by_char = {c: s for c, s in zip(chars, to_s, strict=True) if s != c and len(s) == 1}

    @property
    def simplified_only(self) -> frozenset[str]:
        """Characters that s2t changes and t2s keeps (这, 国; not 千, which both scripts write).

        Built on first use: a Simplified text without a Traditional-only character never needs it
        (loading s2t costs about 40 ms)."""
        if self._simplified_only is None:
            import opencc

            to_t = opencc.OpenCC("s2t").convert("\n".join(self._chars)).split("\n")
            changed = {c for c, t in zip(self._chars, to_t, strict=True) if t != c}
            self._simplified_only = frozenset(changed - self.traditional_only - set(self.by_char))
        return self._simplified_only

    @property
    def simplified_pattern(self) -> re.Pattern[str]:
        """:attr:`simplified_only` as a character class."""
        if self._simplified_pattern is None:
            self._simplified_pattern = _char_class(self.simplified_only)
        return self._simplified_pattern


def _char_class(chars: frozenset[str]) -> re.Pattern[str]:
    # An empty set matches nothing (a class cannot be empty).
    return re.compile(f"[{_class_body(chars)}]" if chars else "(?!)")


def _class_body(chars: frozenset[str]) -> str:
    return "".join(re.escape(c) for c in sorted(chars))


def traditional_class() -> str:
    """The characters :func:`detect_script` counts as Traditional-only, as the inside of a
    character class ("" for none): a text without any of them is Simplified."""
    return _class_body(_converters().traditional_only)


_CONVERTERS: _Converters | None = None


def _converters() -> _Converters:
    global _CONVERTERS
    if _CONVERTERS is None:
        with _LOCK:
            if _CONVERTERS is None:
                _CONVERTERS = _Converters()
    return _CONVERTERS


def detect_script(text: str) -> Script:
    """``traditional`` when more characters of ``text`` are Traditional-only than Simplified-only.

    A Simplified report quoting a name in Traditional (臺灣) stays Simplified; a Traditional one
    with a Simplified-looking variant here and there stays Traditional.

    >>> detect_script("國務院關於2025年預算執行情況的報告")
    'traditional'
    >>> detect_script("国务院2025年预算，引用“臺灣”一词")
    'simplified'
    >>> detect_script("2025年GDP 5%")
    'simplified'
    """
    conv = _converters()
    traditional = len(conv.traditional_pattern.findall(text))
    if not traditional:
        return "simplified"
    # Counted only until it reaches the Traditional count: a Simplified report stops early.
    for simplified, _ in enumerate(conv.simplified_pattern.finditer(text), start=1):
        if simplified >= traditional:
            return "simplified"
    return "traditional"


_SURROGATE = re.compile("[\ud800-\udfff]")


def to_simplified(text: str) -> str:
    """``text`` in Simplified characters, of the same length, character for character.

    >>> to_simplified("乾隆年間，著名的頭髮")
    '乾隆年间，著名的头发'
    >>> len(to_simplified("𠀋億萬")) == 3
    True
    """
    conv = _converters()
    # OpenCC takes UTF-8: a lone surrogate (from bytes that were not text) cannot cross, so it
    # crosses as U+FFFD and is put back after (the conversion keeps every position).
    surrogates = [m.start() for m in _SURROGATE.finditer(text)]
    safe = _SURROGATE.sub("\ufffd", text) if surrogates else text
    converted: str = conv.t2s.convert(safe)
    if len(converted) == len(text):
        if surrogates:
            chars = list(converted)
            for i in surrogates:
                chars[i] = text[i]
            converted = "".join(chars)
        return converted
    # A phrase that changed length would shift every offset after it: convert character by
    # character instead (phrase context is lost, the alignment is not).
    return "".join(conv.by_char.get(c, c) for c in text)


@cache
def opencc_version() -> str:
    """The installed OpenCC version (for ``extractor info``)."""
    import opencc

    return str(opencc.__version__)

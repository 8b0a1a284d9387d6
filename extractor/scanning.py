"""Whole-text scans for patterns whose matches all open with one of a few characters.

The standard library's engine skips fast only to where a pattern's *first element* can match,
and only when that element is a character, a character class or an alternation of characters:
``(?=[一二三])(?P<a>…)|(?P<b>…)`` (a lookahead, named groups) makes it enter the matcher at every
position of the text, about 200 machine instructions a character; a pattern that opens with a
class is skipped to at about 70.  :class:`FirstCharPattern` gets the fast skip for any pattern:
it searches for ``[F](?<=(?=P)[F])`` — a character of ``F`` at which ``P`` matches, tried only at
those characters — and then matches ``P`` itself at the position found, for the match object
(whose groups, span and ``lastgroup`` are ``P``'s).  Matches come out as ``P.finditer`` and
``P.search`` give them (``tests/test_scanning.py`` compares them on random text).  Worth it where
the matches are few beside the characters of ``F`` (each match is matched twice).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator

__all__ = ["FirstCharPattern", "char_search"]

_NOTHING = re.compile("(?!)")


def char_search(chars: Iterable[str]) -> Callable[..., re.Match[str] | None]:
    """``search(text, pos=0, endpos=…)`` for the first of ``chars`` in ``text``: a class search,
    which the standard library's engine runs at full speed (no slicing, no character objects);
    for no characters, a search that finds nothing."""
    body = _class(chars)
    return re.compile(f"[{body}]").search if body else _NOTHING.search


def _class(chars: Iterable[str]) -> str:
    return re.escape("".join(sorted(set(chars))))


class FirstCharPattern:
    """``re.compile(body, flags)`` for a ``body`` whose every match starts with a character of
    ``first`` (so is never empty): :meth:`finditer` and :meth:`search` find its matches
    scanning for those characters first; :attr:`pattern` is the plain compiled pattern."""

    __slots__ = ("_skip", "pattern")

    def __init__(self, body: str, first: Iterable[str], flags: int = 0) -> None:
        chars = _class(first)
        if not chars:
            raise ValueError("a FirstCharPattern needs the characters its matches start with")
        cls = f"[{chars}]"
        self.pattern: re.Pattern[str] = re.compile(body, flags)
        # The look-behind is one character wide: the character found, at which ``body`` must
        # match (its lookahead may read on past it, and look back before it, as ``match`` does).
        self._skip = re.compile(f"{cls}(?<=(?=(?:{body})){cls})", flags)

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        """``pattern.search(text, pos, endpos)``."""
        hit = self._skip.search(text, pos, endpos)
        return None if hit is None else self.pattern.match(text, hit.start(), endpos)

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        """``pattern.finditer(text, pos, endpos)``."""
        skip, match = self._skip.search, self.pattern.match
        while True:
            hit = skip(text, pos, endpos)
            if hit is None:
                return
            m = match(text, hit.start(), endpos)
            if m is None:  # pragma: no cover - the skip matched the pattern there
                raise AssertionError(f"{self.pattern.pattern!r} did not match where its scan did")
            yield m
            pos = m.end()
            if pos == hit.start():  # an empty match: not a pattern whose matches open with ``first``
                raise ValueError(f"{self.pattern.pattern!r} matched the empty string")

"""scanning.FirstCharPattern finds what the plain pattern finds, on random and real patterns."""

from __future__ import annotations

import random
import re

import pytest

from extractor.pipeline import get_extractor
from extractor.scanning import FirstCharPattern
from extractor.structure import _patterns

from .conftest import sample_texts

# Pieces that open with a character of "abc" and use what the real patterns use: groups, classes,
# repeats, look-behinds before and inside, lookaheads, alternatives that back off.
_PIECES = (
    "a[ab]*c",
    "(?P<g{i}>b+)(?!a)",
    "(?<![ab])a(?:b|bc)?",
    "c(?=[ab])",
    "(?<=x)a",
    "b(?<=xb)c*",
    "ab|a",
    "(?P<h{i}>c)(?P<k{i}>[abx]{{0,3}})c",
)


def _spans(matches: object) -> list[tuple[tuple[int, int], object, object]]:
    return [(m.span(), m.groupdict(), m.lastgroup) for m in matches]  # type: ignore[attr-defined]


@pytest.mark.parametrize("seed", range(60))
def test_random_patterns_match_as_the_plain_pattern_does(seed: int) -> None:
    rng = random.Random(seed)
    body = "|".join(rng.choice(_PIECES).format(i=i) for i in range(rng.randint(1, 4)))
    fast, plain = FirstCharPattern(body, "abc"), re.compile(body)
    text = "".join(rng.choice("abcx\n") for _ in range(400))
    assert _spans(fast.finditer(text)) == _spans(plain.finditer(text))
    for _ in range(20):
        pos = rng.randint(0, len(text))
        endpos = rng.randint(pos, len(text))
        assert _spans(fast.finditer(text, pos, endpos)) == _spans(plain.finditer(text, pos, endpos))
        got, want = fast.search(text, pos, endpos), plain.search(text, pos, endpos)
        assert _spans([got] if got else []) == _spans([want] if want else [])


def _mixed_texts() -> list[str]:
    """The sample reports, and their sentences shuffled together (numbers, anchors and markers
    meet things they never meet in order)."""
    texts = list(sample_texts())
    rng = random.Random(3)
    pieces = [p for t in texts for p in re.split("(?<=[。，；\n])", t) if p]
    texts += ["".join(rng.sample(pieces, 300)) for _ in range(5)]
    return texts


def test_the_structure_and_period_patterns_find_what_their_plain_patterns_find() -> None:
    p = _patterns()
    anchors = get_extractor().classifier.tenses._anchors
    assert isinstance(anchors, FirstCharPattern)
    for text in _mixed_texts():
        for fast in (p.declared, p.item, anchors):
            assert _spans(fast.finditer(text)) == _spans(fast.pattern.finditer(text))


def test_the_number_scan_finds_what_a_search_of_the_number_pattern_finds() -> None:
    finder = get_extractor().finder
    start, number = finder._number_start, finder._number
    for text in _mixed_texts():
        pos, scanned, searched = 0, [], []
        while (m := number.search(text, pos)) is not None:
            searched.append((m.span(), m.lastgroup))
            pos = m.end()
        pos = 0
        while (hit := start(text, pos)) is not None:
            m = number.match(text, hit.start())
            if m is None:
                pos = hit.start() + 1
                continue
            scanned.append((m.span(), m.lastgroup))
            pos = m.end()
        assert scanned == searched
        assert searched, "the sample texts hold numbers"


def test_a_pattern_that_matches_the_empty_string_is_refused_where_it_does() -> None:
    with pytest.raises(ValueError, match="needs the characters"):
        FirstCharPattern("a", "")
    broken = FirstCharPattern("b?", "a")  # breaks the promise: its matches do not open with "a"
    with pytest.raises(ValueError, match="matched the empty string"):
        list(broken.finditer("xab"))


def test_a_lone_chinese_digit_skipped_by_the_number_scan_is_one_the_scan_would_drop() -> None:
    """The finder skips a Chinese digit by two set look-ups (一是, 统一): the number pattern would
    read it alone, as a Chinese numeral after which no unit, magnitude or range can follow."""
    finder = get_extractor().finder
    lone, stop = finder._lone_digits, finder._lone_stop
    rng = random.Random(11)
    alphabet = "一二三四五六七八九十百千万亿两零点分之是个人元年%.0123456789，"
    texts = [*_mixed_texts(), *("".join(rng.choice(alphabet) for _ in range(500)) for _ in range(40))]
    skipped = 0
    for text in texts:
        for p, ch in enumerate(text):
            if ch in lone and text[p + 1 : p + 2] not in stop:
                m = finder._number.match(text, p)
                assert m is not None and m.lastgroup == "ch" and m.end() == p + 1, (text[p : p + 5], m)
                assert text[p + 1 : p + 2] not in finder._tail_starts
                skipped += 1
    assert skipped > 1000


def test_char_search_finds_the_first_of_its_characters_and_nothing_for_none() -> None:
    from extractor.scanning import char_search

    search = char_search("]^-\\，")  # characters a class would read as syntax, escaped
    for text in ("ab-c", "a^b", "x]", "\\", "增长，5%"):
        want = min(i for i, ch in enumerate(text) if ch in "]^-\\，")
        m = search(text)
        assert m is not None and m.start() == want
    assert search("abc") is None
    assert search("a-b", 2) is None and search("-ab", 0, 0) is None
    assert char_search("")("any text") is None

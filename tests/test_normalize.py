"""The normalised copy and its offset map."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.normalize import normalize

CASES = [
    ("fullwidth_digits", "增长１６．４％", "增长16.4%"),
    ("fullwidth_point_only_between_digits", "完成．１２", "完成．12"),
    ("ideographic_space", "全县\u3000人口", "全县 人口"),
    ("thousands_separator", "1,100万元", "1100万元"),
    ("two_separators", "12,345,678元", "12345678元"),
    ("comma_not_thousands", "分别为3,45个", "分别为3,45个"),
    ("space_before_percent", "增长16.1 %", "增长16.1%"),
    ("number_wrapped_by_pdf", "营收12\n3.4亿元", "营收123.4亿元"),
    ("code_wrapped", "PM\n2.5浓度", "PM2.5浓度"),
    ("paragraph_break_kept", "增长5%。\n全年", "增长5%。\n全年"),
    ("plain", "没有数字", "没有数字"),
]


@pytest.mark.parametrize(("name", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_normalized_copy(name: str, text: str, expected: str) -> None:
    assert normalize(text).text == expected


@pytest.mark.parametrize(
    ("text", "needle", "original"),
    [
        ("达1,100万元", "1100万元", "1,100万元"),
        ("增长16.1 %，", "16.1%", "16.1 %"),
        ("营收12\n3.4亿元", "123.4亿元", "12\n3.4亿元"),
        ("ＰＭ１２３人", "123人", "１２３人"),
    ],
    ids=["separator", "space", "wrap", "fullwidth"],
)
def test_span_maps_back_to_original(text: str, needle: str, original: str) -> None:
    n = normalize(text)
    start = n.text.index(needle)
    s, e = n.span_to_original(start, start + len(needle))
    assert text[s:e] == original


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789１２,， \n.%％万元亿PMab增长")), max_size=40))
def test_every_character_maps_to_the_same_character_or_its_fullwidth_form(text: str) -> None:
    n = normalize(text)
    assert len(n.text) <= len(text)
    for i, ch in enumerate(n.text):
        orig = text[n.to_original(i)]
        assert orig == ch or orig.translate({ord("１"): "1", ord("２"): "2", ord("％"): "%"}) == ch


# The deletion pattern as one alternation (before it was split in two for speed): the reference.
_ONE_PATTERN = r"""
      (?<=[0-9]),(?=[0-9]{3}(?![0-9]))
    | (?<=(?:^|[^0-9.，])[0-9]{1,3}(?:，[0-9]{3})*)，(?=[0-9]{3}(?![0-9.，])\p{Han})
    | (?<=[0-9])[ \t]+(?=[%‰])
    | (?<=[0-9%‰])[ \t]+(?=\p{Han})
    | (?<=\p{Han})[ \t]+(?=[0-9])
    | (?<=[^\n0-9.][0-9.]*[0-9.])[ \t]*\r?\n[ \t]*(?=[0-9%‰])
    | (?<=[A-Za-z])[ \t]*\r?\n[ \t]*(?=[0-9])
"""


def test_the_two_deletion_patterns_find_what_one_alternation_finds() -> None:
    import random

    import regex

    from extractor.normalize import _COMMA_BETWEEN_DIGITS, _DELETE_COMMA, _DELETE_SPACE

    from .conftest import sample_texts

    one = regex.compile(_ONE_PATTERN, regex.VERBOSE)
    rng = random.Random(9)
    alphabet = "0123456789,，.． \t\n\r%‰年万元亿ABab一二"
    texts = list(sample_texts())
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(20000)]
    found = 0
    for text in texts:
        commas = [m.span() for m in _DELETE_COMMA.finditer(text)]
        # the cheap test that lets a text skip the comma pattern never skips one with a match
        assert not commas or _COMMA_BETWEEN_DIGITS.search(text), text
        two = sorted(commas + [m.span() for m in _DELETE_SPACE.finditer(text)])
        assert two == [m.span() for m in one.finditer(text)], text
        found += len(two)
    assert found > 1000


@pytest.mark.parametrize("seed", range(20))
def test_blank_runs_give_the_spans_the_whole_text_pattern_gives(seed: int) -> None:
    import random

    from extractor.normalize import _DELETE_SPACE, _space_spans

    rng = random.Random(seed)
    alphabet = [
        "  ",
        " ",
        "\t",
        "\n",
        "\r\n",
        " \n ",
        "1",
        "23",
        ".",
        "%",
        "‰",
        "PM",
        "a",
        "增长",
        "。",
        "人",
        "，",
    ]
    for _ in range(50):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        assert _space_spans(text) == [m.span() for m in _DELETE_SPACE.finditer(text)], repr(text)

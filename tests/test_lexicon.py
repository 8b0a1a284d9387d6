"""Data files: validated on load, and every rule listed is implemented."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import regex

from extractor.lexicon import LexiconError, StrictModel, alternation, load_data, load_lexicon
from extractor.quantities import TRAP_RULES


def test_every_data_file_loads() -> None:
    lex = load_lexicon()
    assert len(lex.units) > 100
    assert {u.kind for u in lex.units.values()} >= {"count", "money", "percent", "area", "energy"}


def test_trap_rules_listed_and_implemented_are_the_same() -> None:
    listed = [r.id for r in load_lexicon().traps.rules]
    assert sorted(listed) == sorted(TRAP_RULES)
    assert len(listed) == len(set(listed))


class _Sample(StrictModel):
    words: list[str]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('words = ["a"]\nwords = ["b"]\n', "not valid TOML"),  # duplicate key
        ('words = ["a"]\nwordz = ["b"]\n', "does not match its schema"),  # misspelt key
        ("words = 3\n", "does not match its schema"),
        ("words = [\n", "not valid TOML"),
    ],
    ids=["duplicate-key", "extra-key", "wrong-type", "broken"],
)
def test_bad_data_files_are_errors_naming_the_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LexiconError, match=message) as info:
        load_data(path, _Sample)
    assert "bad.toml" in str(info.value)


def test_missing_data_file() -> None:
    with pytest.raises(LexiconError, match="missing"):
        load_data("no_such_file.toml", _Sample)


def test_units_are_unique_and_scaled_units_name_their_base() -> None:
    units = load_lexicon().units
    for surface, spec in units.items():
        assert spec.surface == surface
        if spec.scale != 1 and surface[0] in "万亿":
            assert spec.name in units, f"{surface} scales {spec.name}, which is not a unit itself"


def _flat(words: list[str]) -> str:
    """The alternation as it was before the trie: every word, longest first."""
    return "|".join(regex.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


@pytest.mark.parametrize("seed", range(40))
def test_the_trie_alternation_matches_what_the_flat_longest_first_list_matches(seed: int) -> None:
    # Few characters, so that words share prefixes and the text holds many of them; "." and "+"
    # check the escaping.  Each pattern alone, with a tail that makes the engine back off to a
    # shorter word, and overlapped (the regex engine's way of finding every phrase).
    rng = random.Random(seed)
    alphabet = "万亿千元米.+"
    n_words = rng.randint(1, 25)
    words = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4))) for _ in range(n_words)]
    if seed % 10 == 0:
        words.append("")  # the empty word: the pattern may match nothing
    text = "".join(rng.choice(alphabet + "x") for _ in range(300))
    for engine in (re, regex):
        for shape in ("{}", "(?:{})元", "(?:{})+米", "x(?:{})?"):
            trie = engine.compile(shape.format(alternation(words)))
            flat = engine.compile(shape.format(_flat(words)))
            assert [m.span() for m in trie.finditer(text)] == [m.span() for m in flat.finditer(text)]
    trie_r, flat_r = regex.compile(alternation(words)), regex.compile(_flat(words))
    assert [m.span() for m in trie_r.finditer(text, overlapped=True)] == [
        m.span() for m in flat_r.finditer(text, overlapped=True)
    ]


def test_the_trie_alternation_of_every_word_list_of_the_lexicon_matches_what_the_flat_list_matches() -> None:
    # The real lists, on text made of their own words run together (so words overlap and cut
    # each other), with the engine that the code uses for most of them.
    rules = load_lexicon().rules
    lists = {
        "verbs": rules.object.verbs,
        "determiners": rules.object.determiners,
        "status": [w for r in rules.status for w in r.words],
        "direction": [w for r in rules.direction for w in r.words],
        "not_cues": rules.not_cues,
    }
    rng = random.Random(7)
    for name, words in lists.items():
        text = "".join(rng.choice(words)[rng.randint(0, 1) :] for _ in range(2000))
        trie, flat = re.compile(alternation(words)), re.compile(_flat(words))
        assert [m.span() for m in trie.finditer(text)] == [m.span() for m in flat.finditer(text)], name

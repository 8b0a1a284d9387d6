"""Data files: validated on load, and every rule listed is implemented."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.lexicon import LexiconError, StrictModel, load_data, load_lexicon
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

"""Word lists from ``extractor/data/*.toml``, validated when they load.

Every list the extractor matches against lives in a data file; this module reads them once per
process, checks them with pydantic models (``extra="forbid"``: a misspelt key is an error, and
``tomllib`` itself rejects duplicate keys) and exposes them as one frozen :class:`Lexicon`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal, TypeVar

import regex
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on 3.10
    import tomli as tomllib

__all__ = [
    "KINDS",
    "ContextCues",
    "DirectionRule",
    "IndicatorSpec",
    "Kind",
    "Lexicon",
    "LexiconError",
    "NumeralSpec",
    "ObjectRules",
    "QualifierSpec",
    "RuleSpec",
    "StatusRule",
    "StrictModel",
    "TrapSpec",
    "UnitSpec",
    "alternation",
    "load_data",
    "load_lexicon",
    "load_lexicon_with",
]

Kind = Literal[
    "count",
    "money",
    "percent",
    "area",
    "length",
    "weight",
    "volume",
    "energy",
    "duration",
    "multiple",
    "other",
]
KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]
QualifierName = Literal["exact", "approx", "more_than", "at_least", "at_most", "less_than", "range"]


class LexiconError(Exception):
    """A data file is missing, malformed or inconsistent."""


class StrictModel(BaseModel):
    """Base of every data-file model: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


_Strict = StrictModel


class UnitSpec(_Strict):
    """One unit or measure word as written after a number."""

    surface: str = Field(min_length=1)
    name: str = ""
    kind: Kind
    scale: Decimal = Decimal(1)
    # A qualifier written inside the unit: 3个多月 is 3 个月, more_than.
    infix: str | None = None

    @model_validator(mode="after")
    def _default_name(self) -> UnitSpec:
        if not self.name:
            object.__setattr__(self, "name", self.surface)
        return self


class _UnitsFile(_Strict):
    units: list[UnitSpec]

    @field_validator("units")
    @classmethod
    def _unique(cls, units: list[UnitSpec]) -> list[UnitSpec]:
        seen: set[str] = set()
        for unit in units:
            if unit.surface in seen:
                raise ValueError(f"unit {unit.surface!r} is listed twice")
            seen.add(unit.surface)
        return units


class NumeralSpec(_Strict):
    chinese_digits: list[str]
    chinese_continuations: list[str]
    magnitudes: list[str]
    range_separators: list[str]
    per_words: dict[str, str]
    fraction_infix: str
    approximate_pairs: list[str]
    bare_magnitudes: dict[str, int]
    threshold_words: list[str]
    doublings: dict[str, int]


class _AdverbSpec(_Strict):
    max_gap: int = Field(ge=1, le=10)
    at_least: list[str]
    at_most: list[str]


class QualifierSpec(_Strict):
    not_prefix: list[str]
    prefix: dict[QualifierName, list[str]]
    infix: dict[QualifierName, list[str]]
    suffix: dict[QualifierName, list[str]]
    adverb: _AdverbSpec


class TrapRule(_Strict):
    id: str = Field(pattern=r"^trap\.[a-z_]+$")
    doc: str


class TrapSpec(_Strict):
    rules: list[TrapRule] = Field(min_length=1)
    phrases: list[str]
    quotes: list[tuple[str, str]]
    max_quoted: int = Field(gt=0)
    ordinal_prefixes: list[str]
    label_suffixes: list[str]
    phase_units: list[str]
    phase_count_before: list[str]
    financial_digits: list[str]
    rank_before: list[str]
    rank_units: list[str]
    period_before: list[str]
    year_min: int
    year_max: int
    max_integer_digits: int = Field(gt=0)


class _BareMagnitude(_Strict):
    people_after: list[str]
    people_heads: list[str]
    listed_joiners: list[str]
    people_before: list[str]
    money_before: list[str]
    money_after: list[str]


class _RatioCues(_Strict):
    multiple_cues: list[str]
    other_cues: list[str]
    reach: int = Field(gt=0)


class ContextCues(_Strict):
    bare_magnitude: _BareMagnitude
    ratio: _RatioCues


class DirectionRule(_Strict):
    id: str
    value: Literal["up", "down"]
    words: list[str]
    # The words name what is measured too (降本率): they stay in the object.
    keeps_object: bool = False


class StatusRule(_Strict):
    id: str
    value: Literal["target", "actual"]
    words: list[str]
    # What the cue means in a part that looks back (a review, a 工作总结): 争取 there is "secured".
    in_review: Literal["target", "actual"] | None = None


class TenseRules(_Strict):
    """Which way a part of a document looks, and the year its figures refer to."""

    review_genres: list[str]
    review_openers: list[str]
    plan_periods: list[str]
    horizons: list[str]
    this_year: list[str]
    next_year: list[str]
    last_year: list[str]
    year_not_period_before: list[str]
    year_not_period_after: list[str]


class ObjectRules(_Strict):
    before_units: list[str]
    verbs: list[str]
    determiners: list[str]
    comparisons: list[str]
    nominal_verbs: list[str]
    heads: list[str]
    adverbs: list[str]
    year_parts: list[str]
    own_region: list[str]
    comparison_heads: list[str]
    comparison_bases: list[str]
    trailing_adverbs: list[str]
    after_trailers: list[str]
    share_units: list[str]
    after_stops: list[str]
    inner_links: list[str]
    distributive: dict[str, list[str]]
    indicator_leads: list[str]
    shares: list[str]


class RuleSpec(_Strict):
    """The classifier's ordered rule table (``rules.toml``)."""

    direction: list[DirectionRule]
    links: list[str]
    not_links: list[str]
    status: list[StatusRule]
    not_cues: list[str]
    noun_cues: list[str]
    heading_cues: list[str]
    heading_not_cues: list[str]
    stative_links: list[str]
    conjunctions: list[str]
    not_openers: list[str]
    not_for_counts: list[str]
    tense: TenseRules
    object: ObjectRules

    @model_validator(mode="after")
    def _unique_ids(self) -> RuleSpec:
        ids = [r.id for r in self.direction] + [r.id for r in self.status]
        dupes = {i for i in ids if ids.count(i) > 1}
        if dupes:
            raise ValueError(f"rule ids listed twice: {sorted(dupes)}")
        return self


class IndicatorSpec(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    aliases: list[str] = Field(min_length=1)
    # The metric kinds that can measure it (GDP growth is a percent, GDP a money amount; "20条"
    # is neither).  Empty: any kind.
    kinds: list[Kind] = Field(default_factory=list)


class _IndicatorsFile(_Strict):
    indicator: list[IndicatorSpec]

    @field_validator("indicator")
    @classmethod
    def _unique(cls, items: list[IndicatorSpec]) -> list[IndicatorSpec]:
        ids = [i.id for i in items]
        if len(ids) != len(set(ids)):
            raise ValueError("indicator ids must be unique")
        return items


class Lexicon(_Strict):
    """All word lists, validated."""

    units: dict[str, UnitSpec]
    numerals: NumeralSpec
    qualifiers: QualifierSpec
    traps: TrapSpec
    context: ContextCues
    rules: RuleSpec
    indicators: list[IndicatorSpec]

    def qualifier_markers(self, position: Literal["prefix", "infix", "suffix"]) -> dict[str, str]:
        """Map each marker surface at ``position`` to its qualifier name."""
        table: dict[QualifierName, list[str]] = getattr(self.qualifiers, position)
        out: dict[str, str] = {}
        for name, markers in table.items():
            for marker in markers:
                if marker in out:
                    raise LexiconError(f"qualifier marker {marker!r} is listed twice under {position}")
                out[marker] = name
        return out


M = TypeVar("M", bound=BaseModel)


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, each escaped, that takes the longest word at a position
    (so 千米 wins over 千) and, backtracking, the shorter ones in turn: what ``longest|…|shortest``
    does, shaped as a trie of the words' characters.

    Both regex engines try the alternatives of a ``|`` one after the other, so a list of hundreds
    of words costs hundreds of tries at every position where one could start; in the trie one try
    a character reads only the words that go on with the text.  Its match at each position, and
    the order of what it tries when the rest of a pattern fails, are those of the flat list,
    longest first: the words that match at one position are prefixes of each other, and a trie
    meets them deepest first (``tests/test_lexicon.py`` checks this on random words and text).

    >>> alternation(["千", "千米", "万元"])
    '万元|千(?:米)?'
    >>> alternation(["1.5"]) == regex.escape("1.5")
    True
    """
    trie: _Trie = {}
    for word in set(words):
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here
    return _rest(trie) if "" in trie else "|".join(_branches(trie))  # the empty word: optional


_Trie = dict[str, "_Trie"]


def _branches(node: _Trie) -> list[str]:
    return [regex.escape(ch) + _rest(child) for ch, child in sorted(node.items()) if ch]


def _rest(node: _Trie) -> str:
    """What may follow in the trie below ``node``: its branches, optional where a word ends."""
    branches = _branches(node)
    if not branches:
        return ""
    if "" in node:
        return f"(?:{'|'.join(branches)})?"  # greedy: the longer words first, then this one
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


def lengths_by(words: Iterable[str], *, first: bool = True) -> dict[str, tuple[int, ...]]:
    """The lengths of ``words`` (longest first) by their first (or last) character: where a text
    has a character that starts (ends) none of them, one look-up says so.

    >>> lengths_by(["万元", "元", "亿元"])
    {'万': (2,), '元': (1,), '亿': (2,)}
    >>> lengths_by(["增长", "长"], first=False)
    {'长': (2, 1)}
    """
    out: dict[str, set[int]] = {}
    for w in words:
        if w:
            out.setdefault(w[0] if first else w[-1], set()).add(len(w))
    return {ch: tuple(sorted(ns, reverse=True)) for ch, ns in out.items()}


def load_data(name: str | Path, model: type[M]) -> M:
    """Read a TOML data file and validate it with ``model``.

    ``name`` is a file in ``extractor/data`` (``"units.toml"``) or a path.  A missing file,
    invalid TOML (including a duplicate key) or a schema mismatch raises :class:`LexiconError`
    naming the file.
    """
    try:
        if isinstance(name, Path):
            raw = name.read_bytes()
        else:
            raw = resources.files("extractor.data").joinpath(name).read_bytes()
    except FileNotFoundError as exc:
        raise LexiconError(f"data file {name} is missing") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(f"data file {name} is not valid TOML: {exc}") from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise LexiconError(f"data file {name} does not match its schema:\n{exc}") from exc


def load_lexicon(extra: Sequence[str | Path] = ()) -> Lexicon:
    """Load and validate every data file (once per process), with user rule files ``extra`` merged
    over them in order (see :mod:`extractor.rulefiles`; a bad file raises ``RuleFileError``)."""
    if extra:
        from .rulefiles import load_rules

        return load_rules(extra).lexicon
    return _builtin_lexicon()


@cache
def _builtin_lexicon() -> Lexicon:
    units_file = load_data("units.toml", _UnitsFile)
    return Lexicon(
        units={u.surface: u for u in units_file.units},
        numerals=load_data("numerals.toml", NumeralSpec),
        qualifiers=load_data("qualifiers.toml", QualifierSpec),
        traps=load_data("traps.toml", TrapSpec),
        context=load_data("context.toml", ContextCues),
        rules=load_data("rules.toml", RuleSpec),
        indicators=load_data("indicators.toml", _IndicatorsFile).indicator,
    )


def load_lexicon_with(*, rules: str | Path | None = None, indicators: str | Path | None = None) -> Lexicon:
    """The packaged lexicon with ``rules.toml`` and/or ``indicators.toml`` replaced by these
    files (validated like the packaged ones; a missing or bad file raises :class:`LexiconError`
    naming it)."""
    lexicon = load_lexicon()
    update: dict[str, object] = {}
    if rules is not None:
        update["rules"] = load_data(Path(rules), RuleSpec)
    if indicators is not None:
        update["indicators"] = load_data(Path(indicators), _IndicatorsFile).indicator
    return lexicon.model_copy(update=update) if update else lexicon

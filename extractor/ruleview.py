"""What the rules are and what they did: the effective tables as TOML, and, for each number in a
sentence, the rules that decided it (``extractor rules``).

>>> from extractor.rulefiles import builtin_rules
>>> print(format_tables(builtin_rules(), "units").splitlines()[0])
[[units]]
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .rulefiles import TABLES, Rules

if TYPE_CHECKING:
    from .pipeline import Extractor

__all__ = ["Explanation", "Fired", "explain", "format_explanations", "format_tables", "to_toml"]


# --------------------------------------------------------------------------------------------
# Tables as TOML (what a rule file would say to get them)
# --------------------------------------------------------------------------------------------


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_scalar(v)}" for k, v in value.items()) + " }"
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string


def _key(key: str) -> str:
    bare = key.replace("_", "").replace("-", "").isascii() and key.replace("_", "").replace("-", "").isalnum()
    return key if bare else json.dumps(key, ensure_ascii=False)


def _is_table_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _emit(path: list[str], table: dict[str, Any], out: list[str]) -> None:
    simple = [(k, v) for k, v in table.items() if not isinstance(v, dict) and not _is_table_list(v)]
    nested = [(k, v) for k, v in table.items() if isinstance(v, dict) or _is_table_list(v)]
    for k, v in simple:
        out.append(f"{_key(k)} = {_scalar(v)}")
    for k, v in nested:
        name = ".".join(_key(p) for p in [*path, k])
        for entry in [v] if isinstance(v, dict) else v:
            out.extend(["", f"[{name}]" if isinstance(v, dict) else f"[[{name}]]"])
            _emit([*path, k], entry, out)


def to_toml(tables: dict[str, Any]) -> str:
    """Rule-file TOML for ``tables`` (``{"units": [...], "traps": {...}}``); tomllib reads it back.

    >>> print(to_toml({"traps": {"phrases": ["过去五年"], "max_quoted": 8}}))
    [traps]
    phrases = ["过去五年"]
    max_quoted = 8
    <BLANKLINE>
    """
    out: list[str] = []
    for name, value in tables.items():
        if isinstance(value, list):
            for entry in value:
                out.append(f"[[{_key(name)}]]")
                _emit([name], entry, out)
                out.append("")
        else:
            out.append(f"[{_key(name)}]")
            _emit([name], value, out)
            out.append("")
    return "\n".join(out)


def format_tables(rules: Rules, table: str | None = None) -> str:
    """The effective tables (or one of them) as rule-file TOML."""
    names = [table] if table else list(TABLES)
    unknown = [n for n in names if n not in TABLES]
    if unknown:
        raise ValueError(f"no table {unknown[0]!r}; the tables are {', '.join(TABLES)}")
    return to_toml({n: rules.data[n] for n in names})


# --------------------------------------------------------------------------------------------
# Which rules fired
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fired:
    """One rule that decided something about a number, and where that rule lives."""

    rule: str
    where: str


@dataclass(frozen=True)
class Explanation:
    """One number of the sentence: a metric with its meaning, or a number a trap rule rejected."""

    start: int
    end: int
    text: str
    metric: bool
    summary: str
    fired: tuple[Fired, ...]


def _cues_in(words: list[str], text: str) -> str:
    found = sorted({w for w in words if w in text}, key=lambda w: (-len(w), w))
    found = [w for w in found if not any(w != o and w in o for o in found)]  # 增长, not also 增
    return f" (cue: {'、'.join(found)})" if found else ""


def _where(rule: str, rules: Rules, read: str, unit_surface: str | None) -> str:
    lex = rules.lexicon
    direction = {r.id: r for r in lex.rules.direction}
    status = {r.id: r for r in lex.rules.status}
    traps = {r.id: r.doc for r in lex.traps.rules}
    base = rule.removesuffix(".review")
    if rule == "unit":
        return f"[[units]] surface {unit_surface!r}" if unit_surface else "[[units]] (implied by the clause)"
    if base in direction:
        return f"[[rules.direction]] id {base!r}{_cues_in(direction[base].words, read)}"
    if base in status:
        note = " (its in_review meaning: the part looks back)" if rule.endswith(".review") else ""
        return f"[[rules.status]] id {base!r}{_cues_in(status[base].words, read)}{note}"
    if rule in traps:
        return f"[traps] rules: {traps[rule]}"
    if rule == "status.target_section":
        return "[rules] heading_cues / tense: nothing in the sentence, the part looks ahead"
    if rule.startswith("direction."):
        return "direction carried from the clause or list before (rules.direction words)"
    if rule.startswith("bare."):
        return "[context.bare_magnitude] cues for a number with no unit"
    if rule.startswith("ratio."):
        return "[context.ratio] cues"
    if rule.startswith("object."):
        return "[rules.object] words (verbs, determiners, heads …) that find what is counted"
    return "built-in logic (no table)"


def explain(sentence: str, extractor: Extractor) -> list[Explanation]:
    """Every number ``extractor`` reads in ``sentence``: its meaning and the rules that fired."""
    from .script import to_simplified

    result = extractor.extract(sentence, "<explain>")
    read = to_simplified(sentence) if result.document.script == "traditional" else sentence
    out: list[Explanation] = []
    for m in result.metrics:
        unit = m.unit.name if m.unit else None
        parts = [f"value {m.value}", f"unit {unit}", f"qualifier {m.qualifier}", f"kind {m.kind}"]
        parts += [f"object {m.object}", f"direction {m.direction}", f"status {m.status}"]
        fired = [
            Fired(r, _where(r, extractor.rules, read, m.unit.surface if m.unit else None))
            for r in _ids(m.rule)
        ]
        if m.indicator:
            aliases = next(i.aliases for i in extractor.lexicon.indicators if i.id == m.indicator)
            parts.append(f"indicator {m.indicator}")
            fired.append(
                Fired("indicator", f"[[indicator]] id {m.indicator!r}{_cues_in(aliases, m.object or '')}")
            )
        out.append(Explanation(m.start, m.end, m.text, True, ", ".join(parts), tuple(fired)))
    for r in result.rejections:
        where = _where(r.rule, extractor.rules, read, None)
        if r.rule == "trap.phrase":
            where += _covering(extractor.lexicon.traps.phrases, read, r.start, r.end)
        out.append(
            Explanation(
                r.start, r.end, sentence[r.start : r.end], False, "not a metric", (Fired(r.rule, where),)
            )
        )
    return sorted(out, key=lambda e: (e.start, e.end))


def _covering(phrases: list[str], text: str, start: int, end: int) -> str:
    """The set phrases of ``text`` that cover ``[start, end)``."""
    found = set()
    for phrase in phrases:
        at = text.find(phrase, max(0, start - len(phrase)))
        while 0 <= at < end:
            if at <= start and end <= at + len(phrase):
                found.add(phrase)
            at = text.find(phrase, at + 1)
    return f" (here: {'、'.join(sorted(found, key=len, reverse=True))})" if found else ""


def _ids(rule: str | None) -> Iterator[str]:
    yield from (r for r in (rule or "").split(",") if r)


def format_explanations(explanations: list[Explanation]) -> str:
    """One block per number: the number, what it was read as, each rule that fired and its table."""
    if not explanations:
        return "no numbers found\n"
    lines: list[str] = []
    for e in explanations:
        lines.append(f"{e.text}  [{e.start}:{e.end}]  {e.summary}")
        lines.extend(f"  {f.rule:<24} {f.where}" for f in e.fired)
    return "\n".join(lines) + "\n"

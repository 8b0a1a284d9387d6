"""User rule files: the built-in word lists plus a user's own words, checked as strictly as ours.

A rule file uses the tables and keys of the built-in data files, one table per file::

    [[units]]                       # as in units.toml
    surface = "标箱"
    kind = "count"

    [[indicator]]                   # as in indicators.toml
    id = "tourism_revenue"
    name = "旅游总收入"
    aliases = ["旅游总收入"]

    [traps]                         # the keys of traps.toml
    phrases = ["三零"]

    [rules]                         # the keys of rules.toml
    heading_cues = ["奋斗目标"]
    [[rules.status]]                # an existing id gets the words; a new id is a new rule
    id = "status.target_cue"
    words = ["奋斗目标"]

    [remove]                        # built-in words to drop, in the same tables
    units = ["艘次"]
    traps = { phrases = ["过去五年"] }
    rules = { heading_cues = ["计划"], status = { "status.plan_cue" = ["计划"] } }

Tables: ``units`` and ``indicator`` (lists of entries, keyed by ``surface`` and ``id``),
``numerals``, ``qualifiers``, ``traps``, ``context``, ``rules`` and ``structure``.  A word list is
extended, a table of word lists is extended key by key, a single value (``max_gap``) is replaced,
and an entry with the key of a built-in one (a unit's surface, a rule's id) adds its words to it
and replaces its other values.  In ``[remove]``, a list names the words (or whole entries) to
drop, and a table names the entries whose words (``words``, ``aliases``) to drop.  Removals of a
file apply before its additions; files apply in the order given.

Everything is checked: an unknown table or key, a value of the wrong type, an empty word, or a
removal of something that is not there is a :class:`RuleFileError` naming the file, the line,
the table and the key, and saying what was expected.  After the merge each table is validated
with the same pydantic model as the built-in file.

The effective rules have a hash (:attr:`Rules.sha256`): the SHA-256 of their canonical JSON, so
two runs with the same effective words have the same hash whatever files gave them.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import sys
import types
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import regex
from pydantic import BaseModel, TypeAdapter, ValidationError

from .lexicon import (
    ContextCues,
    IndicatorSpec,
    Lexicon,
    LexiconError,
    NumeralSpec,
    QualifierSpec,
    RuleSpec,
    TrapRule,
    TrapSpec,
    UnitSpec,
)
from .structure import StructureVocabulary

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on 3.10
    import tomli as tomllib

__all__ = [
    "TABLES",
    "RuleFileError",
    "Rules",
    "builtin_rules",
    "builtin_sha256",
    "load_rules",
    "rules_from_env",
]

#: The tables a rule file may hold: its key, the built-in data file, and the model of one table.
#: ``units`` and ``indicator`` are lists of entries, the others single tables.
TABLES: dict[str, tuple[str, Any]] = {
    "units": ("units.toml", list[UnitSpec]),
    "indicator": ("indicators.toml", list[IndicatorSpec]),
    "numerals": ("numerals.toml", NumeralSpec),
    "qualifiers": ("qualifiers.toml", QualifierSpec),
    "traps": ("traps.toml", TrapSpec),
    "context": ("context.toml", ContextCues),
    "rules": ("rules.toml", RuleSpec),
    "structure": ("structure.toml", StructureVocabulary),
}
#: The field that keys the entries of a list of tables, and the field holding its words.
_KEYS: dict[type[BaseModel], tuple[str, str | None]] = {
    UnitSpec: ("surface", None),
    IndicatorSpec: ("id", "aliases"),
}
_ENV = "EXTRACTOR_RULES"

Path_ = tuple[str | int, ...]


class RuleFileError(LexiconError):
    """A rule file is missing, not TOML, or does not fit the tables it names.

    ``str()`` is one line: ``FILE:LINE: [TABLE] KEY: what is wrong; what was expected``.
    """

    def __init__(self, file: str, message: str, *, line: int | None = None, path: Path_ = ()) -> None:
        self.file = file
        self.line = line
        self.message = message
        head, rest = path[:1], path[1:]
        if head == ("remove",) and rest and isinstance(rest[0], str):
            head, rest = ("remove", rest[0]), rest[1:]
        self.table = ".".join(str(p) for p in head)
        entry = ""
        if rest and isinstance(rest[0], int):  # an entry of [[units]] or [[indicator]]
            entry, rest = f" #{rest[0] + 1}", rest[1:]
        self.key = _dotted(rest)
        where = f"{file}:{line}" if line is not None else file
        if self.table:
            brackets = "[[{}]]" if head[0] in ("units", "indicator") else "[{}]"
            where += f": table {brackets.format(self.table)}{entry}"
        if self.key:
            where += f", key {self.key}"
        super().__init__(f"{where}: {message}")


def _dotted(path: Path_) -> str:
    """``status #1.words`` for the path ("status", 0, "words"); keys with dots are quoted."""
    out = ""
    for p in path:
        if isinstance(p, int):
            out += f" #{p + 1}"
        else:
            name = f'"{p}"' if "." in p or " " in p else p
            out += f".{name}" if out else name
    return out


@dataclass(frozen=True)
class Rules:
    """The effective rules: the merged lexicon and structure vocabulary, and where they came from."""

    lexicon: Lexicon
    structure: StructureVocabulary
    files: tuple[str, ...]
    sha256: str
    data: dict[str, Any]  # the merged tables, as a rule file would spell them

    def counts(self) -> dict[str, int]:
        """How many rules each table holds: units and indicators by entry, other tables by word
        (a list's items, a scalar setting, the words of each direction or status rule)."""
        return {name: _count(self.data[name], top=True) for name in TABLES}


def _count(value: Any, top: bool = False) -> int:
    if isinstance(value, dict):
        return sum(_count(v) for v in value.values())
    if isinstance(value, list) and value and isinstance(value[0], dict):
        if top:
            return len(value)
        return sum(max(1, sum(len(v) for v in e.values() if isinstance(v, list))) for e in value)
    if isinstance(value, list):
        return len(value)
    return 1


# --------------------------------------------------------------------------------------------
# Lines: where a table or key is written in a file (tomllib does not tell)
# --------------------------------------------------------------------------------------------

_KEY = r"""(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)"""
_DOTTED = rf"{_KEY}(?:\s*\.\s*{_KEY})*"
_HEADER = regex.compile(rf"^\s*(\[\[?)\s*({_DOTTED})\s*\]\]?")
_ASSIGN = regex.compile(rf"^\s*({_DOTTED})\s*=")


def _split_key(dotted: str) -> list[str]:
    parts = regex.findall(_KEY, dotted)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


def _line_map(text: str) -> dict[Path_, int]:
    """The line (1-based) of every table header and key, by its path (array tables indexed)."""
    lines: dict[Path_, int] = {}
    counts: dict[Path_, int] = {}
    current: Path_ = ()
    depth = 0  # inside a multi-line array or inline table: no key or header starts there
    for number, line in enumerate(text.splitlines(), 1):
        code, blank = _strip_comment(line)
        if depth == 0:
            header = _HEADER.match(code)
            if header:
                path: Path_ = tuple(_split_key(header.group(2)))
                if header.group(1) == "[[":
                    index = counts.get(path, 0)
                    counts[path] = index + 1
                    lines.setdefault(path, number)
                    path = (*path, index)
                current = path
                lines.setdefault(current, number)
                continue
            assign = _ASSIGN.match(code)
            if assign:
                key = (*current, *_split_key(assign.group(1)))
                lines.setdefault(key, number)
        depth += sum(blank.count(c) for c in "[{") - sum(blank.count(c) for c in "]}")
        depth = max(depth, 0)
    return lines


def _strip_comment(line: str) -> tuple[str, str]:
    """The line without its comment, and the same with the contents of its strings blanked."""
    kept: list[str] = []
    blank: list[str] = []
    quote = ""
    for ch in line:
        if quote:
            kept.append(ch)
            if ch == quote:
                quote = ""
                blank.append(ch)
            continue
        if ch == "#":
            break
        if ch in "\"'":
            quote = ch
        kept.append(ch)
        blank.append(ch)
    return "".join(kept), "".join(blank)


def _line_of(lines: dict[Path_, int], path: Path_) -> int | None:
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


# --------------------------------------------------------------------------------------------
# Merging one file over the tables
# --------------------------------------------------------------------------------------------


class _Problem(Exception):
    def __init__(self, path: Path_, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _unwrap_optional(tp: Any) -> Any:
    if get_origin(tp) in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


def _describe(tp: Any) -> str:
    tp = _unwrap_optional(tp)
    origin = get_origin(tp)
    if _is_model(tp):
        return "a table"
    if origin is list:
        (item,) = get_args(tp)
        if _is_model(item):
            return "a list of tables"
        if get_origin(item) is tuple:
            return "a list of [open, close] string pairs"
        if get_origin(item) is Literal:
            return "a list of " + " / ".join(map(repr, get_args(item)))
        return "a list of strings"
    if origin is dict:
        _, value = get_args(tp)
        return f"a table of {_describe(value).removeprefix('a ').removeprefix('an ')}"
    if origin is Literal:
        return "one of " + ", ".join(map(repr, get_args(tp)))
    if tp is int:
        return "an integer"
    if tp is bool:
        return "true or false"
    if tp is Decimal:
        return "a number"
    return "a string"


def _unknown_key(path: Path_, key: str, known: Iterable[str]) -> _Problem:
    known = sorted(known)
    close = difflib.get_close_matches(key, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return _Problem((*path, key), f"unknown key{hint}; expected one of: {', '.join(known)}")


def _validate(value: Any, tp: Any, path: Path_) -> Any:
    try:
        return TypeAdapter(tp).validate_python(value, strict=False)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(p for p in err["loc"] if isinstance(p, (str, int)))
        if err["type"] == "missing":
            message = f"the key {loc[-1]!r} is missing (a new entry needs it)"
        elif loc and _is_model(tp):
            message = str(err["msg"])
        else:
            message = f"{err['msg']}; expected {_describe(tp)}"
        raise _Problem((*path, *loc), message) from None


def _check_words(value: Any, path: Path_) -> None:
    """No empty or padded word: an empty cue would match everywhere."""
    items = value if isinstance(value, list) else list(value.values()) if isinstance(value, dict) else []
    for i, item in enumerate(items):
        if isinstance(item, str) and (not item or item != item.strip()):
            where = (*path, i) if isinstance(value, list) else path
            raise _Problem(where, f"the word {item!r} is empty or has spaces around it")
        if isinstance(item, (list, tuple)):
            _check_words(list(item), (*path, i))


def _entry_key(model: type[BaseModel]) -> tuple[str, str | None]:
    if model in _KEYS:
        return _KEYS[model]
    if "id" in model.model_fields:
        return "id", ("words" if "words" in model.model_fields else None)
    raise AssertionError(f"no key field for {model.__name__}")  # pragma: no cover


def _same_key(entries: list[dict[str, Any]], key_field: str, entry: dict[str, Any]) -> bool:
    return any(e.get(key_field) == entry[key_field] for e in entries)


def _check_trap(entry: dict[str, Any], path: Path_) -> None:
    """A trap rule is code: a rule file can remove one, or list one that exists, not invent one."""
    from .quantities import TRAP_RULES

    if entry.get("id") not in TRAP_RULES:
        raise _Problem(
            path, f"no trap rule {entry.get('id')!r} is implemented; the rules are {', '.join(TRAP_RULES)}"
        )


def _add(base: Any, user: Any, tp: Any, path: Path_) -> Any:
    """``user`` merged over ``base`` (a raw table of type ``tp``); ``base`` is not changed."""
    tp = _unwrap_optional(tp)
    origin = get_origin(tp)
    if _is_model(tp):
        if not isinstance(user, dict):
            raise _Problem(path, f"expected a table, not {type(user).__name__}")
        out = dict(base or {})
        fields = tp.model_fields
        for key, value in user.items():
            if key not in fields:
                raise _unknown_key(path, key, fields)
            out[key] = _add(out.get(key), value, fields[key].annotation, (*path, key))
        return out
    if origin is list and _is_model(get_args(tp)[0]):
        model = get_args(tp)[0]
        if not isinstance(user, list):
            raise _Problem(path, "expected a list of tables ([[...]] entries)")
        key_field, words_field = _entry_key(model)
        out_list = [dict(e) for e in (base or [])]
        for i, entry in enumerate(user):
            if not isinstance(entry, dict):
                raise _Problem((*path, i), "expected a table")
            if key_field not in entry:
                raise _Problem((*path, i), f"an entry needs its {key_field!r}")
            fields = model.model_fields
            for k in entry:
                if k not in fields:
                    raise _unknown_key((*path, i), k, fields)
            _check_words(entry.get(words_field, []) if words_field else [], (*path, i, words_field or ""))
            if model is TrapRule and not _same_key(out_list, key_field, entry):
                _check_trap(entry, (*path, i, "id"))
            same = [j for j, e in enumerate(out_list) if e.get(key_field) == entry[key_field]]
            merged = dict(out_list[same[0]]) if same else {}
            for k, v in entry.items():
                if k == words_field and isinstance(v, list) and same:
                    merged[k] = [*merged.get(k, []), *(w for w in v if w not in merged.get(k, []))]
                else:
                    merged[k] = v
            _validate(merged, model, (*path, i))
            if same:
                out_list[same[0]] = merged
            else:
                out_list.append(merged)
        return out_list
    value = _validate(user, tp, path)
    if origin is list:
        _check_words(user, path)
        current = list(base or [])
        present = [_hashable(x) for x in current]
        for item in user:
            if _hashable(item) not in present:  # a word listed already stays once
                current.append(item)
                present.append(_hashable(item))
        return current
    if origin is dict:
        _check_words(list(user), path)
        out_dict = dict(base or {})
        for k, v in user.items():
            if isinstance(v, list) and isinstance(out_dict.get(k), list):
                _check_words(v, (*path, k))
                out_dict[k] = [*out_dict[k], *(w for w in v if w not in out_dict[k])]
            else:
                out_dict[k] = v
        return out_dict
    if isinstance(value, str):
        _check_words([value], path)
    return user


def _hashable(item: Any) -> Any:
    """A quote pair [open, close] compares as a tuple; a word as itself."""
    return tuple(item) if isinstance(item, (list, tuple)) else item


def _remove(base: Any, spec: Any, tp: Any, path: Path_) -> Any:
    """``base`` without what ``spec`` names; naming something that is not there is an error."""
    tp = _unwrap_optional(tp)
    origin = get_origin(tp)
    if _is_model(tp):
        if not isinstance(spec, dict):
            raise _Problem(path, "expected a table naming the lists to remove words from")
        out = dict(base)
        fields = tp.model_fields
        for key, value in spec.items():
            if key not in fields:
                raise _unknown_key(path, key, fields)
            out[key] = _remove(out.get(key), value, fields[key].annotation, (*path, key))
        return out
    if origin is list and _is_model(get_args(tp)[0]):
        key_field, words_field = _entry_key(get_args(tp)[0])
        entries = [dict(e) for e in base]
        keys = [e[key_field] for e in entries]
        if isinstance(spec, list):
            for i, name in enumerate(spec):
                if name not in keys:
                    raise _not_there((*path, i), name, keys, f"there is no entry with this {key_field}")
            return [e for e in entries if e[key_field] not in spec]
        if isinstance(spec, dict) and words_field:
            for name, words in spec.items():
                if name not in keys:
                    raise _not_there((*path, name), name, keys, f"there is no entry with this {key_field}")
                entry = entries[keys.index(name)]
                entry[words_field] = _remove(entry[words_field], words, list[str], (*path, name))
            return entries
        what = f"a list of {key_field}s" + (
            f", or a table of {key_field} = [{words_field}]" if words_field else ""
        )
        raise _Problem(path, f"expected {what}")
    if origin is list:
        if not isinstance(spec, list):
            raise _Problem(path, "expected a list of the words to remove")
        current = list(base)
        norm = [_hashable(x) for x in current]
        for i, word in enumerate(spec):
            w = _hashable(word)
            if w not in norm:
                raise _not_there((*path, i), word, [str(x) for x in norm], "it is not in this list")
            del current[norm.index(w)]
            norm.remove(w)
        return current
    if origin is dict:
        out_dict = dict(base)
        if isinstance(spec, list):
            for i, key in enumerate(spec):
                if key not in out_dict:
                    raise _not_there((*path, i), key, list(out_dict), "there is no such key")
                del out_dict[key]
            return out_dict
        if isinstance(spec, dict):
            for key, words in spec.items():
                if key not in out_dict:
                    raise _not_there((*path, key), key, list(out_dict), "there is no such key")
                if not isinstance(out_dict[key], list):
                    raise _Problem((*path, key), "a single value cannot lose words: set it instead")
                out_dict[key] = _remove(out_dict[key], words, list[str], (*path, key))
            return out_dict
        raise _Problem(path, "expected a list of keys, or a table of key = [words]")
    raise _Problem(path, "a single value cannot be removed: set it in its table instead")


def _not_there(path: Path_, name: Any, present: Sequence[str], what: str) -> _Problem:
    close = difflib.get_close_matches(str(name), [str(p) for p in present], n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return _Problem(path, f"cannot remove {name!r}: {what}{hint}")


def _merge_file(tables: dict[str, Any], file: Path) -> dict[str, Any]:
    name = str(file)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise RuleFileError(name, f"cannot read the rule file ({exc.strerror or exc})") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RuleFileError(name, f"not UTF-8 (byte {exc.start}); save the file as UTF-8") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = regex.search(r"line (\d+)", str(exc))
        line = int(found.group(1)) if found else max(1, len(text.splitlines()))
        reason = regex.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise RuleFileError(name, f"not valid TOML: {reason}", line=line) from exc
    lines = _line_map(text)
    out = copy.deepcopy(tables)
    try:
        removals = data.pop("remove", {})
        if not isinstance(removals, dict):
            raise _Problem(("remove",), "expected a table naming what to remove")
        for table, spec in removals.items():
            if table not in TABLES:
                raise _unknown_key(("remove",), table, TABLES)
            out[table] = _remove(out[table], spec, TABLES[table][1], ("remove", table))
        for table, value in data.items():
            if table not in TABLES:
                raise _unknown_key((), table, [*TABLES, "remove"])
            out[table] = _add(out[table], value, TABLES[table][1], (table,))
        _build(out)
    except _Problem as problem:
        raise RuleFileError(
            name, problem.message, line=_line_of(lines, problem.path), path=problem.path
        ) from None
    return out


# --------------------------------------------------------------------------------------------
# Building the effective rules
# --------------------------------------------------------------------------------------------


def _build(tables: dict[str, Any]) -> tuple[Lexicon, StructureVocabulary]:
    """Validate every merged table with its model (cross-entry rules: duplicates, unique ids)."""
    built: dict[str, Any] = {}
    for table, (_, tp) in TABLES.items():
        try:
            built[table] = TypeAdapter(tp).validate_python(tables[table])
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = tuple(p for p in err["loc"] if isinstance(p, (str, int)))
            raise _Problem((table, *loc), str(err["msg"])) from None
    units: list[UnitSpec] = built["units"]
    surfaces = [u.surface for u in units]
    ids = [i.id for i in built["indicator"]]
    for table, keys in (("units", surfaces), ("indicator", ids)):
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise _Problem((table,), f"listed twice: {dupes}")
    for word, unit in built["numerals"].per_words.items():
        if unit not in surfaces:
            raise _Problem(("numerals", "per_words", word), f"the unit {unit!r} is not in [[units]]")
    for needed in ("元", "人", "%", "倍"):
        if needed not in surfaces:
            raise _Problem(("units",), f"the unit {needed!r} is needed by the number rules: keep it")
    lexicon = Lexicon(
        units={u.surface: u for u in units},
        numerals=built["numerals"],
        qualifiers=built["qualifiers"],
        traps=built["traps"],
        context=built["context"],
        rules=built["rules"],
        indicators=built["indicator"],
    )
    return lexicon, built["structure"]


def _hash(tables: dict[str, Any]) -> str:
    canonical = json.dumps(tables, ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@cache
def _builtin_tables() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for table, (file, _) in TABLES.items():
        data = tomllib.loads(resources.files("extractor.data").joinpath(file).read_text(encoding="utf-8"))
        out[table] = data[table] if table in ("units", "indicator") else data
    return out


@cache
def builtin_sha256() -> str:
    """The hash of the built-in rules alone (without validating them again: the lexicon does)."""
    return _hash(_builtin_tables())


@cache
def builtin_rules() -> Rules:
    """The built-in rules alone."""
    tables = _builtin_tables()
    try:
        lexicon, structure = _build(tables)
    except _Problem as problem:  # pragma: no cover - the package's own data is tested
        raise LexiconError(f"built-in data: {_dotted(problem.path)}: {problem.message}") from None
    return Rules(lexicon, structure, (), builtin_sha256(), tables)


def load_rules(files: Sequence[str | Path] = ()) -> Rules:
    """The built-in rules with ``files`` merged over them, in order; raises :class:`RuleFileError`."""
    if not files:
        return builtin_rules()
    tables = _builtin_tables()
    for file in files:
        tables = _merge_file(tables, Path(file))
    lexicon, structure = _build(tables)
    return Rules(lexicon, structure, tuple(str(f) for f in files), _hash(tables), tables)


def rules_from_env() -> tuple[str, ...]:
    """The rule files named by ``EXTRACTOR_RULES`` (separated like ``PATH``)."""
    import os

    value = os.environ.get(_ENV, "")
    return tuple(p for p in value.split(os.pathsep) if p)

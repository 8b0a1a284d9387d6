"""Find quantities in (normalised) text: number · magnitude · qualifier · unit.

The patterns are compiled once from the data files (:mod:`extractor.lexicon`).  A
:class:`QuantityFinder` walks the text number by number; for each number it reads forward (the
magnitudes, an infix 余/多, the unit, a suffix qualifier, a range's second bound) and back (a
prefix qualifier), then applies the trap rules in the order ``traps.toml`` lists them.  The
first rule that fires rejects the candidate and names itself, so every decision can be traced.

Offsets here index the text given to :meth:`QuantityFinder.find` (the normalised copy);
:mod:`extractor.pipeline` maps them back to the original.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import regex

from .lexicon import Lexicon, LexiconError, UnitSpec, alternation, lengths_by, load_lexicon
from .numbers import NumberParseError, divide, multiply, parse_number
from .scanning import char_search

__all__ = ["TRAP_RULES", "Candidate", "QuantityFinder", "Rejection"]

_MAGNITUDE_VALUES = {
    "十": Decimal(10),
    "百": Decimal(100),
    "千": Decimal(1000),
    "万": Decimal(10**4),
    "亿": Decimal(10**8),
}
# Clause boundaries: context cues and qualifiers never reach across these.
_CLAUSE_END = frozenset("，,。；;！？!?：:\n、（）()")
_HUNDRED = Decimal(100)
_ONE = Decimal(1)
# The number pattern's alternative that matched, by the last group it closed (m.lastgroup).
_FORM = {
    "dbl": "dbl",
    "pnum": "pct",
    "nom": "den",
    "ar": "ar",
    "ch": "ch",
    "bare": "bare",
    "bare2": "bare",
}
_FORM_RULE = {"dbl": "doubling", "pct": "percent_words", "den": "fraction"}
_HAN = regex.compile(r"\p{Han}")


def _scale_magnitude(unit: UnitSpec) -> Decimal:
    """The magnitude a scaled unit carries in its surface (万人 → 10000), or 1."""
    return unit.scale if unit.surface[:1] in "万亿千百" and unit.scale != 1 else Decimal(1)


@dataclass(slots=True)
class Candidate:
    """A quantity found in the text (offsets into the searched text)."""

    start: int
    end: int
    value: Decimal
    value_max: Decimal | None
    unit: UnitSpec | None
    unit_surface: str | None
    qualifier: str
    marker: str | None
    kind: str
    rule: str
    # The numeral itself, without qualifiers, magnitudes or unit.
    num_start: int = 0
    num_end: int = 0
    chinese: bool = False


@dataclass(frozen=True, slots=True)
class Rejection:
    """A number that is not a metric, and the rule that said so."""

    start: int
    end: int
    rule: str
    # Why, in words (the rule's ``doc`` in traps.toml).
    reason: str = ""


_NO_UNIT = "trap.no_unit"
_NO_UNIT_REASON = "a number with no unit, and nothing in its clause implies one"


@dataclass(slots=True)
class _Context:
    """Per-document lookups shared by the trap rules."""

    text: str
    quote_spans: list[tuple[int, int]] = field(default_factory=list)
    quote_starts: list[int] = field(default_factory=list)


def _inside(spans: list[tuple[int, int]], starts: list[int], start: int, end: int) -> bool:
    """Is ``[start, end)`` inside one of ``spans`` (sorted, possibly overlapping)?"""
    i = bisect_right(starts, start) - 1
    # Spans may overlap, so look back a few; phrases are short, so a few is enough.
    for j in range(i, max(i - 8, -1), -1):
        s, e = spans[j]
        if s <= start and end <= e:
            return True
    return False


class QuantityFinder:
    """Compiled patterns and the rules that turn numbers into quantity candidates."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        lex = lexicon or load_lexicon()
        self.lexicon = lex
        num = lex.numerals
        ch_start = "".join(num.chinese_digits)
        ch_cont = ch_start + "".join(num.chinese_continuations)
        point = "点"  # a Chinese decimal point: 三点五
        chinese = f"[{ch_start}][{ch_cont}]*(?:{point}[{ch_start}]+)?"
        # Arabic, optionally mixed with a trailing group after 万/亿 (3万4000, 13万2, 13万2千); a minus
        # sign only where no digit, letter or sign stands before it (so 6.5%-7% stays a range).
        arabic = (
            r"(?:(?<![0-9A-Za-z%‰.])[-−－])?(?<![0-9.])[0-9]+(?:\.[0-9]+)?(?:[万亿][0-9]+[千百]?(?![0-9.]))?"
        )
        bare = "".join(num.bare_magnitudes)
        tail_first = "".join(
            sorted({u[0] for u in lex.units if _HAN.match(u[0])} | {m[0] for m in num.magnitudes})
        )
        # Every number starts with one of these characters: the text is scanned for them (a class
        # search skips the others several times faster than the engine tries the pattern there).
        arabic_first = set("0123456789-−－")
        # (the words' forms: per-cent and doubling words, bare magnitudes)
        words_first = set(bare) | {w[0] for w in num.per_words} | {w[0] for w in num.doublings}
        others_first = set(ch_start) | words_first
        self._number_start = char_search(arabic_first | others_first)
        # A look-behind per threshold word (each of fixed width), so that the standard library's
        # engine, which scans about twice as fast as ``regex`` here, can run the pattern.
        after_threshold = (
            "|".join(
                f"(?<={re.escape(w)})" for w in sorted(set(num.threshold_words), key=lambda w: (-len(w), w))
            )
            or "(?!)"
        )
        forms = [
            rf"(?P<dbl>{alternation(list(num.doublings))})",
            rf"(?P<pct>{alternation(list(num.per_words))})(?P<pnum>{chinese}|[0-9]+(?:\.[0-9]+)?)",
            rf"(?P<den>{chinese}){regex.escape(num.fraction_infix)}(?P<nom>{chinese})",
            rf"(?P<ar>{arabic})",
            rf"(?P<ch>{chinese})",
            # 百余人, 千余名: a magnitude alone is a number only right before 余/多, or after a
            # threshold word and before a magnitude or unit (超百亿元, 突破百万吨).
            rf"(?P<bare>[{bare}])(?=[余多])",
            rf"(?:{after_threshold})(?P<bare2>[{bare}])(?=[{regex.escape(tail_first)}])",
        ]
        # Arabic numerals, the most frequent, are tried first when no other form can start with
        # the characters they start with (so the order changes no match).
        if others_first.isdisjoint(arabic_first):
            forms.insert(0, forms.pop(3))
        self._number = re.compile("|".join(forms))
        self._per_words = {w: lex.units[u] for w, u in num.per_words.items()}
        # Characters that can follow a numeral in a quantity: a unit, a magnitude, an infix
        # qualifier, a range separator, or the last character of a longer numeral (千 of 千瓦).
        self._tail_starts = frozenset(
            {u[0] for u in lex.units}
            | {mag[0] for mag in num.magnitudes}
            | {mk[0] for mk in lex.qualifiers.infix.get("more_than", [])}
            | {sep[0] for sep in num.range_separators}
        )
        # A Chinese digit that starts no other form, followed by a character that neither goes on
        # with a numeral (十, 点, 分之) nor starts a tail, is a lone numeral that the main loop would
        # read and then drop (一是, 统一, 进一步): told by two set look-ups, without the pattern.
        self._lone_digits = frozenset(ch_start) - words_first - {"万", "亿"}
        self._lone_stop = frozenset(ch_cont) | {point, num.fraction_infix[:1]} | self._tail_starts
        self._bare_values = {k: Decimal(v) for k, v in num.bare_magnitudes.items()}
        self._pairs = {p: (parse_number(p[0]), parse_number(p[1])) for p in num.approximate_pairs}
        self._units = lex.units
        self._magnitudes = sorted(num.magnitudes, key=len, reverse=True)
        self._separators = sorted(num.range_separators, key=len, reverse=True)
        # First characters: one set look-up rules out most positions before the loops above.
        self._unit_lengths_from = lengths_by(lex.units, first=True)
        self._magnitude_first = frozenset(m[0] for m in num.magnitudes)
        self._separator_first = frozenset(sep[0] for sep in num.range_separators)
        self._prefix = lex.qualifier_markers("prefix")
        self._not_prefix = tuple(sorted(lex.qualifiers.not_prefix, key=len, reverse=True))
        self._prefix_lengths_to = lengths_by(self._prefix, first=False)
        self._infix = lex.qualifier_markers("infix")
        self._suffix = lex.qualifier_markers("suffix")
        self._suffix_lengths_from = lengths_by(self._suffix, first=True)
        adverb = lex.qualifiers.adverb
        self._adverb = regex.compile(
            rf"({alternation(adverb.at_least + adverb.at_most)})[\p{{Han}}]{{1,{adverb.max_gap}}}$"
        )
        self._adverb_of = {w: "at_least" for w in adverb.at_least} | {w: "at_most" for w in adverb.at_most}
        self._adverb_reach = adverb.max_gap + max(len(w) for w in self._adverb_of)
        # Whether a text holds a character an adverb starts with (a class search: no slicing,
        # no character objects).
        self._adverb_first = char_search(w[0] for w in self._adverb_of if w)
        traps = lex.traps
        unknown = [r.id for r in traps.rules if r.id not in TRAP_RULES]
        if unknown:
            raise LexiconError(f"traps.toml lists trap rules with no implementation: {unknown}")
        self._trap_rules = [(r.id, TRAP_RULES[r.id]) for r in traps.rules]
        # The rules that can fire for a candidate (Chinese numeral?, unit surface), in order.
        self._rules_for: dict[tuple[bool, str | None], list[tuple[str, _Rule]]] = {}
        self._rule_units = {
            "trap.year": _YEAR_UNITS,
            "trap.period": _YEAR_UNITS,
            "trap.rank": frozenset(traps.rank_units),
            "trap.phase": frozenset(traps.phase_units),
        }
        self._trap_reasons = {r.id: r.doc for r in traps.rules}
        self._max_integer_digits = traps.max_integer_digits
        self._trap_phrases = regex.compile(alternation(traps.phrases)) if traps.phrases else None
        # Set phrases are looked for around a numeral only when the numeral can be part of one.
        self._phrase_reach = max((len(p) for p in traps.phrases), default=0)
        self._phrases = frozenset(traps.phrases)
        self._phrase_lengths_from = lengths_by(traps.phrases)
        self._phrase_parts = frozenset(
            p[i:j] for p in traps.phrases for i in range(len(p)) for j in range(i + 1, len(p) + 1)
        )
        # (The standard library's engine: about twice as fast on these plain patterns.)
        self._quotes = [
            re.compile(
                rf"{re.escape(a)}[^{re.escape(a)}{re.escape(b)}\n]{{1,{traps.max_quoted}}}{re.escape(b)}"
            )
            for a, b in traps.quotes
        ]
        self._ordinal = tuple(sorted(traps.ordinal_prefixes, key=len, reverse=True))
        self._label_suffixes = tuple(sorted(traps.label_suffixes, key=len, reverse=True))
        # The characters they end / start with: most numbers have none of them next to them,
        # which one set look-up tells (None: an empty word, which every text has).
        self._ordinal_last = None if "" in self._ordinal else frozenset(w[-1] for w in self._ordinal)
        self._label_first = (
            None if "" in self._label_suffixes else frozenset(w[0] for w in self._label_suffixes)
        )
        # An Arabic numeral (it has an ASCII digit) is part of a set phrase only if a phrase has one.
        self._chinese_only = _CHINESE_ONLY
        if not any("0" <= ch <= "9" for p in traps.phrases for ch in p):
            self._chinese_only = _CHINESE_ONLY | {"trap.phrase"}
        cues = lex.context.bare_magnitude
        self._people_after = tuple(cues.people_after)
        self._people_before = tuple(cues.people_before)
        self._people_heads = regex.compile(alternation(cues.people_heads))
        self._listed_joiners = frozenset(cues.listed_joiners)
        self._money_before = tuple(cues.money_before)
        self._money_after = tuple(cues.money_after)
        self._unit_yuan = lex.units["元"]
        self._unit_person = lex.units["人"]
        self._unit_percent = lex.units["%"]
        self._unit_multiple = lex.units["倍"]
        self._doublings = num.doublings
        ratio = lex.context.ratio
        self._ratio_cues = [(w, self._unit_multiple) for w in ratio.multiple_cues] + [
            (w, None) for w in ratio.other_cues
        ]
        self._ratio_reach = ratio.reach

    def _applicable_rules(self, chinese: bool, unit: str | None) -> list[tuple[str, _Rule]]:
        """The trap rules, in order, but those that cannot fire for such a candidate: the ones
        that look only at Chinese numerals, or only at a unit of theirs (年, 名 …)."""
        return [
            (rule_id, rule)
            for rule_id, rule in self._trap_rules
            if (chinese or rule_id not in self._chinese_only)
            and (rule_id not in self._rule_units or unit in self._rule_units[rule_id])
        ]

    # ------------------------------------------------------------------ reading forward
    def _unit_at(self, text: str, pos: int) -> UnitSpec | None:
        for length in self._unit_lengths_from.get(text[pos : pos + 1], ()):
            spec = self._units.get(text[pos : pos + length])
            if spec is not None:
                return spec
        return None

    def _magnitude_at(self, text: str, pos: int) -> str | None:
        if text[pos : pos + 1] not in self._magnitude_first:
            return None
        for mag in self._magnitudes:
            if text.startswith(mag, pos):
                return mag
        return None

    def _read_tail(self, text: str, pos: int) -> tuple[int, Decimal, str | None, UnitSpec | None, bool]:
        """Read magnitudes, an infix qualifier and a unit after a numeral.

        Returns (end, magnitude factor, infix marker, unit, whether a magnitude was read).  A unit
        is tried before a magnitude at each step, so 千米/千瓦/千公顷 win over 千 + 米.
        """
        factor = _ONE  # the very object: callers skip multiplying by it
        infix: str | None = None
        had_magnitude = False
        while pos < len(text):
            unit = self._unit_at(text, pos)
            mag = self._magnitude_at(text, pos) if text[pos] in self._magnitude_first else None
            if unit is not None:
                # 万亩次 is 万 + 亩次, not 万亩 + 次: take the magnitude only when the unit after it
                # reaches further than the unit read here (千米, 万元: a tie keeps the unit).
                longer = self._unit_at(text, pos + len(mag)) if mag is not None else None
                if longer is None or len(mag or "") + len(longer.surface) <= len(unit.surface):
                    return pos + len(unit.surface), factor, infix, unit, had_magnitude
            if mag is not None:
                for ch in mag:
                    factor = multiply(factor, _MAGNITUDE_VALUES[ch])
                had_magnitude = True
                pos += len(mag)
                continue
            if infix is None and text[pos] in self._infix:
                infix = text[pos]
                pos += 1
                continue
            break
        return pos, factor, infix, None, had_magnitude

    def _suffix_at(self, text: str, pos: int) -> str | None:
        for length in self._suffix_lengths_from.get(text[pos : pos + 1], ()):
            marker = text[pos : pos + length]
            if marker in self._suffix:
                # 3年多, 2倍多 — but 20个多功能活动室: a 多 that starts a word is not a marker.
                nxt = text[pos + length : pos + length + 1]
                if marker == "多" and nxt and _HAN.match(nxt) and nxt != "的":
                    return None
                return marker
        return None

    def _prefix_before(self, text: str, pos: int) -> str | None:
        last = text[pos - 1 : pos] if pos > 0 else ""
        lengths = self._prefix_lengths_to.get(last)
        if lengths is None:
            return None
        if text.endswith(self._not_prefix, 0, pos):
            return None  # 签约12个, 节约1200万元, 最近3年
        for length in lengths:
            if pos - length >= 0 and text[pos - length : pos] in self._prefix:
                return text[pos - length : pos]
        return None

    # ------------------------------------------------------------------ numerals
    def _numeral(self, m: re.Match[str]) -> tuple[Decimal, Decimal | None, UnitSpec | None, bool] | None:
        """(value, upper bound of an approximate pair, implied unit, Chinese?) or None."""
        form = _FORM[m.lastgroup or ""]
        if form == "dbl":
            return Decimal(self._doublings[m.group("dbl")]), None, self._unit_multiple, True
        if form == "pct":
            try:
                return parse_number(m.group("pnum")), None, self._per_words[m.group("pct")], True
            except NumberParseError:
                return None
        if form == "den":
            try:
                den, nom = parse_number(m.group("den")), parse_number(m.group("nom"))
            except NumberParseError:
                return None
            if den == 0:
                return None
            return divide(multiply(nom, _HUNDRED), den), None, self._unit_percent, True
        surface = m.group(0)
        if form == "bare":
            return self._bare_values[surface], None, None, True
        chinese = form == "ch"
        try:
            return parse_number(surface.replace("－", "-")), None, None, chinese
        except NumberParseError:
            integer_digits = len(surface.lstrip("-−－").partition(".")[0])
            if not chinese and integer_digits > self._max_integer_digits:
                # A digit run too long to parse (glued chart labels): its magnitude is all that
                # matters, so the trap.magnitude rule can reject it with a reason.
                # (Built from its digits: exact, and no context's exponent limit applies.)
                return Decimal((0, (1,), integer_digits - 1)), None, None, chinese
        pair = self._pairs.get(surface[:2]) if chinese else None
        rest = surface[2:]
        if pair is not None and all(c in _MAGNITUDE_VALUES for c in rest):
            # 两三个, 八九亿, 三五年, 三四十万: an approximate range.
            factor = Decimal(1)
            for c in rest:
                factor = multiply(factor, _MAGNITUDE_VALUES[c])
            return multiply(pair[0], factor), multiply(pair[1], factor), None, True
        return None

    # ------------------------------------------------------------------ context
    def _context(self, text: str) -> _Context:
        ctx = _Context(text)
        spans: list[tuple[int, int]] = []
        for pattern in self._quotes:
            spans.extend(m.span() for m in pattern.finditer(text))
        spans.sort()
        ctx.quote_spans = spans
        ctx.quote_starts = [s for s, _ in spans]
        return ctx

    def _clause_before(self, text: str, pos: int, limit: int = 16) -> str:
        start = pos
        while start > 0 and pos - start < limit and text[start - 1] not in _CLAUSE_END:
            start -= 1
        return text[start:pos]

    def _bare_unit(self, text: str, start: int, end: int) -> tuple[UnitSpec, str] | None:
        """Unit implied by the clause for a number with a magnitude but no unit."""
        after = text[end : end + 10]
        if after.startswith(self._people_after):
            return self._unit_person, "bare.people_after"
        if after.startswith(self._money_after):
            return self._unit_yuan, "bare.money_after"
        phrase = after[: next((i for i, ch in enumerate(after) if ch in _CLAUSE_END), len(after))]
        if self._people_heads.search(phrase):
            return self._unit_person, "bare.people_phrase"
        before = self._clause_before(text, start)
        if any(cue in before for cue in self._money_before):
            return self._unit_yuan, "bare.money_before"
        if any(cue in before for cue in self._people_before):
            return self._unit_person, "bare.people_before"
        return None

    def _ratio(self, text: str, cand: Candidate) -> Candidate | None:
        """基尼系数0.45, 收入倍差从2.4缩小到1.9: a unitless number after a ratio's name."""
        if cand.chinese or cand.value >= 100 or cand.value_max is not None:
            return None
        cue = self._ratio_cue(text, cand.num_start)
        if cue is None:
            return None
        unit = cue[1]
        cand.unit, cand.unit_surface = unit, None
        cand.kind = unit.kind if unit is not None else "other"
        cand.rule = "ratio.cue"
        return cand

    def _ratio_cue(self, text: str, pos: int) -> tuple[str, UnitSpec | None] | None:
        before = self._clause_before(text, pos, self._ratio_reach)
        return next(((w, u) for w, u in self._ratio_cues if w in before), None)

    def _unit_of_next(self, text: str, pos: int) -> tuple[UnitSpec, str] | None:
        """分别达1409万、1305万人次: a bare bound listed before one with a unit shares it."""
        joiner = next((w for w in self._listed_joiners if text.startswith(w, pos)), None)
        if joiner is None:
            return None
        m = self._number.match(text, pos + len(joiner))
        if m is None or m.group("ar") is None:
            return None
        nxt, _ = self._candidate(text, m)
        if nxt is None or nxt.unit is None or nxt.unit.scale != _scale_magnitude(nxt.unit):
            return None  # a unit with a scale of its own (吨标准煤 …) is not shared
        base = self._units.get(nxt.unit.name)  # 万人次 → 人次: this bound has its own magnitude
        if base is None or base.scale != 1:
            return None
        return base, "bare.listed_next"

    # ------------------------------------------------------------------ main loop
    def find(self, text: str) -> tuple[list[Candidate], list[Rejection]]:
        """All quantity candidates in ``text`` in order, and the numbers rejected as traps."""
        ctx = self._context(text)
        found: list[Candidate] = []
        rejected: list[Rejection] = []
        pos = 0
        start, number = self._number_start, self._number.match
        tail_starts, rules_for = self._tail_starts, self._rules_for
        lone, lone_stop = self._lone_digits, self._lone_stop
        while True:
            hit = start(text, pos)
            if hit is None:
                break
            p = hit.start()
            if text[p] in lone and text[p + 1 : p + 2] not in lone_stop:
                pos = p + 1
                continue
            m = number(text, p)
            if m is None:
                pos = p + 1
                continue
            form = _FORM[m.lastgroup or ""]
            if form == "ar" or form == "ch":
                end = m.end()
                # Cheap test before the full reading: most numerals in a report are not
                # quantities (一是, 进一步, 统一), and what follows them can start no unit,
                # magnitude, qualifier or range: one set look-up.  A numeral holding 万/亿 may be
                # a bare magnitude, and an Arabic one a ratio after its name: those go on.
                if text[end : end + 1] not in tail_starts:
                    surface = m.group(0)
                    if (
                        "万" not in surface
                        and "亿" not in surface
                        and not (form == "ar" and self._ratio_cue(text, m.start()) is not None)
                    ):
                        pos = end
                        continue  # no unit, magnitude, qualifier or range can follow: not a quantity
            cand, end = self._candidate(text, m)
            pos = max(end, m.end())
            if cand is None:
                continue
            key = (cand.chinese, cand.unit.surface if cand.unit is not None else None)
            rules = rules_for.get(key)
            if rules is None:
                rules = rules_for[key] = self._applicable_rules(*key)
            for rule_id, rule in rules:
                if rule(self, ctx, cand):
                    rejected.append(Rejection(cand.start, cand.end, rule_id, self._trap_reasons[rule_id]))
                    break
            else:
                if cand.unit is None:
                    bare = self._bare_unit(text, cand.start, cand.end) if cand.rule == "bare" else None
                    last = found[-1] if found else None
                    if (
                        bare is None
                        and cand.rule == "bare"
                        and last is not None
                        and last.unit is not None
                        and last.unit_surface is None
                        and text[last.end : cand.start] in self._listed_joiners
                    ):
                        # 跨越7万亿、8万亿: a bound listed after one whose unit the clause implied.
                        bare = (last.unit, "bare.listed")
                    if bare is None and cand.rule == "bare":
                        bare = self._unit_of_next(text, cand.end)
                    if bare is None and cand.rule == "no_unit":
                        ratio = self._ratio(text, cand)
                        if ratio is not None:
                            found.append(ratio)
                            continue
                    if bare is None:
                        rejected.append(Rejection(cand.start, cand.end, _NO_UNIT, _NO_UNIT_REASON))
                        continue
                    cand.unit, cand.rule = bare
                    cand.unit_surface = None
                    cand.kind = bare[0].kind
                found.append(cand)
        return found, rejected

    def _candidate(self, text: str, m: re.Match[str]) -> tuple[Candidate | None, int]:
        num_start, num_end = m.span()
        form = _FORM[m.lastgroup or ""]
        if form == "ch" and num_end - num_start > 1 and text[num_end - 1] in "千百":
            # 十万千瓦, 三千米: the last 千 belongs to the unit when a unit starts there.
            unit_there = self._unit_at(text, num_end - 1)
            if unit_there is not None and unit_there.surface[0] == text[num_end - 1]:
                shorter = self._number.match(text, num_start, num_end - 1)
                if shorter is not None:
                    m = shorter
                    num_end = m.end()
                    form = _FORM[m.lastgroup or ""]
        parsed = self._numeral(m)
        if parsed is None:
            return None, m.end()
        value, value_max, unit, chinese = parsed
        rule = _FORM_RULE.get(form, "unit")
        end, factor, infix, tail_unit, had_mag = self._read_tail(text, num_end)
        if unit is None:
            unit = tail_unit
        else:
            end = num_end  # 百分之五 / 三分之一 carry their own unit
        if factor is not _ONE:
            value = multiply(value, factor)
            if value_max is not None:
                value_max = multiply(value_max, factor)
        qualifier, marker = "exact", None
        if value_max is not None:
            qualifier, marker = "range", None
        if infix is None and unit is not None and unit.infix is not None:
            infix = unit.infix  # 3个多月
        if infix is not None:
            qualifier, marker = self._infix[infix], infix

        # A range: 6.5%－7%, 3至5个, 3—5万元, 1.2万—1.5万人.  The second bound comes back scaled.
        lower_scaled = False
        if value_max is None and infix is None:
            rng = self._range_tail(text, end, unit, per_word=m.group("pct") if form == "pct" else None)
            if rng is not None:
                end, hi, hi_unit, hi_factor, sep = rng
                if unit is None and hi_unit is None and factor == 1:
                    value = multiply(value, hi_factor)  # 3至5亿: the magnitude is shared
                had_mag = had_mag or hi_factor != 1
                if unit is None and hi_unit is not None:
                    if factor == 1:
                        # 3至5万元: the magnitude is shared
                        value = multiply(value, multiply(hi_factor, hi_unit.scale))
                    else:  # 1.2万—1.5万人
                        value = multiply(value, divide(hi_unit.scale, _scale_magnitude(hi_unit)))
                    lower_scaled = True
                unit = unit or hi_unit
                value_max, qualifier, marker = hi, "range", sep
                if unit is not None and not lower_scaled:
                    value = multiply(value, unit.scale)
                    lower_scaled = True
        if unit is not None and not lower_scaled and unit.scale != 1:
            value = multiply(value, unit.scale)
            if value_max is not None:
                value_max = multiply(value_max, unit.scale)
        if value_max is not None and value_max < value:
            value, value_max = value_max, value  # 7%—6.5%: a range's bounds in either order
        suffix = self._suffix_at(text, end)
        if suffix is not None and qualifier == "exact":
            qualifier, marker = self._suffix[suffix], suffix
            end += len(suffix)
        elif suffix is not None and qualifier == "more_than" and suffix == "多":
            end += len(suffix)
        start = num_start
        prefix = self._prefix_before(text, num_start)
        if prefix is not None and (qualifier == "exact" or self._prefix[prefix] == qualifier):
            qualifier, marker = self._prefix[prefix], prefix
            start = num_start - len(prefix)
        elif prefix is None and qualifier == "exact":
            lo = max(0, num_start - self._adverb_reach)
            near = self._adverb_first(text, lo, num_start) is not None
            adverb = self._adverb.search(text[lo:num_start]) if near else None
            if adverb is not None:  # 至少引进5个: the marker is not adjacent, so not in the span
                qualifier, marker = self._adverb_of[adverb.group(1)], adverb.group(1)
        if unit is None:
            surface = text[num_start:num_end]
            rule = "bare" if had_mag or "万" in surface or "亿" in surface else "no_unit"
        kind = unit.kind if unit is not None else "other"
        cand = Candidate(
            start,
            end,
            value,
            value_max,
            unit,
            unit.surface if unit else None,
            qualifier,
            marker,
            kind,
            rule,
            num_start,
            num_end,
            chinese,
        )
        return cand, end

    def _range_tail(
        self, text: str, pos: int, unit: UnitSpec | None, per_word: str | None = None
    ) -> tuple[int, Decimal, UnitSpec | None, Decimal, str] | None:
        """The second bound of a range starting at ``pos``: (end, value, unit, magnitude, separator)."""
        if text[pos : pos + 1] not in self._separator_first:
            return None
        for sep in self._separators:
            if text.startswith(sep, pos):
                break
        else:
            return None
        m = self._number.match(text, pos + len(sep))
        if m is None:
            return None
        if per_word is not None:
            # 百分之五至百分之八: both bounds in words.
            if m.group("pct") != per_word:
                return None
            parsed = self._numeral(m)
            return None if parsed is None else (m.end(), parsed[0], unit, Decimal(1), sep)
        if _FORM[m.lastgroup or ""] not in ("ar", "ch"):
            return None
        parsed = self._numeral(m)
        if parsed is None or parsed[1] is not None:
            return None
        end, factor, infix, hi_unit, _ = self._read_tail(text, m.end())
        if infix is not None:
            return None
        if unit is not None and hi_unit is not None and hi_unit.name != unit.name:
            return None
        if unit is not None and hi_unit is None:
            return None
        hi = parsed[0] if factor is _ONE else multiply(parsed[0], factor)
        if hi_unit is not None and hi_unit.scale != 1:
            hi = multiply(hi, hi_unit.scale)
        return end, hi, hi_unit, factor, sep


# ---------------------------------------------------------------------- trap rules
_Rule = Callable[["QuantityFinder", _Context, Candidate], bool]
#: Rules that test ``c.chinese`` first (their code says so): an Arabic numeral never fires them.
_CHINESE_ONLY = frozenset({"trap.quoted", "trap.lone_one", "trap.lone_zero", "trap.phase"})
#: The unit of a year (2025年) and of a period of years (过去5年), which trap.year and trap.period test.
_YEAR_UNITS = frozenset({"年"})


def _in_trap_phrase(f: QuantityFinder, ctx: _Context, c: Candidate) -> bool:
    """Is the numeral inside a set phrase of the text (the phrases found overlapped)?

    A phrase holding the numeral starts at most ``_phrase_reach`` characters before its end and
    at or before its start: only those starts are tried, each with the lengths of the phrases
    that open with its character.  A longer phrase at a start holds whatever a shorter one holds,
    so this is the answer of the overlapped search of the whole text, which finds the longest
    phrase at each start (``tests/test_quantities.py`` compares the two).
    """
    t = ctx.text
    if f._trap_phrases is None or t[c.num_start : c.num_end] not in f._phrase_parts:
        return False
    lengths_from, phrases, n = f._phrase_lengths_from, f._phrases, len(t)
    for start in range(max(0, c.num_end - f._phrase_reach), c.num_start + 1):
        for length in lengths_from.get(t[start], ()):
            end = start + length
            if end < c.num_end:
                break  # the lengths come longest first: the rest end sooner still
            if end <= n and t[start:end] in phrases:
                return True
    return False


def _chinese_in_quotes(f: QuantityFinder, ctx: _Context, c: Candidate) -> bool:
    return c.chinese and _inside(ctx.quote_spans, ctx.quote_starts, c.num_start, c.num_end)


def _code(f: QuantityFinder, ctx: _Context, c: Candidate) -> bool:
    t = ctx.text
    before = t[c.num_start - 1] if c.num_start > 0 else ""
    after = t[c.num_end] if c.num_end < len(t) else ""
    return (before.isascii() and before.isalpha()) or (c.unit is None and after.isascii() and after.isalpha())


def _ordinal(f: QuantityFinder, ctx: _Context, c: Candidate) -> bool:
    t = ctx.text
    if f._ordinal_last is not None and (c.start == 0 or t[c.start - 1] not in f._ordinal_last):
        return False
    return t[max(0, c.start - 4) : c.start].endswith(f._ordinal)


def _label(f: QuantityFinder, ctx: _Context, c: Candidate) -> bool:
    t = ctx.text
    if f._label_first is not None and t[c.num_end : c.num_end + 1] not in f._label_first:
        return False
    return t.startswith(f._label_suffixes, c.num_end)


def _year(f: QuantityFinder, ctx: _Context, c: Candidate) -> bool:
    if c.unit is None or c.unit.surface not in _YEAR_UNITS:
        return False
    traps = f.lexicon.traps
    numeral = ctx.text[c.num_start : c.num_end].lstrip("-−")
    bounds = [c.value] if c.value_max is None else [c.value, c.value_max]
    positional = c.chinese and len(numeral) == 4 and "十" not in numeral and "百" not in numeral
    return positional or (
        not c.chinese
        and any(traps.year_min <= b <= traps.year_max and b == b.to_integral_value() for b in bounds)
        and len(numeral) == 4
    )


def _magnitude(f: QuantityFinder, ctx: _Context, c: Candidate) -> bool:
    # adjusted() is the power of ten of the leading digit: 10**17 has 18 integer digits.
    limit = f._max_integer_digits
    return c.value.adjusted() >= limit or (c.value_max is not None and c.value_max.adjusted() >= limit)


def _lone_zero(f: QuantityFinder, ctx: _Context, c: Candidate) -> bool:
    # 零部件, 零售, 〇号: a numeral that is only 零 counts nothing.
    return c.chinese and c.value == 0 and ctx.text[c.num_start : c.num_end] in ("零", "〇")


def _lone_one(f: QuantityFinder, ctx: _Context, c: Candidate) -> bool:
    # 一批, 一条心, 一家人, 一人一档: a bare 一 before a measure word or a time unit is an article
    # or part of a set phrase, not a count of one (一倍, 一亿元 and 一个百分点 are quantities).
    return (
        c.chinese
        and c.num_end - c.num_start == 1
        and ctx.text[c.num_start] == "一"
        and (c.unit is None or c.unit.kind in ("count", "duration"))
    )


#: The implementation of each trap rule id; ``traps.toml`` lists the ids in precedence order.
def _phase(f: QuantityFinder, ctx: _Context, c: Candidate) -> bool:
    traps = f.lexicon.traps
    if not c.chinese or c.unit is None or c.unit.surface not in traps.phase_units:
        return False
    t = ctx.text
    if t[c.num_start] in "两几":
        return False
    before = t[max(0, c.num_start - 4) : c.num_start]
    if before.endswith(tuple(traps.phase_count_before)):
        return False
    if c.value >= 10:
        return True  # 十四届全国人大, 十一届十次全会: sessions, whatever stands before
    return c.num_start > 0 and (bool(_HAN.match(t[c.num_start - 1])) or t[c.num_start - 1] in '”"）)')


def _rank(f: QuantityFinder, ctx: _Context, c: Candidate) -> bool:
    traps = f.lexicon.traps
    if c.unit is None or c.unit.surface not in traps.rank_units:
        return False
    return ctx.text[max(0, c.start - 4) : c.start].endswith(tuple(traps.rank_before))


def _period(f: QuantityFinder, ctx: _Context, c: Candidate) -> bool:
    if c.unit is None or c.unit.surface not in _YEAR_UNITS or c.qualifier != "exact":
        return False
    return ctx.text[max(0, c.start - 2) : c.start].endswith(tuple(f.lexicon.traps.period_before))


def _financial_alone(f: QuantityFinder, ctx: _Context, c: Candidate) -> bool:
    return c.num_end - c.num_start == 1 and ctx.text[c.num_start] in f.lexicon.traps.financial_digits


TRAP_RULES: dict[str, _Rule] = {
    "trap.magnitude": _magnitude,
    "trap.phrase": _in_trap_phrase,
    "trap.quoted": _chinese_in_quotes,
    "trap.code": _code,
    "trap.ordinal": _ordinal,
    "trap.label": _label,
    "trap.year": _year,
    "trap.lone_one": _lone_one,
    "trap.lone_zero": _lone_zero,
    "trap.phase": _phase,
    "trap.rank": _rank,
    "trap.period": _period,
    "trap.financial_alone": _financial_alone,
}

"""What a number means: its object, direction, status, indicator and period.

Rules come from ``data/rules.toml`` and ``data/indicators.toml``; each decision records the id of
the rule that made it.  The classifier looks only at the clause around a number and segments
only that clause (:mod:`extractor.segment`), so its cost grows with the number of metrics, not
with the length of the document.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import regex

from .lexicon import Lexicon, load_lexicon
from .quantities import Candidate
from .segment import get_segmenter

__all__ = ["Classifier", "Meaning"]

# A clause ends at these; an object never reaches across them.
_CLAUSE_BREAK = "，,。；;！？!?：:\n、（）()《》"
_SENTENCE_BREAK = "。！？!?\n；;"
_QUOTED = regex.compile(r"“[^“”\n]{0,40}”|\"[^\"\n]{0,40}\"|《[^《》\n]{0,40}》")
_YEAR = regex.compile(r"(?<![0-9])((?:19|20)[0-9]{2})年(?!代)")
_STRIP = "“”\"'‘’「」《》 \t"
# Object-bearing kinds: "182名领导干部" counts 领导干部 (after the number); a money or percent
# figure is a value of what comes before it ("签约额170亿元", "增长5%").
_AFTER_KINDS = frozenset({"count", "area", "length", "weight", "volume", "energy"})
_MAX_OBJECT = 24


def _alternation(words: Sequence[str]) -> regex.Pattern[str]:
    return regex.compile("|".join(regex.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w))))


def _ends_with(text: str, words: tuple[str, ...]) -> str | None:
    """The longest of ``words`` that ``text`` ends with (``words`` sorted longest first)."""
    for w in words:
        if text.endswith(w):
            return w
    return None


@dataclass(slots=True)
class Meaning:
    """What the classifier decided for one candidate."""

    object: str | None = None
    direction: str | None = None
    status: str = "actual"
    indicator: str | None = None
    period: int | None = None
    rules: tuple[str, ...] = ()


class Classifier:
    """Applies the rule table to candidates in their text."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        lex = lexicon or load_lexicon()
        rules = lex.rules
        self._links = tuple(sorted(rules.links, key=len, reverse=True))
        self._comparisons = tuple(sorted(rules.object.comparisons, key=len, reverse=True))
        self._determiners = tuple(sorted(rules.object.determiners, key=len, reverse=True))
        self._direction_words: list[tuple[str, str, str]] = sorted(
            ((w, r.value, r.id) for r in rules.direction for w in r.words), key=lambda t: -len(t[0])
        )
        self._direction_tuple = tuple(w for w, _, _ in self._direction_words)
        self._direction_of = {w: (v, i) for w, v, i in self._direction_words}
        self._verbs = _alternation(rules.object.verbs)
        self._status_cues = _alternation([w for r in rules.status for w in r.words])
        self._status_of = {w: (r.value, r.id) for r in rules.status for w in r.words}
        self._not_cues = _alternation(rules.not_cues)
        self._heading_cues = tuple(rules.heading_cues)
        self._indicators = sorted(
            ((alias, ind.id) for ind in lex.indicators for alias in ind.aliases), key=lambda t: -len(t[0])
        )

    # ------------------------------------------------------------------ helpers
    def _strip_links(self, text: str) -> str:
        changed = True
        while changed and text:
            changed = False
            w = _ends_with(text, self._links)
            if w:
                text, changed = text[: -len(w)], True
        return text

    def _strip_determiners(self, text: str) -> str:
        changed = True
        while changed and text:
            changed = False
            for w in self._determiners:
                if text.startswith(w) and len(text) > len(w):
                    text, changed = text[len(w) :], True
                    break
        return text

    def _verb_spans(self, clause: str) -> list[tuple[int, int]]:
        """Verb occurrences in ``clause`` that fall on word boundaries."""
        matches = [m.span() for m in self._verbs.finditer(clause, overlapped=False)]
        if not matches:
            return []
        bounds = get_segmenter().boundaries(clause)
        return [(s, e) for s, e in matches if s in bounds and e in bounds]

    def heading_is_target(self, heading: str) -> bool:
        """Is a section with this heading about goals (今年工作, 主要目标)?"""
        return any(cue in heading for cue in self._heading_cues)

    def _sentence_status(self, sentence: str) -> tuple[str, str] | None:
        masked = _QUOTED.sub(lambda m: "□" * len(m.group(0)), sentence)
        masked = self._not_cues.sub(lambda m: "□" * len(m.group(0)), masked)
        m = self._status_cues.search(masked)
        return self._status_of[m.group(0)] if m else None

    def _indicator(self, obj: str | None) -> str | None:
        if not obj:
            return None
        for alias, ind in self._indicators:
            if alias in obj:
                return ind
        return None

    # ------------------------------------------------------------------ main
    def classify(
        self,
        text: str,
        cands: Sequence[Candidate],
        section_info: Callable[[int], tuple[bool, int | None]] | None = None,
    ) -> list[Meaning]:
        """Meaning of each candidate (in order) in ``text``.

        ``section_info(pos)`` tells whether the section around ``pos`` is about goals (its heading
        says 今年工作, 主要目标 …) and which year its heading names, if any.
        """
        out: list[Meaning] = []
        prev_end = -1
        prev: Meaning | None = None
        prev_sentence = -1
        for c in cands:
            clause_start = c.start
            while clause_start > 0 and text[clause_start - 1] not in _CLAUSE_BREAK:
                clause_start -= 1
            clause_end = c.end
            while clause_end < len(text) and text[clause_end] not in _CLAUSE_BREAK:
                clause_end += 1
            sentence_start = c.start
            while sentence_start > 0 and text[sentence_start - 1] not in _SENTENCE_BREAK:
                sentence_start -= 1
            sentence_end = c.end
            while sentence_end < len(text) and text[sentence_end] not in _SENTENCE_BREAK:
                sentence_end += 1
            same_clause = prev_end >= clause_start
            seg_start = prev_end if same_clause else clause_start
            before = text[seg_start : c.start]
            rules: list[str] = []
            meaning = Meaning()

            # direction -------------------------------------------------------------
            core = self._strip_links(before)
            verb = _ends_with(core, self._direction_tuple)
            if verb is not None:
                meaning.direction, rid = self._direction_of[verb]
                rules.append(rid)
                core = self._strip_links(core[: -len(verb)])
            else:
                opener = self._strip_determiners(text[clause_start : c.start])
                for w in self._direction_tuple:
                    if opener.startswith(w) and len(w) >= 2:
                        meaning.direction, rid = self._direction_of[w]
                        rules.append(rid + ".opens_clause")
                        break
                if meaning.direction is None and prev is not None and same_clause and before.strip() in ("和", "与", "及"):
                    meaning.direction = prev.direction
                    if prev.direction:
                        rules.append("direction.inherit")
            cmp_word = _ends_with(core, self._comparisons)
            while cmp_word:
                core = self._strip_links(core[: -len(cmp_word)])
                cmp_word = _ends_with(core, self._comparisons)

            # object ----------------------------------------------------------------
            obj: str | None = None
            if c.kind in _AFTER_KINDS and c.unit is not None and c.unit.surface not in ("人", "万人", "人次"):
                after = text[c.end : clause_end]
                stop = len(after)
                for i, ch in enumerate(after):
                    if ch.isdigit() or ch in "%‰":
                        stop = i
                        break
                after = after[:stop]
                spans = self._verb_spans(after) if after else []
                if spans:
                    after = after[: spans[0][0]]
                after = self._strip_links(after.strip(_STRIP)).strip(_STRIP)
                if after and "的" not in after[:1]:
                    obj = after
                    rules.append("object.after")
            if obj is None and core:
                spans = self._verb_spans(core)
                noun = core[spans[-1][1] :] if spans else core
                noun = self._strip_determiners(noun.strip(_STRIP)).strip(_STRIP)
                if noun:
                    obj = noun[-_MAX_OBJECT:]
                    rules.append("object.before")
            if obj is None and prev is not None and prev_sentence == sentence_start and prev.object:
                obj = prev.object
                rules.append("object.inherit")
            meaning.object = obj

            # status ----------------------------------------------------------------
            status = self._sentence_status(text[sentence_start:sentence_end])
            if status is not None:
                meaning.status, rid = status
                rules.append(rid)
            in_target, heading_year = section_info(c.start) if section_info else (False, None)
            if status is None and in_target:
                meaning.status = "target"
                rules.append("status.target_section")

            # indicator and period --------------------------------------------------
            meaning.indicator = self._indicator(obj)
            years = _YEAR.findall(text, sentence_start, c.start)
            if years:
                meaning.period = int(years[-1])
            else:
                meaning.period = heading_year
            meaning.rules = tuple(rules)
            out.append(meaning)
            prev, prev_end, prev_sentence = meaning, c.end, sentence_start
        return out

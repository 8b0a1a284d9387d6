"""What a number means: its object, direction, status, indicator and period.

Rules come from ``data/rules.toml`` and ``data/indicators.toml``; each decision records the id of
the rule that made it.  The classifier looks only at the clause around a number and segments
only that clause (:mod:`extractor.segment`), so its cost grows with the number of metrics, not
with the length of the document.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import regex

from .lexicon import Lexicon, alternation, lengths_by, load_lexicon
from .quantities import Candidate
from .scanning import char_search
from .segment import get_segmenter
from .tense import Context, Tenses

__all__ = ["Classifier", "Meaning"]

# A clause ends at these; an object never reaches across them.
_CLAUSE_BREAK = "，,。；;！？!?：:\n、《》"
# The same without 、, for finding a 分别 list's subjects.
_CLAUSE_BREAK_NO_LIST = "，,。；;！？!?：:\n《》"
# A parenthesis closing the text before a number: 生产总值(GDP)262.6亿元.
_PAREN_TAIL = re.compile(r"[（(][^（）()]{0,16}[）)]$")
_PAREN_HEAD = re.compile(r"^[（(][^（）()]{0,30}[）)]")
_SENTENCE_BREAK = "。！？!?\n；;"
_QUOTED = re.compile(r"“[^“”\n]{0,40}”|\"[^\"\n]{0,40}\"|《[^《》\n]{0,40}》")
_HAN_CHAR = regex.compile(r"\p{Han}")
_QUOTE_CHARS = str.maketrans("", "", "“”\"'‘’「」")
_QUOTE_FOUND = char_search(chr(c) for c in _QUOTE_CHARS)
# Object-bearing kinds: "182名领导干部" counts 领导干部 (after the number); a money or percent
# figure is a value of what comes before it ("签约额170亿元", "增长5%").
_AFTER_KINDS = frozenset({"count", "area", "length", "weight", "volume", "energy"})
_MAX_OBJECT = 24
# A lead sentence ("支持科技创新。") that names the topic of the sentence after it is short.
_MAX_LEAD = 14
# What ends a 、 list of items sharing one opening verb.
_LIST_BREAK = frozenset("，,。；;：:！？!?\n")
_NUMERAL_START = frozenset("一二三四五六七八九十两半百千万亿几")
_CLAUSE_INNER = re.compile(r"[，,、；;：:]")
# "营业收入超亿元的工业企业": a measure, a threshold, 的 and the entities counted.
_THRESHOLD_PHRASE = regex.compile(
    r"(?P<measure>\p{Han}{2,}?)(?:超过|超|突破|达到|达|在)[^的]{1,12}的(?P<entity>\p{Han}{2,})"
)
# An adverbial of place or time (在实际工作中, 在全省范围内), never an object.
_FENBIE = re.compile("分别")
_ADVERBIAL = re.compile(r"在.{0,12}[中上下内里]")


def _pattern(words: Sequence[str]) -> re.Pattern[str]:
    """Any of ``words``, longest first.  The standard library's engine finds a plain alternation of
    words two to four times faster than ``regex`` does (same matches: leftmost, longest first)."""
    return re.compile(alternation(words))


class _Suffixes:
    """Which of a word list a text ends with (longest first), in a few set look-ups."""

    def __init__(self, words: Sequence[str]) -> None:
        self._words = frozenset(w for w in words if w)
        # Most texts end in a character no word ends in, which one look-up tells.
        self._lengths = lengths_by(self._words, first=False)

    def longest(self, text: str) -> str | None:
        for n in self._lengths.get(text[-1:], ()):
            tail = text[-n:]
            if len(tail) == n and tail in self._words:
                return tail
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
        self._links = _Suffixes(rules.links)
        self._not_links = tuple(rules.not_links)
        self._comparisons = _Suffixes(rules.object.comparisons)
        ob = rules.object
        self._comparison_tail = re.compile(
            rf"(?:{alternation(ob.comparison_heads)})"
            rf"(?:(?:19|20)[0-9]{{2}}年(?:末|底|同期)?|{alternation(ob.comparison_bases)})"
            rf"(?:预算|同期|平均)?(?:相比|水平|高出|低出|高|低|多|少|快|慢)?$"
        )
        self._trailing_adverbs = _Suffixes(ob.trailing_adverbs)
        self._after_trailers = frozenset(ob.after_trailers)
        self._after_stops = frozenset(ob.after_stops)
        self._after_stop_found = char_search(self._after_stops)
        self._share_units = frozenset(ob.share_units)
        self._inner_links = frozenset(ob.inner_links)
        self._distributive = sorted(ob.distributive.items(), key=lambda kv: -len(kv[0]))
        # One or more determiners opening a phrase: 全年, 其中, 全县 …
        self._determiner_run = re.compile(f"^(?:{alternation(rules.object.determiners)})+")
        self._determiner_first = frozenset(w[0] for w in rules.object.determiners if w)
        # A year opening a noun phrase: 2022年万载县农业机械总动力 → 万载县农业机械总动力.
        self._year_head = re.compile(
            rf"^(?:到|至|在|截至)?(?:19|20)[0-9]{{2}}年(?:{alternation(rules.object.year_parts)})?"
        )
        # The subjects of a 分别 list are split where the bounds would be joined (、, 和, 及 …).
        self._list_split = _pattern(rules.conjunctions)
        self._adverbs = frozenset(rules.object.adverbs)
        self._heads = frozenset(rules.object.heads)
        self._nominal_verbs = frozenset(rules.object.nominal_verbs)
        self._direction_words: list[tuple[str, str, str]] = sorted(
            ((w, r.value, r.id) for r in rules.direction for w in r.words), key=lambda t: -len(t[0])
        )
        self._direction_verbs = _Suffixes([w for w, _, _ in self._direction_words])
        self._nominal_directions = frozenset(w for r in rules.direction if r.keeps_object for w in r.words)
        self._direction_opener = _pattern(
            [w for w, _, _ in self._direction_words if len(w) >= 2 and w not in rules.not_openers]
        )
        self._not_for_counts = frozenset(rules.not_for_counts)
        self._direction_of = {w: (v, i) for w, v, i in self._direction_words}
        self._verbs = _pattern(rules.object.verbs)
        self._verb_set = frozenset(rules.object.verbs)
        self._status_cues = _pattern([w for r in rules.status for w in r.words])
        self._status_of = {w: (r.value, r.id) for r in rules.status for w in r.words}
        self._status_in_review = {
            w: (r.in_review, r.id + ".review") for r in rules.status if r.in_review for w in r.words
        }
        self.tenses = Tenses(rules)
        self._not_cues = _pattern(rules.not_cues)
        self._noun_cues = frozenset(rules.noun_cues)
        self._stative_links = tuple(rules.stative_links)
        self._conjunctions = frozenset(rules.conjunctions)
        self._before_units = frozenset(rules.object.before_units)
        self._people_cues = tuple(sorted(lex.context.bare_magnitude.people_after, key=len, reverse=True))
        self._people_heads = _pattern(lex.context.bare_magnitude.people_heads)
        self._indicator_of = {alias: ind.id for ind in lex.indicators for alias in ind.aliases}
        self._indicator_kinds = {ind.id: frozenset(ind.kinds) for ind in lex.indicators if ind.kinds}
        self._indicator_any = _pattern(list(self._indicator_of))
        self._alias_lengths_from = lengths_by(self._indicator_of)
        self._own_region = tuple(rules.object.own_region)
        self._shares = tuple(rules.object.shares)
        self._links_at_start = _pattern([*rules.links, *rules.object.indicator_leads])

    # ------------------------------------------------------------------ helpers
    def _strip_links(self, text: str) -> str:
        changed = True
        while changed and text:
            changed = False
            w = self._links.longest(text)
            if w and not text.endswith(self._not_links):
                text, changed = text[: -len(w)], True
        return text

    def _strip_determiners(self, text: str) -> str:
        if text[:1] not in self._determiner_first:  # most texts open with none: one set look-up
            return text
        m = self._determiner_run.match(text)
        return text if m is None else text[m.end() :]

    def _verb_spans(self, clause: str) -> list[tuple[int, int]]:
        """Verb occurrences in ``clause`` that fall on word boundaries."""
        matches = [m.span() for m in self._verbs.finditer(clause)]
        if not matches:
            return []
        bounds = get_segmenter().boundaries(clause)
        return [(s, e) for s, e in matches if s in bounds and e in bounds]

    def _status_cue_positions(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, cue) of every status cue in ``text`` outside quotes and not-cues."""
        masked = _QUOTED.sub(lambda m: "□" * len(m.group(0)), text)
        masked = self._not_cues.sub(lambda m: "□" * len(m.group(0)), masked)
        return [(m.start(), m.end(), m.group(0)) for m in self._status_cues.finditer(masked)]

    def _sentence_status(
        self, text: str, cues: list[tuple[int, int, str]], start: int, pos: int, review: bool
    ) -> tuple[str, str] | None:
        """The first status cue between ``start`` (the sentence's) and the number at ``pos``."""
        i = bisect_left(cues, (start, -1, ""))
        while i < len(cues) and cues[i][1] <= pos:
            _, end, word = cues[i]
            i += 1
            nxt = text[end : end + 1] if end < pos else ""
            # 计划投资, 安排资金 are plans; 实施倍增计划，… names a programme.
            if word in self._noun_cues and not (nxt.isdigit() or _HAN_CHAR.match(nxt)):
                continue
            if review and word in self._status_in_review:
                return self._status_in_review[word]
            return self._status_of[word]
        return None

    def _indicator(self, obj: str | None, kind: str, own: tuple[str, ...]) -> str | None:
        """The indicator ``obj`` names, if it is that indicator of the report's own region.

        ``own`` are the words naming the region (全省, 广东省, 广东 …).  Another word before the
        alias (海洋生产总值, 大湾区经济总量), a share (占GDP比重) or a kind that cannot measure the
        indicator ("20条") gives none.
        """
        if not obj or self._indicator_any.search(obj) is None:  # most texts name none: one scan
            return None
        alias, at = self._longest_alias(obj)
        if at < 0:
            return None
        ind = self._indicator_of[alias]
        kinds = self._indicator_kinds.get(ind)
        if kinds is not None and kind not in kinds:
            return None
        if any(w in obj and w not in alias for w in self._shares):
            return None
        prefix = obj[:at]
        while prefix:
            head = prefix.startswith(own) and next(w for w in own if prefix.startswith(w))
            if not head:
                m = self._links_at_start.match(prefix)
                head = m.group(0) if m is not None else ""
            if not head:
                return None
            prefix = prefix[len(head) :]
        return ind

    def _longest_alias(self, text: str) -> tuple[str, int]:
        """The longest indicator alias in ``text`` (the first of the longest) and where it starts;
        ``("", -1)`` for none."""
        alias, at = "", -1
        aliases, lengths_from, n = self._indicator_of, self._alias_lengths_from, len(text)
        for i in range(n):
            for length in lengths_from.get(text[i], ()):
                if length <= len(alias):
                    break  # longest first: no longer one starts here
                if i + length <= n and text[i : i + length] in aliases:
                    alias, at = text[i : i + length], i
                    break
        return alias, at

    def own_region_words(self, region: str | None) -> tuple[str, ...]:
        """Words naming the report's own region: 全省, 我省 … and 广东省, 广东 for 广东省."""
        words = list(self._own_region)
        if region:
            words.append(region)
            stem = regex.sub(r"(?:省|市|自治区|特别行政区|县|区|自治州|州|盟|旗)$", "", region)
            if len(stem) >= 2:
                words.append(stem)
        return tuple(sorted(set(words), key=len, reverse=True))

    # ------------------------------------------------------------------ stages
    def _direction(
        self, core: str, opener: str, prev: Meaning | None, conjoined: bool, kind: str
    ) -> tuple[str | None, str | None, str]:
        """(direction, rule id, core without the verb) for the text before a number."""
        verb = self._direction_verbs.longest(core)
        if verb is not None and kind in _AFTER_KINDS and verb in self._not_for_counts:
            return None, None, self._strip_links(core[: -len(verb)])
        if verb is not None:
            direction, rid = self._direction_of[verb]
            if verb in self._nominal_directions:
                return direction, rid, core
            return direction, rid, self._strip_links(core[: -len(verb)])
        # 降低利息负担约2000亿元: the verb opens the clause and the number follows its object
        # directly; not after a stative link (增长面达到42.8% states a level, not a change).
        if not self._stative_end(opener):
            m = self._direction_opener.match(self._strip_determiners(opener))
            if m is not None:
                direction, rid = self._direction_of[m.group(0)]
                return direction, rid + ".opens_clause", core
        if conjoined and prev is not None and prev.direction:
            return prev.direction, "direction.inherit", core
        return None, None, core

    def _head_after(self, text: str, end: int, clause_end: int) -> str | None:
        if not text.startswith("的", end):
            return None
        after = text[end + 1 : min(clause_end, end + 6)]
        for n in range(len(after), 0, -1):
            if after[:n] in self._heads and n >= 2:
                return after[:n]
        return None

    def _inherited(self, obj: str, kind: str) -> str:
        """An object carried to the next number of a sentence.

        A threshold phrase ("营业收入超亿元的工业企业达58户，其中超10亿元的6户") splits: a money or
        percent threshold measures what comes before it (营业收入), a count counts what follows
        (工业企业).
        """
        m = _THRESHOLD_PHRASE.fullmatch(obj)
        if m is None:
            return obj
        part: str = m.group("entity") if kind in _AFTER_KINDS or kind == "count" else m.group("measure")
        return part

    def _carried(self, text: str, clause_start: int, sentence_start: int) -> str | None:
        """The object named by the clause before, or by a short lead sentence before this one."""
        if clause_start > sentence_start:
            prev_clause_start = text.rfind("，", sentence_start, clause_start - 1) + 1
            prev_clause_start = max(prev_clause_start, sentence_start)
            clause = text[prev_clause_start : clause_start - 1].strip()
        else:
            lead_start = max(text.rfind(ch, 0, sentence_start - 1) for ch in "。！？\n") + 1
            clause = text[lead_start : sentence_start - 1].strip() if sentence_start > 0 else ""
            if len(clause) > _MAX_LEAD or text[sentence_start - 1 : sentence_start] != "。":
                return None
        if not clause or any(ch.isdigit() for ch in clause) or _CLAUSE_INNER.search(clause):
            return None
        spans = self._verb_spans(clause)
        if not spans:
            return None
        obj = self._object_before(clause)
        if not obj or len(obj) < 2 or obj[0] in _NUMERAL_START:
            return None  # 条目减少一半: a quantity word, not a topic
        return obj

    def _strip_trailing_adverbs(self, noun: str) -> str:
        tail = self._trailing_adverbs.longest(noun)
        while tail:
            noun = noun[: -len(tail)]
            tail = self._trailing_adverbs.longest(noun)
        return noun

    def _strip_comparisons(self, core: str) -> str:
        """Drop a comparison before the number: 较上年度增加 → 增加's subject, not 较上年度."""
        while core:
            cmp_word = self._comparisons.longest(core)
            if cmp_word:
                core = self._strip_links(core[: -len(cmp_word)])
                continue
            m = self._comparison_tail.search(core)
            if m is None:
                break
            core = self._strip_links(core[: m.start()])
        return core

    def _stative_end(self, before: str) -> bool:
        return before.rstrip().endswith(self._stative_links)

    def _object_after(self, text: str, c: Candidate, clause_end: int) -> str | None:
        """The noun after a count: 182名领导干部 → 领导干部."""
        paren = (
            _PAREN_HEAD.match(text[c.end : c.end + 32]) if text[c.end : c.end + 1] in ("（", "(") else None
        )
        if paren is not None:
            # 2813.8万辆（艘、架、列）次: the list inside the note does not end the clause.
            start = c.end + paren.end()
            clause_end = min(
                (text.find(ch, start) % (len(text) + 1) for ch in _CLAUSE_BREAK), default=len(text)
            )
            after = text[start:clause_end]
        else:
            after = text[c.end : clause_end]
        cut_at_number = False
        for i, ch in enumerate(after):
            if ch.isdigit() or ch in "%‰":
                after, cut_at_number = after[:i], True
                break
        if after[:1] in "（(":
            after = _PAREN_HEAD.sub("", after)  # 33.7万千瓦（不包括农业运输车）: a note, not the object
        if cut_at_number:
            # 5个地级市和5个县级城市: the next bound's list word is not part of this object.
            j = max(after.rfind(w) for w in self._conjunctions)
            if j > 0:
                after = after[:j]
        # Word boundaries of the whole text after the number, segmented only when a rule needs them.
        segmented = after
        boundaries = get_segmenter().boundaries
        spans = self._verb_spans(after) if after else []
        if spans:
            after = after[: spans[0][0]]
        # 110万名高校毕业生在粤就业: a preposition opens an adverbial, not part of the noun.
        if self._after_stop_found(after, 2):
            bounds = boundaries(segmented)
            stop = next(
                (i for i, ch in enumerate(after) if i >= 2 and ch in self._after_stops and i in bounds), None
            )
            if stop is not None:
                after = after[:stop]
        # 5个县级城市新获评…: a one-character adverb of the verb after the noun.
        while (
            len(after) > 2 and after[-1] in self._after_trailers and len(after) - 1 in boundaries(segmented)
        ):
            after = after[:-1]
        after = after.split("的", 1)[0]  # 9个专班的工作构架: the count is of 专班
        if after in self._adverbs:
            return None
        after = self._strip_links(after.strip()).strip().strip("的")
        after = self._strip_trailing_adverbs(after)  # 123个项目共计24.5亿元
        if len(after) > 2 and after.endswith("中"):
            after = after[:-1]  # 7种主要工业产品中，有3种…: a postposition
        return after if len(after) >= 2 else None  # 1 character: a unit's tail or a function word

    def _is_head(self, noun: str) -> bool:
        """Does ``noun`` finish a compound with the verb before it (面积, 收集率, 签约额)?"""
        return noun in self._heads or (len(noun) <= 3 and noun[-1:] in self._heads)

    def _object_before(self, core: str) -> str | None:
        """The noun phrase that ends the text before a number: 解决问题270个 → 问题."""
        if core[-1:] in "）)":
            core = _PAREN_TAIL.sub("", core)
        spans = self._verb_spans(core)
        # Verbs that close the phrase after a noun belong to it: 科技创新投入 (investment), 牛出栏,
        # 棚户区住房改造开工.  Find the run of adjacent verbs at the end; with a noun before it
        # (not an adverb such as 已), the whole run is part of the object.
        run = len(spans)
        while (
            run > 0
            and spans[run - 1][1] == (spans[run][0] if run < len(spans) else len(core))
            and core[spans[run - 1][0] : spans[run - 1][1]] in self._nominal_verbs
        ):
            run -= 1
        if run < len(spans):
            head_start = spans[run - 1][1] if run > 0 else 0
            head = core[head_start : spans[run][0]]
            if head and head not in self._adverbs:
                del spans[run:]
        # 粮食种植面积, 出口总额, 签约额: a head noun after a verb makes a compound with it.
        inner: list[tuple[int, int]] = []
        while spans and self._is_head(core[spans[-1][1] :]):
            inner.append(spans.pop())
        noun_start = spans[-1][1] if spans else 0
        noun = core[noun_start:]
        # 跨境电商完成交易额: a link verb inside the compound is not part of what is measured.
        for vs, ve in inner:
            if core[vs:ve] in self._inner_links and vs > noun_start:
                noun = noun[: vs - noun_start] + noun[ve - noun_start :]
        if spans and not noun.strip() and spans[-1][0] > 0:
            # 地区生产总值连续跨越7万亿: nothing between the verb and the number, so the number is
            # what the subject before the verb reached.
            noun = core[spans[-2][1] if len(spans) > 1 else 0 : spans[-1][0]]
            if noun in self._adverbs:
                noun = ""
        noun = noun.strip()
        if "年" in noun:
            noun = self._year_head.sub("", noun)
        noun = self._strip_determiners(noun)
        while noun[:2] in self._adverbs or noun[:1] in self._adverbs:
            noun = noun[2:] if noun[:2] in self._adverbs else noun[1:]
        noun = noun.strip("的")
        noun = self._strip_trailing_adverbs(noun)  # 总量连续37年: 连续 says how long, not what
        if len(noun) == 1 and spans and core.endswith(noun) and spans[-1][1] == len(core) - 1:
            noun = core[spans[-1][0] :]  # 国家储备林, 综合服务体: the verb and one character are a noun
        if _ADVERBIAL.fullmatch(noun) or noun in self._verb_set:
            return None  # 在实际工作中 says where, 已办结 what was done: neither is what
        if len(noun) < 2:
            return None  # 在, 前, 年: a function word, never what is measured
        return noun[-_MAX_OBJECT:]

    def _split_distributive(self, subject: str, n: int) -> list[str]:
        """银行机构存贷款余额 with two bounds → 银行机构存款余额, 银行机构贷款余额."""
        for word, parts in self._distributive:
            at = subject.find(word)
            if at >= 0 and len(parts) == n:
                return [subject[:at] + p + subject[at + len(word) :] for p in parts]
        return [subject]

    def _distributed(self, text: str, cands: Sequence[Candidate]) -> dict[int, str]:
        """Objects of 分别 lists: "A、B和C分别增长9.6%、29.1%和3%" gives each bound its subject.

        Linear in the number of candidates: clause starts and 分别 are looked up by bisection, and
        a list's bounds are visited once.
        """
        out: dict[int, str] = {}
        fenbie = [m.start() for m in _FENBIE.finditer(text)]
        if not fenbie:
            return out
        clauses = _Breaks(text, _CLAUSE_BREAK_NO_LIST)
        starts = [c.start for c in cands]
        i = bisect_left(starts, fenbie[0] + 1)  # none before the first 分别
        while i < len(cands):
            c = cands[i]
            k = bisect_left(fenbie, c.start - 1) - 1
            # Is the last 分别 before the number in its clause?  A break between them says no,
            # and says it for every number up to the next 分别: go on from there.
            if k < 0 or clauses.any_between(fenbie[k], c.start):
                if k + 1 >= len(fenbie):
                    break
                i = max(i + 1, bisect_left(starts, fenbie[k + 1] + 1))
                continue
            clause_start = clauses.start_of(c.start)
            at = fenbie[k] - clause_start
            group = [i]
            while group[-1] + 1 < len(cands):
                nxt = cands[group[-1] + 1]
                gap = text[cands[group[-1]].end : nxt.start]
                if len(gap) > 4 or any(ch in _CLAUSE_BREAK_NO_LIST for ch in gap):
                    break
                group.append(group[-1] + 1)
            head = text[clause_start : clause_start + at]
            subjects = [self._strip_determiners(x.strip()) for x in self._list_split.split(head) if x.strip()]
            subjects = _share_tail(subjects)
            if len(subjects) == 1:
                subjects = self._split_distributive(subjects[0], len(group))
            if len(group) > 1 and len(subjects) == len(group):
                for k2, idx in enumerate(group):
                    out[idx] = subjects[k2]
            i = group[-1] + 1
        return out

    # ------------------------------------------------------------------ main
    def classify(
        self,
        text: str,
        cands: Sequence[Candidate],
        context: Callable[[int], Context] | None = None,
        doc_year: int | None = None,
        region: str | None = None,
    ) -> list[Meaning]:
        """Meaning of each candidate (in order) in ``text``.

        ``context(pos)`` tells which way the part of the document around ``pos`` looks (back at
        results or ahead at goals, :mod:`extractor.tense`) and the year it implies; ``doc_year``
        is the document's own year (今年, 去年 are read against it), ``region`` its region (an
        indicator is set only for the report's own region).
        """
        own = self.own_region_words(region)
        decided: dict[tuple[str | None, str], str | None] = {}

        def indicator(name: str | None, kind: str) -> str | None:
            # Reports name the same few figures again and again: each (text, kind) decided once.
            key = (name, kind)
            if key not in decided:
                decided[key] = self._indicator(name, kind, own)
            return decided[key]

        out: list[Meaning] = []
        prev_end = -1
        prev: Meaning | None = None
        prev_sentence = -1
        prev_direction_rule = ""
        carried: str | None = None
        distributed = self._distributed(text, cands)
        clause_breaks = _Breaks(text, _CLAUSE_BREAK)
        sentence_breaks = _Breaks(text, _SENTENCE_BREAK)
        # Cues and period anchors are found once for the text (linear in its length, however
        # long a sentence or a list is) and looked up per number.
        status_cues = self._status_cue_positions(text)
        anchors = self.tenses.anchors(text, doc_year)
        anchor_ends = [a[1] for a in anchors]
        for index, c in enumerate(cands):
            clause_start, clause_end = clause_breaks.around(c.start, c.end)
            # A clause opened by a sentence end (or the text's start) opens its sentence too.
            if clause_start == 0 or text[clause_start - 1] in _SENTENCE_BREAK:
                sentence_start = clause_start
            else:
                sentence_start = sentence_breaks.start_of(c.start)
            same_clause = prev_end >= clause_start
            before = text[prev_end if same_clause else clause_start : c.start].strip()
            rules: list[str] = []
            meaning = Meaning()
            # "分别增长9.6%和29.1%", "下降49.9%、45%": a bound joined to the one before shares its
            # object and direction.
            conjoined = (
                prev is not None
                and prev_end >= sentence_start
                and text[prev_end : c.start].strip() in self._conjunctions
            )

            core = self._strip_links(before)
            meaning.direction, direction_rule, core = self._direction(
                core, text[clause_start : c.start], prev, conjoined, c.kind
            )
            if direction_rule is None and prev is not None and prev.direction:
                # 新增学位3030个、中小学学位2.07万个 / 新增22个试点、8个…: a verb opening the clause
                # governs each item of its 、 list (not one that states a level: 总量达1224家).
                gap = text[prev_end : c.start]
                opened = prev_direction_rule.endswith((".opens_clause", "direction.list"))
                if (
                    "、" in gap
                    and (opened or gap.endswith("、"))
                    and not any(ch in _LIST_BREAK for ch in gap)
                    and not self._stative_end(gap)
                ):
                    meaning.direction, direction_rule = prev.direction, "direction.list"
            if direction_rule:
                rules.append(direction_rule)
            core = self._strip_comparisons(core)

            obj: str | None = None
            if index in distributed:
                obj = distributed[index]
                rules.append("object.distributed")
            elif conjoined and prev is not None and prev.object:
                obj = prev.object
                rules.append("object.conjoined")
            elif c.rule == "bare.people_after":
                obj = _ends_with_prefix(text, c.end, self._people_cues)
                rules.append("object.cue")
            elif c.rule == "bare.people_phrase":
                # 1亿左右农业转移人口: the phrase up to the word that names the people.
                head = self._people_heads.search(text, c.end, clause_end)
                obj = text[c.end : head.end()] if head is not None else None
                rules.append("object.cue")
            elif c.kind in _AFTER_KINDS and c.unit is not None and c.unit.surface not in self._before_units:
                obj = self._object_after(text, c, clause_end)
                if obj:
                    rules.append("object.after")
            if obj is None and core:
                obj = self._object_before(core)
                if obj:
                    rules.append("object.before")
            if obj is None and c.unit is not None and c.unit.surface in self._share_units:
                obj = self._object_after(text, c, clause_end)  # 近七成企业: a share of what follows
                if obj:
                    rules.append("object.after")
            if obj is None and c.kind not in _AFTER_KINDS:
                # 有6.5%—7%的增速: the head noun after 的 names the figure.
                obj = self._head_after(text, c.end, clause_end)
                if obj:
                    rules.append("object.head_after")
            if obj is None and prev is not None and prev_sentence == sentence_start and prev.object:
                # the phrase as the sentence named it, before a threshold split (see _inherited)
                obj = self._inherited(carried or prev.object, c.kind)
                carried = carried or prev.object
                rules.append("object.inherit")
            else:
                carried = None
            if obj is None:
                # 持续推动“郑聚英才”计划，拨付5.1亿元 / 支持科技创新。拨付73.7亿元: the clause
                # before (or the short lead sentence) names what the money or count is for.
                obj = self._carried(text, clause_start, sentence_start)
                if obj:
                    rules.append("object.carried")
            if obj and _QUOTE_FOUND(obj):
                obj = obj.translate(_QUOTE_CHARS)
            meaning.object = obj if obj and len(obj) >= 2 else None  # “…服务圈”: never one character

            # A goal is announced before its figure (力争…, 预期目标是…); a cue after the number
            # is a purpose clause (…,确保任务落实).
            ctx = context(c.start) if context else _NO_CONTEXT
            status = self._sentence_status(text, status_cues, sentence_start, c.start, ctx.tense == "review")
            if status is not None:
                meaning.status, rid = status
                rules.append(rid)
            elif ctx.tense == "plan":
                meaning.status = "target"
                rules.append("status.target_section")

            # The object first; then the words before the number, which still hold a verb that
            # belongs to the indicator's name (经济增长, 居民消费价格涨幅).
            meaning.indicator = indicator(meaning.object, c.kind) or indicator(before, c.kind)
            # The last anchor before the number names its period if it is in the same paragraph
            # (surely so when it is in the same sentence: a line break ends a sentence).
            a = bisect_right(anchor_ends, c.start) - 1
            period = None
            if a >= 0 and (anchors[a][0] >= sentence_start or anchors[a][0] > text.rfind("\n", 0, c.start)):
                period = anchors[a][2]
            if period is None or (
                # A figure already achieved cannot be of a year that has not come (2026年拟新增的
                # 项目 in a 2025 review was counted in 2025): the review's own year.
                meaning.status == "actual" and ctx.tense == "review" and ctx.period and period > ctx.period
            ):
                period = ctx.period
            if period is None:
                # nothing names the year: a goal is the plan year's, a result the reviewed year's
                period = ctx.plan_year if meaning.status == "target" else ctx.review_year
            meaning.period = period
            meaning.rules = tuple(rules)
            out.append(meaning)
            prev, prev_end, prev_sentence = meaning, c.end, sentence_start
            prev_direction_rule = direction_rule or ""
        return out


_NO_CONTEXT = Context(None, None)


def _share_tail(subjects: list[str]) -> list[str]:
    """Restore a shared head noun: 城镇和农村居民人均可支配收入 → 城镇居民人均可支配收入, ….

    When every subject but the last is equally short and the last one is longer, the earlier ones
    were cut short and share the last one's tail.
    """
    if len(subjects) < 2:
        return subjects
    n = len(subjects[0])
    last = subjects[-1]
    if n <= 4 and all(len(x) == n for x in subjects[:-1]) and len(last) > n + 1:
        tail = last[n:]
        return [x + tail for x in subjects[:-1]] + [last]
    return subjects


class _Breaks:
    """The breaks (characters of ``chars``) around spans of ``text``, asked for in text order.

    :meth:`around` scans only the text between the previous span and this one (backwards for
    the break before, forwards for the break after, each remembered), so asking for every
    number of a document reads the text about once, however long its sentences.  A span before
    the previous one is answered by a fresh scan.
    """

    __slots__ = ("_after", "_end", "_forward", "_left", "_start", "_text", "_through_last")

    def __init__(self, text: str, chars: str) -> None:
        self._forward, self._through_last = _break_patterns(chars)
        self._text = text
        self._start = 0  # the last start asked for, and the span start it gave
        self._left = 0
        self._end = 0  # the last end asked for, and the break at or after it
        self._after = -1

    def start_of(self, start: int) -> int:
        """Where the span holding ``start`` begins: just after the last break before it."""
        text = self._text
        if start >= self._start:
            m = self._through_last.match(text, self._start, start)
            left = m.end() if m is not None else self._left
        else:
            m = self._through_last.match(text, 0, start)
            left = m.end() if m is not None else 0
        self._start, self._left = start, left
        return left

    def any_between(self, start: int, end: int) -> bool:
        """Whether a break stands in ``text[start:end]`` (a scan that stops at the first one)."""
        return self._forward.search(self._text, start, end) is not None

    def around(self, start: int, end: int) -> tuple[int, int]:
        """The span between the break before ``start`` and the first break at or after ``end``."""
        text = self._text
        left = self.start_of(start)
        if self._end <= end <= self._after:
            right = self._after
        else:
            m = self._forward.search(text, end)
            right = m.start() if m is not None else len(text)
            self._end, self._after = end, right
        return left, right


@cache
def _break_patterns(chars: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The first break of ``chars`` (``search``), and the text through the last one
    (``match`` from a position: greedy, so it backs off from the end to the last break, which
    reads only the text after that break)."""
    cls = f"[{re.escape(chars)}]"
    return re.compile(cls), re.compile(f"(?s).*{cls}")


def _ends_with_prefix(text: str, pos: int, words: tuple[str, ...]) -> str | None:
    """The longest of ``words`` (sorted longest first) that ``text`` has at ``pos``."""
    for w in words:
        if text.startswith(w, pos):
            return w
    return None

"""Fuzz ``extract``: seeded generated inputs, every invariant checked, crashes grouped and shrunk.

Four generators take turns (chosen by a seeded RNG, so a run is reproducible from its seed):

* ``unicode``: random code points, weighted towards the characters reports are made of;
* ``grammar``: report sentences from a small grammar (numbers, magnitudes, units, qualifiers,
  ranges, lists, headings, 聚焦 items);
* ``mutation``: slices of the sample reports in ``corpora/`` with characters inserted, deleted,
  duplicated and swapped;
* ``special``: edge cases (huge and tiny numbers, long digit runs, reversed ranges, lone
  surrogates, control characters, deep 、 lists).

Every record of every input must hold: no exception; ``text[start:end] == record.text``; values
finite Decimals with ``value <= value_max``; the JSON line validates against the record models;
records ordered by ``start``.  A failure is grouped by kind (exception class and where it was
raised, or the invariant broken); the first input of each kind is shrunk to a minimal
reproducer written to ``--out`` (``<kind>.txt``).

    .venv/bin/python benchmarks/fuzz.py [-n 1000000] [--seed 15] [--jobs 2] [--out fuzz-crashes]

Exit status 1 when any input failed.  ``make fuzz`` runs a million inputs; ``make test`` runs
20,000 of them with a fixed seed (``tests/test_fuzz.py``).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.models import validate_record  # noqa: E402
from extractor.pipeline import Extractor, get_extractor  # noqa: E402
from extractor.writers import json_line  # noqa: E402

__all__ = ["FuzzReport", "check_text", "generate", "main", "run", "shrink"]

_REPORT_CHARS = (
    "0123456789０１２３.．,，%％‰万亿千百十一二三四五六七八九两零〇余多约近以上下内左右个名项元人年月日"
    "第是、。；：“”《》（）\n —-－~～至到增长下降提高减少目标力争预计完成实现PM聚焦分别同比"
)
_NUMBERS = ["0", "7", "12", "1.5", "99.9", "1,200", "３５", "16.4", "100", "2023", "0.05", "3万4000"]
_CN_NUMBERS = ["一", "两", "三", "十二", "一百零五", "二〇二三", "八九", "百分之五", "三分之一", "两三"]
_MAGNITUDES = ["", "", "万", "亿", "万亿", "千", "百"]
_UNITS = ["", "元", "人", "%", "个百分点", "亿元", "万元", "平方米", "公里", "吨", "倍", "个", "户", "年"]
_PREFIX = ["", "", "约", "近", "超过", "不足", "达到", "第"]
_SUFFIX = ["", "", "余", "多", "左右", "以上", "以内"]
_OBJECTS = ["地区生产总值", "城镇新增就业", "固定资产投资", "粮食产量", "居民人均可支配收入", "项目"]
_VERBS = ["增长", "下降", "达到", "完成", "新增", "力争", "预计", "同比增长"]
_SEPARATORS = ["—", "-", "－", "至", "到", "~", "～"]
_HEADINGS = ["一、", "（一）", "1.", "一是", "二是", "聚焦", "第一，"]
_SPECIAL = [
    "10000000000000000000000000000元",
    "1万亿亿亿元",
    "3607536990389984081942750300002000013000亿",
    "9" * 120 + "元",
    "0." + "0" * 60 + "1元",
    "7%—6.5%",
    "5至3个",
    "1.5万—1.2万元",
    "增长1.234567891234567891234567891234%",
    "\ud800元",
    "x\udcb1人",
    "\x00\x01\x7f\u2028\u0085\ufeff",
    "、".join(f"{i}人" for i in range(200)),
    "分别增长" + "、".join(f"{i}%" for i in range(100)),
    "亿" * 300,
    "1" + "亿" * 300 + "元",
    "百分之" + "九" * 50,
    "一" * 200 + "元",
]


def _number(rng: random.Random) -> str:
    if rng.random() < 0.25:
        return rng.choice(_CN_NUMBERS)
    if rng.random() < 0.1:
        return str(rng.randint(0, 10 ** rng.randint(1, 40)))
    if rng.random() < 0.3:
        return f"{rng.randint(0, 99999)}.{rng.randint(0, 999)}"
    return rng.choice(_NUMBERS)


def _quantity(rng: random.Random) -> str:
    q = rng.choice(_PREFIX) + _number(rng) + rng.choice(_MAGNITUDES)
    if rng.random() < 0.2:
        q += rng.choice(_SEPARATORS) + _number(rng) + rng.choice(_MAGNITUDES)
    return q + rng.choice(_UNITS) + rng.choice(_SUFFIX)


def _gen_grammar(rng: random.Random, _corpus: list[str]) -> str:
    sentences = []
    for _ in range(rng.randint(1, 6)):
        parts = [rng.choice(_HEADINGS) if rng.random() < 0.2 else ""]
        parts.append(rng.choice(_OBJECTS) + rng.choice(_VERBS))
        parts.append("、".join(_quantity(rng) for _ in range(rng.choice([1, 1, 1, 2, 3, 6]))))
        parts.append(rng.choice(["。", "，", "；", "\n", ""]))
        sentences.append("".join(parts))
    return "".join(sentences)


def _gen_unicode(rng: random.Random, _corpus: list[str]) -> str:
    out = []
    for _ in range(rng.randint(0, 80)):
        r = rng.random()
        if r < 0.75:
            out.append(rng.choice(_REPORT_CHARS))
        elif r < 0.95:
            out.append(chr(rng.randint(0x20, 0x9FFF)))
        else:
            out.append(chr(rng.randint(0, 0x10FFFF)))
    return "".join(out)


def _gen_mutation(rng: random.Random, corpus: list[str]) -> str:
    doc = rng.choice(corpus)
    start = rng.randrange(len(doc))
    chars = list(doc[start : start + rng.randint(1, 400)])
    for _ in range(rng.randint(0, 8)):
        if not chars:
            break
        i = rng.randrange(len(chars))
        op = rng.randrange(4)
        if op == 0:
            chars.insert(i, rng.choice(_REPORT_CHARS))
        elif op == 1:
            del chars[i]
        elif op == 2:
            chars[i:i] = chars[i : i + rng.randint(1, 10)]
        else:
            j = rng.randrange(len(chars))
            chars[i], chars[j] = chars[j], chars[i]
    return "".join(chars)


def _gen_special(rng: random.Random, corpus: list[str]) -> str:
    pieces = [rng.choice(_SPECIAL) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.5:
        pieces.insert(rng.randrange(len(pieces) + 1), _gen_grammar(rng, corpus))
    return "，".join(pieces)


GENERATORS: dict[str, Callable[[random.Random, list[str]], str]] = {
    "grammar": _gen_grammar,
    "unicode": _gen_unicode,
    "mutation": _gen_mutation,
    "special": _gen_special,
}
_WEIGHTS = {"grammar": 4, "unicode": 3, "mutation": 2, "special": 1}


def load_corpus() -> list[str]:
    """The sample reports shipped in ``corpora/`` (invented text, part of this project)."""
    return [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpora").glob("*.txt"))]


def generate(seed: int, index: int, corpus: list[str]) -> tuple[str, str]:
    """Input number ``index`` of the run seeded with ``seed``: (generator name, text)."""
    rng = random.Random(f"{seed}:{index}")
    name = rng.choices(list(_WEIGHTS), weights=list(_WEIGHTS.values()))[0]
    return name, GENERATORS[name](rng, corpus)


def check_text(ex: Extractor, text: str) -> str | None:
    """The kind of failure ``text`` causes, or None when every invariant holds."""
    try:
        res = ex.extract(text, "fuzz.txt")
        rows = [*res.to_dicts()]
    except Exception as exc:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        return f"crash-{type(exc).__name__}-{Path(frame.filename).stem}-{frame.lineno}"
    last_start = -1
    for rec, row in zip(res.records, rows, strict=False):
        start = getattr(rec, "start", None)
        if start is not None:
            if res.text[start : rec.end] != rec.text:  # type: ignore[attr-defined]
                return "invariant-offsets"
            if start < last_start:
                return "invariant-order"
            last_start = start
        value = getattr(rec, "value", None)
        if value is not None:
            value_max = getattr(rec, "value_max", None)
            if not isinstance(value, Decimal) or not value.is_finite():
                return "invariant-finite"
            if value_max is not None and (not value_max.is_finite() or value_max < value):
                return "invariant-range"
        try:
            line = json_line(row)
            line.encode("utf-8")
            validate_record(json.loads(line))
        except Exception as exc:
            return f"invariant-valid-{type(exc).__name__}"
    return None


def shrink(ex: Extractor, text: str, kind: str, budget: int = 2000) -> str:
    """A shorter text that fails the same way (delta debugging: drop chunks while it still does)."""
    chunk = max(len(text) // 2, 1)
    tries = 0
    while chunk >= 1 and tries < budget:
        i = 0
        changed = False
        while i < len(text) and tries < budget:
            candidate = text[:i] + text[i + chunk :]
            tries += 1
            if candidate != text and check_text(ex, candidate) == kind:
                text = candidate
                changed = True
            else:
                i += chunk
        if not changed:
            chunk //= 2
    return text


@dataclass
class FuzzReport:
    inputs: int = 0
    by_generator: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def merge(self, other: FuzzReport) -> None:
        self.inputs += other.inputs
        self.by_generator.update(other.by_generator)
        self.failures.update(other.failures)
        for kind, text in other.examples.items():
            self.examples.setdefault(kind, text)

    def summary(self) -> str:
        crashes = sum(n for k, n in self.failures.items() if k.startswith("crash"))
        violations = sum(n for k, n in self.failures.items() if k.startswith("invariant"))
        gens = ", ".join(f"{k} {v}" for k, v in sorted(self.by_generator.items()))
        return (
            f"fuzz: {self.inputs} inputs ({gens}), {crashes} crashes, {violations} invariant violations, "
            f"{self.seconds:.1f} s"
        )


def _run_slice(args: tuple[int, int, int]) -> FuzzReport:
    seed, lo, hi = args
    ex = get_extractor()
    corpus = load_corpus()
    report = FuzzReport()
    for index in range(lo, hi):
        name, text = generate(seed, index, corpus)
        report.inputs += 1
        report.by_generator[name] += 1
        kind = check_text(ex, text)
        if kind is not None:
            report.failures[kind] += 1
            report.examples.setdefault(kind, text)
    return report


def run(n: int, seed: int, jobs: int = 1, out: Path | None = None) -> FuzzReport:
    """Fuzz ``n`` inputs; with ``out``, write a shrunk reproducer of each failure kind there."""
    started = time.perf_counter()
    step = 5000
    slices = [(seed, lo, min(lo + step, n)) for lo in range(0, n, step)]
    report = FuzzReport()
    if jobs > 1:
        get_extractor()  # loaded once, then forked warm where fork is the start method
        with multiprocessing.Pool(jobs) as pool:
            for part in pool.imap(_run_slice, slices):
                report.merge(part)
    else:
        for sl in slices:
            report.merge(_run_slice(sl))
    if out is not None and report.examples:
        out.mkdir(parents=True, exist_ok=True)
        ex = get_extractor()
        for kind, text in report.examples.items():
            small = shrink(ex, text, kind)
            (out / f"{kind}.txt").write_text(
                small.encode("utf-8", "backslashreplace").decode("utf-8"), encoding="utf-8"
            )
    report.seconds = time.perf_counter() - started
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=1_000_000, help="inputs to generate (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--out", type=Path, default=Path("fuzz-crashes"), help="folder for reproducers")
    args = parser.parse_args(argv)
    report = run(args.n, args.seed, args.jobs, args.out)
    for kind, count in report.failures.most_common():
        print(f"  {count:8d}  {kind}  -> {args.out / (kind + '.txt')}")
    print(report.summary())
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())

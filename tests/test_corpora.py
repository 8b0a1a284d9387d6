"""Golden tests over the sample corpus in corpora/.

Each sample report has three hand-made files: ``.expected.tsv`` (every metric, annotated by hand
from CONVENTIONS.md), ``.traps.tsv`` (numbers that are not metrics) and ``.optional.tsv`` (either
way is fine).  ``.golden.jsonl`` is the extractor's full output, checked in: a change to any
record shows up as a diff.  Regenerate it with ``UPDATE_GOLDEN=1 make test`` after checking the
change is an improvement.
"""

from __future__ import annotations

import csv
import json
import os
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from extractor.pipeline import Extraction, Extractor

from .conftest import CORPORA

NAMES = sorted(p.stem for p in CORPORA.glob("*.txt"))


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def _spans(text: str, rows: list[dict[str, str]]) -> list[tuple[int, int, dict[str, str]]]:
    """Locate each row's text: the Nth row with the same text is its Nth occurrence."""
    seen: dict[str, int] = {}
    out = []
    for row in rows:
        surface = row["text"]
        nth = seen.get(surface, 0)
        seen[surface] = nth + 1
        pos = -1
        for _ in range(nth + 1):
            pos = text.find(surface, pos + 1)
            assert pos >= 0, f"{surface!r} occurs fewer than {nth + 1} times"
        out.append((pos, pos + len(surface), row))
    return out


def _value(raw: str) -> Decimal:
    if "/" in raw:  # a fraction, stated in percent
        f = Fraction(raw)
        return Decimal(f.numerator) * 100 / Decimal(f.denominator)
    return Decimal(raw)


@pytest.fixture(scope="module")
def results(extractor_instance: Extractor) -> dict[str, Extraction]:
    return {
        name: extractor_instance.extract((CORPORA / f"{name}.txt").read_text(encoding="utf-8"), f"{name}.txt")
        for name in NAMES
    }


def test_sample_corpus_is_there() -> None:
    assert len(NAMES) >= 3


@pytest.mark.parametrize("name", NAMES)
def test_every_annotated_metric_is_found_exactly(name: str, results: dict[str, Extraction]) -> None:
    res = results[name]
    metrics = list(res.metrics)
    problems = []
    for start, end, row in _spans(res.text, _rows(CORPORA / f"{name}.expected.tsv")):
        hits = [m for m in metrics if m.start < end and start < m.end]
        if not hits:
            problems.append(f"missed {row['text']}")
            continue
        m = hits[0]
        metrics.remove(m)
        got = (m.value, m.value_max, m.unit.name if m.unit else "", m.qualifier, m.kind)
        want_max = Decimal(row["value_max"]) if row["value_max"] else None
        want = (_value(row["value"]), want_max, row["unit"], row["qualifier"], row["kind"])
        same_value = abs(got[0] - want[0]) < Decimal("1e-9")
        if not same_value or got[1:] != want[1:]:
            problems.append(f"{row['text']}: got {got}, want {want}")
    optional = _spans(res.text, _rows(CORPORA / f"{name}.optional.tsv"))
    extra = [m.text for m in metrics if not any(m.start < e and s < m.end for s, e, _ in optional)]
    assert not problems, problems
    assert not extra, f"metrics not in the annotation: {extra}"


@pytest.mark.parametrize("name", NAMES)
def test_no_trap_becomes_a_metric(name: str, results: dict[str, Extraction]) -> None:
    res = results[name]
    traps = _spans(res.text, _rows(CORPORA / f"{name}.traps.tsv"))
    assert traps
    hits = [(row["text"], m.text) for s, e, row in traps for m in res.metrics if m.start < e and s < m.end]
    assert not hits


@pytest.mark.parametrize("name", NAMES)
def test_output_matches_golden_file(name: str, results: dict[str, Extraction]) -> None:
    golden = CORPORA / f"{name}.golden.jsonl"
    got: list[dict[str, Any]] = results[name].to_dicts()
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in got), encoding="utf-8")
    want = [json.loads(line) for line in golden.read_text(encoding="utf-8").splitlines()]
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g == w


@pytest.mark.parametrize("name", NAMES)
def test_offsets_index_the_original_text(name: str, results: dict[str, Extraction]) -> None:
    res = results[name]
    for rec in res.records:
        assert res.text[rec.start : rec.end] == rec.text  # type: ignore[attr-defined]

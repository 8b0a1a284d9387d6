"""A fixed-seed slice of the fuzz harness (``make fuzz`` runs a million inputs)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from extractor.pipeline import Extraction, Extractor

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import fuzz


def test_fuzz_slice_of_20000_inputs_has_no_failures() -> None:
    report = fuzz.run(20_000, seed=15, jobs=1)
    assert report.inputs == 20_000
    assert set(report.by_generator) == set(fuzz.GENERATORS)
    assert dict(report.failures) == {}, report.examples


def test_generation_is_reproducible_from_the_seed() -> None:
    corpus = fuzz.load_corpus()
    assert [fuzz.generate(7, i, corpus) for i in range(50)] == [
        fuzz.generate(7, i, corpus) for i in range(50)
    ]


def test_a_broken_invariant_is_caught_and_shrunk(
    extractor_instance: Extractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = Extractor.extract

    def shifted(self: Extractor, text: str, *args: object, **kwargs: object) -> Extraction:
        res = real(self, text, *args, **kwargs)  # type: ignore[arg-type]
        res.records = [
            r.model_copy(update={"start": r.start + 1}) if hasattr(r, "value") else r for r in res.records
        ]
        return res

    monkeypatch.setattr(Extractor, "extract", shifted)
    text = "前言文字很长很长。新增就业1200人。后记文字也很长。"
    assert fuzz.check_text(extractor_instance, text) == "invariant-offsets"
    small = fuzz.shrink(extractor_instance, text, "invariant-offsets")
    assert len(small) < len(text)
    assert fuzz.check_text(extractor_instance, small) == "invariant-offsets"


def test_a_crash_is_reported_by_kind(extractor_instance: Extractor, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(self: Extractor, text: str, *args: object, **kwargs: object) -> Extraction:
        raise ArithmeticError("boom")

    monkeypatch.setattr(Extractor, "extract", boom)
    assert fuzz.check_text(extractor_instance, "1人").startswith("crash-ArithmeticError-test_fuzz-")

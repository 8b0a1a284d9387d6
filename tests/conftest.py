"""Shared fixtures: one extractor (and so one jieba tokenizer) per test session."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from extractor.pipeline import Extractor, get_extractor

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
SHARED = ROOT.parent / "shared"


@cache
def sample_texts() -> tuple[str, ...]:
    """The text of every sample report of ``corpora/`` (pairs included), read once a session."""
    return tuple(p.read_text(encoding="utf-8") for p in sorted(CORPORA.rglob("*.txt")))


@pytest.fixture(scope="session")
def extractor_instance() -> Extractor:
    return get_extractor()


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "corpora").is_dir():
        pytest.skip("../shared/corpora is not present")
    return SHARED

"""The word segmenter: our own ``jieba.Tokenizer`` with the report vocabulary.

jieba's module-level tokenizer is global state shared with anything else in the process; we own
an instance instead, load it once per process (lazily: importing :mod:`extractor` does not pay
for the dictionary) and add ``data/userdict.txt`` (report terms such as 城镇新增就业 and verbs
such as 包联 that the stock dictionary splits wrongly).  The classifier segments only the clauses
that hold a metric, never the whole document.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from importlib import resources
from typing import Any

from .lexicon import StrictModel, load_data

__all__ = ["Segmenter", "get_segmenter"]


class _SegmenterData(StrictModel):
    remove: list[str]


class Segmenter:
    """Word boundaries for short clauses."""

    def __init__(self) -> None:
        import jieba  # deferred: the dictionary costs ~1 s and --help must not pay for it

        jieba.setLogLevel(logging.WARNING)
        self._tokenizer: Any = jieba.Tokenizer()
        self._tokenizer.initialize()
        data = resources.files("extractor.data")
        with resources.as_file(data.joinpath("userdict.txt")) as p:
            self._tokenizer.load_userdict(str(p))
        adjustments = load_data("segmenter.toml", _SegmenterData)
        for word in adjustments.remove:
            self._tokenizer.del_word(word)

    def words(self, text: str) -> list[str]:
        """Words of ``text`` (dictionary only, ``HMM=False``, so results never depend on a model)."""
        words: list[str] = self._tokenizer.lcut(text, HMM=False)
        return words

    @lru_cache(maxsize=65536)  # noqa: B019 - one segmenter per process; clauses repeat a lot
    def boundaries(self, text: str) -> frozenset[int]:
        """Offsets in ``text`` where a word starts or ends."""
        out = {0}
        pos = 0
        for w in self.words(text):
            pos += len(w)
            out.add(pos)
        return frozenset(out)


_INSTANCE: Segmenter | None = None
_LOCK = threading.Lock()


def get_segmenter() -> Segmenter:
    """The process's segmenter, created on first use."""
    global _INSTANCE
    if _INSTANCE is None:
        with _LOCK:
            if _INSTANCE is None:
                _INSTANCE = Segmenter()
    return _INSTANCE

"""The word segmenter: our own ``jieba.Tokenizer`` with the report vocabulary.

jieba's module-level tokenizer is global state shared with anything else in the process; we own
an instance instead, load it once per process (lazily: importing :mod:`extractor` does not pay
for the dictionary) and add ``data/userdict.txt`` (report terms such as 城镇新增就业 and verbs
such as 包联 that the stock dictionary splits wrongly).  The classifier segments only the clauses
that hold a metric, never the whole document.

The classifier asks one question of the segmenter: does a verb it found stand on word boundaries
(解决 in 解决问题, not in 解决方案)?  For that, the tokenizer uses a core of jieba's dictionary:
the words at least ``min_freq`` frequent, plus every word that contains one of the classifier's
verbs (so 建成区 still hides 建成).  It loads in about 0.15 s instead of about 1 s, and gives the
same objects as the full dictionary on every report we have.  The core is built from the installed
jieba's own ``dict.txt`` on first use and kept in the temporary folder beside jieba's cache.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import regex

from .lexicon import StrictModel, load_data, load_lexicon

__all__ = ["Segmenter", "get_segmenter"]


class _SegmenterData(StrictModel):
    remove: list[str]
    min_freq: int


def _core_dictionary(min_freq: int, keep: Iterable[str]) -> Path:
    """Path of the core dictionary (built once per jieba version, threshold and verb list)."""
    import jieba

    keep_words = sorted(set(keep))
    key = hashlib.sha256(f"{jieba.__version__}|{min_freq}|{'|'.join(keep_words)}".encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"extractor-jieba-core-{key}.txt"
    if path.exists():
        return path
    source = Path(jieba.__file__).parent / "dict.txt"
    keep_re = regex.compile("|".join(regex.escape(w) for w in sorted(keep_words, key=len, reverse=True)))
    lines = []
    with source.open(encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and (int(parts[1]) >= min_freq or keep_re.search(parts[0])):
                lines.append(line)
    # Write then rename: processes starting together never read a half-written file.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".part")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.writelines(lines)
    os.replace(tmp, path)
    return path


class Segmenter:
    """Word boundaries for short clauses."""

    def __init__(self) -> None:
        import jieba  # deferred: the dictionary costs ~1 s and --help must not pay for it

        jieba.setLogLevel(logging.WARNING)
        settings = load_data("segmenter.toml", _SegmenterData)
        rules = load_lexicon().rules
        verbs = [*rules.object.verbs, *(w for r in rules.direction for w in r.words)]
        self._tokenizer: Any = jieba.Tokenizer(str(_core_dictionary(settings.min_freq, verbs)))
        self._tokenizer.initialize()
        data = resources.files("extractor.data")
        with resources.as_file(data.joinpath("userdict.txt")) as p:
            self._tokenizer.load_userdict(str(p))
        for word in settings.remove:
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

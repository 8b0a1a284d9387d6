"""The word segmenter: our own ``jieba.Tokenizer`` with the report vocabulary.

jieba's module-level tokenizer is global state shared with anything else in the process; we own
an instance instead, load it once per process (lazily: importing :mod:`extractor` does not pay
for the dictionary) and add ``data/userdict.txt`` (report terms such as 城镇新增就业 and verbs
such as 包联 that the stock dictionary splits wrongly).  The classifier segments only the clauses
that hold a metric, never the whole document.

The classifier asks one question of the segmenter: does a verb it found stand on word boundaries
(解决 in 解决问题, not in 解决方案)?  For that, the tokenizer uses a core of jieba's dictionary:
the words at least ``min_freq`` frequent, plus every word that contains one of the classifier's
verbs (so 建成区 still hides 建成).  It gives the same objects as the full dictionary on every
report we have.  The core is built from the installed jieba's own ``dict.txt`` on first use (about
a second) and its frequency table is cached in the temporary folder (see
:func:`_core_frequencies`); jieba's whole dictionary takes about 1 s.  The boundaries are
jieba's dictionary route computed here in one pass over a table of log probabilities (one look-up
per fragment), which is derived from the tokenizer once and cached as well (:func:`_route_table`),
so a process starts by loading that table (about 30 ms) and builds jieba's tokenizer only if
:meth:`Segmenter.words` is asked for.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import pickle
import string
import sys
import tempfile
import threading
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from math import log
from pathlib import Path
from typing import Any

import regex

from .lexicon import StrictModel, load_data, load_lexicon

__all__ = ["Segmenter", "cache_location", "get_segmenter"]


_IMPORT_LOCK = threading.Lock()
#: In the log-probability table: a prefix of words that is no word itself (jieba's frequency 0).
_PREFIX = 1.0
_ASCII_ALNUM = frozenset(string.ascii_letters + string.digits)


def _import_jieba() -> Any:
    """``import jieba``, without letting it import ``pkg_resources``.

    jieba 0.42 imports ``pkg_resources`` only to open its own data files, and falls back to plain
    ``open`` when that import fails.  Importing ``pkg_resources`` scans every installed
    distribution (about 80 ms, half of jieba's import) and is deprecated by setuptools; a ``None``
    entry in ``sys.modules`` makes that one import fail, so jieba takes its fallback.  Nothing is
    changed when ``pkg_resources`` is already imported.
    """
    if "jieba" in sys.modules:
        return sys.modules["jieba"]
    with _IMPORT_LOCK:
        blocked = "pkg_resources" not in sys.modules
        if blocked:
            sys.modules["pkg_resources"] = None  # type: ignore[assignment]
        try:
            import jieba
        finally:
            if blocked and sys.modules.get("pkg_resources", 0) is None:
                del sys.modules["pkg_resources"]
    return jieba


class _SegmenterData(StrictModel):
    remove: list[str]
    min_freq: int


#: Bump when the cached frequency table changes shape.
_CACHE_FORMAT = 1


class _PlainUnpickler(pickle.Unpickler):
    """Loads plain data only (dicts, strings, numbers): a pickle that names any class or function
    is refused, so a planted cache file cannot run code."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"a segmenter cache may hold plain data only, not {module}.{name}")


def _read_cache(path: Path, total: type = int) -> tuple[dict[str, Any], Any] | None:
    """The cached table and its total (of type ``total``), or None when there is none we may
    trust (missing, another user's, torn)."""
    try:
        with path.open("rb") as f:
            info = os.fstat(f.fileno())
            if hasattr(os, "getuid") and info.st_uid != os.getuid():
                return None  # another user's file in a shared temporary folder: not ours to trust
            data = _PlainUnpickler(f).load()
    except FileNotFoundError:
        return None
    except (OSError, pickle.UnpicklingError, EOFError, ValueError) as exc:
        logging.getLogger(__name__).warning("ignoring segmenter cache %s: %s", path, exc)
        return None
    if (
        isinstance(data, tuple)
        and len(data) == 2
        and isinstance(data[0], dict)
        and isinstance(data[1], total)
    ):
        return data
    return None


def _write_cache(path: Path, table: tuple[dict[str, Any], Any]) -> None:
    # Write then rename: processes starting together never read a half-written file.
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".part")
        with os.fdopen(fd, "wb") as out:
            pickle.dump(table, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as exc:  # a read-only temporary folder costs time, not results
        logging.getLogger(__name__).warning("cannot cache the segmenter dictionary in %s: %s", path, exc)


def _cache_path(jieba_version: str, min_freq: int, keep_words: list[str]) -> Path:
    key = f"{_CACHE_FORMAT}|{jieba_version}|{min_freq}|{'|'.join(keep_words)}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"extractor-jieba-core-{digest}.pickle"


def _core_frequencies(jieba: Any, min_freq: int, keep: Iterable[str]) -> tuple[dict[str, int], int]:
    """jieba's prefix-frequency table for the core dictionary, and its total.

    Built once per jieba version, threshold and verb list (about a second) and cached in the
    temporary folder.  The cache is a pickle, not jieba's own marshal file: it loads about four
    times faster (30 ms against 140 ms for the 110,000 entries), which is most of a worker's
    start-up.
    """
    keep_words = sorted(set(keep))
    path = _cache_path(jieba.__version__, min_freq, keep_words)
    cached = _read_cache(path)
    if cached is not None:
        return cached
    source = Path(jieba.__file__).parent / "dict.txt"
    keep_re = regex.compile("|".join(regex.escape(w) for w in sorted(keep_words, key=len, reverse=True)))
    lines = []
    with source.open("rb") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and (int(parts[1]) >= min_freq or keep_re.search(parts[0].decode("utf-8"))):
                lines.append(line)
    table: tuple[dict[str, int], int] = jieba.Tokenizer.gen_pfdict(io.BytesIO(b"".join(lines)))
    _write_cache(path, table)
    return table


def _route_table(jieba: Any) -> tuple[dict[str, float], float]:
    """For every entry of our tokenizer's prefix table (core dictionary, userdict, removals), the
    word's log probability, or ``_PREFIX`` for a prefix that is no word; and the log of the total.

    Built from the tokenizer once (about 0.1 s) and cached beside the core table, under a key that
    covers the userdict's content and the words removed, so a process starts by loading it.
    """
    path = _route_cache_path(jieba)
    cached = _read_cache(path, float)
    if cached is not None:
        return cached
    tokenizer = _jieba_tokenizer(jieba)
    logtotal = log(tokenizer.total)
    table = {w: (log(f) - logtotal if f else _PREFIX) for w, f in tokenizer.FREQ.items()}
    _write_cache(path, (table, logtotal))
    return table, logtotal


def _route_cache_path(jieba: Any) -> Path:
    settings = load_data("segmenter.toml", _SegmenterData)
    userdict = resources.files("extractor.data").joinpath("userdict.txt").read_bytes()
    key = "|".join(
        [
            "route",
            str(_CACHE_FORMAT),
            jieba.__version__,
            str(settings.min_freq),
            *sorted(set(_verbs())),
            "removed",
            *settings.remove,
            hashlib.sha256(userdict).hexdigest(),
        ]
    )
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"extractor-jieba-route-{digest}.pickle"


class Segmenter:
    """Word boundaries for short clauses."""

    def __init__(self) -> None:
        jieba = _import_jieba()  # deferred: --help and the number layer must not pay for it

        jieba.setLogLevel(logging.WARNING)
        # What boundaries() needs of jieba: its block pattern, and for every entry of the prefix
        # table the word's log probability (or _PREFIX for a prefix that is no word), so that
        # one look-up answers for each fragment (see _route_table).
        self._blocks = jieba.re_han_default.finditer
        self._logp, self._logtotal = _route_table(jieba)
        self._reference: Any = None

    def words(self, text: str) -> list[str]:
        """Words of ``text`` by jieba itself (dictionary only, ``HMM=False``, so results never
        depend on a model), on the same dictionary: what :meth:`boundaries` is tested against.
        Its tokenizer is built on first use (about 0.1 s)."""
        if self._reference is None:
            self._reference = _jieba_tokenizer(_import_jieba())
        words: list[str] = self._reference.lcut(text, HMM=False)
        return words

    @lru_cache(maxsize=65536)  # noqa: B019 - one segmenter per process; clauses repeat a lot
    def boundaries(self, text: str) -> frozenset[int]:
        """Offsets in ``text`` where a word starts or ends: those of :meth:`words`, computed here.

        This is jieba's own dictionary segmentation (``lcut(HMM=False)``: blocks of Han
        characters, letters and digits cut along the most probable route through the words of
        the dictionary; every other character a word, CR LF one), with its two passes (the graph
        of words, then the route) done in one and the words' log frequencies kept between
        calls: about three times faster, and the same offsets (``tests/test_segment.py`` compares
        them with :meth:`words` on every clause of the sample reports and on random text).
        """
        out = {0}
        last = 0
        for m in self._blocks(text):
            start, end = m.span()
            self._gap(text, last, start, out)
            self._route(text[start:end], start, out)
            last = end
        self._gap(text, last, len(text), out)
        return frozenset(out)

    @staticmethod
    def _gap(text: str, start: int, end: int, out: set[int]) -> None:
        # Outside the blocks each character is a word, but CR LF is one.
        for p in range(start + 1, end + 1):
            if not (text[p - 1] == "\r" and p < end and text[p] == "\n"):
                out.add(p)

    def _route(self, block: str, offset: int, out: set[int]) -> None:
        logp, logtotal = self._logp.get, self._logtotal
        n = len(block)
        score = [0.0] * (n + 1)
        ends = [0] * n
        for k in range(n - 1, -1, -1):
            # jieba.Tokenizer.get_DAG and .calc in one: the words starting at k, the best route.
            lp = logp(block[k])
            if lp is None:  # no word starts here: the character alone, of frequency 1
                score[k] = score[k + 1] - logtotal
                ends[k] = k
                continue
            if lp <= 0.0:  # a word (log probabilities are never positive; _PREFIX is)
                best, best_end = lp + score[k + 1], k
            else:
                best, best_end = 0.0, -1
            i = k + 1
            while i < n:
                lp = logp(block[k : i + 1])
                if lp is None:  # no word goes on with this fragment
                    break
                if lp <= 0.0:
                    v = lp + score[i + 1]
                    if best_end < 0 or v >= best:  # a tie goes to the longer word, as in jieba
                        best, best_end = v, i
                i += 1
            if best_end < 0:  # only prefixes start here: the character alone, as above
                best, best_end = score[k + 1] - logtotal, k
            score[k] = best
            ends[k] = best_end
        # Single letters and digits in a row are one word.
        x = 0
        letters = False
        while x < n:
            y = ends[x] + 1
            if y - x == 1 and block[x] in _ASCII_ALNUM:
                letters = True
            else:
                if letters:
                    out.add(offset + x)
                    letters = False
                out.add(offset + y)
            x = y
        if letters:
            out.add(offset + n)


def _jieba_tokenizer(jieba: Any) -> Any:
    """Our own ``jieba.Tokenizer``: the core dictionary, ``data/userdict.txt``, the words removed."""
    settings = load_data("segmenter.toml", _SegmenterData)
    tokenizer = jieba.Tokenizer()
    # The table goes straight in: Tokenizer.initialize would read jieba's slower cache.
    tokenizer.FREQ, tokenizer.total = _core_frequencies(jieba, settings.min_freq, _verbs())
    tokenizer.initialized = True
    data = resources.files("extractor.data")
    with resources.as_file(data.joinpath("userdict.txt")) as p:
        tokenizer.load_userdict(str(p))
    for word in settings.remove:
        tokenizer.del_word(word)
    return tokenizer


def _verbs() -> list[str]:
    rules = load_lexicon().rules
    return [*rules.object.verbs, *(w for r in rules.direction for w in r.words)]


def cache_location() -> Path:
    """Where the table a process loads to segment is cached (for ``extractor info``): the route
    table (built, when missing, from the core dictionary's table cached beside it)."""
    return _route_cache_path(_import_jieba())


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

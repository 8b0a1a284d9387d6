"""The segmenter: our own tokenizer on a core of jieba's dictionary."""

from __future__ import annotations

import collections
import logging
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

import jieba
import pytest

from extractor import segment
from extractor.segment import get_segmenter


def test_it_is_not_jiebas_global_tokenizer() -> None:
    seg = get_segmenter()
    seg.words("新增就业")
    assert seg._reference is not jieba.dt and seg._reference.FREQ is not jieba.dt.FREQ


@pytest.mark.parametrize(
    ("clause", "word", "on_boundary"),
    [
        ("协调解决问题", "解决", True),  # 解决问题 is removed (segmenter.toml)
        ("县城建成区面积", "建成", False),  # 建成区 is kept: it contains a verb
        ("城市更新项目", "更新", False),
        ("区级领导干部包联企业", "包联", True),  # userdict.txt
        ("全区抽调业务骨干", "抽调", True),
    ],
    ids=["removed-word", "verb-inside-noun", "verb-inside-compound", "userdict-verb", "plain-verb"],
)
def test_verb_boundaries(clause: str, word: str, on_boundary: bool) -> None:
    bounds = get_segmenter().boundaries(clause)
    start = clause.index(word)
    assert (start in bounds and start + len(word) in bounds) is on_boundary


def test_words_cover_the_text() -> None:
    text = "全年新增城镇就业1.2万人"
    assert "".join(get_segmenter().words(text)) == text


# --- the core dictionary's cached frequency table ----------------------------------------------

VERBS = ["完成", "建成"]


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def _table() -> tuple[dict[str, int], int]:
    return segment._core_frequencies(jieba, 200, VERBS)


def test_the_table_is_built_once_then_read_from_the_cache(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = _table()
    (path,) = cache_dir.glob("extractor-jieba-core-*.pickle")
    assert built[0]["完成"] > 0 and built[0]["建成区"] > 0  # a verb, and a rare word holding one
    assert "一丝不苟" not in built[0]  # frequency 112 < 200: left out of the core

    def no_rebuild(*args: object) -> None:
        raise AssertionError("rebuilt instead of read from the cache")

    monkeypatch.setattr(jieba.Tokenizer, "gen_pfdict", staticmethod(no_rebuild))
    assert _table() == built
    assert path.stat().st_mode & 0o077 == 0  # readable by its owner only


def test_a_cache_that_names_a_class_is_refused_and_rebuilt(
    cache_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    built = _table()
    (path,) = cache_dir.glob("extractor-jieba-core-*.pickle")
    # A planted file: unpickling it would call a function of the attacker's choosing.
    path.write_bytes(pickle.dumps((collections.OrderedDict(a=1), 1)))
    with caplog.at_level(logging.WARNING, logger="extractor.segment"):
        assert _table() == built
    assert "plain data only" in caplog.text
    assert segment._read_cache(path) == built  # and the cache is good again


@pytest.mark.parametrize("content", [b"", b"\x80\x05garbage", pickle.dumps(["not", "a", "table"])])
def test_a_torn_or_foreign_cache_is_rebuilt(cache_dir: Path, content: bytes) -> None:
    built = _table()
    (path,) = cache_dir.glob("extractor-jieba-core-*.pickle")
    path.write_bytes(content)
    assert _table() == built


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to chown")
def test_another_users_cache_is_not_trusted(cache_dir: Path) -> None:
    _table()
    (path,) = cache_dir.glob("extractor-jieba-core-*.pickle")
    os.chown(path, 65534, -1)
    assert segment._read_cache(path) is None


def test_the_key_follows_the_threshold_and_the_verbs() -> None:
    base = segment._cache_path("0.42.1", 20, ["完成"])
    assert base == segment._cache_path("0.42.1", 20, ["完成"])
    assert base != segment._cache_path("0.42.1", 50, ["完成"])
    assert base != segment._cache_path("0.42.1", 20, ["完成", "建成"])
    assert base != segment._cache_path("0.42.2", 20, ["完成"])


def test_loading_the_segmenter_does_not_import_pkg_resources() -> None:
    code = (
        "import sys\n"
        "from extractor.segment import get_segmenter\n"
        "assert get_segmenter().words('全年新增就业1万人')\n"
        "print('pkg_resources' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def _word_ends(text: str) -> frozenset[int]:
    """Offsets of the word boundaries of jieba's own ``lcut(HMM=False)``."""
    out, pos = {0}, 0
    for word in get_segmenter().words(text):
        pos += len(word)
        out.add(pos)
    return frozenset(out)


def test_boundaries_are_jiebas_on_every_clause_of_the_sample_reports() -> None:
    import regex

    from .conftest import ROOT

    seg = get_segmenter()
    clauses = [
        clause
        for path in sorted((ROOT / "corpora").rglob("*.txt"))
        for clause in regex.split(r"[，。；：\n]", path.read_text(encoding="utf-8"))
    ]
    assert len(clauses) > 500
    assert [c for c in clauses if seg.boundaries.__wrapped__(seg, c) != _word_ends(c)] == []


def test_boundaries_are_jiebas_on_random_text() -> None:
    import random

    rng = random.Random(14)
    # Frequent characters (long dictionary words form), letters, digits, punctuation, spaces, CR LF.
    alphabet = (
        "的一是在不了有和人这中大为上个国我以要时来用们生到作地于出就分对成会可主发年动同工也能下过"
        "子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自理起小物现实加量都两体制"
        "机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数"
        "正心反明看原又利比或但质气第向道命此变条只没结解问意建月公无系市县乡镇企业项目资金增长投资"
        "abcXYZ0123456789 ，。、（）%\r\n\t-._#&+"
    )
    seg = get_segmenter()
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(5000)]
    assert [t for t in texts if seg.boundaries.__wrapped__(seg, t) != _word_ends(t)] == []


def test_the_route_table_is_cached_and_holds_jiebas_log_probabilities(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import math

    table, logtotal = segment._route_table(jieba)
    (path,) = cache_dir.glob("extractor-jieba-route-*.pickle")
    reference = segment._jieba_tokenizer(jieba)
    assert logtotal == math.log(reference.total)
    assert table.keys() == reference.FREQ.keys()
    word = "包联"  # from userdict.txt
    assert table[word] == math.log(reference.FREQ[word]) - logtotal
    assert all(table[w] == segment._PREFIX for w, f in list(reference.FREQ.items())[:5000] if not f)

    def no_rebuild(jieba_module: object) -> None:
        raise AssertionError("rebuilt instead of read from the cache")

    monkeypatch.setattr(segment, "_jieba_tokenizer", no_rebuild)
    assert segment._route_table(jieba) == (table, logtotal)
    assert path.stat().st_mode & 0o077 == 0

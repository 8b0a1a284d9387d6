"""The segmenter: our own tokenizer on a core of jieba's dictionary."""

from __future__ import annotations

import jieba
import pytest

from extractor.segment import get_segmenter


def test_it_is_not_jiebas_global_tokenizer() -> None:
    assert get_segmenter()._tokenizer is not jieba.dt


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

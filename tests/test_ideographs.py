"""Kangxi radicals and CJK compatibility ideographs in PDF text (issue 13.10).

Some PDF fonts map common characters to Kangxi radicals (⼀⼯⼒⼗, U+2F00–U+2FDF) or to CJK
compatibility ideographs: the text looks right but "⼀是" is not "一是" and "⼗⼆个聚焦" not
"十二个聚焦".  Normalisation folds them to the unified ideographs one for one, so offsets do not
move, and every stage (numbers, structure, metadata) sees the folded text while records keep the
original characters.  The texts here are generated: the project's own corpus with every
character that has a Kangxi-radical twin replaced by it.
"""

from __future__ import annotations

import logging
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from extractor.lexicon import LexiconError, load_data
from extractor.normalize import RadicalsFile, fold_ideographs, normalize
from extractor.pipeline import Extractor

CORPORA = Path(__file__).resolve().parent.parent / "corpora"

KANGXI = [chr(cp) for cp in range(0x2F00, 0x2FD6)]
COMPATIBILITY = [
    chr(cp)
    for cp in [*range(0xF900, 0xFB00), *range(0x2F800, 0x2FA20)]
    if unicodedata.category(chr(cp)) == "Lo" and unicodedata.normalize("NFKC", chr(cp)) != chr(cp)
]
RADICALS = load_data("radicals.toml", RadicalsFile)
SUPPLEMENT = RADICALS.fold


def unified(ch: str) -> str:
    """What a radical or compatibility ideograph folds to: its compatibility mapping, unless
    ``data/radicals.toml`` names the simplified character a font meant (⼾ -> 户, not 戶)."""
    return RADICALS.kangxi.get(ch) or unicodedata.normalize("NFKC", ch)


#: unified ideograph -> a radical twin (一 -> ⼀, 民 -> ⺠)
TO_RADICAL = {unified(k): k for k in KANGXI} | {v: k for k, v in SUPPLEMENT.items()}


def kangxify(text: str) -> str:
    return "".join(TO_RADICAL.get(ch, ch) for ch in text)


@pytest.mark.parametrize("chars", [KANGXI, COMPATIBILITY], ids=["kangxi", "compatibility"])
def test_every_radical_and_compatibility_ideograph_folds_one_for_one(chars: list[str]) -> None:
    text = "".join(chars)
    folded = fold_ideographs(text)
    assert len(folded) == len(text)
    assert list(folded) == [unified(ch) for ch in chars]
    norm = normalize(text)
    assert norm.text == folded
    assert norm.span_to_original(3, 7) == (3, 7)


def test_supplement_radicals_of_the_data_file_fold() -> None:
    text = "".join(SUPPLEMENT)
    assert fold_ideographs(text) == "".join(SUPPLEMENT.values())
    assert "⻓" in SUPPLEMENT and "⺠" in SUPPLEMENT  # what Chromium + Noto Sans CJK print for 长, 民


def test_other_text_is_left_alone() -> None:
    text = "⺌⻌⻏ 一是聚焦 ２０２４ ⽅"  # parts of characters stay; ⽅ (U+2F45) folds
    assert fold_ideographs(text) == "⺌⻌⻏ 一是聚焦 ２０２４ 方"


@pytest.mark.parametrize(
    "entry", ['"民" = "民"', '"⻓" = "长长"', '"⻓" = "A"', '"⻓" = "长"\n"⻓" = "长"'], ids=str
)
def test_a_bad_radicals_file_is_refused(tmp_path: Path, entry: str) -> None:
    path = tmp_path / "radicals.toml"
    path.write_text(f"[kangxi]\n[fold]\n{entry}\n", encoding="utf-8")
    with pytest.raises(LexiconError):
        load_data(path, RadicalsFile)


def _facts(records: list[Any]) -> list[tuple[Any, ...]]:
    out = []
    for r in records:
        out.append(
            (
                r.type,
                r.start,
                r.end,
                str(getattr(r, "value", "")),
                getattr(r, "object", None),
                getattr(r, "topic", None),
                getattr(r, "heading", None),
            )
        )
    return out


@pytest.mark.parametrize("name", ["district_campaign", "county_work_report", "stats_bulletin"])
def test_a_report_in_kangxi_radicals_gives_the_same_records(extractor_instance: Extractor, name: str) -> None:
    text = (CORPORA / f"{name}.txt").read_text(encoding="utf-8")
    radicals = kangxify(text)
    assert sum(a != b for a, b in zip(text, radicals, strict=True)) > 100
    want = extractor_instance.extract(text, "a.txt")
    got = extractor_instance.extract(radicals, "a.txt")
    assert _facts(got.records) == _facts(want.records)
    for record in got.records:
        assert radicals[record.start : record.end] == record.text  # type: ignore[attr-defined]
    assert got.document.counts == want.document.counts
    assert (got.document.year, got.document.region, got.document.genre) == (
        want.document.year,
        want.document.region,
        want.document.genre,
    )


def test_pdfminer_font_bbox_noise_is_logged_at_debug(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    pdfplumber = pytest.importorskip("pdfplumber")
    from extractor.readers import read_document

    class _Page:
        def extract_text(self) -> str:
            logging.getLogger("pdfminer.pdffont").warning(
                "Could not get FontBBox from font descriptor because None cannot be parsed as 4 floats"
            )
            return "新建学校3所。"

        def close(self) -> None:
            pass

    class _Pdf:
        def __init__(self) -> None:
            self.pages = [_Page()]

        def __enter__(self) -> _Pdf:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

    monkeypatch.setattr(pdfplumber, "open", lambda *a, **k: _Pdf())
    with caplog.at_level(logging.DEBUG, logger="pdfminer"):
        doc = read_document("a.pdf", b"%PDF-1.4", pdf_engine="pdfplumber")
    assert doc.text == "新建学校3所。"
    assert [(r.levelno, r.name) for r in caplog.records if "FontBBox" in r.getMessage()] == [
        (logging.DEBUG, "pdfminer.pdffont")
    ]
    assert "FontBBox" not in capsys.readouterr().err
    # The filter is ours only while a PDF is read.
    assert not logging.getLogger("pdfminer.pdffont").filters

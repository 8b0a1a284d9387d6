"""Document metadata from the title and opening lines: year, region, level, genre.

The vocabulary is in ``data/metadata.toml``.

>>> m = read_metadata("万载县2022年国民经济和社会发展统计公报\\n\\n万载县统计局")
>>> (m.year, m.region, m.level, m.genre)
(2022, '万载县', 'county', 'statistical_bulletin')
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex

from .lexicon import StrictModel, alternation, load_data

__all__ = ["Metadata", "read_metadata"]


_Strict = StrictModel


class _Genre(_Strict):
    id: str
    keywords: list[str]


class _Region(_Strict):
    national: list[str]
    province_suffixes: list[str]
    city_suffixes: list[str]
    county_suffixes: list[str]
    township_suffixes: list[str]
    province_level_cities: list[str]
    not_places: list[str]
    not_place_start: str


class _MetadataVocabulary(_Strict):
    head_chars: int
    genre: list[_Genre]
    region: _Region


@dataclass(frozen=True, slots=True)
class Metadata:
    year: int | None
    region: str | None
    level: str | None  # national, province, city, county, township
    genre: str | None


_YEAR = regex.compile(r"(?<![0-9])((?:19|20)[0-9]{2})\s*年")


@cache
def _vocabulary() -> tuple[_MetadataVocabulary, regex.Pattern[str], dict[str, str]]:
    vocab = load_data("metadata.toml", _MetadataVocabulary)
    reg = vocab.region
    levels: dict[str, str] = {}
    for level, suffixes in (
        ("province", reg.province_suffixes),
        ("city", reg.city_suffixes),
        ("county", reg.county_suffixes),
        ("township", reg.township_suffixes),
    ):
        for suffix in suffixes:
            levels[suffix] = level
    suffix_alt = alternation(levels)
    start = regex.escape(reg.not_place_start)
    # A place: 2-6 Han characters that do not start with a function character, then a suffix.
    pattern = regex.compile(rf"([^\P{{Han}}{start}][\p{{Han}}]{{1,5}}?)({suffix_alt})")
    return vocab, pattern, levels


def _place(text: str) -> tuple[str, str] | None:
    vocab, pattern, levels = _vocabulary()
    reg = vocab.region
    for m in pattern.finditer(text):
        name = m.group(0)
        if any(name.endswith(bad) for bad in reg.not_places):
            continue
        level = "province" if name in reg.province_level_cities else levels[m.group(2)]
        return name, level
    return None


def read_metadata(text: str) -> Metadata:
    """Year, issuing region and level, and genre from the opening of a document."""
    vocab, _, _ = _vocabulary()
    head = text[: vocab.head_chars]
    title = next((line.strip() for line in head.splitlines() if line.strip()), "")
    year_match = _YEAR.search(title) or _YEAR.search(head)
    year = int(year_match.group(1)) if year_match else None
    genre = next((g.id for g in vocab.genre if any(k in title for k in g.keywords)), None)
    if genre is None:
        genre = next((g.id for g in vocab.genre if any(k in head for k in g.keywords)), None)
    lines = [line.strip() for line in head.splitlines() if line.strip()]
    opening = "".join(lines[:4])
    national = vocab.region.national
    if any(n in title for n in national):
        return Metadata(year, "全国", "national", genre)
    place = _place(title) or _place(opening)
    if place is None and any(n in opening for n in national):
        return Metadata(year, "全国", "national", genre)
    region, level = place if place else (None, None)
    return Metadata(year, region, level, genre)

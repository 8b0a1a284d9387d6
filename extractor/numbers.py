"""Exact values of single numerals as written in Chinese reports.

:func:`parse_number` reads the surface of ONE numeral -- Arabic ("16.4", "1,100"), Chinese
("一百零五", "两万三", "二〇二三"), financial ("壹佰"), or mixed ("16.4亿", "3万4000") -- and
returns its exact :class:`~decimal.Decimal` value.  Units of measure, qualifiers ("约", "多"),
percent wording ("百分之") and fractions ("三分之一") are the caller's business.

All arithmetic runs in a private decimal context that traps rounding, so a value is either
exact or an error: never a float, never silently rounded by whatever context the caller set.

:func:`render_chinese` writes integers back out in several styles; it exists so property tests
can check that every rendering reads back as the same number.
"""

from __future__ import annotations

import functools
import re
from decimal import (
    MAX_EMAX,
    MIN_EMIN,
    Context,
    Decimal,
    DecimalException,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
)
from typing import Final, NamedTuple

__all__ = ["NumberParseError", "divide", "multiply", "parse_number", "plain", "render_chinese"]


class NumberParseError(ValueError):
    """The text is not a single numeral whose value can be read exactly."""


# Precision far above anything _MAX_LEN characters can express, with inexact results trapped:
# a rounded value would be a wrong number, so it must surface as an error instead.  (Rounded is
# not trapped: it also fires when quantize drops trailing zeros, which is exact.)
_CTX: Final = Context(prec=500, traps=[InvalidOperation, DivisionByZero, Overflow, Inexact])
# One numeral is short; a cap bounds the work and the magnitude on hostile input.
_MAX_LEN: Final = 100
_ONE: Final = Decimal(1)
_ZERO: Final = Decimal(0)

# Quotients that do not terminate (三分之一 as a percent) are rounded to this many digits, the
# same whatever context the caller has set.
QUOTIENT_DIGITS: Final = 28


@functools.lru_cache(maxsize=256)
def _sized(prec: int, *, exact: bool = True) -> Context:
    """A context of ``prec`` digits and unbounded exponents; ``exact`` traps any rounding."""
    traps = [InvalidOperation, DivisionByZero, Overflow] + ([Inexact] if exact else [])
    return Context(prec=max(prec, 1), Emax=MAX_EMAX, Emin=MIN_EMIN, traps=traps)


def _digits(value: Decimal) -> int:
    return len(value.as_tuple().digits)


def multiply(a: Decimal, b: Decimal) -> Decimal:
    """``a * b`` exactly, in a context sized to the operands (never the caller's).

    >>> multiply(Decimal("123456789.123456789"), Decimal("100000000"))
    Decimal('12345678912345678.900000000')
    >>> multiply(Decimal("1E+5000"), Decimal("1E+5000"))
    Decimal('1E+10000')
    """
    return _sized(_digits(a) + _digits(b)).multiply(a, b)


def divide(a: Decimal, b: Decimal) -> Decimal:
    """``a / b``: exact when the quotient terminates within ``QUOTIENT_DIGITS``, else rounded to it.

    >>> divide(Decimal(100), Decimal(8))
    Decimal('12.5')
    >>> divide(Decimal(100), Decimal(3))
    Decimal('33.33333333333333333333333333')
    """
    prec = max(QUOTIENT_DIGITS, _digits(a) + _digits(b))
    return _sized(prec, exact=False).divide(a, b)


def plain(value: Decimal) -> Decimal:
    """``value`` without trailing zeros and never in exponent form, exactly, whatever the context.

    >>> plain(Decimal("48400.0")), plain(Decimal("4.84E+4")), plain(Decimal("13.50"))
    (Decimal('48400'), Decimal('48400'), Decimal('13.5'))
    >>> plain(Decimal("1.000000000000000000000000000E+28"))
    Decimal('10000000000000000000000000000')
    """
    if value.as_tuple().exponent == 0:  # already an integer written plainly (most values)
        return value
    if value == value.to_integral_value():
        return value.quantize(_ONE, context=_sized(max(value.adjusted() + 1, 1)))
    return value.normalize(context=_sized(_digits(value)))


# Full-width forms and single-character numerals that stand for two characters.  廿/卅/卌 are
# expanded here so the grammar below only has to know 十.
_NORMALIZE: Final[dict[int, str]] = {ord("０") + i: str(i) for i in range(10)}
_NORMALIZE.update(
    {
        ord("．"): ".",
        ord("，"): ",",
        ord("－"): "-",
        ord("−"): "-",  # U+2212 MINUS SIGN
        ord("﹣"): "-",
        ord("＋"): "+",
        ord("廿"): "二十",
        ord("卅"): "三十",
        ord("卌"): "四十",
        ord("點"): "点",
        ord("負"): "负",
    }
)

_CN_DIGITS: Final[dict[str, int]] = {
    "零": 0, "〇": 0, "○": 0,  # ○ (U+25CB) is a common stand-in for 〇 in typed years
    "一": 1, "壹": 1, "幺": 1,
    "二": 2, "贰": 2, "貳": 2, "两": 2, "兩": 2,
    "三": 3, "叁": 3, "參": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6, "陸": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip
# 两 means "two of something"; it is never a positional digit or a decimal digit.
_LIANG: Final = frozenset("两兩")
# Unit character -> power of ten.
_CN_UNITS: Final[dict[str, int]] = {
    "十": 1, "拾": 1,
    "百": 2, "佰": 2,
    "千": 3, "仟": 3,
    "万": 4, "萬": 4,
    "亿": 8, "億": 8,
}  # fmt: skip
_YI: Final = 8
_YI_YI: Final = 16  # 亿亿: written as two characters, merged into one unit by the tokenizer

# An Arabic literal: either correctly grouped thousands ("12,345.6") or plain digits.  The
# lookahead stops "1,1000" from matching as "1,100" + "0".
_ARABIC_RE: Final = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?(?![0-9,])|[0-9]+(?:\.[0-9]+)?")

_DIGIT: Final = 0
_UNIT: Final = 1
_NUM: Final = 2
_POINT: Final = 3


class _Tok(NamedTuple):
    kind: int
    # _DIGIT: the digit; _UNIT: 10**power; _NUM: the literal's value.
    value: Decimal
    # _UNIT: the power of ten; _NUM: number of integer digits (drives the "3万4000" rule).
    size: int = 0
    # _NUM with a fractional part.
    frac: bool = False
    # _DIGIT written 两.
    liang: bool = False
    # _NUM whose integer part has a superfluous leading zero ("05"): fine alone, not before a unit.
    lead_zero: bool = False


def _err(src: str, why: str) -> NumberParseError:
    return NumberParseError(f"cannot parse number {src!r}: {why}")


def parse_number(s: str) -> Decimal:
    """Return the exact value of the single numeral ``s``.

    Raises :class:`NumberParseError` (naming ``s``) for anything that is not exactly one
    numeral; it never guesses.

    >>> parse_number("16.4亿") == Decimal("1640000000")
    True
    >>> print(parse_number("1.5万"))
    15000
    >>> print(parse_number("134.9万亿"))
    134900000000000
    >>> print(parse_number("13万2"))
    132000
    >>> print(parse_number("3万4000"))
    34000
    >>> print(parse_number("一万五千亿"))
    1500000000000
    >>> print(parse_number("两万三"))
    23000
    >>> print(parse_number("一百零五"))
    105
    >>> print(parse_number("二〇二三"))
    2023
    >>> print(parse_number("廿三"))
    23
    >>> print(parse_number("壹佰贰拾叁"))
    123
    >>> print(parse_number("零点二"))
    0.2
    >>> print(parse_number("５３８１．０"))
    5381.0
    >>> print(parse_number("1，100"))
    1100
    >>> print(parse_number("-3.5"))
    -3.5
    >>> parse_number("万万")
    Traceback (most recent call last):
      ...
    extractor.numbers.NumberParseError: cannot parse number '万万': unit '万' appears twice
    >>> parse_number("1..2")
    Traceback (most recent call last):
      ...
    extractor.numbers.NumberParseError: cannot parse number '1..2': malformed Arabic number near '1.'
    """
    if not isinstance(s, str):
        raise TypeError(f"parse_number() needs a str, not {type(s).__name__}")
    return _parse_cached(s)


# Kept separate from parse_number so the public function stays a plain function (doctest
# discovery, introspection) and non-str input fails with TypeError rather than inside the cache.
@functools.lru_cache(maxsize=4096)
def _parse_cached(s: str) -> Decimal:
    try:
        return _parse(s)
    except DecimalException as exc:
        # Only reachable if a value outgrows _CTX; trapped so it cannot be rounded silently.
        raise _err(s, "value cannot be represented exactly") from exc


# A plain Arabic numeral (most numbers in a report): its value is the literal itself.
_PLAIN_ARABIC: Final = re.compile(r"(?:[1-9][0-9]*|0)(?:\.[0-9]+)?")


def _parse(src: str) -> Decimal:
    if _PLAIN_ARABIC.fullmatch(src) is not None and len(src) <= _MAX_LEN:
        return Decimal(src)
    text = src.strip()
    if not text:
        raise _err(src, "empty")
    if len(text) > _MAX_LEN:
        raise _err(src, f"longer than {_MAX_LEN} characters")
    text = text.translate(_NORMALIZE)
    negative = False
    if text[0] in "-负+":
        negative = text[0] != "+"
        text = text[1:]
        if not text:
            raise _err(src, "sign without digits")
    toks = _tokenize(text, src)
    _check_scripts(toks, src)
    points = [i for i, t in enumerate(toks) if t.kind == _POINT]
    if len(points) > 1:
        raise _err(src, "more than one 点")
    value = _parse_cn_decimal(toks, points[0], src) if points else _parse_tokens(toks, src)
    # copy_negate is exact; unary minus would round to the caller's context precision.
    return value.copy_negate() if negative else value


def _tokenize(text: str, src: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if "0" <= ch <= "9":
            m = _ARABIC_RE.match(text, i)
            assert m is not None  # a digit always matches the plain-digits branch
            end = m.end()
            if end < n and text[end] in ".,0123456789":
                raise _err(src, f"malformed Arabic number near {text[i : end + 1]!r}")
            lit = m.group().replace(",", "")
            int_part, dot, _frac = lit.partition(".")
            lead_zero = len(int_part) > 1 and int_part[0] == "0"
            toks.append(_Tok(_NUM, Decimal(lit), size=len(int_part), frac=bool(dot), lead_zero=lead_zero))
            i = end
            continue
        digit = _CN_DIGITS.get(ch)
        if digit is not None:
            toks.append(_Tok(_DIGIT, Decimal(digit), liang=ch in _LIANG))
        elif ch in _CN_UNITS:
            power = _CN_UNITS[ch]
            if power == _YI and toks and toks[-1].kind == _UNIT and toks[-1].size == _YI:
                toks[-1] = _Tok(_UNIT, Decimal(10**_YI_YI), size=_YI_YI)
            else:
                toks.append(_Tok(_UNIT, Decimal(10**power), size=power))
        elif ch == "点":
            toks.append(_Tok(_POINT, _ZERO))
        elif ch in ".,":
            raise _err(src, f"stray {ch!r}")
        else:
            raise _err(src, f"unexpected character {ch!r}")
        i += 1
    return toks


def _check_scripts(toks: list[_Tok], src: str) -> None:
    """Refuse token mixes that are more likely two numbers, a range or a unit than one value."""
    has_num = any(t.kind == _NUM for t in toks)
    if has_num and any(t.kind == _DIGIT for t in toks):
        # "3万四千", "13万二", "两万3": reports write a numeral in one script.
        raise _err(src, "Arabic and Chinese digits mixed")
    if has_num and toks[0].kind != _NUM:
        # "百万6320", "千508": an Arabic numeral starts with its digits.
        raise _err(src, "Arabic numeral starting with a unit")
    if len(toks) > 1:
        for k, tok in enumerate(toks):
            if not tok.liang:
                continue
            before_ok = k == 0 or toks[k - 1].kind == _DIGIT or toks[k - 1].size >= 2
            after_ok = k + 1 < len(toks) and toks[k + 1].kind == _UNIT and toks[k + 1].size >= 2
            if not (before_ok and after_ok):
                # 两 leads a count of hundreds, thousands, 万, 亿.  Elsewhere it is the weight
                # unit ("四十两"), a clock time ("两点"), or a slip for 二 ("两十", "四十两亿").
                raise _err(src, "两 only leads a count of 百/千/万/亿")


def _parse_tokens(toks: list[_Tok], src: str) -> Decimal:
    """Value of a token list without 点 (a Chinese decimal has already been folded in)."""
    for k, tok in enumerate(toks):
        if tok.kind == _NUM and tok.frac and k > 0:
            # "1亿2.5万" or "3万4000.5": well-defined but never written that way; more likely two
            # numbers run together, so refuse rather than add them up.
            raise _err(src, "a decimal can only be the leading part of a numeral")
    if toks[0].kind == _NUM and toks[0].frac and any(t.kind != _UNIT for t in toks[1:]):
        raise _err(src, "only units may follow a decimal mantissa")
    if not any(t.kind == _UNIT for t in toks):
        return _atom(toks, 0, len(toks), src, top=True)
    value = _expr(toks, 0, len(toks), src, at_start=True, abbrev=True)
    # 1.5 × 10000 computes as 15000.0; hand back 15000 so values with units compare and print
    # the same however the mantissa was written.
    if value == value.to_integral_value(context=_CTX):
        return value.quantize(_ONE, context=_CTX)
    return value.normalize(_CTX)


def _parse_cn_decimal(toks: list[_Tok], point: int, src: str) -> Decimal:
    """A Chinese decimal ("三点五", "三点五亿"): integer part, 点, digits, optional units."""
    if any(t.kind == _NUM for t in toks):
        raise _err(src, "点 mixed with Arabic digits")
    end = point + 1
    while end < len(toks) and toks[end].kind == _DIGIT and not toks[end].liang:
        end += 1
    if end == point + 1:
        raise _err(src, "no digits after 点")
    if point == 0:
        raise _err(src, "no integer part before 点")
    head, suffix = toks[:point], toks[end:]
    if any(t.kind != _UNIT for t in suffix):
        raise _err(src, "only units may follow the digits after 点")
    if suffix and any(t.kind == _UNIT and t.size >= 4 for t in head):
        raise _err(src, "a decimal mantissa before a unit cannot contain 万 or 亿")
    # No abbreviation: "二千三点五" could be 2300.5 or 2003.5.
    int_part = _expr(toks, 0, point, src, at_start=True, abbrev=False)
    digits = "".join(str(int(t.value)) for t in toks[point + 1 : end])
    mantissa = Decimal(f"{int_part}.{digits}")
    if not suffix:
        return mantissa
    lead = _Tok(_NUM, mantissa, size=len(str(int_part)), frac=True)
    return _parse_tokens([lead, *suffix], src)


def _atom(toks: list[_Tok], lo: int, hi: int, src: str, *, top: bool) -> Decimal:
    """A unit-free stretch: one literal or digit, or (whole numeral only) a positional string."""
    if hi - lo == 1 and toks[lo].kind in (_NUM, _DIGIT):
        return toks[lo].value
    if top and hi - lo > 1 and all(t.kind == _DIGIT and not t.liang for t in toks[lo:hi]):
        digits = "".join(str(int(t.value)) for t in toks[lo:hi])
        # "二〇二三": digit by digit, as years and codes are written.  Two digits without a
        # zero are refused: "三四个", "三五天", "七八" are approximate ranges, not 34/35/78.
        if hi - lo >= 3 or "0" in digits:
            return Decimal(digits)
        raise _err(src, "two adjacent digits are an approximate range (三四), not a number")
    raise _err(src, "digits run together without a unit")


def _expr(
    toks: list[_Tok], lo: int, hi: int, src: str, *, at_start: bool, abbrev: bool, bare_ten: bool = False
) -> Decimal:
    """Value of toks[lo:hi], split around its largest unit: left × unit + right.

    ``at_start``: the stretch begins the numeral, where 十/百/千 may stand without 一 ("百万").
    ``abbrev``: the stretch ends the numeral, where "三千五" may mean 3500.
    ``bare_ten``: 十 may stand without 一 here too ("一百十六", "一千零十").
    """
    if lo >= hi:
        raise _err(src, "a unit is missing its digits")
    best = -1
    best_power = 0
    for k in range(lo, hi):
        tok = toks[k]
        if tok.kind != _UNIT:
            continue
        if tok.size > best_power:
            best, best_power = k, tok.size
        elif tok.size == best_power:
            # Each side of a unit is smaller than it, so a unit can occur only once per level;
            # "万万" (archaic 1e8) and "三千二千" are refused.
            raise _err(src, f"unit {_unit_name(best_power)!r} appears twice")
    if best < 0:
        return _atom(toks, lo, hi, src, top=False)
    if best_power <= 3:
        _check_arabic_in_section(toks, lo, hi, best, src)
    unit = toks[best].value
    single_left = best - lo == 1 and toks[lo].kind in (_DIGIT, _NUM)

    if best == lo:
        # Implicit 一: "十六", "百万", "千亿" at the start; "一百十六" after 百 or 零; never
        # before 万/亿 ("万亿"), and not as "千万十" where the 十 would hide a missing 零.
        if best_power > 3 or not (at_start or (best_power == 1 and bare_ten)):
            raise _err(src, f"unit {_unit_name(best_power)!r} has no digit before it")
        left = _ONE
    elif best_power <= 3:
        # 十/百/千 take one digit, never a compound ("二十百").
        if not single_left:
            raise _err(src, f"unit {_unit_name(best_power)!r} needs a single digit before it")
        left = _atom(toks, lo, best, src, top=False)
    else:
        # 万/亿 take a whole smaller numeral ("一万五千亿", "1.5万亿"); an abbreviation there
        # ("三千五万") is ambiguous, so it is refused.
        left = _expr(toks, lo, best, src, at_start=at_start, abbrev=False, bare_ten=bare_ten)
    if left.is_zero():
        raise _err(src, f"zero before unit {_unit_name(best_power)!r}")
    if single_left and toks[lo].kind == _NUM and toks[lo].lead_zero:
        raise _err(src, "Arabic multiplier with a leading zero")

    # "一万五" is idiomatic; "十万五" / "一千亿五" (105000? 100500?) are not, so a trailing bare
    # digit is only read as the next lower unit when the multiplier is a single digit/literal.
    right = _right(toks, best + 1, hi, src, best_power, left, abbrev=abbrev and single_left)
    return _CTX.add(_CTX.multiply(left, unit), right)


def _check_arabic_in_section(toks: list[_Tok], lo: int, hi: int, best: int, src: str) -> None:
    """Below 万, Arabic digits appear only as "5千", "2.5千", "3百" or "3千5".

    Anything else ("3十9", "三百3", "千508", "8百零2") mixes scripts in a way reports never
    use; it is more likely two numbers run together than one value.
    """
    if not any(toks[k].kind == _NUM for k in range(lo, hi)):
        return
    ok = (
        toks[best].size >= 2
        and best - lo == 1
        and toks[lo].kind == _NUM
        and toks[lo].size == 1
        and (best + 1 == hi or (best + 2 == hi and toks[best + 1].kind == _NUM))
    )
    if not ok:
        raise _err(src, "Arabic digits mixed into a Chinese numeral below 万")


def _right(
    toks: list[_Tok], lo: int, hi: int, src: str, power: int, left: Decimal, *, abbrev: bool
) -> Decimal:
    """Value of what follows ``left`` × 10**power; it must be smaller than 10**power.

    零 must mark a skipped place and may not appear elsewhere, so a dropped or stray character
    ("一万五十", "一百零五十") is refused instead of read as some nearby number.
    """
    if lo == hi:
        return _ZERO
    unit = Decimal(10**power)
    lower = Decimal(10 ** (power - 1))
    first = toks[lo]
    if first.kind == _DIGIT and first.value.is_zero():
        # 零 marks a gap ("一千零五"); a 零 where nothing is skipped ("一百零五十") is a typo
        # or two numbers, so refuse it.
        if lo + 1 == hi:
            raise _err(src, "零 at the end")
        if toks[lo + 1].kind == _DIGIT and toks[lo + 1].value.is_zero():
            raise _err(src, "零 repeated")
        rest = _expr(toks, lo + 1, hi, src, at_start=False, abbrev=abbrev, bare_ten=True)
        # Stacked 万亿 also skips a place when its whole 亿 group is empty: 三万亿零五千万.
        empty_group = power >= 8 and left >= 10**4 and _CTX.remainder(left, Decimal(10**4)).is_zero()
        if not (rest < lower or empty_group):
            raise _err(src, "零 where no place is skipped")
        return rest
    if hi - lo == 1 and first.kind in (_DIGIT, _NUM) and not first.frac:
        if first.kind == _NUM and first.size == power and power >= 4:
            # "3万4000", "3万0400": the literal fills exactly the places below the unit.
            return first.value
        if first.kind == _DIGIT or first.size == 1:
            if first.value.is_zero():
                raise _err(src, "zero digit after a unit")
            # A bare digit after a unit counts in the next lower unit: 三千五 = 3500,
            # 13万2 = 132000.  Only at the very end of the numeral, where it is idiomatic.
            if power > 1 and not abbrev:
                raise _err(src, "a digit standing for the next lower unit (三千五) is not idiomatic here")
            return _CTX.multiply(first.value, lower)
        # "3万400": 34000 or 30400?  Refuse.
        raise _err(src, f"ambiguous digits after unit {_unit_name(power)!r}")
    rest = _expr(toks, lo, hi, src, at_start=False, abbrev=abbrev, bare_ten=power == 2)
    if rest >= unit:
        raise _err(src, f"part after unit {_unit_name(power)!r} is not smaller than it")
    if rest < lower:
        raise _err(src, f"零 missing after unit {_unit_name(power)!r}")
    return rest


def _unit_name(power: int) -> str:
    return {1: "十", 2: "百", 3: "千", 4: "万", 8: "亿", 16: "亿亿"}.get(power, f"1e{power}")


# --- rendering (for round-trip tests) ---------------------------------------------------------

_STYLES: Final = frozenset({"standard", "liang", "mixed", "positional"})
_STD_DIGITS: Final = "零一二三四五六七八九"
_POS_DIGITS: Final = "〇一二三四五六七八九"
_UNIT_CHARS: Final[dict[int, str]] = {16: "亿亿", 8: "亿", 4: "万", 3: "千", 2: "百", 1: "十"}
# Above 10**20 the left side of 亿亿 would itself need 亿亿, which parse_number refuses.
_CN_LIMIT: Final = 10**20
_MIXED_UNITS: Final = ((12, "万亿"), (8, "亿"), (4, "万"))


def render_chinese(n: int | Decimal, *, style: str = "standard") -> str:
    """Write the non-negative number ``n`` so that :func:`parse_number` reads it back.

    Styles:

    - "standard": 一万二千三百四十五, with 零 for skipped places and 十六 for 16.
    - "liang": as standard, but 两 for a 2 before 百/千/万/亿 (两万两千).
    - "positional": digit by digit (二〇二三); refused for two digits without a zero, which
      parse_number reads as a range (三四).
    - "mixed": Arabic mantissa with 万/亿/万亿 when it needs at most two decimals (1.5万,
      134.9万亿); else "3万4567" when the part below 万 has four digits; else plain Arabic.
      The only style that accepts a Decimal fraction (at most two decimal places).

    Raises ValueError for negative, non-finite or unsupported input (Chinese styles stop
    below 10**20).

    >>> render_chinese(12345)
    '一万二千三百四十五'
    >>> render_chinese(22000, style="liang")
    '两万两千'
    >>> render_chinese(134900000000000, style="mixed")
    '134.9万亿'
    >>> render_chinese(2023, style="positional")
    '二〇二三'
    """
    if style not in _STYLES:
        raise ValueError(f"unknown style {style!r}; expected one of {sorted(_STYLES)}")
    if isinstance(n, bool) or not isinstance(n, int | Decimal):
        raise TypeError(f"render_chinese() needs an int or Decimal, not {type(n).__name__}")
    value = Decimal(n)
    if not value.is_finite() or (value.is_signed() and not value.is_zero()):
        raise ValueError(f"cannot render {n!r}: not a finite non-negative number")
    if style == "mixed":
        if not _CTX.remainder(value, Decimal("0.01")).is_zero():
            raise ValueError(f"cannot render {n!r}: more than two decimal places")
        return _render_mixed(value.copy_abs())
    if value != value.to_integral_value(context=_CTX):
        raise ValueError(f"cannot render {n!r} in style {style!r}: not an integer")
    i = int(value)
    if style == "positional":
        digits = str(i)
        if len(digits) == 2 and "0" not in digits:
            # parse_number reads "三四" as a range, not 34, so this would not round-trip.
            raise ValueError(f"cannot render {n!r} positionally: two digits without a zero")
        return "".join(_POS_DIGITS[int(c)] for c in digits)
    if i >= _CN_LIMIT:
        raise ValueError(f"cannot render {n!r} in style {style!r}: too large")
    return _render_cn(i, liang=style == "liang", at_start=True)


def _render_cn(n: int, *, liang: bool, at_start: bool) -> str:
    if n < 10:
        return _STD_DIGITS[n]
    for power, chars in _UNIT_CHARS.items():
        unit = 10**power
        if n < unit:
            continue
        hi, lo = divmod(n, unit)
        if liang and hi == 2 and power >= 2:
            head = "两"
        elif power == 1 and hi == 1 and at_start:
            head = ""  # 十六, not 一十六, at the start; 一百一十六 inside
        elif power <= 3:
            head = _STD_DIGITS[hi]
        else:
            head = _render_cn(hi, liang=liang, at_start=at_start)
        if lo == 0:
            tail = ""
        elif lo < unit // 10 or (power >= 8 and hi % 10**4 == 0):
            # A skipped place, or an empty 亿 group under stacked 万亿 (三万亿零五千万).
            tail = "零" + _render_cn(lo, liang=liang, at_start=False)
        else:
            tail = _render_cn(lo, liang=liang, at_start=False)
        return head + chars + tail
    raise AssertionError("unreachable: n >= 10 always has a unit")


def _render_mixed(value: Decimal) -> str:
    for power, suffix in _MIXED_UNITS:
        unit = Decimal(10**power)
        if value >= unit and _CTX.remainder(value, Decimal(10 ** (power - 2))).is_zero():
            return format(_CTX.divide(value, unit), "f") + suffix
    if value >= 10**4 and value == value.to_integral_value(context=_CTX):
        hi, lo = divmod(int(value), 10**4)
        if lo >= 1000:
            return f"{hi}万{lo}"  # "3万4000": four digits fill the places below 万
    return format(value, "f")

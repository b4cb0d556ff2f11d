"""Chinese and mixed numerals → exact ``Decimal``: 一百二十, 两千, 1.2万, 壹拾, 三十余万, 2,400.

Why: fillers type quantities the way reports write them. The fuzzy-quantity parser
(:mod:`evaltool.quantities.fuzzy`) needs the exact number under a modifier before it can build an
interval; this module only reads the number and tells where it stopped and whether a
余/多 ("more than") marker was part of it.

Example:

>>> read_number("三十余场次")
NumberRun(value=Decimal('30'), more=True, end=3, arabic=False)
>>> read_number("1.2万人")
NumberRun(value=Decimal('12000.0'), more=False, end=4, arabic=True)
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

__all__ = ["NumberRun", "read_number", "last_digit_step", "DIGITS", "SMALL_UNITS", "BIG_UNITS"]

DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "貳": 2, "两": 2, "兩": 2,
    "三": 3, "叁": 3, "參": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "陸": 6,
    "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}
SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS: dict[str, int] = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
MORE = ("余", "多")


@dataclass(frozen=True)
class NumberRun:
    """The number read from the start of a text; ``end`` is the index just after it."""

    value: Decimal
    more: bool  # a 余/多 marker was inside the run (三十余, 10余万, 2400多)
    end: int
    arabic: bool  # the run contained Arabic digits


def _arabic(text: str, i: int) -> tuple[Decimal, int] | None:
    j = i
    while j < len(text) and (text[j].isascii() and text[j].isdigit()):
        j += 1
    if j == i:
        return None
    if j + 1 < len(text) and text[j] == "." and text[j + 1].isascii() and text[j + 1].isdigit():
        j += 1
        while j < len(text) and text[j].isascii() and text[j].isdigit():
            j += 1
    return Decimal(text[i:j]), j


def read_number(text: str, start: int = 0) -> NumberRun | None:
    """Read a (possibly mixed Arabic/Chinese) numeral at ``start``; None when there is none.

    Handles digits with small units (十百千) and big units (万亿), a leading bare unit
    (十余 → 10, 千余 → 1000), and a 余/多 marker after any part (三十余万 → 300000, more).
    """
    total = Decimal(0)
    section = Decimal(0)
    number: Decimal | None = None
    more = False
    arabic = False
    seen = False
    i = start
    n = len(text)
    while i < n:
        ch = text[i]
        got = _arabic(text, i)
        if got is not None:
            if number is not None:
                break
            number, i = got
            arabic = seen = True
            continue
        if ch in DIGITS:
            if number is not None and number != 0:
                break  # 二三 is not a number we read
            number = Decimal(DIGITS[ch]) if ch not in "零〇○" else (number or Decimal(0))
            seen = True
        elif ch in SMALL_UNITS:
            section += (number if number is not None else Decimal(1)) * SMALL_UNITS[ch]
            number = None
            seen = True
        elif ch in BIG_UNITS:
            section += number if number is not None else Decimal(0)
            if section == 0 and total == 0:
                section = Decimal(1)  # a bare 万 / 亿 (万余, 近万)
            unit = BIG_UNITS[ch]
            if unit == 100_000_000:
                total = (total + section) * unit
            else:
                total += section * unit
            section = Decimal(0)
            number = None
            seen = True
        elif ch in MORE and seen and not more:
            more = True
        else:
            break
        i += 1
    if not seen:
        return None
    value = total + section + (number if number is not None else Decimal(0))
    return NumberRun(value=value, more=more, end=i, arabic=arabic)


def last_digit_step(value: Decimal) -> Decimal:
    """The place value of the last non-zero digit: 30 → 10, 2400 → 100, 1.5 → 0.1, 0 → 1."""
    if value == 0:
        return Decimal(1)
    sign, digits, exp = value.normalize().as_tuple()
    assert isinstance(exp, int)
    return Decimal(1).scaleb(exp)

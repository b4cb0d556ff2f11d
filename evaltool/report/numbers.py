"""How the report writes numbers: money to the fen with separators, rates as percentages.

Why: a report's figures must read exactly like the workbook's cells (``#,##0.00`` and
``0.00%``) and round like Excel (half away from zero), so a sentence written from the cells
and a sentence checked by ``lint-report`` agree to the last digit.

Example:

>>> from decimal import Decimal
>>> money_text(Decimal("18902744.6"))
'18,902,744.60'
>>> rate_text(0.09595363839386588), rate_text(0.00125), score_text(49.80), cn_ordinal(12)
('9.60%', '0.13%', '49.8', '十二')
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CHINESE_ORDINALS = "一二三四五六七八九十"


def _dec(x: object) -> Decimal | None:
    if x is None or isinstance(x, bool) or x == "":
        return None
    try:
        return x if isinstance(x, Decimal) else Decimal(str(x))
    except (InvalidOperation, ValueError):
        return None


def money_text(x: object) -> str:
    """``18,902,744.60``; blank for no value."""
    d = _dec(x)
    return "" if d is None else f"{d.quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f}"


def rate_text(x: object, digits: int = 2) -> str:
    """A ratio as a percentage rounded half away from zero: ``0.0959536`` → ``9.60%``."""
    d = _dec(x)
    if d is None:
        return ""
    q = Decimal(1).scaleb(-digits)
    return f"{(d * 100).quantize(q, ROUND_HALF_UP)}%"


def score_text(x: object, digits: int = 2) -> str:
    """A score without trailing zeros: ``49.8``, ``50``, ``98.75``."""
    d = _dec(x)
    if d is None:
        return ""
    s = f"{d.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP):f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def plain_text(x: object) -> str:
    """A cell value as written: integers without ``.0``, text as is."""
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    if isinstance(x, Decimal):
        return score_text(x, 6)
    return "" if x is None else str(x)


def cn_ordinal(n: int) -> str:
    """1 → 一 … 10 → 十, 11 → 十一, 20 → 二十 (section numbers)."""
    if n <= 10:
        return CHINESE_ORDINALS[n - 1]
    tens, ones = divmod(n, 10)
    return (CHINESE_ORDINALS[tens - 1] if tens > 1 else "") + "十" + (CHINESE_ORDINALS[ones - 1] if ones else "")

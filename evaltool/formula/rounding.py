"""ROUND, ROUNDUP, ROUNDDOWN and the 15-significant-digit helpers, as spreadsheets do them.

Why: Python's ``round`` is banker's rounding on the binary value, so ``round(0.075, 2)`` is
0.07 while Excel and LibreOffice say 0.08 (measurements.md §0 item 6). Spreadsheets first
reduce a double to 15 significant digits and then round half away from zero; scores computed
here must match the live formulas written back to the workbook to the cent.
"""

from __future__ import annotations

import math
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Context, Decimal
from typing import TypeVar

__all__ = ["xl_round", "xl_roundup", "xl_rounddown", "approx_value", "approx_floor"]

_CTX = Context(prec=800, Emax=10_000, Emin=-10_000)
N = TypeVar("N", float, Decimal)


def approx_value(x: float) -> float:
    """``x`` reduced to 15 significant digits (LibreOffice ``rtl::math::approxValue``)."""
    if x == 0.0 or not math.isfinite(x):
        return x
    return float(format(x, ".15g"))


def approx_floor(x: float) -> float:
    """``floor`` of the 15-digit value, so INT(2.9999999999999996) is 3 as in LibreOffice."""
    return float(math.floor(approx_value(x)))


def _round(x: N, digits: float, mode: str) -> N:
    nd = int(digits)  # spreadsheets truncate the digits argument toward zero
    if isinstance(x, Decimal):
        d = x
    else:
        if not math.isfinite(x):
            return x
        d = Decimal(format(x, ".15g"))
    if nd > 300:
        q = d
    elif nd < -400:
        q = Decimal(0)
    else:
        q = d.quantize(Decimal(1).scaleb(-nd), rounding=mode, context=_CTX)
    if isinstance(x, Decimal):
        return q
    result = float(q)
    return 0.0 if result == 0 else result


def xl_round(x: N, digits: float = 0) -> N:
    """Spreadsheet ROUND: 15 significant digits, then half away from zero.

    ``xl_round(0.075, 2) == 0.08``, ``xl_round(-2.5) == -3.0``, ``xl_round(1250, -2) == 1300.0``;
    a ``Decimal`` in gives a ``Decimal`` out (rounded exactly, no 15-digit step).
    """
    return _round(x, digits, ROUND_HALF_UP)


def xl_roundup(x: N, digits: float = 0) -> N:
    """Spreadsheet ROUNDUP: away from zero."""
    return _round(x, digits, ROUND_UP)


def xl_rounddown(x: N, digits: float = 0) -> N:
    """Spreadsheet ROUNDDOWN: toward zero."""
    return _round(x, digits, ROUND_DOWN)

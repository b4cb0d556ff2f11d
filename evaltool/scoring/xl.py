"""Small helpers that build Excel formula text and compare numbers the way spreadsheets do.

Why: every scoring method returns a Python value *and* the equivalent live formula; both must
agree after LibreOffice/Excel recalculate. Literals are rendered so they parse back to the
same double, text is always a quoted string literal (never spliced in as formula text), and
comparisons treat numbers equal within 15 significant digits as equal, as LibreOffice does
(``=0.8999999999999999>=0.9`` is TRUE there).

Example::

    cell_ref("绩效指标", "J5")      # "'绩效指标'!J5"
    lit(0.9), lit(3.0)             # ('0.9', '3')
    text_lit('a"b')                 # the text a"b as a quoted literal, quotes doubled
    ge(0.8999999999999999, 0.9)    # True
"""

from __future__ import annotations

import math

__all__ = ["cell_ref", "lit", "text_lit", "approx_eq", "ge", "gt", "le", "lt"]

_REL = 2.0**-48  # LibreOffice rtl::math::approxEqual


def cell_ref(sheet: str, ref: str) -> str:
    """A cross-sheet reference with the sheet name always quoted: ``'预算执行'!B5``."""
    return "'" + sheet.replace("'", "''") + "'!" + ref


def lit(x: float) -> str:
    """A numeric literal that reads back as the same double (``3`` not ``3.0``)."""
    if not math.isfinite(x):
        raise ValueError(f"cannot write {x!r} into a formula")
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x))


def text_lit(s: str) -> str:
    """A string literal: quotes doubled, so the text can never become formula syntax."""
    return '"' + s.replace('"', '""') + '"'


def approx_eq(a: float, b: float) -> bool:
    """Equal, or within 2^-48 relative (LibreOffice's approxEqual)."""
    if a == b:
        return True
    if a == 0.0 or b == 0.0 or (a < 0) != (b < 0):
        return False
    return abs(a - b) < abs(a) * _REL


def ge(a: float, b: float) -> bool:
    return a > b or approx_eq(a, b)


def gt(a: float, b: float) -> bool:
    return a > b and not approx_eq(a, b)


def le(a: float, b: float) -> bool:
    return a < b or approx_eq(a, b)


def lt(a: float, b: float) -> bool:
    return a < b and not approx_eq(a, b)

"""Value coercions and comparison with spreadsheet (LibreOffice/Excel) semantics.

Why: the rules that decide whether a submitted workbook passes depend on the small print —
a blank is 0 in arithmetic and "" in text, ``"3"+1`` is 4 but ``"abc"+1`` is #VALUE!,
numbers sort before text before booleans, text compares case-insensitively, and
``0.1+0.2=0.3`` is TRUE because LibreOffice compares doubles to ~15 digits (2**-48).
All of that lives here, once.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

from .values import NUM, VALUE, ErrorSignal, Range, Value, XLError

__all__ = [
    "to_number",
    "to_text",
    "to_bool",
    "scalar",
    "compare",
    "approx_equal",
    "approx_add",
    "approx_sub",
    "number_to_text",
    "parse_number_text",
    "check_number",
]

_E48 = 1.0 / (16777216.0 * 16777216.0)
_NUMBER_TEXT = re.compile(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(%?)\s*$")


def approx_equal(a: float, b: float) -> bool:
    """LibreOffice ``rtl::math::approxEqual``: equal to within a relative 2**-48."""
    if a == b:
        return True
    if a == 0.0 or b == 0.0:
        return False
    d = abs(a - b)
    return d < abs(a) * _E48 and d < abs(b) * _E48


def approx_add(a: float, b: float) -> float:
    """``a + b``, snapped to 0 when the operands cancel (LibreOffice ``approxAdd``)."""
    if ((a < 0.0 < b) or (b < 0.0 < a)) and approx_equal(a, -b):
        return 0.0
    return a + b


def approx_sub(a: float, b: float) -> float:
    """``a - b``, snapped to 0 when the operands are approximately equal."""
    if ((a < 0.0 and b < 0.0) or (a > 0.0 and b > 0.0)) and approx_equal(a, b):
        return 0.0
    return a - b


def check_number(x: float) -> float:
    """Return ``x`` or raise #NUM! for inf/nan (overflow)."""
    if math.isfinite(x):
        return x
    raise ErrorSignal(NUM)


def parse_number_text(s: str) -> float | None:
    """Number for numeric text such as ``" 3 "``, ``"1e3"``, ``"50%"``; None otherwise."""
    m = _NUMBER_TEXT.match(s)
    if m is None:
        return None
    x = float(m.group(1))
    return x / 100.0 if m.group(2) else x


def to_number(v: Value) -> float:
    """Arithmetic coercion: blank → 0, TRUE → 1, numeric text → number, other text → #VALUE!."""
    t = type(v)
    if t is float:
        return v  # type: ignore[return-value]
    if v is None:
        return 0.0
    if t is bool:
        return 1.0 if v else 0.0
    if t is str:
        x = parse_number_text(v)  # type: ignore[arg-type]
        if x is None:
            raise ErrorSignal(VALUE)
        return x
    if t is XLError:
        raise ErrorSignal(v)  # type: ignore[arg-type]
    if t is Range:
        return to_number(scalar(v))
    raise ErrorSignal(VALUE)


def number_to_text(x: float) -> str:
    """A number as spreadsheet text: up to 15 significant digits; ``1E+20`` (Excel's two-digit
    exponent) for big and tiny numbers, fixed notation down to 1E-10."""
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    s = format(x, ".15g")
    if "e" in s:
        mant, exp = s.split("e")
        e = int(exp)
        if -10 <= e < 0:  # small numbers stay in fixed notation, as LibreOffice shows them
            return format(Decimal(s), "f")
        return f"{mant}E{'+' if e >= 0 else '-'}{abs(e):02d}"
    return s


def to_text(v: Value) -> str:
    """Text coercion: blank → "", numbers in General format, TRUE → "TRUE"."""
    t = type(v)
    if t is str:
        return v  # type: ignore[return-value]
    if v is None:
        return ""
    if t is float:
        return number_to_text(v)  # type: ignore[arg-type]
    if t is bool:
        return "TRUE" if v else "FALSE"
    if t is XLError:
        raise ErrorSignal(v)  # type: ignore[arg-type]
    if t is Range:
        return to_text(scalar(v))
    raise ErrorSignal(VALUE)


def to_bool(v: Value) -> bool:
    """Logical coercion: numbers ≠ 0, blank → FALSE, text "TRUE"/"FALSE" only."""
    t = type(v)
    if t is bool:
        return v  # type: ignore[return-value]
    if t is float:
        return v != 0.0
    if v is None:
        return False
    if t is str:
        u = v.upper()  # type: ignore[union-attr]
        if u == "TRUE":
            return True
        if u == "FALSE":
            return False
        raise ErrorSignal(VALUE)
    if t is XLError:
        raise ErrorSignal(v)  # type: ignore[arg-type]
    if t is Range:
        return to_bool(scalar(v))
    raise ErrorSignal(VALUE)


def scalar(v: Value | Range) -> Value:
    """A single value: a 1×1 range gives its cell; a larger range is #VALUE! (no implicit
    intersection — the evaluator does not know which cell a formula sits in)."""
    if type(v) is Range:
        rows = v.rows  # type: ignore[union-attr]
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        return VALUE
    return v  # type: ignore[return-value]


def _rank(v: Value) -> int:
    t = type(v)
    if t is float:
        return 0
    if t is str:
        return 1
    return 2


def compare(a: Value, b: Value) -> int:
    """-1/0/1 ordering: blank equals 0/""/FALSE; numbers < text < booleans; text caseless."""
    if type(a) is XLError:
        raise ErrorSignal(a)  # type: ignore[arg-type]
    if type(b) is XLError:
        raise ErrorSignal(b)  # type: ignore[arg-type]
    if a is None:
        if b is None:
            return 0
        a = 0.0 if type(b) is float else ("" if type(b) is str else False)
    elif b is None:
        b = 0.0 if type(a) is float else ("" if type(a) is str else False)
    ra, rb = _rank(a), _rank(b)
    if ra != rb:
        return -1 if ra < rb else 1
    if ra == 0:
        if approx_equal(a, b):  # type: ignore[arg-type]
            return 0
        return -1 if a < b else 1  # type: ignore[operator]
    if ra == 1:
        la, lb = a.lower(), b.lower()  # type: ignore[union-attr]
        if la == lb:
            return 0
        return -1 if la < lb else 1
    return (a > b) - (a < b)  # type: ignore[operator]

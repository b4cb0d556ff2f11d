"""Text functions: LEN, TRIM, VALUE, TEXT, LEFT, RIGHT, MID, FIND, SEARCH, CONCATENATE,
UPPER, LOWER, EXACT.

Why: submitted workbooks carry numbers as text ("90%", " 12 ") and rules need to inspect
codes and names; TEXT renders rates the way a report shows them. TEXT supports only the
plain number formats used in reports (``0``, ``0.00``, ``#,##0.00``, ``0.0%``); any other
format is #VALUE! here (a deliberate, documented gap).
"""

from __future__ import annotations

import re

from ..coerce import parse_number_text, scalar
from ..rounding import xl_round
from ..values import VALUE, ErrorSignal, XLError
from .criteria import wildcard
from .registry import Arg, num, register, text

_FORMAT = re.compile(r"(#,##)?0(?:\.(0+))?(%?)")


@register("LEN", 1, 1)
def LEN(x: Arg) -> float:
    return float(len(text(x)))


@register("TRIM", 1, 1)
def TRIM(x: Arg) -> str:
    return re.sub(" +", " ", text(x).strip(" "))


@register("UPPER", 1, 1)
def UPPER(x: Arg) -> str:
    return text(x).upper()


@register("LOWER", 1, 1)
def LOWER(x: Arg) -> str:
    return text(x).lower()


@register("EXACT", 2, 2)
def EXACT(a: Arg, b: Arg) -> bool:
    return text(a) == text(b)


@register("VALUE", 1, 1)
def VALUE_(x: Arg) -> float:
    v = scalar(x)
    if type(v) is XLError:
        raise ErrorSignal(v)  # type: ignore[arg-type]
    if type(v) is float:
        return v  # type: ignore[return-value]
    if v is None:
        return 0.0
    if type(v) is str:
        n = parse_number_text(v)  # type: ignore[arg-type]
        if n is not None:
            return n
    raise ErrorSignal(VALUE)


def format_number(x: float, fmt: str) -> str:
    """``x`` in a simple number format such as ``"#,##0.00"`` or ``"0.0%"``."""
    m = _FORMAT.fullmatch(fmt)
    if m is None:
        raise ErrorSignal(VALUE)
    decimals = len(m.group(2) or "")
    if m.group(3):
        x *= 100.0
    r = xl_round(x, decimals)
    s = f"{abs(r):{',' if m.group(1) else ''}.{decimals}f}"
    sign = "-" if r < 0 else ""
    return sign + s + m.group(3)


@register("TEXT", 2, 2)
def TEXT(x: Arg, fmt: Arg) -> str:
    v = scalar(x)
    if type(v) is XLError:
        raise ErrorSignal(v)  # type: ignore[arg-type]
    f = text(fmt)
    if type(v) is str:
        n = parse_number_text(v)  # type: ignore[arg-type]
        if n is None:
            return v  # type: ignore[return-value]
        v = n
    if type(v) is bool:
        return "TRUE" if v else "FALSE"
    return format_number(0.0 if v is None else v, f)  # type: ignore[arg-type]


def _count(x: Arg) -> int:
    n = num(x)
    if n < 0:
        raise ErrorSignal(VALUE)
    return int(n)


@register("LEFT", 1, 2)
def LEFT(x: Arg, n: Arg = 1.0) -> str:
    return text(x)[: _count(n)]


@register("RIGHT", 1, 2)
def RIGHT(x: Arg, n: Arg = 1.0) -> str:
    k = _count(n)
    s = text(x)
    return s[len(s) - k:] if k < len(s) else s


@register("MID", 3, 3)
def MID(x: Arg, start: Arg, n: Arg) -> str:
    s, st = text(x), num(start)
    if st < 1:
        raise ErrorSignal(VALUE)
    i = int(st) - 1
    return s[i: i + _count(n)]


def _start(within: str, start: Arg) -> int:
    st = num(start)
    if st < 1 or st > len(within) + 1:
        raise ErrorSignal(VALUE)
    return int(st) - 1


@register("FIND", 2, 3)
def FIND(find: Arg, within: Arg, start: Arg = 1.0) -> float:
    f, w = text(find), text(within)
    i = w.find(f, _start(w, start))
    if i < 0:
        raise ErrorSignal(VALUE)
    return float(i + 1)


@register("SEARCH", 2, 3)
def SEARCH(find: Arg, within: Arg, start: Arg = 1.0) -> float:
    f, w = text(find), text(within)
    s = _start(w, start)
    if any(c in f for c in "*?~"):
        rx = wildcard(f)
        assert rx is not None
        m = rx.search(w, s)
        if m is None:
            raise ErrorSignal(VALUE)
        return float(m.start() + 1)
    i = w.lower().find(f.lower(), s)
    if i < 0:
        raise ErrorSignal(VALUE)
    return float(i + 1)


@register("CONCATENATE", 1, None)
def CONCATENATE(*args: Arg) -> str:
    return "".join(text(a) for a in args)

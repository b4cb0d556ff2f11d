"""Arithmetic and statistics: SUM, SUMPRODUCT, COUNT*, AVERAGE, MIN, MAX, MEDIAN, ABS,
ROUND*, INT, MOD, RANK.

Why: these are what scoring formulas are made of; each follows LibreOffice's rules for which
cells count (numbers in ranges only) and how doubles are rounded, so Python scores and the
live formulas agree.
"""

from __future__ import annotations

import math

from ..coerce import approx_sub, check_number, to_number
from ..rounding import approx_floor, xl_round, xl_rounddown, xl_roundup
from ..values import DIV0, NA, VALUE, ErrorSignal, Range, Value, XLError
from .registry import Arg, as_rows, kahan_sum, num, numbers, register


@register("SUM", 1, None)
def SUM(*args: Arg) -> float:
    return kahan_sum(numbers(args))


@register("SUMPRODUCT", 1, None)
def SUMPRODUCT(*args: Arg) -> float:
    blocks = [as_rows(a) for a in args]
    shape = (len(blocks[0]), len(blocks[0][0]))
    if any((len(b), len(b[0])) != shape for b in blocks):
        raise ErrorSignal(VALUE)
    terms = []
    for r in range(shape[0]):
        for c in range(shape[1]):
            p = 1.0
            for b in blocks:
                v = b[r][c]
                if type(v) is XLError:
                    raise ErrorSignal(v)  # type: ignore[arg-type]
                p *= v if type(v) is float else 0.0  # type: ignore[operator]
            terms.append(p)
    return kahan_sum(terms)


@register("COUNT", 1, None)
def COUNT(*args: Arg) -> float:
    n = 0
    for a in args:
        if type(a) is Range:
            n += sum(1 for v in a if type(v) is float)  # type: ignore[union-attr]
        elif type(a) is float or type(a) is bool:
            n += 1
        elif type(a) is str:
            try:
                to_number(a)
                n += 1
            except ErrorSignal:
                pass
    return float(n)


@register("COUNTA", 1, None)
def COUNTA(*args: Arg) -> float:
    n = 0
    for a in args:
        if type(a) is Range:
            n += sum(1 for v in a if v is not None)  # type: ignore[union-attr]
        else:
            n += 1
    return float(n)


@register("COUNTBLANK", 1, 1)
def COUNTBLANK(a: Arg) -> float:
    if type(a) is not Range:
        raise ErrorSignal(VALUE)
    return float(sum(1 for v in a if v is None or v == ""))  # type: ignore[union-attr]


@register("AVERAGE", 1, None)
def AVERAGE(*args: Arg) -> float:
    xs = list(numbers(args))
    if not xs:
        raise ErrorSignal(DIV0)
    return kahan_sum(xs) / len(xs)


@register("MIN", 1, None)
def MIN(*args: Arg) -> float:
    xs = list(numbers(args))
    return min(xs) if xs else 0.0


@register("MAX", 1, None)
def MAX(*args: Arg) -> float:
    xs = list(numbers(args))
    return max(xs) if xs else 0.0


@register("MEDIAN", 1, None)
def MEDIAN(*args: Arg) -> float:
    xs = sorted(numbers(args))
    if not xs:
        raise ErrorSignal(VALUE)
    m = len(xs) // 2
    return xs[m] if len(xs) % 2 else (xs[m - 1] + xs[m]) / 2.0


@register("ABS", 1, 1)
def ABS(x: Arg) -> float:
    return abs(num(x))


@register("ROUND", 1, 2)
def ROUND(x: Arg, digits: Arg = 0.0) -> float:
    return check_number(xl_round(num(x), num(digits)))


@register("ROUNDUP", 1, 2)
def ROUNDUP(x: Arg, digits: Arg = 0.0) -> float:
    return check_number(xl_roundup(num(x), num(digits)))


@register("ROUNDDOWN", 1, 2)
def ROUNDDOWN(x: Arg, digits: Arg = 0.0) -> float:
    return check_number(xl_rounddown(num(x), num(digits)))


@register("INT", 1, 1)
def INT(x: Arg) -> float:
    return approx_floor(num(x))


@register("MOD", 2, 2)
def MOD(x: Arg, d: Arg) -> float:
    n, den = num(x), num(d)
    if den == 0.0:
        raise ErrorSignal(DIV0)
    q = n / den
    if not math.isfinite(q):
        raise ErrorSignal(VALUE)
    res = approx_sub(n, approx_floor(q) * den)
    if (den > 0 and 0 <= res < den) or (den < 0 and den < res <= 0):
        return res
    return 0.0 if abs(res) == abs(den) else res


@register("RANK", 2, 3)
def RANK(x: Arg, ref: Arg, order: Arg = 0.0) -> float:
    v = num(x)
    if type(ref) is not Range:
        raise ErrorSignal(VALUE)
    xs: list[Value] = []
    for u in ref:  # type: ignore[union-attr]
        if type(u) is XLError:
            raise ErrorSignal(u)  # type: ignore[arg-type]
        if type(u) is float:
            xs.append(u)
    if not any(u == v for u in xs):
        raise ErrorSignal(NA)
    if num(order) == 0.0:
        return 1.0 + sum(1 for u in xs if u > v)  # type: ignore[operator,misc]
    return 1.0 + sum(1 for u in xs if u < v)  # type: ignore[operator,misc]

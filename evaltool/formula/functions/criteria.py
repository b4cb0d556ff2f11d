"""Criteria functions: COUNTIF, COUNTIFS, SUMIF, SUMIFS, AVERAGEIF and the criteria matcher.

Why: checks like "how many indicators scored 优" or "sum of 执行数 where 类型 = 项目" are
written with criteria strings (``">=90"``, ``"<>"``, ``"优"``, ``"项目*"``); the matcher
turns one criterion into a predicate once per call, with spreadsheet wildcard rules
(``*``, ``?``, ``~`` escape) and caseless text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..coerce import approx_equal, compare, parse_number_text, scalar
from ..values import DIV0, VALUE, ErrorSignal, Range, Value, XLError
from .registry import Arg, as_rows, kahan_sum, register

__all__ = ["make_matcher", "wildcard"]

Matcher = Callable[[Value], bool]
_OPS = ("<=", ">=", "<>", "=", "<", ">")


def wildcard(pattern: str) -> re.Pattern[str] | None:
    """Regex for a pattern with ``*``/``?``/``~`` wildcards, or None if it has none."""
    if not any(c in pattern for c in "*?~"):
        return None
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "~" and i + 1 < len(pattern) and pattern[i + 1] in "*?~":
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if c == "*" else "." if c == "?" else re.escape(c))
        i += 1
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


def _text_equals(rest: str) -> Matcher:
    rx = wildcard(rest)
    if rx is not None:
        return lambda v: type(v) is str and rx.fullmatch(v) is not None  # type: ignore[arg-type]
    low = rest.lower()
    return lambda v: type(v) is str and v.lower() == low  # type: ignore[union-attr]


def make_matcher(crit: Value | Range) -> Matcher:
    """Predicate for a COUNTIF-style criterion (number, boolean, or criteria text)."""
    c = scalar(crit)
    if type(c) is XLError:
        raise ErrorSignal(c)  # type: ignore[arg-type]
    if c is None:  # a reference to an empty criteria cell means 0 (Excel and LibreOffice)
        c = 0.0
    if type(c) is float:
        return lambda v: type(v) is float and approx_equal(v, c)  # type: ignore[arg-type]
    if type(c) is bool:
        return lambda v: type(v) is bool and v == c
    s = str(c)
    op = next((o for o in _OPS if s.startswith(o)), "")
    rest = s[len(op):]
    x = parse_number_text(rest) if rest else None
    if op in ("", "="):
        if rest == "":
            return lambda v: v is None or v == ""
        if x is not None:  # "3" matches the number 3 and the text "3"
            low = rest.lower()
            return lambda v: (type(v) is float and approx_equal(v, x)) or (  # type: ignore[arg-type]
                type(v) is str and v.lower() == low  # type: ignore[union-attr]
            )
        if rest.upper() in ("TRUE", "FALSE"):
            b = rest.upper() == "TRUE"
            return lambda v: type(v) is bool and v == b
        return _text_equals(rest)
    if op == "<>":
        if rest == "":
            return lambda v: v is not None and v != ""
        if x is not None:
            low = rest.lower()
            return lambda v: not (
                (type(v) is float and approx_equal(v, x)) or (type(v) is str and v.lower() == low)  # type: ignore
            )
        eq = _text_equals(rest)
        return lambda v: not eq(v)
    want = {"<": (-1,), ">": (1,), "<=": (-1, 0), ">=": (1, 0)}[op]
    if x is not None:
        return lambda v: type(v) is float and compare(v, x) in want
    return lambda v: type(v) is str and compare(v, rest) in want


def _pairs(args: tuple[Arg, ...]) -> tuple[tuple[int, int], list[tuple[list[list[Value]], Matcher]]]:
    pairs = [(as_rows(args[i]), make_matcher(args[i + 1])) for i in range(0, len(args), 2)]
    shape = (len(pairs[0][0]), len(pairs[0][0][0]))
    if any((len(r), len(r[0])) != shape for r, _ in pairs):
        raise ErrorSignal(VALUE)
    return shape, pairs


def _hits(args: tuple[Arg, ...]) -> list[tuple[int, int]]:
    if len(args) % 2:
        raise ErrorSignal(VALUE)
    (nr, nc), pairs = _pairs(args)
    return [
        (r, c) for r in range(nr) for c in range(nc) if all(m(rows[r][c]) for rows, m in pairs)
    ]


def _sum_at(sum_rows: list[list[Value]], hits: list[tuple[int, int]]) -> list[float]:
    out = []
    for r, c in hits:
        if r < len(sum_rows) and c < len(sum_rows[0]):
            v = sum_rows[r][c]
            if type(v) is float:
                out.append(v)
            elif type(v) is XLError:
                raise ErrorSignal(v)  # type: ignore[arg-type]
    return out


@register("COUNTIF", 2, 2)
def COUNTIF(rng: Arg, crit: Arg) -> float:
    return float(len(_hits((rng, crit))))


@register("COUNTIFS", 2, None)
def COUNTIFS(*args: Arg) -> float:
    return float(len(_hits(args)))


@register("SUMIF", 2, 3)
def SUMIF(rng: Arg, crit: Arg, sum_range: Arg = None) -> float:
    hits = _hits((rng, crit))
    return kahan_sum(_sum_at(as_rows(rng if sum_range is None else sum_range), hits))


@register("SUMIFS", 3, None)
def SUMIFS(sum_range: Arg, *args: Arg) -> float:
    hits = _hits(args)
    rows = as_rows(sum_range)
    if (len(rows), len(rows[0])) != (len(as_rows(args[0])), len(as_rows(args[0])[0])):
        raise ErrorSignal(VALUE)
    return kahan_sum(_sum_at(rows, hits))


@register("AVERAGEIF", 2, 3)
def AVERAGEIF(rng: Arg, crit: Arg, avg_range: Arg = None) -> float:
    hits = _hits((rng, crit))
    xs = _sum_at(as_rows(rng if avg_range is None else avg_range), hits)
    if not xs:
        raise ErrorSignal(DIV0)
    return kahan_sum(xs) / len(xs)

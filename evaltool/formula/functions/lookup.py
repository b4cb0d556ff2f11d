"""Lookup functions: INDEX, MATCH (0/1/-1), VLOOKUP (exact and approximate), CHOOSE.

Why: rule sheets look up band thresholds and grade tables (``VLOOKUP(score, 等级表, 2)``).
Approximate matching scans in order and stops at the first value past the key, which equals
Excel's binary search on sorted data (the only case where either is meaningful).
"""

from __future__ import annotations

from ..coerce import compare, scalar
from ..values import NA, REF, VALUE, ErrorSignal, Range, Value, XLError
from .criteria import wildcard
from .registry import Arg, as_rows, boolean, num, register

_OMITTED = object()


def _same_kind(a: Value, b: Value) -> bool:
    ta, tb = type(a), type(b)
    return ta is tb or (ta is bool and tb is bool)


def find_index(key: Value, values: list[Value], mode: int) -> int:
    """0-based position of ``key`` in ``values`` (MATCH semantics), raising #N/A."""
    if type(key) is XLError:
        raise ErrorSignal(key)  # type: ignore[arg-type]
    if key is None:
        raise ErrorSignal(NA)
    if mode == 0:
        rx = wildcard(key) if type(key) is str else None  # type: ignore[arg-type]
        for i, v in enumerate(values):
            if rx is not None:
                if type(v) is str and rx.fullmatch(v):  # type: ignore[arg-type]
                    return i
            elif v is not None and _same_kind(v, key) and compare(v, key) == 0:
                return i
        raise ErrorSignal(NA)
    found = -1
    for i, v in enumerate(values):
        if v is None or not _same_kind(v, key):
            continue
        c = compare(v, key)
        if mode > 0:
            if c > 0:
                break
            found = i
        else:
            if c < 0:
                break
            found = i
    if found < 0:
        raise ErrorSignal(NA)
    return found


@register("MATCH", 2, 3)
def MATCH(key: Arg, array: Arg, mode: Arg = 1.0) -> float:
    rows = as_rows(array)
    if len(rows) == 1:
        values = rows[0]
    elif len(rows[0]) == 1:
        values = [r[0] for r in rows]
    else:
        raise ErrorSignal(NA)
    m = num(mode)
    return float(find_index(scalar(key), values, 0 if m == 0 else (1 if m > 0 else -1)) + 1)


@register("VLOOKUP", 3, 4)
def VLOOKUP(key: Arg, table: Arg, col: Arg, approx: object = _OMITTED) -> Value:
    rows = as_rows(table)
    c = int(num(col))
    if c < 1:
        raise ErrorSignal(VALUE)
    if c > len(rows[0]):
        raise ErrorSignal(REF)
    is_approx = True if approx is _OMITTED else boolean(approx)  # type: ignore[arg-type]
    i = find_index(scalar(key), [r[0] for r in rows], 1 if is_approx else 0)
    return rows[i][c - 1]


@register("INDEX", 2, 3)
def INDEX(array: Arg, row: Arg, col: object = _OMITTED) -> Value | Range:
    rows = as_rows(array)
    nr, nc = len(rows), len(rows[0])
    r = int(num(row))
    if col is _OMITTED or col is None:
        if nr == 1 and col is _OMITTED:
            r, c = 1, r
        elif nc == 1:
            c = 1
        else:
            c = 0
    else:
        c = int(num(col))  # type: ignore[arg-type]
    if r < 0 or c < 0:
        raise ErrorSignal(VALUE)
    if r > nr or c > nc:
        raise ErrorSignal(REF)
    if r == 0 and c == 0:
        return Range.of(rows)
    if r == 0:
        return Range.of([[x[c - 1]] for x in rows])
    if c == 0:
        return Range.of([rows[r - 1]])
    return rows[r - 1][c - 1]


@register("CHOOSE", 2, None)
def CHOOSE(index: Arg, *choices: Arg) -> Value | Range:
    i = int(num(index))
    if i < 1 or i > len(choices):
        raise ErrorSignal(VALUE)
    return choices[i - 1]

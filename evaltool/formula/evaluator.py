"""Compile a syntax tree into nested closures and run them against a :class:`Resolver`.

Why: rules are parsed once and evaluated for every row of every submitted workbook, so the
tree is turned into plain Python closures (no dispatch on node type at run time). Errors
travel as :class:`XLError` values; coercions raise ``ErrorSignal`` which each operator and
function call turns back into a value, so IFERROR and ISERROR see them like Excel does.
Operators applied to multi-cell ranges work element-wise (as inside SUMPRODUCT).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .coerce import approx_add, approx_sub, compare, to_number, to_text
from .functions import FUNCTIONS
from .nodes import (
    Binary,
    Boolean,
    Call,
    CellRef,
    ErrorLiteral,
    Missing,
    NameRef,
    Node,
    Number,
    Paren,
    Percent,
    String,
    StructRef,
    Unary,
)
from .values import DIV0, ERRORS, NA, NAME, NUM, REF, VALUE, ErrorSignal, Range, Value, XLError, normalize

__all__ = ["compile_node", "Evaluator", "BINARY_OPS"]

Evaluator = Callable[[Any], Any]


def _finite(x: float) -> float:
    if math.isfinite(x):
        return x
    raise ErrorSignal(NUM)


def _add(a: Value, b: Value) -> Value:
    return _finite(approx_add(to_number(a), to_number(b)))


def _sub(a: Value, b: Value) -> Value:
    return _finite(approx_sub(to_number(a), to_number(b)))


def _mul(a: Value, b: Value) -> Value:
    return _finite(to_number(a) * to_number(b))


def _div(a: Value, b: Value) -> Value:
    x, y = to_number(a), to_number(b)
    if y == 0.0:
        raise ErrorSignal(DIV0)
    return _finite(x / y)


def _pow(a: Value, b: Value) -> Value:
    x, y = to_number(a), to_number(b)
    if x == 0.0:
        if y == 0.0:
            raise ErrorSignal(NUM)
        if y < 0.0:
            raise ErrorSignal(DIV0)
        return 0.0
    if x < 0.0 and y != int(y):
        raise ErrorSignal(NUM)
    try:
        return _finite(float(x**y))
    except OverflowError:
        raise ErrorSignal(NUM) from None


def _concat(a: Value, b: Value) -> Value:
    return to_text(a) + to_text(b)


def _cmp(test: Callable[[int], bool]) -> Callable[[Value, Value], Value]:
    def op(a: Value, b: Value) -> Value:
        return test(compare(a, b))

    return op


BINARY_OPS: dict[str, Callable[[Value, Value], Value]] = {
    "+": _add, "-": _sub, "*": _mul, "/": _div, "^": _pow, "&": _concat,
    "=": _cmp(lambda c: c == 0), "<>": _cmp(lambda c: c != 0),
    "<": _cmp(lambda c: c < 0), ">": _cmp(lambda c: c > 0),
    "<=": _cmp(lambda c: c <= 0), ">=": _cmp(lambda c: c >= 0),
}


def _apply(fn: Callable[[Value, Value], Value], a: Value, b: Value) -> Value:
    if type(a) is XLError:
        return a
    if type(b) is XLError:
        return b
    try:
        return fn(a, b)
    except ErrorSignal as e:
        return e.error


def _unwrap(v: Any) -> Any:
    """1×1 ranges become their value; bigger ranges stay (for element-wise operations)."""
    if type(v) is Range:
        rows = v.rows
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
    return v


def _broadcast(fn: Callable[[Value, Value], Value], a: Any, b: Any) -> Range:
    ra = a.rows if type(a) is Range else [[a]]
    rb = b.rows if type(b) is Range else [[b]]
    nr = max(len(ra), len(rb))
    nc = max(len(ra[0]), len(rb[0]))

    def at(rows: list[list[Value]], r: int, c: int) -> Value:
        rr = 0 if len(rows) == 1 else r
        cc = 0 if len(rows[0]) == 1 else c
        if rr >= len(rows) or cc >= len(rows[0]):
            return NA
        return rows[rr][cc]

    return Range.of([[_apply(fn, at(ra, r, c), at(rb, r, c)) for c in range(nc)] for r in range(nr)])


def _map(fn: Callable[[Value], Value], v: Any) -> Any:
    v = _unwrap(v)
    if type(v) is Range:
        return Range.of([[_map(fn, x) for x in row] for row in v.rows])
    if type(v) is XLError:
        return v
    try:
        return fn(v)
    except ErrorSignal as e:
        return e.error


def _as_range(v: object) -> Range:
    if type(v) is Range:
        return v  # type: ignore[return-value]
    return Range.of([[normalize(v)]])


def _constant(v: Value) -> Evaluator:
    return lambda r: v


def compile_node(node: Node) -> Evaluator:
    """A function ``resolver -> Value | Range`` computing ``node``."""
    if isinstance(node, Number):
        return _constant(node.value)
    if isinstance(node, String):
        return _constant(node.value)
    if isinstance(node, Boolean):
        return _constant(node.value)
    if isinstance(node, ErrorLiteral):
        return _constant(ERRORS[node.code])
    if isinstance(node, Missing):
        return _constant(None)
    if isinstance(node, Paren):
        return compile_node(node.expr)
    if isinstance(node, CellRef):
        return _compile_cell(node)
    if isinstance(node, NameRef):
        return _compile_name(node)
    if isinstance(node, StructRef):
        return _compile_struct(node)
    if isinstance(node, Unary):
        inner = compile_node(node.operand)
        if node.op == "+":
            return lambda r: _unwrap(inner(r))
        return lambda r: _map(lambda v: _finite(-to_number(v)) if v is not None else 0.0, inner(r))
    if isinstance(node, Percent):
        inner = compile_node(node.operand)
        return lambda r: _map(lambda v: to_number(v) / 100.0, inner(r))
    if isinstance(node, Binary):
        return _compile_binary(node)
    if isinstance(node, Call):
        return _compile_call(node)
    raise TypeError(f"unknown node {node!r}")


def _compile_binary(node: Binary) -> Evaluator:
    fn = BINARY_OPS[node.op]
    left, right = compile_node(node.left), compile_node(node.right)

    def ev(r: Any) -> Any:
        a = _unwrap(left(r))
        b = _unwrap(right(r))
        if type(a) is Range or type(b) is Range:
            return _broadcast(fn, a, b)
        if type(a) is XLError:
            return a
        if type(b) is XLError:
            return b
        try:
            return fn(a, b)
        except ErrorSignal as e:
            return e.error

    return ev


def _compile_cell(node: CellRef) -> Evaluator:
    sheet, ref = node.sheet, node.ref

    def ev(r: Any) -> Any:
        try:
            return _as_range(r.cell(sheet, ref))
        except KeyError:
            return REF

    return ev


def _compile_name(node: NameRef) -> Evaluator:
    name = node.name

    def ev(r: Any) -> Any:
        try:
            return _as_range(r.name(name))
        except KeyError:
            return NAME

    return ev


def _compile_struct(node: StructRef) -> Evaluator:
    table, column, item = node.table, node.column, node.item
    if node.this_row:
        assert column is not None

        def this_row(r: Any) -> Any:
            try:
                return _as_range(r.this_row(table, column))
            except KeyError:
                return REF

        return this_row

    def whole(r: Any) -> Any:
        try:
            return _as_range(r.table(table, column, item))
        except KeyError:
            return REF

    return whole


def _compile_call(node: Call) -> Evaluator:
    spec = FUNCTIONS[node.name]
    impl = spec.impl
    args = tuple(compile_node(a) for a in node.args)
    if spec.lazy:

        def lazy(r: Any) -> Any:
            try:
                return impl(r, args)
            except ErrorSignal as e:
                return e.error

        return lazy

    if len(args) == 1:
        (only,) = args

        def call1(r: Any) -> Any:
            try:
                return impl(only(r))
            except ErrorSignal as e:
                return e.error

        return call1

    def call(r: Any) -> Any:
        try:
            return impl(*[a(r) for a in args])
        except ErrorSignal as e:
            return e.error

    return call


def finish(v: Any) -> Value:
    """Top-level result: a 1×1 range gives its value; a bigger range is #VALUE!."""
    if type(v) is Range:
        rows = v.rows
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        return VALUE
    return v  # type: ignore[no-any-return]

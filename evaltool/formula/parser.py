"""Pratt parser: tokens → syntax tree, with Excel operator precedence.

Why: Excel's precedence has quirks that a generic expression grammar gets wrong — unary minus
binds tighter than ``^`` (``-2^2`` is 4), ``^`` is left-associative (``2^3^2`` is 64), ``%``
is postfix, and ``&`` sits between arithmetic and comparison. Function arity is checked
here, so a rule sheet fails at load time, not on the first workbook.
"""

from __future__ import annotations

from typing import cast

from .errors import FormulaSyntaxError
from .functions import FUNCTIONS, canonical_name
from .lexer import Token, tokenize
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

__all__ = ["parse", "INFIX", "PREFIX_BP", "PERCENT_BP"]

INFIX: dict[str, int] = {
    "=": 10, "<>": 10, "<": 10, ">": 10, "<=": 10, ">=": 10,
    "&": 20, "+": 30, "-": 30, "*": 40, "/": 40, "^": 50,
}
PERCENT_BP = 60
PREFIX_BP = 70


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    @property
    def peek(self) -> Token:
        return self.tokens[self.i]

    def next(self) -> Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def error(self, message: str, pos: int) -> FormulaSyntaxError:
        return FormulaSyntaxError(message, pos, self.text)

    def parse(self) -> Node:
        if self.peek.kind == "END":
            raise self.error("公式为空 (empty formula)", self.peek.pos)
        node = self.expr(0)
        t = self.peek
        if t.kind != "END":
            if t.kind == "RP":
                raise self.error("多余的 ) (unbalanced parenthesis)", t.pos)
            raise self.error(f"意外的 {self.describe(t)} (unexpected token)", t.pos)
        return node

    def describe(self, t: Token) -> str:
        if t.kind == "END":
            return "公式结尾"
        return repr(self.text[t.pos: t.pos + 12].split(" ")[0] or t.value)

    def expr(self, rbp: int) -> Node:
        left = self.prefix()
        while True:
            t = self.peek
            if t.kind != "OP":
                return left
            if t.value == "%":
                if PERCENT_BP <= rbp:
                    return left
                self.next()
                left = Percent(left)
                continue
            lbp = INFIX.get(cast(str, t.value))
            if lbp is None or lbp <= rbp:
                return left
            self.next()
            left = Binary(t.value, left, self.expr(lbp))  # type: ignore[arg-type]

    def prefix(self) -> Node:
        t = self.next()
        k = t.kind
        if k == "NUM":
            return Number(t.value)  # type: ignore[arg-type]
        if k == "STR":
            return String(t.value)  # type: ignore[arg-type]
        if k == "BOOL":
            return Boolean(t.value)  # type: ignore[arg-type]
        if k == "ERR":
            return ErrorLiteral(t.value)  # type: ignore[arg-type]
        if k == "CELL":
            sheet, ref = cast("tuple[str | None, str]", t.value)
            return CellRef(sheet, ref)
        if k == "NAME":
            return NameRef(t.value)  # type: ignore[arg-type]
        if k == "STRUCT":
            table, col, item, this_row = cast("tuple[str | None, str | None, str | None, bool]", t.value)
            return StructRef(table, col, item, this_row)
        if k == "FUNC":
            return self.call(t)
        if k == "LP":
            inner = self.expr(0)
            close = self.next()
            if close.kind != "RP":
                raise self.error("缺少 ) (missing closing parenthesis)", close.pos)
            return Paren(inner)
        if k == "OP" and t.value in ("-", "+"):
            return Unary(t.value, self.expr(PREFIX_BP))  # type: ignore[arg-type]
        if k == "END":
            raise self.error("公式意外结束 (unexpected end of formula)", t.pos)
        raise self.error(f"此处需要数值或引用，而不是 {self.describe(t)} (expected an operand)", t.pos)

    def call(self, t: Token) -> Call:
        name = canonical_name(t.value)  # type: ignore[arg-type]
        spec = FUNCTIONS.get(name)
        if spec is None:
            raise self.error(f"不支持的函数 {t.value} (unknown or unsupported function)", t.pos)
        lp = self.next()
        assert lp.kind == "LP"
        args: list[Node] = []
        if self.peek.kind == "RP":
            self.next()
        else:
            while True:
                if self.peek.kind in ("COMMA", "RP"):
                    args.append(Missing())
                else:
                    args.append(self.expr(0))
                sep = self.next()
                if sep.kind == "COMMA":
                    continue
                if sep.kind == "RP":
                    break
                if sep.kind == "END":
                    raise self.error(f"{name} 缺少 ) (missing closing parenthesis)", sep.pos)
                raise self.error(f"此处需要 , 或 ) 而不是 {self.describe(sep)} (expected ',' or ')')", sep.pos)
        if len(args) < spec.min_args:
            raise self.error(f"{name} 至少需要 {spec.min_args} 个参数 (too few arguments)", t.pos)
        if spec.max_args is not None and len(args) > spec.max_args:
            raise self.error(f"{name} 最多 {spec.max_args} 个参数 (too many arguments)", t.pos)
        return Call(name, tuple(args))


def parse(text: str) -> Node:
    """Parse formula ``text`` (leading ``=`` optional) into a syntax tree."""
    return _Parser(text).parse()

"""Render a syntax tree back to Excel formula text (with a leading ``=``).

Why: scores are written back to the workbook as live formulas. The renderer emits text that
xlsxwriter/openpyxl can store verbatim and Excel/LibreOffice parse: sheet names quoted when
needed, ``_xlfn.`` on post-2010 functions, ``Table[[#This Row],[Col]]`` instead of the
UI-only ``@``. A ``rewriter`` can replace any reference (e.g. ``[@实际完成值]`` → ``'绩效指标'!J5``)
because a structured reference without a table name is not valid in a file.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .functions import FUTURE_FUNCTIONS
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
    RefNode,
    String,
    StructRef,
    Unary,
)
from .parser import INFIX

__all__ = ["render", "Rewriter", "quote_sheet", "render_struct"]

Rewriter = Callable[[RefNode], "str | None"]
_PLAIN_SHEET = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_CELLISH = re.compile(r"[A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*|TRUE|FALSE", re.IGNORECASE)
_SPECIAL = set(" \t\n\r,:.[]#'\"{}$^&*+=-><")


def quote_sheet(sheet: str) -> str:
    """``Sheet1`` stays bare; anything else (spaces, CJK, digits first) is quoted."""
    if _PLAIN_SHEET.fullmatch(sheet) and not _CELLISH.fullmatch(sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def _escape(col: str) -> str:
    return re.sub(r"([\[\]#'])", r"'\1", col)


def render_struct(node: StructRef) -> str:
    """Canonical structured-reference text for ``node``."""
    table = node.table or ""
    col = node.column
    if node.this_row:
        assert col is not None
        if not table:
            special = any(c in _SPECIAL for c in col)
            return f"[@[{_escape(col)}]]" if special else f"[@{_escape(col)}]"
        return f"{table}[[#This Row],[{_escape(col)}]]"
    if node.item and col is not None:
        return f"{table}[[{node.item}],[{_escape(col)}]]"
    if node.item:
        return f"{table}[{node.item}]"
    if col is None:
        return f"{table}[]"
    if any(c in _SPECIAL for c in col):
        return f"{table}[[{_escape(col)}]]"
    return f"{table}[{_escape(col)}]"


def _number(x: float) -> str:
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(x).upper()  # shortest round-tripping text; 1e-05 -> 1E-05


def _prec(node: Node) -> int:
    if isinstance(node, Binary):
        return INFIX[node.op]
    return 100


class _Renderer:
    def __init__(self, rewriter: Rewriter | None, future_prefix: bool) -> None:
        self.rewriter = rewriter
        self.future_prefix = future_prefix

    def ref(self, node: RefNode, default: str) -> str:
        if self.rewriter is not None:
            out = self.rewriter(node)
            if out is not None:
                return out
        return default

    def __call__(self, node: Node) -> str:
        if isinstance(node, Number):
            return _number(node.value)
        if isinstance(node, String):
            return '"' + node.value.replace('"', '""') + '"'
        if isinstance(node, Boolean):
            return "TRUE" if node.value else "FALSE"
        if isinstance(node, ErrorLiteral):
            return node.code
        if isinstance(node, Missing):
            return ""
        if isinstance(node, CellRef):
            text = node.ref if node.sheet is None else f"{quote_sheet(node.sheet)}!{node.ref}"
            return self.ref(node, text)
        if isinstance(node, NameRef):
            return self.ref(node, node.name)
        if isinstance(node, StructRef):
            return self.ref(node, render_struct(node))
        if isinstance(node, Paren):
            return "(" + self(node.expr) + ")"
        if isinstance(node, Unary):
            inner = self(node.operand)
            wrap = isinstance(node.operand, (Binary, Percent))  # "-5%" parses as (-5)%
            return node.op + (f"({inner})" if wrap else inner)
        if isinstance(node, Percent):
            inner = self(node.operand)
            return (f"({inner})" if isinstance(node.operand, Binary) else inner) + "%"
        if isinstance(node, Binary):
            p = INFIX[node.op]
            left, right = self(node.left), self(node.right)
            if _prec(node.left) < p:
                left = f"({left})"
            if _prec(node.right) <= p:
                right = f"({right})"
            return f"{left}{node.op}{right}"
        if isinstance(node, Call):
            name = node.name
            if self.future_prefix and name in FUTURE_FUNCTIONS:
                name = "_xlfn." + name
            return name + "(" + ",".join(self(a) for a in node.args) + ")"
        raise TypeError(f"unknown node {node!r}")


def render(node: Node, rewriter: Rewriter | None = None, *, future_prefix: bool = True) -> str:
    """Excel formula text for ``node``, starting with ``=``."""
    return "=" + _Renderer(rewriter, future_prefix)(node)

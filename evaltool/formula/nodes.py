"""The formula syntax tree: small frozen dataclasses, compared structurally.

Why: one immutable tree serves three consumers — the evaluator compiles it to closures, the
renderer turns it back into Excel text (optionally rewriting references), and rule engines
read ``references``/``names`` off it to name the cells a finding is about.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeAlias

__all__ = [
    "Node",
    "Number",
    "String",
    "Boolean",
    "ErrorLiteral",
    "Missing",
    "CellRef",
    "NameRef",
    "StructRef",
    "Paren",
    "Unary",
    "Percent",
    "Binary",
    "Call",
    "RefNode",
    "walk",
]


@dataclass(frozen=True, slots=True)
class Number:
    value: float


@dataclass(frozen=True, slots=True)
class String:
    value: str


@dataclass(frozen=True, slots=True)
class Boolean:
    value: bool


@dataclass(frozen=True, slots=True)
class ErrorLiteral:
    code: str


@dataclass(frozen=True, slots=True)
class Missing:
    """An empty function argument, as in ``IF(x,1,)``; evaluates as a blank."""


@dataclass(frozen=True, slots=True)
class CellRef:
    """An A1 reference or range; ``ref`` is upper-cased, e.g. ``"$B$4"`` or ``"B4:D9"``."""

    sheet: str | None
    ref: str


@dataclass(frozen=True, slots=True)
class NameRef:
    """A workbook defined name, as written."""

    name: str


@dataclass(frozen=True, slots=True)
class StructRef:
    """A structured reference. ``item`` is ``"#Data"``/``"#Totals"``/``"#All"``/``"#Headers"`` or
    None; ``this_row`` marks ``[@Col]``/``Table[[#This Row],[Col]]``."""

    table: str | None
    column: str | None
    item: str | None = None
    this_row: bool = False


@dataclass(frozen=True, slots=True)
class Paren:
    expr: Node


@dataclass(frozen=True, slots=True)
class Unary:
    op: str  # "-" or "+"
    operand: Node


@dataclass(frozen=True, slots=True)
class Percent:
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Call:
    name: str  # canonical upper-case name without the _xlfn. prefix
    args: tuple[Node, ...]


Node: TypeAlias = (
    Number | String | Boolean | ErrorLiteral | Missing | CellRef | NameRef | StructRef
    | Paren | Unary | Percent | Binary | Call
)
RefNode: TypeAlias = CellRef | NameRef | StructRef


def walk(node: Node) -> Iterator[Node]:
    """Yield ``node`` and all its descendants, depth-first, left to right."""
    yield node
    if isinstance(node, (Paren,)):
        yield from walk(node.expr)
    elif isinstance(node, (Unary, Percent)):
        yield from walk(node.operand)
    elif isinstance(node, Binary):
        yield from walk(node.left)
        yield from walk(node.right)
    elif isinstance(node, Call):
        for a in node.args:
            yield from walk(a)

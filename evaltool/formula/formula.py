"""``Formula``: a compiled formula — parse once, evaluate many times, render on demand.

Why: the one object rule and scoring engines hold per rule: its evaluator closure, the
names and references it uses (to check a rule set against a template and to name cells in
findings), and its text for writing back as a live formula.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .evaluator import compile_node, finish
from .nodes import CellRef, NameRef, Node, RefNode, StructRef, walk
from .parser import parse
from .render import Rewriter, render
from .resolver import Resolver
from .values import ErrorSignal, Value

__all__ = ["Formula", "compile_formula"]


class Formula:
    """A parsed and compiled formula. Build with :func:`compile_formula`."""

    __slots__ = ("text", "ast", "names", "references", "_fn")

    def __init__(self, text: str, ast: Node) -> None:
        self.text = text
        self.ast = ast
        refs: list[RefNode] = []
        names: set[str] = set()
        for n in walk(ast):
            if isinstance(n, NameRef):
                names.add(n.name.lower())
            elif isinstance(n, (CellRef, StructRef)) and n not in refs:
                refs.append(n)
        self.names: frozenset[str] = frozenset(names)
        self.references: tuple[RefNode, ...] = tuple(refs)
        self._fn = compile_node(ast)

    def evaluate(self, resolver: Resolver | Any) -> Value:
        """The formula's value: float, str, bool, None (a blank reference) or XLError."""
        try:
            return finish(self._fn(resolver))
        except ErrorSignal as e:
            return e.error

    def render(self, rewriter: Rewriter | None = None, *, future_prefix: bool = True) -> str:
        """Excel formula text with a leading ``=`` (see :func:`evaltool.formula.render.render`)."""
        return render(self.ast, rewriter, future_prefix=future_prefix)

    def __repr__(self) -> str:
        return f"Formula({self.text!r})"


@lru_cache(maxsize=8192)
def compile_formula(text: str) -> Formula:
    """Parse and compile ``text`` (leading ``=`` optional); raises FormulaSyntaxError.

    Compiled formulas are immutable, so the same text is parsed once per process (rate and
    method formulas recur in every workbook of a batch).
    """
    return Formula(text, parse(text))

"""Parse, evaluate and render the Excel formula subset used by evaltool rule sheets.

Rules are written by finance staff in Excel syntax (``=AND(ABS(budget_initial-SUM(
Projects[全年执行数]))<=0.005,[@实际完成值]>=0)``); this package parses them once into a tree,
compiles the tree into closures evaluated against a :class:`Resolver` (the rule engine's
view of a submitted workbook), and renders the tree back into formula text that is written
into the workbook as a live formula, with structured references optionally rewritten to A1.

Why hand-written: the ``formulas`` package measured 45× slower than needed and pulls in
scipy (~140 MB); pycel is GPL. The subset needed here (≈50 functions, A1/structured refs,
defined names) fits in a small Pratt parser, and owning the semantics lets us match
LibreOffice exactly where it matters: 15-digit ROUND half away from zero, approximate
equality of doubles, blanks, text/number coercion and comparison order. Deliberate
differences from LibreOffice are listed in :mod:`evaltool.formula.differences`.

Pure engine: no openpyxl/xlsxwriter/calamine imports.
"""

from __future__ import annotations

from .errors import FormulaSyntaxError
from .formula import Formula, compile_formula
from .functions import FUNCTIONS
from .memory import MemoryResolver, MemoryTable, cell_name, parse_a1
from .nodes import CellRef, NameRef, Node, RefNode, StructRef
from .parser import parse
from .render import render
from .resolver import Resolver
from .rounding import xl_round, xl_rounddown, xl_roundup
from .values import ERRORS, Range, Value, XLError

__all__ = [
    "compile_formula",
    "Formula",
    "FormulaSyntaxError",
    "XLError",
    "ERRORS",
    "Range",
    "Value",
    "Resolver",
    "xl_round",
    "xl_roundup",
    "xl_rounddown",
    "parse",
    "render",
    "Node",
    "RefNode",
    "CellRef",
    "NameRef",
    "StructRef",
    "FUNCTIONS",
    "MemoryResolver",
    "MemoryTable",
    "parse_a1",
    "cell_name",
]

"""What every scoring step needs from the workbook: rounding, cells and names.

Why: indicator scoring, rates, sub-totals and grades all render references to the same
cells and round the same way (``ROUND(…, param_round_digits)`` live, ``xl_round`` in
Python). One small frozen object carries that, built once per evaluation.

Example::

    ctx = Context.of(ev)
    ctx.ref("绩效指标", "L5")        # "'绩效指标'!L5"
    ctx.round(87.125)               # 87.13
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from evaltool import contract as C
from evaltool.contract.a1 import column_letters
from evaltool.formula import xl_round
from evaltool.model import Evaluation, Finding, Severity, Text
from evaltool.scoring.xl import cell_ref, lit

__all__ = ["Context", "INDICATOR_SHEET", "INDICATOR_COLUMNS", "SHARE_COLUMN", "BASIS_COLUMN"]

INDICATOR_SHEET = C.INDICATORS
INDICATOR_COLUMNS = C.TABLE_HEADERS["Indicators"]
#: Template 2.0 column: the evaluator's chosen share for a 定性 tier (absent in 1.x workbooks).
SHARE_COLUMN = "评定比例"
#: Template 2.0 column: the value evaltool scored a text actual on (近800 → 720), which the live
#: formula falls back to until the filler types a number (absent in 1.x workbooks).
BASIS_COLUMN = "计分值"


def _num(v: object, default: float) -> float:
    if isinstance(v, bool):
        return default
    if isinstance(v, (int, float, Decimal)):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v.strip())
        except ValueError:
            return default
    return default


@dataclass(frozen=True)
class Context:
    ev: Evaluation
    digits: int
    digits_expr: str
    epsilon: float
    columns: Mapping[str, str]  # Indicators header -> column letter
    sheet: str = INDICATOR_SHEET
    sources: dict[str, float | None] = field(default_factory=dict)  # rates and scalars
    has_share: bool = False  # the Indicators table has the 评定比例 column
    has_basis: bool = False  # the Indicators table has the 计分值 column

    @classmethod
    def of(cls, ev: Evaluation) -> Context:
        digits = int(_num(ev.param("round_digits", 2), 2))
        expr = "param_round_digits" if "param_round_digits" in ev.names else lit(digits)
        info = ev.tables.get("Indicators")
        headers = info.headers if info else INDICATOR_COLUMNS
        first = info.first_col if info else 1
        cols = {h: column_letters(first + i) for i, h in enumerate(headers)}
        for i, h in enumerate(INDICATOR_COLUMNS):  # a missing header falls back to the contract
            cols.setdefault(h, column_letters(1 + i))
        sheet = info.sheet if info else INDICATOR_SHEET
        eps = _num(ev.param("fuzzy_epsilon", 0.1), 0.1)
        return cls(ev, digits, expr, eps, cols, sheet, has_share=SHARE_COLUMN in headers,
                   has_basis=BASIS_COLUMN in headers)

    def ref(self, sheet: str, a1: str) -> str:
        return cell_ref(sheet, a1)

    def col(self, header: str, row: int) -> str:
        """The A1 address of ``header``'s column on indicator row ``row`` (no sheet)."""
        return f"{self.columns[header]}{row}"

    def round(self, x: float) -> float:
        return xl_round(x, self.digits)

    def msg(self, code: str, **kw: object) -> Text:
        """A note of a score: catalogue code ``score.…`` with its parameters."""
        return Text(code, kw)

    def finding(self, rule: str, severity: Severity, sheet: str, cell: str, code: str,
                cell_value: object = None, **kw: object) -> Finding:
        """A finding with catalogue code ``code`` and parameters ``kw`` (``cell_value`` is the data)."""
        return Finding(rule, severity, sheet, cell, code, kw, cell_value,
                       self.ev.path, "builtin")

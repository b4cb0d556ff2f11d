"""The grade (评价等级) from the total and the ``Grades`` rows, in Python and live.

Why: bands are half-open ``[下限, 上限)`` with 含上限=是 closing the top one (frameworks.md
§2); a bureau may edit a band in its template, so the live formula reads the ``Grades``
table cells rather than copying the numbers, and Python reads the same rows.

Example::

    grade_value(89.995, ev.grades)     # '良'  ([80, 90))
    grade_formula(ctx, "total_score")  # '=IF(total_score="","",IF(AND(total_score>=…'
"""

from __future__ import annotations

from evaltool import contract as C
from evaltool.contract.a1 import column_letters
from evaltool.formula import xl_round
from evaltool.model import Grade
from evaltool.scoring.context import Context
from evaltool.scoring.xl import cell_ref, ge, le, lt

__all__ = ["grade_value", "grade_formula", "contains", "withheld_text", "COVERAGE_EXPR"]

GRADE_SHEET = C.GRADES
GRADE_COLUMNS = C.TABLE_HEADERS["Grades"][:4]


def contains(g: Grade, total: float) -> bool:
    """``g.contains`` with spreadsheet (15-digit) comparisons."""
    if not ge(total, g.lower):
        return False
    return le(total, g.upper) if g.upper_inclusive else lt(total, g.upper)


def grade_value(total: float | None, grades: tuple[Grade, ...]) -> str | None:
    """The first grade whose band holds ``total`` (None: no total or no band)."""
    if total is None:
        return None
    for g in grades:
        if contains(g, total):
            return g.name
    return None


COVERAGE_EXPR = "SUMPRODUCT(--ISNUMBER(Indicators[得分]),Indicators[分值])/SUM(Indicators[分值])"


def withheld_text(coverage: float) -> str:
    """The grade cell's text when the scored weight is below the minimum coverage."""
    return f"未评级（可计分分值占{xl_round(coverage * 100, 0):.0f}%）"


def grade_formula(ctx: Context, total: str, minimum: str | None = None) -> str:
    """Nested IFs over the Grades rows' own cells; ``""`` when no band matches.

    ``minimum``: the minimum-coverage expression (``param_min_coverage``); when the share of
    the weight that could be scored is below it the cell says 未评级 and why, not a grade.
    """
    info = ctx.ev.tables.get("Grades")
    sheet = info.sheet if info else GRADE_SHEET
    cols: dict[str, str] = {}
    if info:
        cols = {h: column_letters(info.first_col + i) for i, h in enumerate(info.headers)}
    for i, h in enumerate(GRADE_COLUMNS):
        cols.setdefault(h, column_letters(1 + i))

    def at(h: str, row: int) -> str:
        return cell_ref(sheet, f"${cols[h]}${row}")

    expr = '""'
    for g in reversed(ctx.ev.grades):
        lo, hi, inc, name = at("下限", g.row), at("上限", g.row), at("含上限", g.row), at("等级", g.row)
        cond = f'AND({total}>={lo},OR({total}<{hi},AND({inc}="是",{total}<={hi})))'
        expr = f"IF({cond},{name},{expr})"
    if minimum:
        cov = COVERAGE_EXPR
        expr = (f'IF(SUM(Indicators[分值])=0,{expr},IF({cov}<{minimum},'
                f'"未评级（可计分分值占"&TEXT({cov},"0%")&"）",{expr}))')
    return f'=IF({total}="","",{expr})'

"""Built-in consistency checks: RATE-1, RATE-2, SCORE-3, NOTE-1.

Why: a returned workbook's cached rate cells may have been overtyped (a filler "fixing" 预决算
差异率 by hand); the self-reported 自评等级 may not match the band of the computed total; the
sign convention of the variance rate must be stated (frameworks.md §4.1 #6); figures marked
as illustrative (示例/示意) are not evidence. The recomputation itself is
the scoring pass (:mod:`evaltool.scoring.rates`); these checks receive its result.

Example::

    list(BUILTINS["RATE-1"].run(ctx))   # cached 9.00% vs recomputed 9.60% → error
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evaltool import contract as C
from evaltool.formula import XLError
from evaltool.formula.memory import cell_name
from evaltool.model import Finding, Grade, Text
from evaltool.rules.builtin.base import Ctx, builtin, is_number, num
from evaltool.rules.messages import format_value

#: Sign conventions of 预决算差异率 and whether they match the default rates.yaml formula.
VARIANCE_SIGNS = {
    "(年初预算-决算)/年初预算": "budget_minus_final",
    "(决算-年初预算)/年初预算": "final_minus_budget",
}
_ILLUSTRATIVE = re.compile(r"示例|示意|仅供参考|演示|illustrative", re.IGNORECASE)


@builtin("RATE-1", "error")
def rate_cells(ctx: Ctx) -> Iterator[Finding]:
    tol = ctx.param("rate_tolerance", 0.00005)
    for rf in ctx.comp.rates:
        sheet, cell = ctx.where(rf.name)
        if not cell:
            continue
        computed = XLError(rf.error) if rf.error else rf.value
        cached = ctx.scalar(rf.name)
        label = rf.label
        if isinstance(computed, XLError):
            yield ctx.finding("RATE-1.error", sheet, cell, None, severity="warning", label=label, err=computed.code)
            continue
        c = num(cached)
        if computed is None or not is_number(computed):
            if c is not None:
                yield ctx.finding("RATE-1.differs", sheet, cell, cached, label=label, cached=format_value(c, "rate"),
                                  computed=Text("word.blank"), formula=rf.description)
            continue
        if cached is None or cached == "":
            continue  # not cached (never computed in a spreadsheet): nothing to contradict
        value = float(computed)
        if c is None or abs(c - value) > tol:
            rounded = c is not None and any(abs(c - round(value, d)) <= 1e-12 for d in range(2, 7))
            code = "RATE-1.rounded" if rounded else "RATE-1.differs"
            yield ctx.finding(code, sheet, cell, cached, severity="warning" if rounded else None, label=label,
                              cached=format_value(c, "rate") if c is not None else str(cached),
                              computed=format_value(value, "rate"), formula=rf.description)


@builtin("RATE-2", "warning")
def variance_sign(ctx: Ctx) -> Iterator[Finding]:
    p = next((p for p in ctx.ev.params if p.name == "variance_sign"), None)
    sheet, cell = ctx.where("param_variance_sign")
    if p is None or p.value in (None, ""):
        yield ctx.finding("RATE-2.missing", sheet or C.METHODS, cell, None)
        return
    value = re.sub(r"\s+", "", str(p.value)).replace("（", "(").replace("）", ")").replace("－", "-")
    kind = VARIANCE_SIGNS.get(value)
    if kind is None:
        yield ctx.finding("RATE-2.unknown", sheet or C.METHODS, cell, p.value, value=p.value, known=" / ".join(VARIANCE_SIGNS))
        return
    rf = ctx.comp.rate("variance_rate")
    if rf is not None:
        text = rf.formula.replace(" ", "")
        formula_kind = "budget_minus_final" if "(budget_initial-final_expenditure)" in text else (
            "final_minus_budget" if "(final_expenditure-budget_initial)" in text else None)
        if formula_kind is not None and formula_kind != kind:
            yield ctx.finding("RATE-2.mismatch", sheet or C.METHODS, cell, p.value, value=p.value, formula=rf.description)


def _band(total: float, grades: tuple[Grade, ...]) -> Grade | None:
    return next((g for g in grades if g.contains(total)), None)


def _same_grade(label: str, grade: Grade, grades: tuple[Grade, ...]) -> bool | None:
    """True/False when ``label`` names ``grade``/another grade; None when it names none."""
    label = label.strip()
    for g in grades:
        if label == g.name or label in g.aliases:
            return g.name == grade.name
    return None


@builtin("SCORE-3", "error")
def grade_consistency(ctx: Ctx) -> Iterator[Finding]:
    grades = ctx.ev.grades
    if not grades:
        return
    label = (ctx.ev.unit.self_grade or "").strip()
    total = ctx.comp.total
    sheet, cell = ctx.where("self_grade")
    if label and total is not None:
        g = _band(total, grades)
        same = _same_grade(label, g, grades) if g is not None else None
        if g is not None and same is None:
            yield ctx.finding("SCORE-3.unknown", sheet, cell, label, label=label)
        elif g is not None and same is False:
            yield ctx.finding("SCORE-3.cover", sheet, cell, label, label=label, total=f"{total:.2f}", grade=g.name)
    t = ctx.ev.tables.get("Projects")
    col = t.first_col + t.headers.index("自评等级") if t is not None and "自评等级" in t.headers else 10
    for p in ctx.ev.projects:
        s = num(p.self_score)
        if s is None or not p.self_grade.strip():
            continue
        g = _band(s, grades)
        if g is None:
            continue
        same = _same_grade(p.self_grade, g, grades)
        if same is False:
            yield ctx.finding("SCORE-3.project", t.sheet if t else C.PROJECTS, cell_name(p.row, col), p.self_grade,
                              name=p.name, label=p.self_grade, score=f"{s:g}", grade=g.name)


@builtin("NOTE-1", "info")
def illustrative(ctx: Ctx) -> Iterator[Finding]:
    t = ctx.ev.tables.get("Indicators")
    col = t.first_col + t.headers.index("备注") if t is not None and "备注" in t.headers else 14
    marked = [ind for ind in ctx.ev.indicator_rows if _ILLUSTRATIVE.search(f"{ind.note} {ind.reason}")]
    if not marked:
        return
    names = [ind.level3 for ind in marked[:3]]
    more = Text("word.etc") if len(marked) > 3 else ""
    first = marked[0]
    yield ctx.finding("NOTE-1.note", t.sheet if t else C.INDICATORS, cell_name(first.row, col), first.note,
                      count=len(marked), names=names, more=more)

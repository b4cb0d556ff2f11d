"""Built-in consistency checks: VER-1, RATE-1, RATE-2, RATE-3, RATE-4, RATE-5, SURVEY-1, SCORE-3, NOTE-1.

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


@builtin("VER-1", "warning")
def template_version(ctx: Ctx) -> Iterator[Finding]:
    """A return on an older template: an older major (read by what it carries) or an older
    minor of the current major (read as is; the fields the minor added are absent)."""
    version = ctx.ev.template_version
    if not C.is_previous(version):
        return
    sheet, cell = ctx.where("template_version")
    if not cell:
        return
    got, current = C.version_key(version), C.version_key(C.TEMPLATE_VERSION)
    code = "VER-1.minor" if got and current and got[0] == current[0] else "VER-1.previous"
    yield ctx.finding(code, sheet, cell, version, version=version, current=C.TEMPLATE_VERSION)


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


#: Change rates with an explicit rule for a zero prior year: rate -> (current, prior) names.
ZERO_BASE_RATES = {
    "three_public_change_rate": ("three_public_current", "three_public_prior"),
    "carryover_change_rate": ("carryover_total", "carryover_prior"),
}


@builtin("RATE-3", "info")
def zero_base(ctx: Ctx) -> Iterator[Finding]:
    for name, (cur_name, prior_name) in ZERO_BASE_RATES.items():
        rate = ctx.comp.rate(name)
        if rate is None or "zero_base" not in rate.formula:
            continue  # a 1.x workbook's own formula: no zero-base rule to report
        cur, prior = num(ctx.ev.scalars.get(cur_name)), num(ctx.ev.scalars.get(prior_name))
        if prior != 0 or cur is None:
            continue
        sheet, cell = ctx.where(name)
        if cur == 0:
            yield ctx.finding("RATE-3.both_zero", sheet, cell, 0.0, label=rate.label)
        else:
            yield ctx.finding("RATE-3.from_zero", sheet, cell, rate.value, severity="warning", label=rate.label,
                              current=format_value(cur, "money"),
                              value=format_value(rate.value, "rate") if rate.value is not None else "")


#: How far the report's own 预决算差异率 may be from the computed one and still count as the same
#: figure: half of the last shown digit of a rate given to 0.01% (9.60% covers [9.595%, 9.605%)).
#: A named parameter (``reported_rate_tolerance`` in the workbook's Params overrides it).
REPORTED_RATE_TOLERANCE = 0.00005


@builtin("RATE-5", "info", explain=True)
def reported_rate(ctx: Ctx) -> Iterator[Finding]:
    """The report's own 预决算差异率 (自评表 ``variance_rate_reported``, template 2.1) against the
    rate computed from 预算执行: the same figure (info, so the comparison is on record), or not
    (a warning naming both)."""
    reported = num(ctx.scalar("variance_rate_reported"))
    rate = ctx.comp.rate("variance_rate")
    if reported is None or rate is None or rate.value is None or not is_number(rate.value):
        return
    tol = ctx.param("reported_rate_tolerance", REPORTED_RATE_TOLERANCE)
    computed = float(rate.value)
    sheet, cell = ctx.where("variance_rate_reported")
    same = abs(reported - computed) <= tol
    yield ctx.finding("RATE-5.equal" if same else "RATE-5.differs", sheet, cell, reported,
                      severity=None if same else "warning", reported=format_value(reported, "rate"),
                      computed=format_value(computed, "rate"), tolerance=f"{tol * 100:g}")


@builtin("RATE-4", "warning")
def denominator_fallback(ctx: Ctx) -> Iterator[Finding]:
    rate = ctx.comp.rate("execution_rate")
    adjusted = num(ctx.ev.scalars.get("budget_adjusted"))
    initial, final = num(ctx.ev.scalars.get("budget_initial")), num(ctx.ev.scalars.get("final_expenditure"))
    if rate is None or rate.value is None or adjusted not in (None, 0) or not initial or final is None:
        return
    sheet, cell = ctx.where("execution_rate")
    shown = format_value(rate.value, "rate")
    if final > initial:
        yield ctx.finding("RATE-4.fallback_over", sheet, cell, rate.value, rate=shown, final=format_value(final, "money"),
                          initial=format_value(initial, "money"))
    else:
        yield ctx.finding("RATE-4.fallback", sheet, cell, rate.value, rate=shown)


@builtin("SURVEY-1", "warning")
def survey(ctx: Ctx) -> Iterator[Finding]:
    if "survey_sample" not in ctx.ev.names:
        return  # a 1.x workbook has no survey fields
    users = [m.code for m in ctx.ev.methods if m.params.get("source") == "satisfaction_rate"]
    rows = [i for i in ctx.ev.indicator_rows if i.method in users]
    if not rows:
        return
    sample, satisfied = num(ctx.ev.scalars.get("survey_sample")), num(ctx.ev.scalars.get("survey_satisfied"))
    sheet, cell = ctx.where("survey_sample")
    weight = sum(float(i.weight or 0) for i in rows)
    if sample is None or satisfied is None or sample == 0:
        yield ctx.finding("SURVEY-1.missing", sheet, cell, ctx.scalar("survey_sample"), weight=f"{weight:g}")
        return
    minimum = ctx.param("survey_min_sample", 0)
    if sample < minimum:
        yield ctx.finding("SURVEY-1.small", sheet, cell, sample, sample=f"{sample:g}", minimum=f"{minimum:g}")
    if satisfied > sample:
        s2, c2 = ctx.where("survey_satisfied")
        yield ctx.finding("SURVEY-1.over", s2, c2, satisfied, severity="error", satisfied=f"{satisfied:g}",
                          sample=f"{sample:g}")


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
    if label and total is not None and ctx.comp.grade is not None:  # no comparison when the grade is withheld
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

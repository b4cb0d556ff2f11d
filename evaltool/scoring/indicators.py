"""Score one indicator row: its 得分 and 完成率/偏差率 as (Python value, live formula) pairs.

Why: this is where a ``Methods`` row (kind + 参数) meets an ``Indicators`` row. The method
kind gives the raw score and raw formula (:mod:`evaltool.scoring.kinds`); this module reads
the row's cells (:mod:`evaltool.scoring.quantity`), handles the edges the same way in both
worlds, rounds with ``ROUND(…, param_round_digits)`` / ``xl_round``, and turns every problem
into a finding instead of an exception.

Edge decisions (value and formula agree on each):

- blank 实际完成值 (or a blank ``source`` rate) → blank 得分 (None / ``""``: not scored yet,
  as the template shows it; sums count it as 0), note 未填写实际完成值; the formula is
  ``IF(J5="","",ROUND(…))`` so filling the cell later scores it live;
- text that is not a number, or a blank/unreadable 年度目标值 for a ratio-type method → 0
  points plus a warning; the formula tests ``ISERROR(VALUE(J5))`` / ``I5=""`` the same way;
- approximate text (近800) → the conservative bound as a literal x, note 按模糊值下限计分;
- unknown method/kind/parameter → ``=0`` and an error finding naming the method.

Example::

    scores, findings = score_indicator(ind, ctx)
    scores[0].formula   # "=ROUND(IF('绩效指标'!J5=\"\",0,'绩效指标'!F5*MIN(1,MAX(0,…))),param_round_digits)"
"""

from __future__ import annotations

from decimal import Decimal

from evaltool.model import Finding, Indicator, Score
from evaltool.scoring.completion import column_formula, column_value, norm_direction
from evaltool.scoring.context import Context
from evaltool.scoring.kinds import KINDS, Cells, Kind, Row, tier_formula, tier_share
from evaltool.scoring.params import ParamError, parse_params
from evaltool.scoring.quantity import TargetRead, read_actual, read_target

__all__ = ["score_indicator", "is_blank_row", "SCORE_COL", "RATE_COL"]

SCORE_COL = "得分"
RATE_COL = "完成率/偏差率"


def is_blank_row(ind: Indicator) -> bool:
    """A spare row nobody filled in: no name, method, weight or values."""
    return not any([ind.level3, ind.method, ind.weight, ind.actual not in (None, ""),
                    ind.target not in (None, "")])


def _zero(ctx: Context, ind: Indicator, note: str) -> list[Score]:
    score_cell, rate_cell = ctx.col(SCORE_COL, ind.row), ctx.col(RATE_COL, ind.row)
    return [Score(f"indicator:{ind.row}:{SCORE_COL}", ctx.sheet, score_cell, 0.0, "=0",
                  ind.level3, note),
            Score(f"indicator:{ind.row}:{RATE_COL}", ctx.sheet, rate_cell, None, "", ind.level3)]


def score_indicator(ind: Indicator, ctx: Context) -> tuple[list[Score], list[Finding]]:
    """The 得分 and 完成率/偏差率 scores of ``ind`` plus any findings."""
    sheet, row = ctx.sheet, ind.row
    score_cell = ctx.col(SCORE_COL, row)
    method_cell = ctx.col("评分方法", row)
    findings: list[Finding] = []

    def fail(code: str, rule: str, cell: str, **kw: object) -> tuple[list[Score], list[Finding]]:
        f = ctx.finding(rule, "error", sheet, cell, code, **kw)
        return _zero(ctx, ind, f.message), [f]

    method = ctx.ev.method(ind.method) if ind.method else None
    if method is None:
        return fail("method_unknown", "SCORE-METHOD", method_cell, method=ind.method or "")
    kind = KINDS.get(method.kind)
    if kind is None:
        return fail("kind_unknown", "SCORE-METHOD", method_cell, method=method.code, kind=method.kind)
    params = parse_params(method.params_text) if method.params_text else dict(method.params)
    direction = norm_direction(ind.direction)
    weight = float(ind.weight) if isinstance(ind.weight, (int, float, Decimal)) else 0.0
    w_expr = ctx.ref(sheet, ctx.col("分值", row))
    j_ref = ctx.ref(sheet, ctx.col("实际完成值", row))
    notes: list[str] = []

    source = params.get("source", "").strip()
    x_value: float | str | None
    blanks: list[str] = []  # formula conditions under which the score is "" (Python: None)
    conds: list[str] = []  # formula conditions under which the score is 0 (Python: zero)
    if source:
        if source not in ctx.sources:
            return fail("source_unknown", "SCORE-METHOD", method_cell, method=method.code, name=source)
        x_value, x_expr = ctx.sources[source], source
        blanks.append(f'{source}=""')
        if x_value is None:
            notes.append(ctx.msg("blank_source", name=source))
    else:
        act = read_actual(ind.actual, direction, j_ref, text_x=kind.text_x, epsilon=ctx.epsilon)
        x_value, x_expr = act.value, act.expr
        if act.guard is not None:
            blanks.append(f'{act.guard}=""')
        cell = ctx.col("实际完成值", row)
        if act.kind == "blank":
            notes.append(ctx.msg("blank_actual"))
        elif act.kind == "fuzzy" and act.note:
            code, txt, bound = act.note
            notes.append(ctx.msg(code, text=txt, bound=bound))
            findings.append(ctx.finding("SCORE-FUZZY", "info", sheet, cell, code, ind.actual,
                                        text=txt, bound=bound))
        elif act.kind in ("bad", "fuzzy_unbounded"):
            code = "actual_not_number" if act.kind == "bad" else "actual_unbounded"
            findings.append(ctx.finding("SCORE-ACTUAL", "warning", sheet, cell, code, ind.actual,
                                        value=ind.actual))
            notes.append(findings[-1].message)
            x_expr, x_value = f"VALUE({j_ref})", None
            conds.append(f"ISERROR({x_expr})")

    i_ref = ctx.ref(sheet, ctx.col("年度目标值", row))
    tgt = read_target(ind.target, i_ref)
    blank = x_value is None and not conds
    zero = x_value is None
    if kind.needs_target and tgt.target is None:
        if x_value is not None:
            code = "target_blank" if ind.target in (None, "") else "target_bad"
            findings.append(ctx.finding("SCORE-TARGET", "warning", sheet, ctx.col("年度目标值", row),
                                        code, ind.target, value=ind.target))
            notes.append(findings[-1].message)
        conds += [f'{i_ref}=""', f"ISERROR(VALUE({i_ref}))"]
        zero = True
    cells = Cells(x_expr, tgt.exprs, w_expr, direction)

    try:
        raw_formula = kind.formula(cells, params)
        if zero:
            raw = 0.0
        else:
            value_x = x_value if kind.text_x else float(x_value)  # type: ignore[arg-type]
            raw, code = kind.value(Row(value_x, tgt.target, weight, direction), params)
            if code == "tier_unknown":
                f = ctx.finding("SCORE-TIER", "warning", sheet, ctx.col("实际完成值", row), code,
                                ind.actual, value=x_value, method=method.code,
                                tiers="/".join(parse_params(method.params_text).get(
                                    "tiers" if method.kind == "qualitative" else "map", "").split(",")))
                findings.append(f)
                notes.append(f.message)
            elif code == "over_target":
                notes.append(ctx.msg(code, threshold=params.get("threshold", "0.3")))
    except ParamError as exc:
        return fail(exc.code, "SCORE-PARAM", method_cell, method=method.code, key=exc.key, value=exc.value)

    body = f"ROUND({_when(conds, '0', raw_formula)},{ctx.digits_expr})"
    score = Score(f"indicator:{row}:{SCORE_COL}", sheet, score_cell,
                  None if blank else ctx.round(raw), "=" + _when(blanks, '""', body),
                  ind.level3, "；".join(notes))
    return [score, _rate_score(ind, ctx, kind, params, x_value, x_expr, blanks + conds, tgt,
                               direction)], findings


def _when(conds: list[str], then: str, otherwise: str) -> str:
    """``IF(OR(conds),then,otherwise)`` (just ``otherwise`` without conditions)."""
    if not conds:
        return otherwise
    cond = conds[0] if len(conds) == 1 else f"OR({','.join(conds)})"
    return f"IF({cond},{then},{otherwise})"


def _rate_score(ind: Indicator, ctx: Context, kind: Kind, params: dict[str, str],
                x_value: object, x_expr: str, conds: list[str], tgt: TargetRead,
                direction: str) -> Score:
    """The 完成率/偏差率 cell: the ratio for ratio-type methods, the tier's share for 定性
    rows, x itself (e.g. the ``source`` rate) for the other kinds; ``""`` where undefined."""
    key = f"indicator:{ind.row}:{RATE_COL}"
    cell = ctx.col(RATE_COL, ind.row)
    if kind.tier_key:
        share = tier_share(params, kind.tier_key, x_value) if isinstance(x_value, str) else None
        body = tier_formula(params, kind.tier_key, x_expr, '""')
        return Score(key, ctx.sheet, cell, share, "=" + _when(conds, '""', body), ind.level3)
    if not kind.needs_target:  # bands, linear, deduct_per_pp, checklist: show x itself
        value = x_value if isinstance(x_value, float) else None
        return Score(key, ctx.sheet, cell, value, "=" + _when(conds, '""', x_expr), ind.level3)
    body = _when(conds, '""', column_formula(x_expr, tgt.exprs, direction))
    value = None
    if isinstance(x_value, float) and tgt.target is not None:
        value = column_value(x_value, tgt.target, direction)
    return Score(key, ctx.sheet, cell, value, "=" + body, ind.level3)

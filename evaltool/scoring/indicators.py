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
    scores[0].formula   # "=IF('绩效指标'!J5=\\"\\",\\"\\",ROUND('绩效指标'!F5*MIN(1,…),param_round_digits))"
"""

from __future__ import annotations

from decimal import Decimal

from evaltool.model import Finding, Indicator, Score, Text
from evaltool.scoring.completion import column_formula, column_value, norm_direction
from evaltool.scoring.context import BASIS_COLUMN, SHARE_COLUMN, Context
from evaltool.scoring.kinds import (
    KINDS,
    Cells,
    Kind,
    Row,
    chosen_share,
    tier_bands,
    tier_formula,
    tier_share,
    xl_trim,
)
from evaltool.scoring.params import ParamError, number, parse_params
from evaltool.scoring.quantity import TargetRead, read_actual, read_target

__all__ = ["score_indicator", "is_blank_row", "row_formulas", "when", "SCORE_COL", "RATE_COL"]

SCORE_COL = "得分"
RATE_COL = "完成率/偏差率"


def is_blank_row(ind: Indicator) -> bool:
    """A spare row nobody filled in: no name, method, weight or values."""
    return not any([ind.level3, ind.method, ind.weight, ind.actual not in (None, ""),
                    ind.target not in (None, "")])


def when(conds: list[str], then: str, otherwise: str) -> str:
    """``IF(OR(conds),then,otherwise)`` (just ``otherwise`` without conditions)."""
    if not conds:
        return otherwise
    cond = conds[0] if len(conds) == 1 else f"OR({','.join(conds)})"
    return f"IF({cond},{then},{otherwise})"


def row_formulas(kind: Kind, params: dict[str, str], cells: Cells, blanks: list[str],
                 zeros: list[str], digits_expr: str) -> tuple[str, str]:
    """(得分, 完成率/偏差率) formulas, leading ``=``: blank under ``blanks``, 0 under ``zeros``.

    Raises ParamError for bad parameters.
    """
    raw = kind.formula(cells, params)
    score = "=" + when(blanks, '""', f"ROUND({when(zeros, '0', raw)},{digits_expr})")
    conds = blanks + zeros
    if kind.column is not None:
        rate = kind.column[1](cells)
    elif kind.tier_key:
        share_cell = cells.share if kind.tier_key == "tiers" and params.get("bands") else ""
        rate = tier_formula(params, kind.tier_key, cells.x, '""', share_cell)
    elif kind.needs_target:
        rate = column_formula(cells.x, cells.target, cells.direction)
    else:  # bands, linear, deduct_per_pp, checklist: the column shows x itself
        rate = cells.x
    return score, "=" + when(conds, '""', rate)


def _zero(ctx: Context, ind: Indicator, note: Text) -> list[Score]:
    score_cell, rate_cell = ctx.col(SCORE_COL, ind.row), ctx.col(RATE_COL, ind.row)
    return [Score(f"indicator:{ind.row}:{SCORE_COL}", ctx.sheet, score_cell, 0.0, "=0",
                  ind.level3, (note,)),
            Score(f"indicator:{ind.row}:{RATE_COL}", ctx.sheet, rate_cell, None, "", ind.level3)]


def score_indicator(ind: Indicator, ctx: Context) -> tuple[list[Score], list[Finding]]:
    """The 得分 and 完成率/偏差率 scores of ``ind`` plus any findings."""
    sheet, row = ctx.sheet, ind.row
    method_cell = ctx.col("评分方法", row)
    actual_cell, target_cell = ctx.col("实际完成值", row), ctx.col("年度目标值", row)
    findings: list[Finding] = []
    notes: list[Text] = []

    def fail(code: str, rule: str, **kw: object) -> tuple[list[Score], list[Finding]]:
        f = ctx.finding(rule, "error", sheet, method_cell, code, **kw)
        return _zero(ctx, ind, Text(f.code, f.params)), [f]

    def warn(rule: str, cell: str, code: str, data: object, **kw: object) -> None:
        findings.append(ctx.finding(rule, "warning", sheet, cell, code, data, **kw))
        notes.append(Text(findings[-1].code, findings[-1].params))

    method = ctx.ev.method(ind.method) if ind.method else None
    if method is None:
        return fail("score.method_unknown", "SCORE-METHOD", method=ind.method or "")
    kind = KINDS.get(method.kind)
    if kind is None:
        return fail("score.kind_unknown", "SCORE-METHOD", method=method.code, kind=method.kind)
    params = parse_params(method.params_text) if method.params_text else dict(method.params)
    direction = norm_direction(ind.direction)
    weight = float(ind.weight) if isinstance(ind.weight, (int, float, Decimal)) else 0.0
    j_ref, i_ref = ctx.ref(sheet, actual_cell), ctx.ref(sheet, target_cell)
    weight_expr = ctx.ref(sheet, ctx.col("分值", row))
    if not ind.locked:  # a row the filler added: listed for the bureau's review (docs/targets.md)
        weighted = ctx.ev.meta.get("filler_weighted_rows") == "1"
        findings.append(ctx.finding("IND-ADDED", "info", sheet, ctx.col("三级指标", row),
                                    "score.filler_row_weighted" if weighted else "score.filler_row", ind.level3,
                                    name=ind.level3, weight=ind.weight if ind.weight is not None else ""))
        if not weighted:
            weight, weight_expr = 0.0, "0"

    basis_value: float | None = None  # the 计分值 cell (template 2.0): the bound of a text actual
    blanks: list[str] = []  # formula conditions under which the score is "" (Python: None)
    zeros: list[str] = []  # formula conditions under which the score is 0
    x_value: float | str | None
    source = params.get("source", "").strip()
    if source:
        if source not in ctx.sources:
            return fail("score.source_unknown", "SCORE-METHOD", method=method.code, name=source)
        x_value, x_expr = ctx.sources[source], source
        blanks.append(f'{source}=""')
        if x_value is None:  # not scored: said in the row's note and as a finding, never silently
            notes.append(ctx.msg("score.blank_source", name=source))
            findings.append(ctx.finding("SCORE-SOURCE", "info", sheet, ctx.col(SCORE_COL, row), "score.blank_source_row",
                                        None, name=source, indicator=ind.level3, weight=f"{weight:g}"))
    else:
        basis_ref = ctx.ref(sheet, ctx.col(BASIS_COLUMN, row)) if ctx.has_basis else ""
        act = read_actual(ind.actual, direction, j_ref, text_x=kind.text_x, epsilon=ctx.epsilon,
                          fallback=basis_ref, unit=ind.unit)
        if act.kind == "fuzzy" and ctx.has_basis:
            basis_value = act.value if isinstance(act.value, float) else None
        x_value, x_expr = act.value, act.expr
        if act.guard is not None:
            blanks.append(f'{act.guard}=""')
        if act.kind == "blank":
            notes.append(ctx.msg("score.blank_actual"))
        elif act.kind == "fuzzy" and act.note:
            code, txt, bound = act.note
            notes.append(ctx.msg(code, text=txt, bound=bound))
            findings.append(ctx.finding("SCORE-FUZZY", "info", sheet, actual_cell, code, ind.actual,
                                        text=txt, bound=bound))
        elif act.kind in ("bad", "fuzzy_unbounded"):
            code = "score.actual_not_number" if act.kind == "bad" else "score.actual_unbounded"
            warn("SCORE-ACTUAL", actual_cell, code, ind.actual, value=ind.actual)
            x_expr = f"VALUE({j_ref})"
            zeros.append(f"ISERROR({x_expr})")
    blank = x_value is None and not zeros
    zero = x_value is None

    tgt = read_target(ind.target, i_ref)
    if kind.needs_target and tgt.target is None:
        if x_value is not None:
            code = "score.target_blank" if ind.target in (None, "") else "score.target_bad"
            warn("SCORE-TARGET", target_cell, code, ind.target, value=ind.target)
        zeros += [f'{i_ref}=""', f"ISERROR(VALUE({i_ref}))"]
        zero = True
    elif kind.needs_target and tgt.live:
        zeros.append(f'{i_ref}=""')  # clearing the target later scores 0 live, as here

    share_cell = ctx.ref(sheet, ctx.col(SHARE_COLUMN, row)) if ctx.has_share else ""
    cells = Cells(x_expr, tgt.exprs, weight_expr, direction,
                  ctx.ref(sheet, ctx.col("偏差原因", row)), share_cell)
    share_in = _share(ind.share) if ctx.has_share else None
    row_in: Row | None = None
    try:
        score_f, rate_f = row_formulas(kind, params, cells, blanks, zeros, ctx.digits_expr)
        raw = 0.0
        if not zero:
            x = x_value if kind.text_x else float(x_value)  # type: ignore[arg-type]
            row_in = Row(x, tgt.target, weight, direction, ind.reason, share_in)
            raw, code = kind.value(row_in, params)
            if code == "score.share_out_of_band":
                share_cell_a1 = ctx.col(SHARE_COLUMN, row)
                band = _band_text(params, str(x_value))
                findings.append(ctx.finding("SCORE-SHARE", "warning", sheet, share_cell_a1, code, ind.share,
                                            value=ind.share, tier=x_value, band=band,
                                            default=_pct(tier_share(params, "tiers", str(x_value)))))
                notes.append(Text(findings[-1].code, findings[-1].params))
            elif code == "score.tier_unknown":
                tiers = "/".join(params.get(kind.tier_key or "", "").split(","))
                warn("SCORE-TIER", actual_cell, code, ind.actual, value=x_value,
                     method=method.code, tiers=tiers)
            elif code == "score.over_target":
                notes.append(ctx.msg(code, threshold=f"{number(params, 'threshold', 0.3):.0%}"))
    except ParamError as exc:
        return fail(exc.code, "SCORE-PARAM", method=method.code, key=exc.key, value=exc.value)

    score = Score(f"indicator:{row}:{SCORE_COL}", sheet, ctx.col(SCORE_COL, row),
                  None if blank else ctx.round(raw), score_f, ind.level3, tuple(notes))
    rate = Score(f"indicator:{row}:{RATE_COL}", sheet, ctx.col(RATE_COL, row),
                 _rate_value(kind, params, x_value, tgt, direction, row_in), rate_f, ind.level3)
    out = [score, rate]
    if ctx.has_basis:  # a plain value (no formula): the bound a text actual is scored on, else blank
        out.append(Score(f"indicator:{row}:{BASIS_COLUMN}", sheet, ctx.col(BASIS_COLUMN, row), basis_value, "",
                         ind.level3))
    return out, findings


def _share(v: object) -> float | str | None:
    """评定比例 as read: a number (Decimal → float), text kept (it is out of any band), blank None."""
    if v is None or v == "":
        return None
    if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool):
        return float(v)
    return str(v)


def _pct(x: float | None) -> str:
    return "" if x is None else f"{x:.0%}"


def _band_text(params: dict[str, str], tier: str) -> str:
    label = xl_trim(tier).casefold()
    for name, (lo, hi) in tier_bands(params).items():
        if name.casefold() == label:
            return f"[{lo:.0%}, {hi:.0%}]" if hi >= 1 else f"[{lo:.0%}, {hi:.0%})"
    return ""


def _rate_value(kind: Kind, params: dict[str, str], x_value: object, tgt: TargetRead,
                direction: str, row: Row | None = None) -> float | None:
    """The 完成率/偏差率 value: tier share, ratio per direction, or x itself; None if undefined."""
    if kind.column is not None:
        return kind.column[0](row) if row is not None else None
    if kind.tier_key:
        if not isinstance(x_value, str):
            return None
        if kind.tier_key == "tiers" and params.get("bands") and row is not None:
            return chosen_share(params, x_value, row.share)[0]
        return tier_share(params, kind.tier_key, x_value)
    if not isinstance(x_value, float):
        return None
    if not kind.needs_target:
        return x_value
    return None if tgt.target is None else column_value(x_value, tgt.target, direction)

"""Sub-totals per 一级/二级 (``ScoreSummary``) and the total score, in Python and live.

Why: the summary sheet and 总分 must move when a filler edits an actual in Excel, so they
are ``SUMIFS``/``SUM`` formulas over the ``Indicators`` table, rounded with
``ROUND(…, param_round_digits)``; Python sums the same rounded row scores in the same order.
A ``ScoreSummary`` row with 二级 blank or 小计 sums the whole 一级; a row whose 一级 is
合计/总计 sums everything. Rows not scored yet (blank 得分) count as nothing, as in SUM.

Example::

    scores, subtotals = summary_scores(ctx, row_scores)
    subtotals["产出"]            # 一级 → score
    total_score(ctx, row_scores) # Score(key="total_score", formula="=ROUND(SUM(Indicators[得分]),…)")
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from evaltool import contract as C
from evaltool.contract.a1 import column_letters
from evaltool.contract.cells import where
from evaltool.model import Indicator, Score
from evaltool.scoring.context import Context

__all__ = ["summary_scores", "total_score", "level1_subtotals"]

SUMMARY_SHEET = C.SUMMARY
SUMMARY_COLUMNS = C.TABLE_HEADERS["ScoreSummary"]
TOTAL_WORDS = ("合计", "总计", "总分")
SUBTOTAL_WORDS = ("小计", "合计")


def _weight(ind: Indicator) -> Decimal:
    w = ind.weight
    if isinstance(w, Decimal):
        return w
    return Decimal(str(w)) if isinstance(w, (int, float)) else Decimal(0)


def level1_subtotals(ctx: Context, row_scores: Mapping[int, float]) -> dict[str, float]:
    """一级指标 → rounded sum of its rows' scores, in table order (0 when none is scored)."""
    out: dict[str, float] = {}
    for ind in ctx.ev.indicator_rows:
        if ind.level1:
            out[ind.level1] = out.get(ind.level1, 0.0) + row_scores.get(ind.row, 0.0)
    return {k: ctx.round(v) for k, v in out.items()}


def _text(v: object) -> str:
    return "" if v is None else str(v).strip()


def summary_scores(ctx: Context, row_scores: Mapping[int, float]) -> list[Score]:
    """分值, 得分, 得分率 of every ``ScoreSummary`` row."""
    ev = ctx.ev
    info = ev.tables.get("ScoreSummary")
    if info is None or info.n_rows <= 0:
        return []
    idx = {h: info.first_col + i for i, h in enumerate(info.headers)}
    for i, h in enumerate(SUMMARY_COLUMNS):
        idx.setdefault(h, 1 + i)
    cols = {h: column_letters(c) for h, c in idx.items()}
    grid = ev.grids.get(info.sheet, ())
    out: list[Score] = []
    for r in range(info.first_data_row, info.last_data_row + 1):
        row = grid[r - 1] if r - 1 < len(grid) else ()

        l1, l2 = (_text(row[idx[h] - 1]) if idx[h] - 1 < len(row) else ""
                  for h in ("一级指标", "二级指标"))
        if not l1:
            continue
        if l2 in SUBTOTAL_WORDS:
            l2 = ""
        a, b = f"${cols['一级指标']}{r}", f"${cols['二级指标']}{r}"
        if l1 in TOTAL_WORDS:
            members = list(ev.indicator_rows)
            crit = ""
        else:
            members = [i for i in ev.indicator_rows
                       if i.level1 == l1 and (not l2 or i.level2 == l2)]
            crit = f",Indicators[一级指标],{a}" + (f",Indicators[二级指标],{b}" if l2 else "")
        weight = float(sum((_weight(i) for i in members), Decimal(0)))  # exact, like money
        score = ctx.round(sum((row_scores.get(i.row, 0.0) for i in members), 0.0))
        fn = "SUMIFS" if crit else "SUM"
        c_w, c_s, c_r = (f"{cols[h]}{r}" for h in ("分值", "得分", "得分率"))
        label = f"{l1}/{l2}" if l2 else l1
        out.append(Score(f"summary:{r}:分值", info.sheet, c_w, weight,
                         f"={fn}(Indicators[分值]{crit})", label))
        out.append(Score(f"summary:{r}:得分", info.sheet, c_s, score,
                         f"=ROUND({fn}(Indicators[得分]{crit}),{ctx.digits_expr})", label))
        out.append(Score(f"summary:{r}:得分率", info.sheet, c_r,
                         None if weight == 0 else score / weight,
                         f'=IF({c_w}=0,"",{c_s}/{c_w})', label))
    return out


def total_score(ctx: Context, row_scores: Mapping[int, float]) -> Score:
    """总分: the rounded sum of the rows' rounded scores; blank while no row is scored.

    ``row_scores`` holds only rows that have a numeric score."""
    sheet, cell = where(ctx.ev.names, "total_score")
    total = ctx.round(sum(row_scores.values(), 0.0)) if row_scores else None
    return Score("total_score", sheet, cell, total,
                 f'=IF(COUNT(Indicators[得分])=0,"",ROUND(SUM(Indicators[得分]),{ctx.digits_expr}))',
                 "总分")

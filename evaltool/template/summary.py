"""The 得分汇总 sheet: ``ScoreSummary`` — 分值 and 得分 per 二级, 小计 per 一级, and 合计.

Why: reviewers read scores by level; the rows are the framework's structure and the values
are live SUMIFS formulas over ``Indicators`` (so spare rows with the same 一级/二级 count too).

Example::

    write_summary(ctx)   # header row 3
"""

from __future__ import annotations

from evaltool import contract as C
from evaltool.template.context import Ctx
from evaltool.template.formulas import expand_row_refs
from evaltool.template.sheetutil import finish_sheet
from evaltool.template.texts import sheet_head

SUBTOTAL = "小计"
TOTAL = "合计"


def summary_rows(ctx: Ctx) -> list[tuple[str, str]]:
    """(一级, 二级) pairs in order; 二级 ``小计`` closes each 一级; ``(合计, "")`` last."""
    out: list[tuple[str, str]] = []
    for lv in ctx.fw.levels:
        out.extend((lv.name, g) for g in lv.groups)
        out.append((lv.name, SUBTOTAL))
    out.append((TOTAL, ""))
    return out


def _formulas(l1: str, l2: str) -> tuple[str, str]:
    if l1 == TOTAL:
        return "=SUM(Indicators[分值])", "=SUM(Indicators[得分])"
    if l2 == SUBTOTAL:
        crit = "Indicators[一级指标],[@一级指标]"
    else:
        crit = "Indicators[一级指标],[@一级指标],Indicators[二级指标],[@二级指标]"
    return f"=SUMIFS(Indicators[分值],{crit})", f"=SUMIFS(Indicators[得分],{crit})"


def write_summary(ctx: Ctx) -> None:
    st = ctx.st
    ws = ctx.wb.add_worksheet(C.SUMMARY)
    hdr = C.TABLE_HEADERS["ScoreSummary"]
    sheet_head(ctx, ws, "summary", last_col=len(hdr) - 1)
    rows = summary_rows(ctx)
    h = C.TABLE_HEADER_ROWS["ScoreSummary"] - 1
    ws.add_table(h, 0, h + len(rows), len(hdr) - 1, {
        "name": "ScoreSummary", "autofilter": False, "style": "Table Style Light 9",
        "columns": [{"header": x, "header_format": st.header} for x in hdr]})
    rate = expand_row_refs('=IF(OR([@分值]="",[@分值]=0,[@得分]=""),"",[@得分]/[@分值])', "ScoreSummary")
    for i, (l1, l2) in enumerate(rows):
        r = h + 1 + i
        bold = l2 in (SUBTOTAL, "")
        ws.write_string(r, 0, l1, st.label if bold else st.text)
        ws.write_string(r, 1, l2, st.label if bold else st.text)
        fw_, fs = _formulas(l1, l2)
        ws.write_formula(r, 2, expand_row_refs(fw_, "ScoreSummary"), st.weight, "")
        ws.write_formula(r, 3, expand_row_refs(fs, "ScoreSummary"), st.total if bold else st.score, "")
        ws.write_formula(r, 4, rate, st.rate, "")
    for c, w in enumerate((14, 22, 10, 10, 10)):
        ws.set_column(c, c, w)
    finish_sheet(ws, header_row=h + 1, password=ctx.password, header_text=C.SUMMARY)

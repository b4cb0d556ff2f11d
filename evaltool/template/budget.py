"""The 预算执行 sheet: the ``Budget`` table, the key/value scalars and the computed rates.

Why: budget figures are the department's input (money in 元, to the fen); the rates
(预决算差异率, 预算执行率, ...) are live formulas over defined names whose text is framework
data (``rates.yaml``). Column C of each rate row shows that formula text (fingerprinted).

Example::

    write_budget(ctx)   # rows 4–8 Budget, 10–21 scalars, 23–30 rates; 2.0: 32–44 inputs, 46–53 rates
"""

from __future__ import annotations

from typing import Any

from evaltool import contract as C
from evaltool.template.context import Ctx
from evaltool.template.formulas import expand_row_refs
from evaltool.template.sheetutil import finish_sheet
from evaltool.template.texts import sheet_head

KV_NOTES = {
    "budget_adjustment": "年度内追加、追减或结构调整的资金总和（削减预算也是调整）",
    "survey_sample": "无调查可留空：满意度不计分并说明原因",
    "payment_progress_actual": "某一时点实际支出与预算数之比",
    "payment_progress_planned": "参照序时进度、前三年进度等确定",
    "carryover_total": "以决算数为准",
    "projects_evaluated_share": "填百分比，如 100%",
    "projects_evaluated_amount": "按评价报告填写",
}
EXEC_RATE = ('=IF([@全年执行数]="","",IF(AND([@全年预算数]<>"",[@全年预算数]<>0),[@全年执行数]/[@全年预算数],'
             'IF(OR([@年初预算数]="",[@年初预算数]=0),"",[@全年执行数]/[@年初预算数])))')


def _rates(ctx: Ctx, ws: Any, header_row: int, names: tuple[str, ...], title: str) -> None:
    """A block of computed rates: label, live formula (cached ""), formula text (fingerprinted)."""
    st = ctx.st
    for c, text in enumerate((title, "计算值", "计算公式（勿改）")):
        ws.write_string(header_row - 1, c, text, st.header)
    rates = {r.name: r for r in ctx.fw.rates}
    for row, name in enumerate(names, start=header_row + 1):
        spec = rates[name]
        if spec.row != row:
            raise ValueError(f"rates.yaml: {name} 应在第{row}行 / row mismatch with the contract")
        ws.write_string(row - 1, 0, spec.label, st.label)
        ws.write_formula(row - 1, 1, "=" + spec.formula, st.rate, "")
        ws.write_string(row - 1, 2, spec.formula, st.formula_text)
        ctx.define(name, C.BUDGET, f"B{row}")


def write_budget(ctx: Ctx) -> None:
    st, v = ctx.st, ctx.values
    ws = ctx.wb.add_worksheet(C.BUDGET)
    sheet_head(ctx, ws, "budget", last_col=5, height=44)
    hdr = C.TABLE_HEADERS["Budget"]
    h = C.BUDGET_HEADER_ROW - 1
    ws.add_table(h, 0, h + len(C.BUDGET_LINES), len(hdr) - 1, {
        "name": "Budget", "autofilter": False, "style": "Table Style Light 1",
        "columns": [{"header": x, "header_format": st.header} for x in hdr]})
    lines: dict[str, Any] = v.get("budget_lines", {}) or {}
    for i, label in enumerate(C.BUDGET_LINES):
        r = h + 1 + i
        data = dict(lines.get(label, {}) or {})
        if i == 0:  # row 5: the three scalars are also defined names
            for name, col in C.BUDGET_ROW5_NAMES.items():
                if name in v:
                    data[hdr["ABCDEF".index(col)]] = v[name]
        ws.write_string(r, 0, label, st.label)
        for c in (1, 2, 3):
            ctx.put(ws, r, c, data.get(hdr[c]), st.money_in)
        ws.write_formula(r, 4, expand_row_refs(EXEC_RATE, "Budget"), st.rate, "")
        ctx.put(ws, r, 5, data.get("说明"), st.text_in)
    for name, col in C.BUDGET_ROW5_NAMES.items():
        ctx.define(name, C.BUDGET, f"{col}5")

    kh = C.KV_HEADER_ROW - 1
    for c, text in enumerate(("其他数据", "数值", "说明")):
        ws.write_string(kh, c, text, st.header)
    fmts = {"money": st.money_in, "int": st.int_in, "rate": st.rate_in}
    for name, (row, label, kind) in C.KV_NAMES.items():
        ws.write_string(row - 1, 0, label, st.label)
        ctx.put(ws, row - 1, 1, v.get(name), fmts[kind])
        ctx.put(ws, row - 1, 2, v.get(f"{name}__note", KV_NOTES.get(name, "")), st.text_in)
        ctx.define(name, C.BUDGET, f"B{row}")

    _rates(ctx, ws, C.RATE_HEADER_ROW, C.RATE_NAMES, "计算比率（自动计算）")
    # template 2.0: survey and 财预〔2013〕53号 附件2 inputs, and the rates computed from them
    kh2 = C.KV2_HEADER_ROW - 1
    for c, text in enumerate(("满意度调查与其他数据（财预〔2013〕53号 附件2）", "数值", "说明")):
        ws.write_string(kh2, c, text, st.header)
    for name, (row, label, kind) in C.KV2_NAMES.items():
        ws.write_string(row - 1, 0, label, st.label)
        ctx.put(ws, row - 1, 1, v.get(name), fmts[kind])
        ctx.put(ws, row - 1, 2, v.get(f"{name}__note", KV_NOTES.get(name, "")), st.text_in)
        ctx.define(name, C.BUDGET, f"B{row}")
    _rates(ctx, ws, C.RATE2_HEADER_ROW, C.RATE_NAMES_V2, "计算比率（财预〔2013〕53号 附件2 等，自动计算）")
    ws.set_column(0, 0, 30)
    ws.set_column(1, 4, 18)
    ws.set_column(5, 5, 30)
    finish_sheet(ws, header_row=C.BUDGET_HEADER_ROW, landscape=True, password=ctx.password,
                 header_text=C.BUDGET)

"""The 自评表 sheet (template 2.1): the 自评表 fields of 财预〔2020〕10号 that are not indicators.

Why: a department's self-evaluation states more than indicator scores — "三公经费" by part with
预算 and 决算, 结转结余 (年初 + 本年收入 − 本年支出 = 年末), the report's own 预决算差异率, the
偏差原因分析及改进措施, last year's 整改措施 and their 整改落实情况, and 结果应用 (存在问题 and
整改措施 keep their one home on 报告内容). The totals the parts add up to (三公 预算安排数 and
本年度, 结转结余 年初 and 年末) keep their one home on 预算执行; the rule sheet checks the parts
against them, the balance, and 整改落实情况 (required when last year's 整改措施 is given).
Every field is an input and a defined name (docs/template.md).

Example::

    write_self_eval(ctx)   # 三公 rows 4–8 (预算 B, 决算 C), key/value rows 10–16
"""

from __future__ import annotations

from evaltool import contract as C
from evaltool.template.context import Ctx
from evaltool.template.sheetutil import finish_sheet

TITLE = ("自评表（三公经费、结转结余、问题与整改）", "Self-evaluation: 三公 spending, carry-over, problems and follow-up")
HINT = ("金额单位：元。“三公经费”分项填写预算数与决算数，分项之和应等于预算执行表的“三公经费”预算安排数与本年度"
        "“三公经费”；结转结余：上年度累计结转结余（年初）+ 本年收入合计 − 全年执行数应等于结转结余总额（年末），"
        "年初、年末数填在预算执行表。填写了上年整改措施的，须填写上年整改落实情况。")
TOTAL_TEXT = ("合计：填在预算执行表（“三公经费”预算安排数、本年度“三公经费”）",
              "Totals: on 预算执行 (三公 budget, 三公 this year)")
KV_HINTS = {
    "income_current": "本年收入合计，用于核对结转结余：上年结转结余 + 本年收入 − 全年执行数 = 结转结余总额",
    "variance_rate_reported": "评价报告中写明的预决算差异率（如 9.60%），与自动计算值核对",
    "deviation_analysis": "指标偏差的原因分析及改进措施（逐项偏差原因填在绩效指标表）",
    "prior_rectification": "上年评价提出的整改措施",
    "prior_rectification_status": "上年整改措施的落实情况（填写了上年整改措施时必填）",
    "result_application": "评价结果的应用情况",
}


def write_self_eval(ctx: Ctx) -> None:
    st, v = ctx.st, ctx.values
    ws = ctx.wb.add_worksheet(C.SELF_EVAL)
    ws.merge_range(0, 0, 0, 2, TITLE[0] if ctx.lang == "zh" else TITLE[1], st.title)
    ws.merge_range(1, 0, 1, 2, HINT, st.hint)
    ws.set_row(1, 58)
    h = C.THREE_PUBLIC_HEADER_ROW - 1
    for c, text in enumerate(("“三公经费”", "预算数（元）", "决算数（元）")):
        ws.write_string(h, c, text, st.header)
    for part, (row, label) in C.THREE_PUBLIC_PARTS.items():
        ws.write_string(row - 1, 0, label, st.label)
        for c, side in ((1, "budget"), (2, "final")):
            name = f"three_public_{part}_{side}"
            ctx.put(ws, row - 1, c, v.get(name), st.money_in)
            ctx.define(name, C.SELF_EVAL, f"{'ABC'[c]}{row}")
    ws.merge_range(C.THREE_PUBLIC_TOTAL_ROW - 1, 0, C.THREE_PUBLIC_TOTAL_ROW - 1, 2,
                   TOTAL_TEXT[0] if ctx.lang == "zh" else TOTAL_TEXT[1], st.hint)
    kh = C.SELF_EVAL_KV_HEADER_ROW - 1
    for c, text in enumerate(("自评内容", "填写", "说明")):
        ws.write_string(kh, c, text, st.header)
    fmts = {"money": st.money_in, "rate": st.rate_in, "text": st.text_in}
    for name, (row, label, kind) in C.SELF_EVAL_KV.items():
        ws.write_string(row - 1, 0, label, st.label)
        issued = bool(v.get(f"{name}__issued"))  # carried by the bureau (last year's 整改措施): locked
        ctx.put(ws, row - 1, 1, v.get(name), st.text if issued and kind == "text" else fmts[kind])
        ctx.put(ws, row - 1, 2, v.get(f"{name}__note", KV_HINTS.get(name, "")), st.text_in)
        ctx.define(name, C.SELF_EVAL, f"B{row}")
        if kind == "text":
            ws.set_row(row - 1, 48)
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 48)
    ws.set_column(2, 2, 40)
    finish_sheet(ws, header_row=C.THREE_PUBLIC_HEADER_ROW, password=ctx.password, header_text=C.SELF_EVAL)

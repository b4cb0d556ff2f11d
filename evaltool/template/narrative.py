"""The 报告内容 sheet: the department's report text, one row per 栏目 (``Narrative`` table).

Why: ``evaltool report`` writes the 绩效评价报告 from the workbook; the figures come from the
cells, the prose from here — 机构设置, 主要职能, 年度绩效目标, a 完成情况说明 per 一级/二级指标
of the framework, 存在的问题, 措施建议. Only the 内容 column is input (unlocked, wrapped, with
an input hint and a length check that warns); the rows are the template's and are not part
of the fingerprint, so the bureau can re-word hints without re-issuing.

Example::

    write_narrative(ctx)   # values["narrative"] = {"duties": "…", ("产出", "数量"): "…", "产出": "…"}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evaltool.contract import narrative as N
from evaltool.template.context import Ctx
from evaltool.template.sheetutil import finish_sheet

TITLE = ("报告内容（用于生成绩效评价报告）", "Report text (for the evaluation report)")
HINT = ("填写说明：请在黄色“内容”列填写报告正文所需的文字；数字（预算、决算、指标完成值、得分）由其他表自动带入，"
        "此处无需重复。分段请在单元格内换行（Alt+Enter）。建议字数仅供参考，超出时会提示。",
        "Write the report's prose in the yellow 内容 column; figures come from the other sheets. Start a new "
        "paragraph with Alt+Enter. Suggested lengths are guidance; longer text is warned about.")


def _value(values: Mapping[Any, Any], row: N.Row) -> str:
    if row.key != "progress":
        return str(values.get(row.key, "") or "")
    key: Any = (row.level1, row.level2) if row.level2 else row.level1
    return str(values.get(key, "") or "")


def _rows(ctx: Ctx) -> list[N.Row]:
    return N.rows_for((lv.name, lv.groups) for lv in ctx.fw.levels)


def write_narrative(ctx: Ctx) -> None:
    """Write the 报告内容 sheet with its ``Narrative`` table (header row 3)."""
    st, lang = ctx.st, ctx.lang
    ws = ctx.wb.add_worksheet(N.SHEET)
    ws.write_string(0, 0, TITLE[1] if lang == "en" else TITLE[0], st.title)
    ws.merge_range(1, 0, 1, len(N.HEADERS) - 1, HINT[1] if lang == "en" else HINT[0], st.hint)
    ws.set_row(1, 32)
    values: Mapping[Any, Any] = ctx.values.get("narrative", {}) or {}
    rows = _rows(ctx)
    h = N.HEADER_ROW - 1
    ws.add_table(h, 0, h + len(rows), len(N.HEADERS) - 1, {
        "name": N.TABLE, "autofilter": False, "style": "Table Style Light 9",
        "columns": [{"header": x, "header_format": st.header} for x in N.HEADERS]})
    for i, row in enumerate(rows):
        r = h + 1 + i
        ws.write_string(r, 0, row.label, st.label)
        ws.write_string(r, 1, row.level1, st.text)
        ws.write_string(r, 2, row.level2, st.text)
        body = _value(values, row)
        ctx.put(ws, r, 3, body, st.text_in)
        lo, hi = row.length
        ws.write_string(r, 4, f"{lo}–{hi}" if lo else f"≤{hi}", st.text)
        ws.write_string(r, 5, row.hint, st.hint)
        lines = max(1, len(body) // 40 + body.count("\n") + 1)
        ws.set_row(r, min(409, max(48, 15 * lines)))
        ws.data_validation(r, 3, r, 3, {
            "validate": "length", "criteria": "<=", "value": hi, "error_type": "warning",
            "input_title": row.label[:32],
            "input_message": f"{row.hint}建议{lo}–{hi}字。"[:255] if lo else f"{row.hint}建议不超过{hi}字。"[:255],
            "error_title": "字数超出建议", "error_message": f"建议不超过{hi}字；可继续保存。"})
    ws.set_column(0, 0, 14)
    ws.set_column(1, 2, 12)
    ws.set_column(3, 3, 80)
    ws.set_column(4, 4, 10)
    ws.set_column(5, 5, 30)
    finish_sheet(ws, header_row=N.HEADER_ROW, landscape=True, password=ctx.password, freeze_col=0,
                 header_text=N.SHEET)

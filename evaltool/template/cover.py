"""The 封面 sheet: unit information, total score, grade, status, template identity.

Why: the first thing a department sees; labels in column A, values in column B at the rows
fixed by the contract (each a defined name), a short 说明 in column C.

Example::

    write_cover(ctx, unit_name="北京市西城区妇女联合会", unit_code="", year=2023, template_id=...)
"""

from __future__ import annotations

from typing import Any

from evaltool import contract as C
from evaltool.template.context import Ctx
from evaltool.template.sheetutil import display_width, finish_sheet
from evaltool.template.texts import sheet_head

NOTES = {
    "unit_name": "全称",
    "eval_year": "四位年份，如 2023",
    "framework_name": "由财政部门下发，勿改",
    "fill_date": "格式：年-月-日",
    "self_grade": "从下拉列表选择",
    "total_score": "自动计算：各三级指标得分之和",
    "grade": "自动计算：按“等级标准”表",
    "calc_status": "由 evaltool 写入",
    "template_id": "由 evaltool 生成，勿改",
    "template_version": "由 evaltool 生成，勿改",
}


def grade_formula() -> str:
    """Grade for ``total_score`` from the ``Grades`` table (half-open bands, 含上限 closes the top)."""
    g = "Grades"
    idx = (f'SUMPRODUCT((total_score>={g}[下限])*(((total_score<{g}[上限])+({g}[含上限]="是")'
           f"*(total_score={g}[上限]))>0)*(ROW({g}[等级])-ROW({g}[[#Headers],[等级]])))")
    return f'=IF(COUNT(Indicators[得分])=0,"",IF({idx}=0,"",INDEX({g}[等级],{idx})))'


COVER_EVAL_HINTS = {"eval_method": "如：单位自评、部门评价、财政评价、第三方评价",
                    "eval_agency": "组织或实施评价的机构（单位自评填本单位）"}


def write_cover(ctx: Ctx, *, unit_name: str, unit_code: str, year: int | None, template_id: str,
                notes: list[str]) -> None:
    st, ws = ctx.st, ctx.wb.add_worksheet(C.COVER)
    sheet_head(ctx, ws, "cover", last_col=2, height=42)
    v = ctx.values
    inputs: dict[str, Any] = {
        "unit_name": v.get("unit_name", unit_name), "unit_code": v.get("unit_code", unit_code),
        "eval_year": v.get("eval_year", year), "preparer": v.get("preparer"), "contact": v.get("contact"),
        "fill_date": v.get("fill_date"), "self_grade": v.get("self_grade"),
    }
    for name, (row, label) in C.COVER_NAMES.items():
        r = row - 1
        ws.write_string(r, 0, label, st.label)
        ws.write_string(r, 2, NOTES.get(name, ""), st.hint)
        ctx.define(name, C.COVER, f"B{row}")
        if name == "eval_year":
            ctx.put(ws, r, 1, inputs[name], st.int_in)
        elif name == "fill_date":
            ctx.put(ws, r, 1, inputs[name], st.date_in)
        elif name in inputs:
            ctx.put(ws, r, 1, "" if inputs[name] is None else str(inputs[name]), st.text_in)
        elif name == "framework_name":
            ws.write_string(r, 1, ctx.fw.name, st.text)
        elif name == "total_score":
            # blank until a row is scored (the same formula evaltool writes back), never 0.00
            ws.write_formula(r, 1, '=IF(COUNT(Indicators[得分])=0,"",ROUND(SUM(Indicators[得分]),param_round_digits))',
                             st.total, "")
        elif name == "grade":
            ws.write_formula(r, 1, grade_formula(), st.status, "")
        elif name == "calc_status":
            ws.write_string(r, 1, C.STATUS_NOT_CALCULATED, st.status)
        elif name == "template_id":
            ws.write_string(r, 1, template_id, st.text)
        elif name == "template_version":
            ws.write_string(r, 1, C.TEMPLATE_VERSION, st.text)
    for name, (row, label) in C.COVER_EVAL_NAMES.items():  # 评价方式 / 评价机构 (template 2.0)
        ws.write_string(row - 1, 0, label, st.label)
        ctx.put(ws, row - 1, 1, v.get(name), st.text_in)
        ws.write_string(row - 1, 2, COVER_EVAL_HINTS[name], st.hint)
        ctx.define(name, C.COVER, f"B{row}")
    ws.data_validation(9, 1, 9, 1, {"validate": "list", "source": list(ctx.fw.grade_names()),
                                    "error_message": "请从下拉列表选择自评等级"})
    ws.data_validation(4, 1, 4, 1, {"validate": "integer", "criteria": "between", "minimum": 2000,
                                    "maximum": 2100, "error_message": "请填写四位年份"})
    for i, note in enumerate(notes):  # each note as tall as its text (A–C hold ~96 half-width chars a line)
        ws.merge_range(18 + i, 0, 18 + i, 2, note, st.hint)
        ws.set_row(18 + i, 13 * max(1, -(-display_width(note) // 96)) + 6)
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 44)
    ws.set_column(2, 2, 44)
    finish_sheet(ws, header_row=2, password=ctx.password, header_text=C.COVER)

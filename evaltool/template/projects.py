"""The 项目清单 sheet: the ``Projects`` table (data cells open, 执行率 a live formula).

Why: a 部门整体 evaluation lists the department's projects with budgets and self-evaluation
results; the rule set cross-checks them against 预算执行 (e.g. 评价项目数).

Example::

    write_projects(ctx)   # header row 4, 30 open rows (more when values bring more)
"""

from __future__ import annotations

from typing import Any

from evaltool import contract as C
from evaltool.template.context import Ctx
from evaltool.template.formulas import expand_row_refs
from evaltool.template.sheetutil import finish_sheet, fit_widths
from evaltool.template.texts import sheet_head

EXEC_RATE = ('=IF([@全年执行数]="","",IF(AND([@全年预算数]<>"",[@全年预算数]<>0),[@全年执行数]/[@全年预算数],'
             'IF(OR([@年初预算数]="",[@年初预算数]=0),"",[@全年执行数]/[@年初预算数])))')


def write_projects(ctx: Ctx) -> None:
    st = ctx.st
    ws = ctx.wb.add_worksheet(C.PROJECTS)
    hdr = C.TABLE_HEADERS["Projects"]
    sheet_head(ctx, ws, "projects", last_col=len(hdr) - 1, height=30)
    rows: list[dict[str, Any]] = list(ctx.values.get("projects", []) or [])
    n = max(C.PROJECT_ROWS, len(rows))
    h = C.TABLE_HEADER_ROWS["Projects"] - 1
    ws.add_table(h, 0, h + n, len(hdr) - 1, {
        "name": "Projects", "autofilter": True, "style": "Table Style Light 9",
        "columns": [{"header": x, "header_format": st.header} for x in hdr]})
    fmts = {"年初预算数": st.money_in, "全年预算数": st.money_in, "全年执行数": st.money_in,
            "序号": st.general_in, "自评得分": st.weight_in}
    formula = expand_row_refs(EXEC_RATE, "Projects")
    for i in range(n):
        r = h + 1 + i
        vals = rows[i] if i < len(rows) else {}
        for c, col in enumerate(hdr):
            if col == "执行率":
                ws.write_formula(r, c, formula, st.rate, "")
            else:
                ctx.put(ws, r, c, vals.get(col), fmts.get(col, st.text_in))
    last = h + n
    ws.data_validation(h + 1, 7, last, 7, {"validate": "list", "source": ["是", "否"]})
    ws.data_validation(h + 1, 9, last, 9, {"validate": "list", "source": list(ctx.fw.grade_names())})
    for c in (3, 4, 5):
        ws.data_validation(h + 1, c, last, c, {"validate": "decimal", "criteria": ">=", "value": 0,
                                               "error_message": "金额须为非负数（元）"})
    fit_widths(ws, [[x] for x in hdr], min_width=8)
    ws.set_column(1, 1, 36)
    ws.set_column(3, 5, 16)
    ws.set_column(10, 10, 24)
    finish_sheet(ws, header_row=h + 1, landscape=True, password=ctx.password, freeze_col=2,
                 header_text=C.PROJECTS)

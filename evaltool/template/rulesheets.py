"""The bureau-owned sheets: 校验规则 (``Rules``), 评分方法 (``Methods`` + ``Params``), 等级标准 (``Grades``).

Why: rules, scoring methods, parameters and grade bands are data the department can read
(so it knows how it is checked and scored) but not change: locked and fingerprinted. Each
``Params`` row is also a defined name ``param_<参数名>`` so formulas can use it.

Example::

    write_rules(ctx); write_methods(ctx); write_grades(ctx)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xlsxwriter.worksheet import Worksheet

from evaltool import contract as C
from evaltool.messages import severity_label
from evaltool.template.context import Ctx
from evaltool.template.sheetutil import finish_sheet, fit_widths
from evaltool.template.texts import sheet_head


def _table(ctx: Ctx, ws: Worksheet, name: str, header_row: int, rows: Sequence[Sequence[Any]]) -> None:
    """A locked table at 1-based ``header_row`` with ``rows`` (at least one, blank if none)."""
    st, hdr = ctx.st, C.TABLE_HEADERS[name]
    h = header_row - 1
    n = max(1, len(rows))
    ws.add_table(h, 0, h + n, len(hdr) - 1, {
        "name": name, "autofilter": False, "style": "Table Style Light 1",
        "columns": [{"header": x, "header_format": st.header} for x in hdr]})
    for i, row in enumerate(rows):
        for c, val in enumerate(row):
            ctx.put(ws, h + 1 + i, c, val, st.number if isinstance(val, int | float) else st.text)
    if not rows:
        for c in range(len(hdr)):
            ws.write_blank(h + 1, c, None, st.text)


def write_rules(ctx: Ctx) -> None:
    ws = ctx.wb.add_worksheet(C.RULES)
    sheet_head(ctx, ws, "rules", last_col=len(C.TABLE_HEADERS["Rules"]) - 1)
    rows = [(r.id, r.scope, r.table, r.expression, severity_label(r.severity), r.message, r.tolerance,
             "是" if r.explain_required else "否") for r in ctx.rules]
    _table(ctx, ws, "Rules", C.TABLE_HEADER_ROWS["Rules"], rows)
    fit_widths(ws, list(zip(C.TABLE_HEADERS["Rules"], *rows, strict=False)), max_width=60)
    finish_sheet(ws, header_row=3, landscape=True, password=ctx.password, header_text=C.RULES)


def params_header_row(n_methods: int) -> int:
    """1-based header row of ``Params``: after the Methods table and two blank rows."""
    return C.TABLE_HEADER_ROWS["Methods"] + max(1, n_methods) + 3


def write_methods(ctx: Ctx) -> None:
    ws = ctx.wb.add_worksheet(C.METHODS)
    sheet_head(ctx, ws, "methods", last_col=len(C.TABLE_HEADERS["Methods"]) - 1)
    mrows = [(m.code, m.name, m.kind, m.params_text, m.description, m.basis, m.standing) for m in ctx.methods]
    _table(ctx, ws, "Methods", C.TABLE_HEADER_ROWS["Methods"], mrows)
    ph = params_header_row(len(mrows))
    prow = [(p.name, p.value, p.label) for p in ctx.params]
    _table(ctx, ws, "Params", ph, prow)
    for p in ctx.params:
        ctx.define(f"param_{p.name}", C.METHODS, f"B{p.row}")
    cols = list(zip(C.TABLE_HEADERS["Methods"], *mrows, strict=False))
    fit_widths(ws, cols, max_width=60)
    finish_sheet(ws, header_row=3, landscape=True, password=ctx.password, header_text=C.METHODS)


def write_grades(ctx: Ctx) -> None:
    ws = ctx.wb.add_worksheet(C.GRADES)
    sheet_head(ctx, ws, "grades", last_col=len(C.TABLE_HEADERS["Grades"]) - 1)
    rows = [(g.name, g.lower, g.upper, "是" if g.upper_inclusive else "否", "、".join(g.aliases))
            for g in ctx.grades]
    _table(ctx, ws, "Grades", C.TABLE_HEADER_ROWS["Grades"], rows)
    fit_widths(ws, list(zip(C.TABLE_HEADERS["Grades"], *rows, strict=False)), min_width=10)
    finish_sheet(ws, header_row=3, password=ctx.password, header_text=C.GRADES)

"""The 校验结果 sheet: the ``Checks`` table, one row per sheet rule (static “未计算” for now).

Why: departments see every check in the workbook itself. Live per-rule formulas come from
the validation engine (``evaltool.rules.live.template_checks(rules, tables, names)`` returning
:class:`evaltool.model.CheckRow` values) when it is importable; otherwise each rule gets a
static 结果 “未计算” that evaltool replaces on its first run. ``出错说明`` is the filler's.

Example::

    write_checks(ctx)
"""

from __future__ import annotations

from evaltool import contract as C
from evaltool.messages import severity_label
from evaltool.model import CheckRow, Rule
from evaltool.template.context import Ctx
from evaltool.template.layout import table_layout
from evaltool.template.sheetutil import finish_sheet
from evaltool.template.texts import sheet_head


def default_checks(rules: tuple[Rule, ...]) -> list[CheckRow]:
    """One static row per sheet rule."""
    return [CheckRow(rule=r.id, source="规则表", severity=r.severity,
                     sheet=C.TABLE_SHEETS.get(r.table, "") if r.table else "", cell="", formula=None,
                     result=C.STATUS_NOT_CALCULATED, message=r.message) for r in rules]


def _names(ctx: Ctx) -> dict[str, tuple[str, str]]:
    """Defined names so far as name -> (sheet, A1 ref without $)."""
    out = {}
    for name, target in ctx.names.items():
        sheet, _, ref = target.lstrip("=").rpartition("!")
        out[name] = (sheet.strip("'"), ref.replace("$", ""))
    return out


def template_checks(ctx: Ctx) -> list[CheckRow]:
    """Live rows from the validation engine when available, else static “未计算” rows."""
    try:
        from evaltool.rules.live import template_checks as live
    except ImportError:
        return default_checks(ctx.rules)
    try:
        return list(live(ctx.rules, table_layout(ctx), _names(ctx)))
    except (TypeError, ValueError, KeyError, NotImplementedError, AttributeError):
        return default_checks(ctx.rules)


def write_checks(ctx: Ctx) -> None:
    st = ctx.st
    ws = ctx.wb.add_worksheet(C.CHECKS)
    hdr = C.TABLE_HEADERS["Checks"]
    sheet_head(ctx, ws, "checks", last_col=len(hdr) - 1)
    rows = template_checks(ctx)
    h = C.TABLE_HEADER_ROWS["Checks"] - 1
    ws.add_table(h, 0, h + max(1, len(rows)), len(hdr) - 1, {
        "name": "Checks", "autofilter": True, "style": "Table Style Light 9",
        "columns": [{"header": x, "header_format": st.header} for x in hdr]})
    for i, cr in enumerate(rows):
        r = h + 1 + i
        for c, val in enumerate((cr.rule, cr.source, severity_label(cr.severity), cr.sheet,
                                 cr.cell)):
            ws.write_string(r, c, val, st.text)
        if cr.formula:
            ws.write_formula(r, 5, cr.formula if cr.formula.startswith("=") else "=" + cr.formula, st.result, "")
        else:
            ws.write_string(r, 5, cr.result, st.result)
        if cr.message_formula:  # live: the placeholders show the cells' values, never {raw}
            ws.write_formula(r, 6, cr.message_formula, st.text, cr.message)
        else:
            ws.write_string(r, 6, cr.message, st.text)
        ctx.put(ws, r, 7, cr.explanation, st.text_in)
    if not rows:
        for c in range(len(hdr)):
            ws.write_blank(h + 1, c, None, st.text_in if c == 7 else st.text)
    for c, w in enumerate((12, 8, 8, 12, 10, 30, 40, 30)):
        ws.set_column(c, c, w)
    finish_sheet(ws, header_row=h + 1, landscape=True, password=ctx.password, header_text=C.CHECKS)
    # on paper 校验结果 is its heading only (hundreds of 通过 lines help no reviewer): what a
    # reviewer prints is 待处理问题; clear the print area to print every check
    ws.print_area(0, 0, h, len(hdr) - 1)

"""The 绩效指标 sheet: the ``Indicators`` table (framework rows locked A–H, spare rows open).

Why: the heart of the evaluation. The framework's indicators (names, type, method, weight,
unit, direction) are bureau-owned and locked; targets, actuals, reasons, notes and (template
2.0) 评定比例 — the evaluator's share for a 定性 tier, inside the tier's band — are input; 完成率/偏差率 and 得分 are live formulas (cached ``""``). Spare rows
below let a department add indicators on the protected sheet.

Example::

    write_indicators(ctx)   # header row 4, framework rows from 5, then spare rows
"""

from __future__ import annotations

from typing import Any

from evaltool import contract as C
from evaltool.model import Indicator
from evaltool.template.context import Ctx
from evaltool.template.formulas import RATE_COL, SCORE_COL, RowContext, expand_row_refs, formula_for
from evaltool.template.sheetutil import finish_sheet, fit_widths
from evaltool.template.texts import sheet_head


def _row_values(ctx: Ctx, ind: Indicator) -> dict[str, Any]:
    given = ctx.values.get("indicators", {}) or {}
    got = given.get(f"{ind.level2}/{ind.level3}") or given.get(ind.level3) or {}
    out = {"年度目标值": ind.target}
    out.update(got)
    return out


def write_indicators(ctx: Ctx) -> None:
    st = ctx.st
    ws = ctx.wb.add_worksheet(C.INDICATORS)
    hdr = C.TABLE_HEADERS["Indicators"]
    sheet_head(ctx, ws, "indicators", last_col=len(hdr) - 1, height=32)
    h = C.TABLE_HEADER_ROWS["Indicators"] - 1
    extra: list[dict[str, Any]] = list(ctx.values.get("extra_indicators", []) or [])
    n_spare = max(C.SPARE_INDICATOR_ROWS, len(extra))
    n = len(ctx.indicators) + n_spare
    ws.add_table(h, 0, h + n, len(hdr) - 1, {
        "name": "Indicators", "autofilter": True, "style": "Table Style Light 9",
        "columns": [{"header": x, "header_format": st.header} for x in hdr]})
    methods = {m.code: m for m in ctx.methods}
    for ind in ctx.indicators:
        r = ind.row - 1
        vals = _row_values(ctx, ind)
        pct = ind.unit == "%"
        for c, val in enumerate((ind.level1, ind.level2, ind.level3, ind.kind, ind.method)):
            ws.write_string(r, c, val, st.text)
        ws.write_number(r, 5, float(ind.weight) if ind.weight is not None else 0, st.weight)
        ws.write_string(r, 6, ind.unit, st.text)
        ws.write_string(r, 7, ind.direction, st.text)
        if ind.target_locked:  # approved at issuance: bureau-owned, as issued
            ctx.put(ws, r, 8, ind.target, st.rate if pct else st.number)
        else:
            ctx.put(ws, r, 8, vals.get("年度目标值"), st.rate_in if pct else st.general_in)
        m = methods.get(ind.method)
        # a method that scores a computed rate (source=…) ignores this row's actual: the cell is
        # locked, so no one types a figure the engine would silently not use
        computed = bool(ctx.fw.method(ind.method).params.get("source"))
        actual_fmt = (st.rate if pct else st.number) if computed else (st.rate_in if pct else st.general_in)
        ctx.put(ws, r, 9, vals.get("实际完成值"), actual_fmt)
        for c, col in ((10, RATE_COL), (11, SCORE_COL)):
            f = formula_for(m, RowContext("Indicators", ind.row, col, ind)) or '=""'
            ws.write_formula(r, c, expand_row_refs(f, "Indicators"), st.rate if c == 10 else st.score, "")
        ctx.put(ws, r, 12, vals.get("偏差原因"), st.text_in)
        note = vals.get("备注")
        ctx.put(ws, r, 13, ind.note if note is None and ind.target_locked else note, st.text_in)
        ctx.put(ws, r, 14, vals.get("评定比例"), st.rate_in)
        ws.write_blank(r, 15, None, st.number)  # 计分值: filled by evaltool for a text actual
        spec = ctx.fw.method(ind.method)
        choices = spec.choices()
        if ind.kind == "定性" and choices:
            ws.data_validation(r, 9, r, 9, {"validate": "list", "source": list(choices),
                                            "error_message": "请从下拉列表选择：" + "、".join(choices)})
        elif spec.kind == "checklist" and spec.params.get("items", "").isdigit():
            ws.data_validation(r, 9, r, 9, {"validate": "integer", "criteria": "between", "minimum": 0,
                                            "maximum": int(spec.params["items"]),
                                            "error_message": f"请填写 0–{spec.params['items']} 的整数（要点数）"})
    first_spare = h + 1 + len(ctx.indicators)
    for i in range(n_spare):
        r = first_spare + i
        vals = extra[i] if i < len(extra) else {}
        for c, col in enumerate(hdr):
            if col in (RATE_COL, SCORE_COL):
                f = formula_for(None, RowContext("Indicators", r + 1, col, None)) or '=""'
                ws.write_formula(r, c, expand_row_refs(f, "Indicators"), st.rate if col == RATE_COL else st.score, "")
            elif col == "分值":
                ctx.put(ws, r, c, vals.get(col), st.weight_in)
            elif col == "评定比例":
                ctx.put(ws, r, c, vals.get(col), st.rate_in)
            elif col == "计分值":
                ws.write_blank(r, c, None, st.number)
            else:
                ctx.put(ws, r, c, vals.get(col), st.text_in if c in (0, 1, 2, 12, 13) else st.general_in)
    last = h + n
    codes = [m.code for m in ctx.methods]
    ws.data_validation(h + 1, 3, last, 3, {"validate": "list", "source": ["定量", "定性"]})
    if len(",".join(codes)) < 250:
        ws.data_validation(h + 1, 4, last, 4, {"validate": "list", "source": codes})
    ws.data_validation(h + 1, 7, last, 7, {"validate": "list", "source": ["≥", "≤", "=", "区间"]})
    ws.data_validation(h + 1, 5, last, 5, {"validate": "decimal", "criteria": ">=", "value": 0,
                                           "error_message": "分值须为非负数"})
    ws.data_validation(h + 1, 14, last, 14, {
        "validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1,
        "input_title": "评定比例", "input_message": "定性指标：在所选档次的区间内填写得分比例（如部分达成填60%–80%之间）；留空按该档默认比例",
        "error_message": "评定比例须在 0–100% 之间"})
    cols = [[x] + [getattr(i, a) for i in ctx.indicators]
            for x, a in zip(hdr[:8], ("level1", "level2", "level3", "kind", "method", "weight", "unit",
                                      "direction"), strict=True)]
    fit_widths(ws, cols, max_width=36)
    ws.set_column(8, 9, 14)
    ws.set_column(10, 11, 11)
    ws.set_column(12, 12, 24)
    ws.set_column(13, 13, 44)
    ws.set_column(14, 15, 10)
    finish_sheet(ws, header_row=h + 1, landscape=True, password=ctx.password, freeze_col=3,
                 header_text=C.INDICATORS, min_widths={2: 16})  # 三级指标 names stay readable

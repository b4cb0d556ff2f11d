"""The 待处理问题 sheet: what a reviewer prints — the open findings only, rewritten at every run.

Why: 校验结果 lists every check of every row (hundreds of 通过 lines), which is what keeps the
checks live, but not what anyone wants on paper. This sheet holds only the findings still open
after the last ``evaltool score`` or 计算评分 press, with a stamp saying when it was written
(edits after that are not in it). The template writes the header and an empty list; write-back
(:func:`evaltool.io.writeback.build_plan`) fills it and clears what the previous run left.

Example::

    write_open_issues(ctx)
"""

from __future__ import annotations

from evaltool import contract as C
from evaltool.template.context import Ctx
from evaltool.template.sheetutil import finish_sheet
from evaltool.template.styles import FONT
from evaltool.template.texts import sheet_head

#: Rows of the list given a three-line height in the template (write-back fills them).
PRESIZED_ROWS = 300

NOT_YET = ("尚未计算：按“计算评分”或运行 evaltool score 后，这里列出待处理的问题。",
           "Not calculated yet: press 计算评分 or run evaltool score to list the open findings.")


def write_open_issues(ctx: Ctx) -> None:
    st = ctx.st
    ws = ctx.wb.add_worksheet(C.OPEN_ISSUES)
    hdr = C.OPEN_ISSUES_HEADERS
    sheet_head(ctx, ws, "open_issues", last_col=len(hdr) - 1)
    ws.merge_range(f"{C.OPEN_ISSUES_STAMP}:{chr(ord('A') + len(hdr) - 1)}{C.OPEN_ISSUES_STAMP[1:]}",
                   NOT_YET[1 if ctx.lang == "en" else 0], st.hint)
    ws.set_row(int(C.OPEN_ISSUES_STAMP[1:]) - 1, 30)
    h = C.OPEN_ISSUES_HEADER_ROW - 1
    # write-back cannot size rows to their text, so the list's rows are made three lines tall
    # in advance (a message is at most ~3 lines in the 80-character 提示信息 column)
    for r in range(h + 1, h + 1 + PRESIZED_ROWS):
        ws.set_row(r, 40)
    # the column's format is what new cells written by evaltool take: wrapped, top-aligned, no
    # border (a bordered column format would draw a grid over the whole sheet)
    cell = ctx.wb.add_format({"font_name": FONT, "font_size": 10, "text_wrap": True, "valign": "top"})
    for c, (name, width) in enumerate(zip(hdr, C.OPEN_ISSUES_WIDTHS, strict=True)):
        ws.write_string(h, c, name, st.header)
        ws.set_column(c, c, width, cell)
    finish_sheet(ws, header_row=h + 1, landscape=True, password=ctx.password, header_text=C.OPEN_ISSUES)

"""Cell formats of the template (xlsxwriter), created once per workbook.

Why: every sheet uses the same handful of looks — title, hint, header, locked text, input
(unlocked, light yellow), money ``#,##0.00``, rate ``0.00%``, score ``0.00`` — and cells that
evaltool writes later must already carry their number format, so the package patcher keeps
it. Centralising them keeps the look consistent and the format count small.

Example::

    st = Styles(workbook)
    ws.write_number(4, 1, 18902744.6, st.money_in)
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook

MONEY = "#,##0.00"
RATE = "0.00%"
SCORE = "0.00"
INPUT_FILL = "#FFF9DB"
FONT = "等线"


class Styles:
    """Named formats; ``*_in`` variants are unlocked input cells."""

    def __init__(self, wb: Workbook) -> None:
        base: dict[str, Any] = {"font_name": FONT, "font_size": 10, "valign": "vcenter", "border": 1}

        def fmt(**kw: Any) -> Format:
            return wb.add_format({**base, **kw})

        self.title = wb.add_format({"font_name": FONT, "font_size": 14, "bold": True})
        self.hint = wb.add_format({"font_name": FONT, "font_size": 9, "font_color": "#595959",
                                   "text_wrap": True, "valign": "top"})
        self.header = fmt(bold=True, bg_color="#D9E1F2", align="center", text_wrap=True)
        self.label = fmt(bg_color="#F2F2F2")
        self.text = fmt(text_wrap=True)
        self.text_in = fmt(text_wrap=True, locked=False, bg_color=INPUT_FILL)
        self.general_in = fmt(locked=False, bg_color=INPUT_FILL)
        self.int_in = fmt(num_format="0", locked=False, bg_color=INPUT_FILL)
        self.date_in = fmt(num_format="yyyy-mm-dd", locked=False, bg_color=INPUT_FILL)
        self.money = fmt(num_format=MONEY)
        self.money_in = fmt(num_format=MONEY, locked=False, bg_color=INPUT_FILL)
        self.rate = fmt(num_format=RATE)
        self.rate_in = fmt(num_format=RATE, locked=False, bg_color=INPUT_FILL)
        self.score = fmt(num_format=SCORE)
        self.weight = fmt(num_format="0.##")
        self.weight_in = fmt(num_format="0.##", locked=False, bg_color=INPUT_FILL)
        self.number = fmt(num_format="General")
        self.formula_text = wb.add_format({**base, "font_size": 9, "font_color": "#595959", "text_wrap": True})
        self.result = fmt(text_wrap=True)
        self.total = fmt(num_format=SCORE, bold=True)
        self.status = fmt(bold=True)

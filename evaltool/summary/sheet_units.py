"""The 单位得分 sheet: one row per counted unit, ranked, with colours that speak.

Why: the evaluator's first question is "who scored how". Each unit gets its 一级 sub-totals
(the union of 一级 names over all frameworks), total, grade, a live ``RANK`` formula whose
cached value Python computed (ties as Excel's RANK.EQ: equal totals share a rank and the next
rank is skipped), the budget variance and execution rates, error/warning counts and status.
Conditional formats colour grades, draw data bars on scores and turn the variance red when
its absolute value exceeds that unit's own ``variance_warn_threshold`` parameter.

Example::

    layout = write_units(wb, st, units, level1_names, grade_colours, lang="zh", title="…")
    layout.total_col, layout.first_row, layout.last_row
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from evaltool.contract.a1 import column_letters
from evaltool.io.book import Formula
from evaltool.summary.digest import UnitRow
from evaltool.summary.labels import label, level1_headers, status_label
from evaltool.summary.styles import GRADE_COLOURS, Styles, setup_print
from evaltool.summary.table import Column, write_table

__all__ = ["UnitsLayout", "write_units", "rank_eq", "excel_text_literal"]

HEADER_ROW = 3  # 0-based: title, subtitle, blank, header


@dataclass(frozen=True)
class UnitsLayout:
    sheet: str
    first_row: int  # 0-based first data row
    last_row: int  # 0-based last data row
    n_scored: int  # ranked rows with a total (they come first): the rank, statistics and charts
    unit_col: int
    total_col: int
    grade_col: int
    variance_col: int
    status_col: int
    source_col: int

    def ref(self, col: int, *, scored_only: bool = False) -> str:
        """Absolute A1 range of one data column, e.g. ``'单位得分'!$H$5:$H$9``."""
        last = self.first_row + max(self.n_scored, 1) - 1 if scored_only else self.last_row
        c = column_letters(col + 1)
        return f"'{self.sheet}'!${c}${self.first_row + 1}:${c}${last + 1}"


def rank_eq(value: float, values: Sequence[float]) -> int:
    """Excel ``RANK.EQ(value, values)`` descending: 1 + how many values are larger."""
    return 1 + sum(1 for v in values if v > value)


def excel_text_literal(text: str) -> str | None:
    """``text`` as a safe Excel string literal (``"`` doubled), or None when unsuitable."""
    if not text or len(text) > 100 or any(ord(ch) < 32 for ch in text):
        return None
    return '"' + text.replace('"', '""') + '"'



def write_units(
    wb: Workbook,
    st: Styles,
    units: Sequence[UnitRow],
    level1_names: Sequence[str],
    grade_colours: Mapping[str, int],
    *,
    lang: str,
    title: str,
    subtitle: str,
) -> UnitsLayout:
    """Add the 单位得分 sheet; ``units`` must already be sorted by :func:`sort_units`."""
    sheet = label("sheet_units", lang)
    ws = wb.add_worksheet(sheet)
    L = lambda code: label(code, lang)  # noqa: E731
    head = [
        Column(L("col_unit"), "text", max_width=30),
        Column(L("col_code"), "text", max_width=16),
        Column(L("col_year"), "int", center=True),
        Column(L("col_framework"), "text", max_width=24),
    ]
    tail = [
        Column(L("col_total"), "score"),
        Column(L("col_grade"), "text", center=True),
        Column(L("col_rank"), "int", center=True),
        Column(L("col_variance"), "rate"),
        Column(L("col_threshold"), "rate"),
        Column(L("col_execution"), "rate"),
        Column(L("col_budget"), "money", max_width=20),
        Column(L("col_final"), "money", max_width=20),
        Column(L("col_errors"), "int", center=True),
        Column(L("col_warnings"), "int", center=True),
        Column(L("col_status"), "text", center=True),
        Column(L("col_file"), "text", max_width=50),
    ]
    fixed = {c.header for c in head + tail}
    level1_cols = [Column(h, "score", max_width=14) for h in level1_headers(list(level1_names), fixed, lang)]
    columns = head + level1_cols + tail
    k = 4 + len(level1_names)  # total column index
    idx = {"total": k, "grade": k + 1, "rank": k + 2, "var": k + 3, "thr": k + 4,
           "errors": k + 8, "warnings": k + 9, "status": k + 10, "source": k + 11}
    first = HEADER_ROW + 1
    n_scored = sum(1 for u in units if u.total is not None and u.ranked)  # ranked rows come first
    totals = [u.total for u in units if u.total is not None and u.ranked]
    total_letter = column_letters(idx["total"] + 1)
    rank_range = f"${total_letter}${first + 1}:${total_letter}${first + max(n_scored, 1)}"
    rows: list[list[object]] = []
    for i, u in enumerate(units):
        scores = dict(u.level1)
        rank: object = None
        if u.total is not None and u.ranked:
            rank = Formula(f"=RANK({total_letter}{first + i + 1},{rank_range})", rank_eq(u.total, totals))
        rows.append([
            u.unit, u.code, u.year, u.framework,
            *[scores.get(name) for name in level1_names],
            u.total, u.grade, rank, u.variance_rate, u.variance_threshold, u.execution_rate,
            u.budget_initial, u.final_expenditure, u.errors, u.warnings,
            status_label(u.status, lang), u.source,
        ])
    ws.merge_range(0, 0, 0, min(len(columns) - 1, 8), title, st.title())
    ws.set_row(0, 28)
    ws.write_string(1, 0, subtitle, st.subtitle())
    ws.write_string(1, idx["total"], L("money_unit"), st.subtitle())
    first, last = write_table(
        ws, st, name="UnitScores", header_row=HEADER_ROW, columns=columns, rows=rows,
        none_text=L("none"),
    )
    if units:
        _conditional(ws, st, first, last, idx, level1_names, units, grade_colours, lang)
    setup_print(ws, header_row=HEADER_ROW, title=title, lang=lang)
    return UnitsLayout(sheet, first, last, n_scored, 0, idx["total"], idx["grade"], idx["var"],
                       idx["status"], idx["source"])


def _conditional(
    ws: Worksheet, st: Styles, first: int, last: int, idx: Mapping[str, int],
    level1_names: Sequence[str], units: Sequence[UnitRow], grade_colours: Mapping[str, int], lang: str,
) -> None:
    grades = sorted({u.grade for u in units if u.grade}, key=lambda g: (grade_colours.get(g, 3), g))
    for g in grades:
        literal = excel_text_literal(g)
        if literal is None:
            continue
        fill, font = GRADE_COLOURS[min(grade_colours.get(g, 3), 3)]
        ws.conditional_format(first, idx["grade"], last, idx["grade"], {
            "type": "cell", "criteria": "==", "value": literal, "format": st.conditional(fill, font, bold=True),
        })
    bar = {"type": "data_bar", "bar_color": "#9BC2E6", "bar_solid": True, "min_type": "num", "min_value": 0}
    ws.conditional_format(first, idx["total"], last, idx["total"],
                          {**bar, "bar_color": "#5B9BD5", "max_type": "num", "max_value": 100})
    for c in range(4, 4 + len(level1_names)):
        ws.conditional_format(first, c, last, c, bar)
    v, t = column_letters(idx["var"] + 1), column_letters(idx["thr"] + 1)
    red = st.conditional("#FFC7CE", "#9C0006", bold=True)
    ws.conditional_format(first, idx["var"], last, idx["var"], {
        "type": "formula", "criteria": f"=AND(ISNUMBER(${v}{first + 1}),ABS(${v}{first + 1})>${t}{first + 1})",
        "format": red,
    })
    ws.conditional_format(first, idx["errors"], last, idx["errors"], {
        "type": "cell", "criteria": ">", "value": 0, "format": red,
    })
    ws.conditional_format(first, idx["warnings"], last, idx["warnings"], {
        "type": "cell", "criteria": ">", "value": 0, "format": st.conditional("#FFEB9C", "#9C5700"),
    })
    literal = excel_text_literal(status_label("有错误", lang))
    ws.conditional_format(first, idx["status"], last, idx["status"], {
        "type": "cell", "criteria": "==", "value": literal, "format": red,
    })

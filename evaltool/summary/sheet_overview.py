"""The 总览 sheet: counts, score statistics and grade distribution, with three charts.

Why: "at a glance". The figures are live formulas over the 单位得分 and 未通过 sheets (so
they follow if the evaluator corrects a row), each carrying the value Python computed as its
cached value. Grade counts compare against the grade name *cell* (``SUMPRODUCT``), never
against text pasted into a formula, so a grade name from a returned workbook cannot inject
anything or act as a COUNTIF wildcard.

Example::

    write_overview(ws, st, c.units, units_layout, others_ref, c.grade_colours, lang="zh",
                   title="预算绩效评价汇总表", subtitle="汇总时间：…")
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from xlsxwriter.worksheet import Worksheet

from evaltool.io.book import Formula
from evaltool.summary.charts import add_charts
from evaltool.summary.digest import UnitRow
from evaltool.summary.labels import label, status_label
from evaltool.summary.sheet_units import UnitsLayout
from evaltool.summary.styles import GRADE_COLOURS, Styles, setup_print
from evaltool.summary.table import Column, write_table

__all__ = ["OthersRef", "write_overview", "overview_stats", "ONE_PAGE_UNITS"]

ONE_PAGE_UNITS = 40  # up to this many units the overview prints on one page


@dataclass(frozen=True)
class OthersRef:
    """Where the 未通过 sheet keeps its status column (absolute A1 range)."""

    status_range: str
    n_rejected: int
    n_superseded: int


def overview_stats(units: Sequence[UnitRow]) -> dict[str, float | None]:
    """Average, median, max and min of the counted units' totals (None when none scored)."""
    totals = [u.total for u in units if u.total is not None]
    if not totals:
        return {"avg": None, "median": None, "max": None, "min": None}
    return {
        "avg": math.fsum(totals) / len(totals),
        "median": float(statistics.median(totals)),
        "max": max(totals),
        "min": min(totals),
    }


def write_overview(
    ws: Worksheet,
    st: Styles,
    units: Sequence[UnitRow],
    layout: UnitsLayout,
    others: OthersRef,
    grade_colours: Mapping[str, int],
    *,
    lang: str,
    title: str,
    subtitle: str,
) -> None:
    """Fill the (already added, first) 总览 sheet."""
    L = lambda code: label(code, lang)  # noqa: E731
    ws.merge_range(0, 0, 0, 12, title, st.title())
    ws.set_row(0, 30)
    ws.write_string(1, 0, subtitle, st.subtitle())

    status_range = layout.ref(layout.status_col)
    passed = sum(1 for u in units if u.status == "通过")
    errors = sum(1 for u in units if u.status == "有错误")
    pending = sum(1 for u in units if u.status == "待确认")
    returned = f'=SUM(B7:B10)+COUNTIF({status_range},"{status_label("待确认", lang)}")' if pending else "=SUM(B7:B10)"
    ret_rows: list[list[object]] = [
        [L("n_returned"), Formula(returned, len(units) + others.n_rejected + others.n_superseded)],
        [L("n_passed"), Formula(f'=COUNTIF({status_range},"{status_label("通过", lang)}")', passed)],
        [L("n_errors"), Formula(f'=COUNTIF({status_range},"{status_label("有错误", lang)}")', errors)],
        [L("n_rejected"), Formula(f'=COUNTIF({others.status_range},"{status_label("未通过", lang)}")',
                                  others.n_rejected)],
        [L("n_superseded"), Formula(f'=COUNTIF({others.status_range},"{status_label("已被替代", lang)}")',
                                    others.n_superseded)],
    ]
    ws.write_string(3, 0, L("block_returns"), st.block_title())
    write_table(ws, st, name="Returns", header_row=4, columns=[Column(L("item")), Column(L("count"), "int")],
                rows=ret_rows, none_text="", freeze_cols=None)

    units = [u for u in units if u.ranked]  # statistics, grades and charts: ranked returns only
    stats = overview_stats(units)
    totals = layout.ref(layout.total_col, scored_only=True)
    fn = {"avg": "AVERAGE", "median": "MEDIAN", "max": "MAX", "min": "MIN"}
    score_rows: list[list[object]] = [
        [L(k), Formula(f"={fn[k]}({totals})", stats[k]) if stats[k] is not None else None] for k in fn
    ]
    ws.write_string(11, 0, L("block_scores"), st.block_title())
    write_table(ws, st, name="ScoreStats", header_row=12, columns=[Column(L("item")), Column(L("value"), "score")],
                rows=score_rows, none_text="", freeze_cols=None)

    grades = sorted({u.grade for u in units if u.grade}, key=lambda g: (grade_colours.get(g, 3), g))
    grade_range = layout.ref(layout.grade_col, scored_only=True)
    first = 20  # 0-based first data row of the grade table (header on row 19)
    n_graded = sum(1 for u in units if u.grade)
    count_range = f"$B${first + 1}:$B${first + max(len(grades), 1)}"
    grade_rows: list[list[object]] = []
    for i, g in enumerate(grades):
        n = sum(1 for u in units if u.grade == g)
        r = first + i + 1
        grade_rows.append([
            g,
            Formula(f"=SUMPRODUCT(--({grade_range}=$A{r}))", n),
            Formula(f"=IF(SUM({count_range})=0,0,B{r}/SUM({count_range}))", n / n_graded if n_graded else 0),
        ])
    ws.write_string(18, 0, L("block_grades"), st.block_title())
    write_table(ws, st, name="GradeDistribution", header_row=19,
                columns=[Column(L("grade"), center=True), Column(L("units"), "int"), Column(L("share"), "rate")],
                rows=grade_rows, none_text=L("none"), freeze_cols=None)
    for i, g in enumerate(grades):
        fill, font = GRADE_COLOURS[min(grade_colours.get(g, 3), 3)]
        ws.write_string(first + i, 0, g, st.grade_cell(fill, font))
    ws.set_column(0, 0, 20)  # after the tables, which size columns to their own cells; charts.LEFT_PX
    ws.set_column(1, 2, 11)
    ws.set_column(3, 3, 3)
    below_row = first + max(len(grades), 1) + 2
    last_row, last_col = add_charts(ws, st, units, layout, grades, grade_colours, first=first, lang=lang,
                                    below_row=below_row)
    setup_print(ws, header_row=4, title=title, lang=lang)
    ws.repeat_rows(0, 1)
    ws.print_area(0, 0, last_row, last_col)
    # one page wide, at a readable scale: the tables on the first page, the charts may follow
    # (fitting everything on one page shrank the text to 7 pt)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_h_pagebreaks([below_row])  # the bar charts start a page: never cut through a chart

"""The three charts of 总览: grade distribution, total score per unit, variance per unit.

Why: a column chart of how many units got each grade, a bar chart of every unit's total
(highest on top, as the 单位得分 rows are sorted) and a bar chart of each unit's
预决算差异率 with the bars beyond the unit's warning threshold in red. Charts read the
sheets' cells, so they follow the live workbook; bar colours are chosen in Python from the
same rows.

Example::

    add_charts(ws, st, units, layout, grades, grade_colours, first=19, lang="zh", below_row=24)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from xlsxwriter.worksheet import Worksheet

from evaltool.summary.digest import UnitRow, column_letter
from evaltool.summary.labels import label
from evaltool.summary.sheet_units import UnitsLayout
from evaltool.summary.styles import FONT, GRADE_COLOURS, Styles

__all__ = ["add_charts"]

BLUE = "#5B9BD5"
RED = "#E06666"


def _font(size: int, bold: bool = False) -> dict[str, Any]:
    return {"name": FONT, "size": size, "bold": bold}


def _col_range(sheet: str, col: int, first: int, last: int) -> list[Any]:
    return [sheet, first, col, last, col]


def add_charts(
    ws: Worksheet,
    st: Styles,
    units: Sequence[UnitRow],
    layout: UnitsLayout,
    grades: Sequence[str],
    grade_colours: Mapping[str, int],
    *,
    first: int,
    lang: str,
    below_row: int,
) -> None:
    """Insert the charts: grades to the right of the tables, unit bars below them."""
    wb = st.wb
    sheet = ws.get_name()
    # 1. grade distribution (column chart over the GradeDistribution table)
    grade_chart = wb.add_chart({"type": "column"})
    n = max(len(grades), 1)
    grade_chart.add_series({
        "name": label("chart_grades", lang),
        "categories": [sheet, first, 0, first + n - 1, 0],
        "values": [sheet, first, 1, first + n - 1, 1],
        "points": [{"fill": {"color": GRADE_COLOURS[min(grade_colours.get(g, 3), 3)][1]}} for g in grades],
        "data_labels": {"value": True, "font": _font(10, True)},
        "gap": 80,
    })
    grade_chart.set_title({"name": label("chart_grades", lang), "name_font": _font(12, True)})
    grade_chart.set_legend({"none": True})
    grade_chart.set_x_axis({"num_font": _font(10)})
    top = max([sum(1 for u in units if u.grade == g) for g in grades] or [1])
    grade_chart.set_y_axis({"num_font": _font(9), "min": 0, "major_unit": max(1, -(-top // 5)),
                            "num_format": "0", "major_gridlines": {"visible": True,
                            "line": {"color": "#D9D9D9"}}})
    grade_chart.set_chartarea({"border": {"color": "#BFBFBF"}})
    ws.insert_chart(3, 4, grade_chart, {"x_offset": 4, "y_offset": 0, "x_scale": 1.15, "y_scale": 1.25})

    if not units:
        return
    height = max(300, 22 * len(units) + 90)
    # 2. total score per unit (bar chart over 单位得分, scored rows only: they come first)
    n_scored = layout.n_scored
    if n_scored:
        score_chart = wb.add_chart({"type": "bar"})
        score_chart.add_series({
            "name": label("col_total", lang),
            "categories": _col_range(layout.sheet, layout.unit_col, layout.first_row,
                                     layout.first_row + n_scored - 1),
            "values": _col_range(layout.sheet, layout.total_col, layout.first_row,
                                 layout.first_row + n_scored - 1),
            "fill": {"color": BLUE},
            "data_labels": {"value": True, "num_format": "0.00", "font": _font(9)},
            "gap": 60,
        })
        score_chart.set_title({"name": label("chart_scores", lang), "name_font": _font(12, True)})
        score_chart.set_legend({"none": True})
        # in an XlsxWriter bar chart y is the (vertical) category axis, x the value axis
        score_chart.set_y_axis({"num_font": _font(9), "reverse": True, "crossing": "max"})
        score_chart.set_x_axis({"num_font": _font(9), "min": 0, "max": 100, "major_unit": 20,
                                "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
        score_chart.set_size({"width": 520, "height": height})
        ws.insert_chart(below_row, 0, score_chart, {"x_offset": 4})
    # 3. 预决算差异率 per unit, red beyond the unit's threshold
    var_chart = wb.add_chart({"type": "bar"})
    points = []
    for u in units:
        beyond = u.variance_rate is not None and abs(u.variance_rate) > u.variance_threshold
        points.append({"fill": {"color": RED if beyond else BLUE}})
    var_chart.add_series({
        "name": label("col_variance", lang),
        "categories": _col_range(layout.sheet, layout.unit_col, layout.first_row, layout.last_row),
        "values": _col_range(layout.sheet, layout.variance_col, layout.first_row, layout.last_row),
        "points": points,
        "data_labels": {"value": True, "num_format": "0.0%", "font": _font(9)},
        "gap": 60,
    })
    var_chart.set_title({"name": f"{label('chart_variance', lang)}（{label('chart_variance_note', lang)}）"
                         if lang != "en" else
                         f"{label('chart_variance', lang)} ({label('chart_variance_note', lang)})",
                         "name_font": _font(12, True)})
    var_chart.set_legend({"none": True})
    var_chart.set_y_axis({"num_font": _font(9), "reverse": True, "crossing": "max", "label_position": "low"})
    var_chart.set_x_axis({"num_font": _font(9), "num_format": "0%",
                          "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    var_chart.set_size({"width": 520, "height": height})
    ws.insert_chart(below_row, 4, var_chart, {"x_offset": 380 - 4 * 0})
    _ = column_letter

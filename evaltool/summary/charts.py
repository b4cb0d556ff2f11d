"""The three charts of 总览: grade distribution, total score per unit, variance per unit.

Why: a column chart of how many units got each grade, a bar chart of every unit's total
(highest on top, as the 单位得分 rows are sorted) and a bar chart of each unit's
预决算差异率 with the bars beyond the unit's own warning threshold in red. Charts read the
sheets' cells, so they follow the live workbook; bar colours are chosen in Python from the
same rows. :func:`add_charts` returns the last row and column the charts cover, so the
overview's print area includes them (LibreOffice sizes pages by cells, not drawings).

Example::

    last_row, last_col = add_charts(ws, st, units, layout, grades, colours, first=20, lang="zh",
                                    below_row=25)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from xlsxwriter.chart import Chart
from xlsxwriter.worksheet import Worksheet

from evaltool.summary.digest import UnitRow
from evaltool.summary.labels import label
from evaltool.summary.sheet_units import UnitsLayout
from evaltool.summary.styles import FONT, GRADE_COLOURS, Styles

__all__ = ["add_charts", "ROW_PX", "LEFT_PX", "COL_PX"]

BLUE = "#5B9BD5"
RED = "#E06666"
GRID = {"visible": True, "line": {"color": "#D9D9D9"}}
ROW_PX = 20  # default row height (15 pt)
COL_PX = 64  # default column width (8.43 characters)
LEFT_PX = 335  # columns A–D of the overview (widths 20, 11, 11, 3)
GRADE_W, GRADE_H = 540, 340
BAR_W = 440
GAP = 16


def _font(size: int, bold: bool = False) -> dict[str, Any]:
    return {"name": FONT, "size": size, "bold": bold}


def _plain(chart: Chart, title: str) -> None:
    chart.set_title({"name": title, "name_font": _font(12, True)})
    chart.set_legend({"none": True})
    chart.set_chartarea({"border": {"color": "#BFBFBF"}})


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
) -> tuple[int, int]:
    """Insert the charts (grades right of the tables, unit bars below); returns (last row, last col)."""
    wb = st.wb
    sheet = ws.get_name()
    n = max(len(grades), 1)
    counts = [sum(1 for u in units if u.grade == g) for g in grades]
    grade_chart = wb.add_chart({"type": "column"})
    grade_chart.add_series({
        "name": label("chart_grades", lang),
        "categories": [sheet, first, 0, first + n - 1, 0],
        "values": [sheet, first, 1, first + n - 1, 1],
        "points": [{"fill": {"color": GRADE_COLOURS[min(grade_colours.get(g, 3), 3)][1]}} for g in grades],
        "data_labels": {"value": True, "font": _font(10, True)},
        "gap": 80,
    })
    _plain(grade_chart, label("chart_grades", lang))
    grade_chart.set_x_axis({"num_font": _font(10)})
    grade_chart.set_y_axis({"num_font": _font(9), "min": 0, "major_unit": max(1, -(-max(counts or [1]) // 5)),
                            "num_format": "0", "major_gridlines": GRID})
    grade_chart.set_size({"width": GRADE_W, "height": GRADE_H})
    ws.insert_chart(3, 4, grade_chart, {"x_offset": 4})
    right_px = LEFT_PX + 4 + GRADE_W
    bottom_px = 3 * ROW_PX + GRADE_H
    if units:
        height = max(300, 22 * len(units) + 90)
        top = max(below_row, math.ceil(bottom_px / ROW_PX) + 1)
        if layout.n_scored:
            rows = (layout.first_row, layout.first_row + layout.n_scored - 1)
            chart = wb.add_chart({"type": "bar"})
            chart.add_series({
                "name": label("col_total", lang),
                "categories": [layout.sheet, rows[0], layout.unit_col, rows[1], layout.unit_col],
                "values": [layout.sheet, rows[0], layout.total_col, rows[1], layout.total_col],
                "fill": {"color": BLUE},
                "data_labels": {"value": True, "num_format": "0.00", "font": _font(9)},
                "gap": 60,
            })
            _plain(chart, label("chart_scores", lang))
            # in an XlsxWriter bar chart y is the (vertical) category axis, x the value axis
            chart.set_y_axis({"num_font": _font(9), "reverse": True, "crossing": "max"})
            chart.set_x_axis({"num_font": _font(9), "min": 0, "max": 100, "major_unit": 20, "major_gridlines": GRID})
            chart.set_size({"width": BAR_W, "height": height})
            ws.insert_chart(top, 0, chart, {"x_offset": 4})
        chart = wb.add_chart({"type": "bar"})
        last = layout.first_row + len(units) - 1  # the rows of ``units``: ranked returns come first
        beyond = [u.variance_rate is not None and abs(u.variance_rate) > u.variance_threshold for u in units]
        chart.add_series({
            "name": label("col_variance", lang),
            "categories": [layout.sheet, layout.first_row, layout.unit_col, last, layout.unit_col],
            "values": [layout.sheet, layout.first_row, layout.variance_col, last, layout.variance_col],
            "points": [{"fill": {"color": RED if b else BLUE}} for b in beyond],
            "data_labels": {"value": True, "num_format": "0.0%", "font": _font(9)},
            "gap": 60,
        })
        note = label("chart_variance_note", lang)
        _plain(chart, f"{label('chart_variance', lang)}（{note}）" if lang != "en"
               else f"{label('chart_variance', lang)} ({note})")
        chart.set_y_axis({"num_font": _font(9), "reverse": True, "crossing": "max", "label_position": "low"})
        chart.set_x_axis({"num_font": _font(9), "major_gridlines": GRID,
                          **rate_axis([u.variance_rate for u in units])})
        chart.set_size({"width": BAR_W, "height": height})
        x = 4 + BAR_W + GAP
        ws.insert_chart(top, 0, chart, {"x_offset": x})
        right_px = max(right_px, x + BAR_W)
        bottom_px = top * ROW_PX + height
    last_col = 4 + math.ceil((right_px - LEFT_PX) / COL_PX) + 1  # one spare column: renderers differ
    return math.ceil(bottom_px / ROW_PX) + 1, last_col


def rate_axis(values: Sequence[float | None]) -> dict[str, Any]:
    """An honest value axis for rates: bars from 0, ~5 distinct ticks, enough decimals to tell them apart.

    A plain ``0%`` axis over rates between 1% and 3% labels its ticks "2% 2% 3%" and starts
    wherever the renderer likes; here the axis always includes 0 and the tick step is a round
    1/2/5 × 10ⁿ whose labels differ.
    """
    nums = [float(v) for v in values if v is not None]
    if not nums:
        return {"min": 0, "max": 0.1, "major_unit": 0.02, "num_format": "0%"}
    hi, lo = max(nums + [0.0]), min(nums + [0.0])
    span = max(hi - lo, 1e-4)
    raw = span / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    decimals = max(0, -math.floor(math.log10(step * 100) + 1e-9))
    fmt = "0%" if decimals == 0 else "0." + "0" * decimals + "%"
    return {"min": math.floor(lo / step) * step if lo < 0 else 0, "max": math.ceil(hi / step) * step or step,
            "major_unit": step, "num_format": fmt}

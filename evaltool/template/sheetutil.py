"""Sheet-level helpers shared by every template sheet: widths, print setup, protection.

Why: each sheet of the contract must have A4 print setup with repeated header rows and a
page-number footer, frozen headers, protection (password optional) and column widths that
fit Chinese text. Doing it in one place keeps every sheet consistent.

Example::

    fit_widths(ws, [["一级指标", "产出"], ["三级指标", "执委领办项目数"]], max_width=40)
    finish_sheet(ws, header_row=4, landscape=True, password=None)
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from xlsxwriter.worksheet import Worksheet

from evaltool.io import paper

FOOTER = "&C第 &P 页，共 &N 页"
#: The smallest font the template uses (the 9 pt hints); print scaling keeps it ≥ 8 pt.
SMALLEST_PT = 9.0


def wrapping_columns(ws: Worksheet, header_row: int) -> set[int]:
    """Columns whose body cells (below ``header_row``, 1-based) wrap text — they may be narrowed."""
    cols: set[int] = set()
    for row, cells in ws.table.items():
        if row < header_row:
            continue
        for col, cell in cells.items():
            fmt = getattr(cell, "format", None)
            if fmt is not None and getattr(fmt, "text_wrap", False):
                cols.add(col)
    return cols


def display_width(value: Any) -> int:
    """Width in Excel character units: East-Asian wide characters count 2."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit_widths(ws: Worksheet, columns: Sequence[Iterable[Any]], *, min_width: int = 6,
               max_width: int = 40, first_col: int = 0) -> None:
    """Set each column's width to its widest value (+2), within [min_width, max_width]."""
    for i, values in enumerate(columns):
        widest = max((display_width(v) for v in values), default=0)
        ws.set_column(first_col + i, first_col + i, max(min_width, min(max_width, widest + 2)))


def finish_sheet(ws: Worksheet, *, header_row: int, landscape: bool = False, password: str | None = None,
                 freeze_col: int = 0, header_text: str = "", min_widths: dict[int, int] | None = None) -> None:
    """A4 readable on paper, repeat rows 1..header_row, footer page numbers, freeze, protect.

    ``header_row`` is 1-based; rows above and including it repeat on every printed page. The
    orientation and fit come from :func:`evaltool.io.paper.apply` (text never below 8 pt:
    wrapping columns are narrowed first; the frozen columns repeat when a sheet must print
    more than one page wide); ``landscape`` is the preferred orientation; ``min_widths`` (column
    → characters) are never narrowed below.
    """
    ws.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.7)
    paper.apply(ws, header_rows=(0, header_row - 1), font_pt=SMALLEST_PT, key_cols=freeze_col,
                prefer_landscape=landscape, wrap_cols=wrapping_columns(ws, header_row),
                floor_px={c: int(w * 7 + 5) for c, w in (min_widths or {}).items()})
    ws.set_footer(FOOTER)
    if header_text:
        ws.set_header("&C" + header_text.replace("&", "&&"))
    ws.freeze_panes(header_row, freeze_col)
    ws.protect(password or "", {
        "format_columns": True,
        "format_rows": True,
        "autofilter": True,
        "select_locked_cells": True,
        "select_unlocked_cells": True,
    })

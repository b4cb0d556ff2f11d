"""Print layout for every sheet evaltool writes: A4, orientation and fit chosen so text stays readable.

Why: "fit to one page wide" on a wide sheet shrinks 10 pt text to 4 pt — unreadable on paper
(the 汇总's 24 columns, the 绩效指标 table). A bureau prints what evaltool makes, so each sheet's
layout is decided from its real column widths: portrait when it fits, else landscape; columns
whose text may wrap are narrowed (never below their header's width) until the sheet fits a page
wide at no less than :data:`MIN_PT`; a sheet still too wide is printed at the smallest readable
scale across several pages wide, with its key columns repeated on each page.

The plan is pure (:func:`plan`); :func:`apply` sets it on an xlsxwriter worksheet from the
widths the worksheet already holds, so every writer (template, summary, receipts) calls one
function after its columns are set.

Example::

    from evaltool.io.paper import apply
    ws.set_column(0, 0, 30)
    ...
    apply(ws, header_rows=(0, 3), font_pt=10, wrap_cols={2, 5}, key_cols=1)
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["MIN_PT", "A4_PT", "PrintPlan", "plan", "apply", "column_pixels", "wrapped_lines"]

#: The smallest glyph size evaltool lets a printed page have (points).
MIN_PT = 8.0
#: A4 in points (width, height).
A4_PT = (595.3, 841.9)
#: Left + right margins in points (0.5 inch each, as every evaltool sheet sets).
SIDE_MARGINS_PT = 72.0
#: LibreOffice and Excel measure columns with slightly wider glyphs than xlsxwriter assumes;
#: plan with this head-room so the measured scale never drops below the readable one.
SAFETY = 1.12
_PX_TO_PT = 0.75
_DEFAULT_COL_PX = 64
_MIN_WRAP_PX = 70  # a wrapped text column is never narrowed below ~9 characters


@dataclass(frozen=True)
class PrintPlan:
    """How one sheet prints: orientation, fit-to-width or a fixed scale, and narrowed columns."""

    landscape: bool
    fit_width: bool  # the sheet fits one page wide at ``scale``
    scale: int  # percent
    widths_px: Mapping[int, int]  # columns to narrow (0-based) → new width in pixels
    pages_wide: int

    def smallest_pt(self, font_pt: float, total_px: float) -> float:
        """The smallest glyph size this plan prints for text of ``font_pt``."""
        return font_pt * self.scale / 100


def plan(widths_px: Mapping[int, int], *, font_pt: float = 10.0, min_pt: float = MIN_PT,
         wrap_cols: Collection[int] = (), floor_px: Mapping[int, int] | None = None,
         prefer_landscape: bool = False) -> PrintPlan:
    """Choose the layout of a sheet whose columns are ``widths_px`` (0-based column → pixels).

    ``font_pt`` is the smallest font the sheet uses; ``wrap_cols`` are columns whose cells wrap
    text (they may be narrowed down to ``floor_px`` or ~9 characters).
    """
    floor_px = dict(floor_px or {})
    ratio = math.ceil(100 * min(1.0, min_pt / font_pt)) / 100  # whole percent, rounded up
    widths = dict(widths_px)

    def need(w: Mapping[int, int]) -> float:
        return sum(w.values()) * _PX_TO_PT * SAFETY

    portrait, landscape = A4_PT[0] - SIDE_MARGINS_PT, A4_PT[1] - SIDE_MARGINS_PT

    def fitted(landscape_: bool, w: Mapping[int, int]) -> PrintPlan:
        avail = landscape if landscape_ else portrait
        scale = min(100, math.floor(100 * avail / need(w) + 1e-9))
        return PrintPlan(landscape_, True, scale, {c: px for c, px in w.items() if px != widths.get(c)}, 1)

    if not prefer_landscape and need(widths) <= portrait:
        return fitted(False, widths)
    if need(widths) <= landscape / ratio:
        return fitted(True, widths)  # floor(100 · avail / need) ≥ 100 · ratio
    # narrow the widest wrapping columns, a pixel budget at a time, down to their floors
    narrowed = dict(widths)
    target = landscape / ratio
    while need(narrowed) > target:
        candidates = [c for c in wrap_cols if c in narrowed
                      and narrowed[c] > max(_MIN_WRAP_PX, floor_px.get(c, 0))]
        if not candidates:
            break
        widest = max(candidates, key=lambda c: narrowed[c])
        excess = (need(narrowed) - target) / (_PX_TO_PT * SAFETY)
        narrowed[widest] = max(max(_MIN_WRAP_PX, floor_px.get(widest, 0)),
                               narrowed[widest] - max(8, math.ceil(excess / max(1, len(candidates)))))
    if need(narrowed) <= target:
        return fitted(True, narrowed)
    changed = {c: w for c, w in narrowed.items() if w != widths.get(c)}
    scale = max(10, min(100, math.ceil(ratio * 100)))
    pages = math.ceil(need(narrowed) * scale / 100 / landscape)
    return PrintPlan(True, False, scale, changed, pages)


def column_pixels(ws: Any, last_col: int | None = None) -> dict[int, int]:
    """Visible column widths in pixels of an xlsxwriter worksheet, up to its last used column."""
    last = ws.dim_colmax if last_col is None else last_col
    out: dict[int, int] = {}
    for c in range(0, (last or 0) + 1):
        info = ws.col_info.get(c)
        if info is not None and info.hidden:
            continue
        width = info.width if info is not None and info.width is not None else _DEFAULT_COL_PX
        out[c] = int(width)
    return out


def wrapped_lines(text: str, width_px: int, font_pt: float = 10.0) -> int:
    """How many lines ``text`` wraps to in a column of ``width_px`` (East-Asian glyphs are wide)."""
    import unicodedata

    em = font_pt / _PX_TO_PT  # pixels per wide glyph
    usable = max(1.0, width_px - 6)
    lines = 0
    for part in str(text).split("\n"):
        w = sum(em if unicodedata.east_asian_width(ch) in "WF" else em * 0.55 for ch in part)
        lines += max(1, math.ceil(w / usable))
    return lines


def apply(ws: Any, *, header_rows: tuple[int, int] | None, font_pt: float = 10.0, wrap_cols: Collection[int] = (),
          key_cols: int = 0, last_col: int | None = None, prefer_landscape: bool = False,
          floor_px: Mapping[int, int] | None = None, wrap_format: Any = None) -> PrintPlan:
    """Plan the layout of xlsxwriter worksheet ``ws`` and set it (paper, orientation, fit, repeats).

    ``header_rows`` (0-based first, last) repeat on every page; ``key_cols`` leading columns
    repeat on every page when the sheet must print more than one page wide. Narrowed columns
    keep their format (``wrap_format`` where given).
    """
    widths = column_pixels(ws, last_col)
    p = plan(widths, font_pt=font_pt, wrap_cols=wrap_cols, floor_px=floor_px, prefer_landscape=prefer_landscape)
    for col, px in p.widths_px.items():
        info = ws.col_info.get(col)
        fmt = wrap_format if wrap_format is not None else (info.column_format if info is not None else None)
        ws.set_column_pixels(col, col, px, fmt)
    ws.set_paper(9)
    # an explicit print area of whole columns (``$A:$H``): text overflowing past the last column
    # must not widen the page, and rows written later (write-back, rows a filler inserts) still print
    ws.print_area(0, 0, 1_048_575, max(widths) if widths else 0)
    if p.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    # an explicit scale rather than "fit to width": every application then prints the same
    # scale (LibreOffice's fit-to-width adds an empty last page to some sheets)
    ws.set_print_scale(p.scale)
    if not p.fit_width and key_cols:
        ws.repeat_columns(0, key_cols - 1)
    if header_rows is not None:
        ws.repeat_rows(*header_rows)
    fit_row_heights(ws)
    return p


def _strings(ws: Any) -> dict[int, str]:
    table = getattr(getattr(ws, "str_table", None), "string_table", None) or {}
    return {index: text for text, index in table.items()}


def fit_row_heights(ws: Any) -> None:
    """Give every row with wrapped text (or a merged wrapped block) the height its lines need.

    Rows keep an explicit height when it is already tall enough; nothing is made shorter.
    Heights are explicit because Excel, WPS and LibreOffice do not agree on auto-fitting rows
    of merged cells, and a row that is too short prints its lines over the next one.
    """
    strings = _strings(ws)
    if not strings:
        return
    widths = column_pixels(ws, max(ws.dim_colmax or 0, 0))
    spans: dict[tuple[int, int], int] = {}
    for first_row, first_col, last_row, last_col in getattr(ws, "merge", []):
        if first_row == last_row:
            spans[(first_row, first_col)] = sum(widths.get(c, _DEFAULT_COL_PX) for c in range(first_col, last_col + 1))
    for row, cells in ws.table.items():
        need_pt = 0.0
        for col, cell in cells.items():
            fmt = getattr(cell, "format", None)
            if fmt is None or not getattr(fmt, "text_wrap", 0) or type(cell).__name__ != "String":
                continue
            text = strings.get(cell.string, "")
            size = float(getattr(fmt, "font_size", 11) or 11)
            width = spans.get((row, col), widths.get(col, _DEFAULT_COL_PX))
            lines = wrapped_lines(text, width, size)
            need_pt = max(need_pt, lines * size * 1.32 + 4)
        if need_pt <= 15:
            continue
        info = ws.row_info.get(row)
        current = info.height if info is not None and info.height is not None else 15
        if current + 0.5 < need_pt:
            ws.set_row(row, round(need_pt, 1), info.row_format if info is not None else None)

"""Write one list sheet's Excel table: typed cells, formats, widths, filter, frozen header.

Why: every list in the summary (单位得分, 指标明细, 问题清单, 未通过) is the same craft — an
Excel table with autofilter, a wrapped header, typed cells (strings always through
``write_string``, so text from a returned workbook can never become a formula or a link),
number formats per column kind, widths that fit Chinese text. One helper does it once.

Example::

    cols = [Column("单位名称", "text"), Column("总分", "score")]
    write_table(ws, st, name="UnitScores", header_row=3, columns=cols,
                rows=[["西城区财政局", 87.5]], none_text="（无）")
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from xlsxwriter.worksheet import Worksheet

from evaltool.io.book import Formula
from evaltool.summary.styles import Styles, text_width

__all__ = ["Column", "RowSource", "write_table", "write_value", "MAX_TEXT"]

MAX_TEXT = 32767  # Excel's limit for one cell
LINE_PT = 13.5  # one line of 10 pt 宋体
GLYPH = 0.9  # 10 pt CJK glyphs against the column unit (a Calibri 11 digit): ~1.8 for CJK, a safe side
MAX_LINES = 12  # taller rows are clipped rather than filling pages


@dataclass(frozen=True)
class Column:
    """A table column: header text, kind (``Styles.fmt`` kind or ``mixed``), width limits."""

    header: str
    kind: str = "text"
    max_width: int = 40
    min_width: int = 6
    wrap: bool = False
    center: bool = False


def _display(value: object, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, Formula):
        value = value.cached
    if isinstance(value, str):
        return value
    if isinstance(value, (datetime, date)):
        return "2000-01-01 00:00"
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        f = float(value)
        if kind == "rate":
            return f"{f:.2%}"
        if kind == "money":
            return f"{f:,.2f}"
        if kind == "score":
            return f"{f:.2f}"
        if kind == "int":
            return f"{f:.0f}"
        return format(f, ".10g")
    return str(value)


def write_value(ws: Worksheet, st: Styles, row: int, col: int, value: object, column: Column) -> None:
    """Write one cell with the type-correct XlsxWriter call (strings are always strings)."""
    if isinstance(value, Formula):
        kind = column.kind if column.kind != "mixed" else "general"
        cached = value.cached if value.cached is not None else ""
        ws.write_formula(row, col, value.normalized, st.fmt(kind, center=column.center), cached)
    elif isinstance(value, str) and value:
        kind = "text" if column.kind in ("text", "mixed") else column.kind
        ws.write_string(row, col, value[:MAX_TEXT], st.fmt(kind, wrap=column.wrap, center=column.center))
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, st.fmt("general", center=True))
    elif isinstance(value, (int, float, Decimal)):
        kind = column.kind if column.kind not in ("text", "mixed") else "general"
        ws.write_number(row, col, float(value), st.fmt(kind, center=column.center))
    elif isinstance(value, (datetime, date)):
        ws.write_datetime(row, col, value, st.fmt("date", center=True))
    else:
        kind = column.kind if column.kind != "mixed" else "general"
        ws.write_blank(row, col, None, st.fmt(kind, wrap=column.wrap, center=column.center))


@dataclass(frozen=True)
class RowSource:
    """Rows read twice from storage instead of held in memory: each pass a fresh iterator from
    ``rows()`` (the same rows each time). With it, :func:`write_table` writes in one row-order
    pass (the worksheet may be in XlsxWriter's constant-memory mode) after a first pass that
    counts the rows and measures the widths."""

    rows: Callable[[], Iterator[Any]]  # rows (sequences of cell values), or lines a writer maps to rows


def _lines_of(value: str, width: int) -> int:
    usable = max(width - 1, 1)
    return sum(max(1, math.ceil(text_width(part) * GLYPH / usable)) for part in value.splitlines() or [""])


def _fit_rows(ws: Worksheet, wrapped: Sequence[tuple[int, int, str]], widths: Sequence[int]) -> None:
    """Give rows with wrapping text the height of their longest cell (neither Excel nor
    LibreOffice grows a row on opening a file; a hand-made sheet would have it right)."""
    lines: dict[int, int] = {}
    for r, c, value in wrapped:
        usable = max(widths[c] - 1, 1)
        n = sum(max(1, math.ceil(text_width(part) * GLYPH / usable)) for part in value.splitlines() or [""])
        lines[r] = max(lines.get(r, 1), n)
    for r, n in sorted(lines.items()):
        if n > 1:
            ws.set_row(r, LINE_PT * min(n, MAX_LINES) + 2)


def _unique(headers: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in headers:
        clean = " ".join(h.split()) or "-"
        n = seen.get(clean, 0)
        seen[clean] = n + 1
        out.append(clean if n == 0 else f"{clean}_{n + 1}")
    return out


def write_table(
    ws: Worksheet,
    st: Styles,
    *,
    name: str,
    header_row: int,
    columns: Sequence[Column],
    rows: Sequence[Sequence[object]] | RowSource,
    none_text: str,
    freeze_cols: int | None = 1,
) -> tuple[int, int]:
    """Write ``rows`` as the Excel table ``name``; returns (first, last) data row (0-based).

    An empty list still gets one row (``none_text`` in the first column), because a table
    needs a data row. A :class:`RowSource` is streamed (flat memory however many rows).
    """
    if isinstance(rows, RowSource):
        got = _write_streamed(ws, st, name=name, header_row=header_row, columns=columns, source=rows,
                              freeze_cols=freeze_cols)
        if got is not None:
            return got
        rows = []
    data: Sequence[Sequence[object]] = rows or [[none_text] + [None] * (len(columns) - 1)]
    first = header_row + 1
    last = header_row + len(data)
    headers = _unique([c.header for c in columns])
    _add_table(  # a list sheet's one table (or, freeze_cols None, one of several on 总览: recorded)
        ws, header_row, 0, last, len(columns) - 1,
        {
            "name": name,
            "style": "Table Style Light 1",
            "autofilter": True,
            "columns": [{"header": h, "header_format": st.header()} for h in headers],
        },
        record=freeze_cols is None,
    )
    widths = [0] * len(columns)
    wrapped: list[tuple[int, int, str]] = []  # (row, col, text) of wrapping cells, for row heights
    for r, values in enumerate(data, start=first):
        for c, (value, column) in enumerate(zip(values, columns, strict=True)):
            write_value(ws, st, r, c, value, column)
            shown = _display(value, column.kind)
            widths[c] = max(widths[c], text_width(shown))
            if column.wrap and isinstance(value, str) and value:
                wrapped.append((r, c, value))
    wraps_header = False
    final_widths: list[int] = []
    for c, (column, h) in enumerate(zip(columns, headers, strict=True)):
        hw = text_width(h)
        head = hw + 3 if hw <= 8 else -(-hw // 2) + 3  # long headers wrap onto two lines
        width = min(max(column.min_width, widths[c] + 2, head), column.max_width)
        wraps_header = wraps_header or hw + 3 > width
        ws.set_column(c, c, width)
        final_widths.append(width)
    ws.set_row(header_row, 30 if wraps_header else 20)
    _fit_rows(ws, wrapped, final_widths)
    if freeze_cols is not None:  # None: a small table on a page of several (总览)
        ws.freeze_panes(first, freeze_cols)
    return first, last


class _Unrecorded(dict[Any, Any]):
    """A ``Worksheet.table_cells`` that records nothing (see :func:`_add_table`)."""

    def __setitem__(self, key: Any, value: Any) -> None:
        pass


def _add_table(ws: Worksheet, *args: Any, record: bool = False) -> None:
    """``ws.add_table(*args)`` for the one table of a list sheet, without XlsxWriter's record of
    every cell it covers (``Worksheet.table_cells``: one dict entry per cell, ~100 bytes — 60 KiB
    per return in 指标明细 and 问题清单). The record serves only to refuse a later table or merged
    range overlapping this one; a list sheet places nothing after its table. Overlaps with what
    is already on the sheet are still refused."""
    if record:
        ws.add_table(*args)
        return
    kept = ws.table_cells
    ws.table_cells = _Unrecorded(kept)
    try:
        ws.add_table(*args)
    finally:
        ws.table_cells = kept


def _write_streamed(ws: Worksheet, st: Styles, *, name: str, header_row: int, columns: Sequence[Column],
                    source: RowSource, freeze_cols: int | None) -> tuple[int, int] | None:
    """:func:`write_table` for a :class:`RowSource`: count and widths from a first pass, then
    every cell and row height in strict row order (what XlsxWriter's constant-memory mode
    requires). None when the source has no rows (the caller writes the empty table)."""
    headers = _unique([c.header for c in columns])
    widths = [0] * len(columns)
    n = 0
    for values in source.rows():
        n += 1
        for c, (value, column) in enumerate(zip(values, columns, strict=True)):
            widths[c] = max(widths[c], text_width(_display(value, column.kind)))
    if n == 0:
        return None
    first = header_row + 1
    last = header_row + n
    wraps_header = False
    final: list[int] = []
    for c, (column, h) in enumerate(zip(columns, headers, strict=True)):
        hw = text_width(h)
        head = hw + 3 if hw <= 8 else -(-hw // 2) + 3
        width = min(max(column.min_width, widths[c] + 2, head), column.max_width)
        wraps_header = wraps_header or hw + 3 > width
        ws.set_column(c, c, width)
        final.append(width)
    ws.set_row(header_row, 30 if wraps_header else 20)
    streaming = bool(getattr(ws, "constant_memory", False))
    # XlsxWriter refuses add_table() in constant-memory mode only because the table writes its
    # header cells itself (as shared strings, possibly into rows already flushed). Here no row
    # at or after the header has been written yet: add the table in normal mode, then write the
    # header cells again in constant-memory mode (inline strings; this also drops the table's own).
    ws.constant_memory = False
    try:
        _add_table(ws, header_row, 0, last, len(columns) - 1, {
            "name": name, "style": "Table Style Light 1", "autofilter": True,
            "columns": [{"header": h, "header_format": st.header()} for h in headers]})
    finally:
        ws.constant_memory = streaming
    if streaming:
        for c, h in enumerate(headers):
            ws.write_string(header_row, c, h, st.header())
    if freeze_cols is not None:
        ws.freeze_panes(first, freeze_cols)
    r = first
    for values in source.rows():
        if r > last:
            raise ValueError(f"{name}: the row source gave more rows on the second pass")
        height = 1
        for c, (value, column) in enumerate(zip(values, columns, strict=True)):
            if column.wrap and isinstance(value, str) and value:
                height = max(height, _lines_of(value, final[c]))
        if height > 1:  # before the row's cells: in constant-memory mode a written row is final
            ws.set_row(r, LINE_PT * min(height, MAX_LINES) + 2)
        for c, (value, column) in enumerate(zip(values, columns, strict=True)):
            write_value(ws, st, r, c, value, column)
        r += 1
    if r != last + 1:
        raise ValueError(f"{name}: the row source gave fewer rows on the second pass")
    return first, last

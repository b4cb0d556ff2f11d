"""Look and print setup of the summary workbook: formats, colours, column widths, A4 pages.

Why: the summary should look like the best accountant in the office made it by hand — one
font, right-aligned figures with thousands separators, ``0.00%`` rates, header rows that
wrap, columns as wide as their (Chinese) text, A4 landscape pages that repeat the header and
say "第 1 页，共 3 页". All sheets take their formats from one :class:`Styles` so they agree.

Example::

    st = Styles(workbook)
    ws.write_number(4, 2, 0.0312, st.fmt("rate"))
    text_width("西城区财政局")        # 12: a CJK character counts as two
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from evaltool.io import paper
from evaltool.summary.labels import label

__all__ = ["Styles", "text_width", "NUM_FORMATS", "GRADE_COLOURS", "setup_print"]

FONT = "宋体"
TITLE_FONT = "黑体"
HEADER_FILL = "#DDEBF7"
BORDER_COLOUR = "#A6A6A6"

NUM_FORMATS: dict[str, str] = {
    "text": "@",
    "int": "0",
    "score": "0.00",
    "money": "#,##0.00",
    "rate": "0.00%",
    "date": "yyyy-mm-dd hh:mm",
    "general": "General",
}

#: (fill, font colour) by grade position: best band first, then good, fair, poor.
GRADE_COLOURS: tuple[tuple[str, str], ...] = (
    ("#C6EFCE", "#006100"),
    ("#DDEBF7", "#1F4E78"),
    ("#FFEB9C", "#9C5700"),
    ("#FFC7CE", "#9C0006"),
)


def text_width(value: object) -> int:
    """Display width of ``value`` in character cells: CJK/full-width characters count as 2."""
    s = value if isinstance(value, str) else str(value)
    longest = 0
    for line in s.splitlines() or [""]:
        w = len(line) if line.isascii() else sum(2 if _wide(ch) else 1 for ch in line)
        longest = max(longest, w)
    return longest


@functools.lru_cache(maxsize=8192)
def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


class Styles:
    """One cache of :class:`xlsxwriter.format.Format` objects for a workbook."""

    def __init__(self, workbook: Workbook) -> None:
        self.wb = workbook
        self._cache: dict[tuple[tuple[str, Any], ...], Format] = {}
        self._body: dict[tuple[str, bool, bool, bool], Format] = {}

    def _make(self, **props: Any) -> Format:
        key = tuple(sorted(props.items()))
        fmt = self._cache.get(key)
        if fmt is None:
            fmt = self.wb.add_format(dict(props))
            self._cache[key] = fmt
        return fmt

    def fmt(self, kind: str, *, wrap: bool = False, bold: bool = False, center: bool = False) -> Format:
        """Body cell format for a column kind (see :data:`NUM_FORMATS`)."""
        key = (kind, wrap, bold, center)
        cached = self._body.get(key)
        if cached is not None:
            return cached
        props: dict[str, Any] = {
            "font_name": FONT,
            "font_size": 10,
            "valign": "vcenter",
            "border": 1,
            "border_color": BORDER_COLOUR,
        }
        if kind != "general":
            props["num_format"] = NUM_FORMATS[kind]
        if wrap:
            props["text_wrap"] = True
        if bold:
            props["bold"] = True
        if center:
            props["align"] = "center"
        fmt = self._body[key] = self._make(**props)
        return fmt

    def header(self) -> Format:
        return self._make(
            font_name=FONT, font_size=10, bold=True, text_wrap=True, align="center", valign="vcenter",
            border=1, border_color=BORDER_COLOUR, bg_color=HEADER_FILL,
        )

    def title(self) -> Format:
        return self._make(font_name=TITLE_FONT, font_size=16, bold=True, align="left", valign="vcenter")

    def subtitle(self) -> Format:
        return self._make(font_name=FONT, font_size=10, font_color="#595959", valign="vcenter")

    def block_title(self) -> Format:
        return self._make(font_name=TITLE_FONT, font_size=12, bold=True, valign="vcenter", bottom=2,
                          bottom_color="#1F4E78")

    def grade_cell(self, fill: str, font: str) -> Format:
        """A bold, centred body cell in a grade's colours (the overview's grade legend)."""
        return self._make(font_name=FONT, font_size=10, bold=True, align="center", valign="vcenter", border=1,
                          border_color=BORDER_COLOUR, bg_color=fill, font_color=font)

    def conditional(self, fill: str, font: str, *, bold: bool = False) -> Format:
        """A fill/font-colour format for conditional formatting (no number format)."""
        return self._make(bg_color=fill, font_color=font, bold=bold)


def setup_print(ws: Worksheet, *, header_row: int, title: str, lang: str, fit_width: bool = True,
                key_cols: int = 1) -> None:
    """A4 readable on paper, repeated header row, centred page numbers, title in the page header.

    Orientation and fit come from :func:`evaltool.io.paper.apply`: text never prints below
    8 pt; wrapping columns are narrowed first, and a sheet still too wide prints across pages
    with its first ``key_cols`` columns (the unit) repeated. Call it after the columns are set.
    """
    ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    ws.set_header("&L&9" + title.replace("&", "&&"), {"margin": 0.3})
    ws.set_footer(label("footer", lang), {"margin": 0.3})
    if fit_width:
        paper.apply(ws, header_rows=(header_row, header_row), font_pt=9.0, key_cols=key_cols,
                    prefer_landscape=True, wrap_cols=_wrapping_columns(ws, header_row))
    else:
        ws.set_paper(9)
        ws.set_landscape()
        ws.repeat_rows(header_row)
    ws.center_horizontally()


def _wrapping_columns(ws: Worksheet, header_row: int) -> set[int]:
    """Columns whose body cells (below 0-based ``header_row``) wrap text."""
    return {col for row, cells in ws.table.items() if row > header_row for col, cell in cells.items()
            if getattr(getattr(cell, "format", None), "text_wrap", 0)}

"""``EvalResolver``: the formula engine's view of an :class:`~evaltool.model.Evaluation`.

Why: rule expressions reach workbook data through defined names, A1 references and
structured references. This resolver answers them from ``ev.grids``/``ev.names``/
``ev.tables`` — except for cells evaltool computes (rates, scores), whose cached values in a
returned workbook are never trusted: ``overrides`` (by name) and ``column_overrides`` (by
table column) carry the recomputed values, and they apply to A1 references to those cells
too. ``bind`` sets the per-rule context (``tol``, the 逐行 table and row) cheaply, so one
resolver serves every rule and row of a workbook.

Example::

    r = EvalResolver(ev, overrides={"variance_rate": 0.0959})
    compile_formula("budget_initial>0").evaluate(r)        # True
    r.bind(table="Indicators", row=0, tol=0.005)
    compile_formula("[@分值]>=0").evaluate(r)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

from evaltool.formula import Range, Value, parse_a1
from evaltool.model import CellValue, Evaluation, TableInfo
from evaltool.rules.fields import COMPUTED_COLUMNS

__all__ = ["EvalResolver", "to_value", "excel_serial"]

_EPOCH = datetime(1899, 12, 30)


def excel_serial(d: datetime | date) -> float:
    """A date/datetime as the spreadsheet serial number (1900 date system)."""
    if not isinstance(d, datetime):
        d = datetime(d.year, d.month, d.day)
    delta = d - _EPOCH
    return delta.days + delta.seconds / 86400


def to_value(v: CellValue | object) -> Value:
    """A grid value as a formula value: Decimal/int → float, date → serial, "" → blank."""
    if v is None or isinstance(v, (bool, float)):
        return v  # type: ignore[return-value]
    if isinstance(v, str):
        return v if v != "" else None
    if isinstance(v, (int, Decimal)):
        return float(v)
    if isinstance(v, (datetime, date)):
        return excel_serial(v)
    return str(v)


class EvalResolver:
    """Resolver over a parsed workbook with recomputed values for evaltool's own cells."""

    def __init__(
        self,
        ev: Evaluation,
        overrides: Mapping[str, Value] | None = None,
        column_overrides: Mapping[tuple[str, str], Sequence[Value]] | None = None,
    ) -> None:
        self.ev = ev
        self._grids = {k.lower(): g for k, g in ev.grids.items()}
        self._sheet_names = {k.lower(): k for k in ev.grids}
        self._names = {k.lower(): loc for k, loc in ev.names.items()}
        self._tables = {k.lower(): t for k, t in ev.tables.items()}
        self._overrides: dict[str, Value] = {k.lower(): v for k, v in (overrides or {}).items()}
        self._cells: dict[tuple[str, int, int], Value] = {}
        for name, value in self._overrides.items():
            loc = self._names.get(name)
            if loc is not None and ":" not in loc.ref:
                r, c, _, _ = parse_a1(loc.ref)
                self._cells[(loc.sheet.lower(), r, c)] = value
        self._columns: dict[tuple[str, str], list[Value]] = {}
        for (table, column), values in (column_overrides or {}).items():
            t = self._tables.get(table.lower())
            if t is None or column not in t.headers:
                continue
            self._columns[(table.lower(), column)] = list(values)
            col = t.first_col + t.headers.index(column)
            for i, value in enumerate(values):
                self._cells[(t.sheet.lower(), t.first_data_row + i, col)] = value
        self._ranges: dict[tuple[str, str, str | None], Range] = {}  # values never change in a check
        self._blank: dict[tuple[str, int], bool] = {}
        self.table_name: str | None = None
        self.row: int = 0
        self.tol: Value = 0.0
        self.sheet: str | None = None

    # -- context ---------------------------------------------------------------------
    def bind(self, *, table: str | None = None, row: int = 0, tol: float | None = None,
             sheet: str | None = None) -> EvalResolver:
        """Set the rule context: 逐行 table and 0-based data row, ``tol``, default sheet."""
        self.table_name = table or None
        self.row = row
        self.tol = float(tol) if tol is not None else 0.0
        self.sheet = sheet
        return self

    # -- helpers ---------------------------------------------------------------------
    def override_names(self) -> set[str]:
        """Lower-case names whose values evaltool recomputed."""
        return set(self._overrides)

    def has_name(self, name: str) -> bool:
        n = name.lower()
        return n == "tol" or n in self._overrides or n in self._names

    def table_info(self, table: str | None) -> TableInfo:
        t = self._tables.get((table or self.table_name or "").lower())
        if t is None:
            raise KeyError(table)
        return t

    def raw(self, sheet: str, row: int, col: int) -> Value:
        """Value at 1-based (row, col) of ``sheet`` with overrides applied."""
        key = sheet.lower()
        hit = self._cells.get((key, row, col), _MISSING)
        if hit is not _MISSING:
            return hit  # type: ignore[return-value]
        grid = self._grids[key]
        if row - 1 < len(grid):
            line = grid[row - 1]
            if col - 1 < len(line):
                return to_value(line[col - 1])
        return None

    def is_override(self, sheet: str, row: int, col: int) -> bool:
        """True when (row, col) of ``sheet`` holds a value evaltool recomputed."""
        return (sheet.lower(), row, col) in self._cells

    def column_index(self, t: TableInfo, column: str) -> int:
        """1-based sheet column of ``column`` in table ``t`` (case-insensitive)."""
        low = column.lower()
        for i, h in enumerate(t.headers):
            if h.lower() == low:
                return t.first_col + i
        raise KeyError(column)

    def row_is_blank(self, t: TableInfo, index: int) -> bool:
        """True when every input cell of data row ``index`` is blank."""
        key = (t.name, index)
        hit = self._blank.get(key)
        if hit is None:
            hit = self._blank[key] = self._row_is_blank(t, index)
        return hit

    def _row_is_blank(self, t: TableInfo, index: int) -> bool:
        r = t.first_data_row + index
        computed = set(COMPUTED_COLUMNS.get(t.name, ()))
        for i, h in enumerate(t.headers):
            if h in computed:
                continue
            v = self.raw(t.sheet, r, t.first_col + i)
            if v is not None and not (isinstance(v, str) and not v.strip()):
                return False
        return True

    # -- Resolver protocol -----------------------------------------------------------------
    def name(self, name: str) -> Value | Range:
        n = name.lower()
        if n == "tol":
            return self.tol
        if n in self._overrides:
            return self._overrides[n]
        loc = self._names[n]
        return self.cell(loc.sheet, loc.ref)

    def cell(self, sheet: str | None, ref: str) -> Value | Range:
        s = sheet or self.sheet
        if s is None or s.lower() not in self._grids:
            raise KeyError(sheet)
        r1, c1, r2, c2 = parse_a1(ref)
        if r1 == 0:
            r1, r2 = 1, max(len(self._grids[s.lower()]), 1)
        if r1 == r2 and c1 == c2 and ":" not in ref:
            return self.raw(s, r1, c1)
        return Range.of([[self.raw(s, r, c) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)])

    def table(self, table: str | None, column: str | None, item: str | None) -> Range:
        key = ((table or self.table_name or "").lower(), (column or "").lower(), item)
        hit = self._ranges.get(key)
        if hit is None:
            hit = self._ranges[key] = self._table(table, column, item)
        return hit

    def _table(self, table: str | None, column: str | None, item: str | None) -> Range:
        t = self.table_info(table)
        if item == "#Totals":
            raise KeyError("#Totals")
        cols = [self.column_index(t, column)] if column is not None else [
            t.first_col + i for i in range(len(t.headers))
        ]
        rows: list[list[Value]] = []
        if item in ("#Headers", "#All"):
            rows.append([t.headers[c - t.first_col] for c in cols])
        if item != "#Headers":
            for r in range(t.first_data_row, t.last_data_row + 1):
                rows.append([self.raw(t.sheet, r, c) for c in cols])
        if not rows:
            rows = [[None] * len(cols)]
        return Range.of(rows)

    def this_row(self, table: str | None, column: str) -> Value:
        if table is not None and self.table_name is not None and table.lower() != self.table_name.lower():
            raise KeyError(table)
        t = self.table_info(table)
        return self.raw(t.sheet, t.first_data_row + self.row, self.column_index(t, column))


_MISSING = object()


"""``MemoryResolver``: a dict-backed :class:`Resolver`, plus A1 address helpers.

Why: tests, the LibreOffice parity suite and small callers (a rule evaluated over values
already read into Python) need a resolver without a workbook model; the rule engine's own
resolver can reuse :func:`parse_a1`/:func:`cell_name`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from evaltool.contract.a1 import cell_name, column_letters, split_range

from .values import Range, Value, normalize

__all__ = ["MemoryResolver", "MemoryTable", "parse_a1", "cell_name", "column_letters"]

def parse_a1(ref: str) -> tuple[int, int, int, int]:
    """``"$B$4:D9"`` → (row1, col1, row2, col2), 1-based inclusive; whole columns get row 0..0.
    KeyError (a resolver's "no such cell") when ``ref`` is not A1; see :mod:`evaltool.contract.a1`."""
    try:
        return split_range(ref)
    except ValueError:
        raise KeyError(ref) from None


@dataclass
class MemoryTable:
    """An Excel table: header names, data rows and an optional totals row."""

    columns: list[str]
    rows: list[list[object]]
    totals: list[object] | None = None

    def index(self, column: str) -> int:
        low = column.lower()
        for i, c in enumerate(self.columns):
            if c.lower() == low:
                return i
        raise KeyError(column)


@dataclass
class MemoryResolver:
    """Resolver over ``sheets`` ({sheet: {"B4": value}}), ``names`` and ``tables``.

    A name maps to a value, a :class:`Range`, or a ``(sheet, "A1:B2")`` tuple. ``table`` and
    ``row`` say which table row ``[@Col]`` means (0-based data row).
    """

    sheets: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    current: str | None = None
    names: Mapping[str, object] = field(default_factory=dict)
    tables: Mapping[str, MemoryTable] = field(default_factory=dict)
    table_name: str | None = None
    row: int = 0

    def __post_init__(self) -> None:
        self._grids: dict[str, dict[tuple[int, int], Value]] = {}
        for sheet, cells in self.sheets.items():
            grid = {}
            for ref, v in cells.items():
                r1, c1, _, _ = parse_a1(ref)
                grid[(r1, c1)] = normalize(v)
            self._grids[sheet.lower()] = grid
        self._names = {k.lower(): v for k, v in self.names.items()}
        self._tables = {k.lower(): v for k, v in self.tables.items()}
        if self.current is None and self.sheets:
            self.current = next(iter(self.sheets))

    def name(self, name: str) -> Value | Range:
        v = self._names[name.lower()]
        if isinstance(v, tuple):
            return self.cell(v[0], v[1])
        return v if isinstance(v, Range) else normalize(v)

    def cell(self, sheet: str | None, ref: str) -> Value | Range:
        key = (sheet or self.current or "").lower()
        grid = self._grids[key]
        r1, c1, r2, c2 = parse_a1(ref)
        if r1 == 0:
            r1, r2 = 1, max((r for r, _ in grid), default=1)
        if ":" not in ref:
            return grid.get((r1, c1))
        return Range.of([[grid.get((r, c)) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)])

    def _table(self, table: str | None) -> MemoryTable:
        name = table or self.table_name
        if name is None:
            raise KeyError("no current table")
        return self._tables[name.lower()]

    def table(self, table: str | None, column: str | None, item: str | None) -> Range:
        t = self._table(table)
        body: list[Sequence[object]]
        if item == "#Totals":
            if t.totals is None:
                raise KeyError("#Totals")
            body = [t.totals]
        elif item == "#Headers":
            body = [t.columns]
        elif item == "#All":
            body = [t.columns, *t.rows, *([t.totals] if t.totals else [])]
        else:
            body = list(t.rows)
        if column is None:
            return Range(body)
        i = t.index(column)
        return Range([r[i]] for r in body)

    def this_row(self, table: str | None, column: str) -> Value:
        t = self._table(table)
        return normalize(t.rows[self.row][t.index(column)])

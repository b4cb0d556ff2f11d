"""``XlBook``: the live, open Excel workbook (xlwings ``Book``) as a BookSource and BookSink.

Why: the Excel button must read what the user sees *now* (unsaved edits included) and write
the results straight into the open book without saving, closing or losing anything. Every
interaction with Excel is a cross-process COM/AppleScript round trip (milliseconds each), so
this adapter reads one block per sheet and writes whole rectangular ranges, never cell by
cell. Only the xlwings calls listed below are used; ``tests/support/fake_xlwings.py``
implements exactly these (with citations of xlwings 0.37.8 ``main.py``):

- read: ``book.fullname`` / ``book.name``, ``book.sheets`` (iterate / ``[name]``), ``sheet.name``,
  ``book.names`` → ``Name.name`` / ``Name.refers_to``, ``sheet.tables`` → ``Table.name`` /
  ``.range`` / ``.header_row_range`` / ``.data_body_range``, ``sheet.used_range.last_cell``,
  ``sheet.range((1, 1), (row, col)).options(ndim=2, err_to_str=True).value``;
  ``Range.row`` / ``.column`` / ``.shape`` / ``.address``.
- write: ``Range.value = rows`` / ``Range.formula = rows`` (2-D lists), ``Range.color``,
  ``Range.note`` / ``Range.add_note`` / ``Note.text`` / ``Note.delete``, ``Table.resize``,
  ``book.app.screen_updating`` / ``book.app.calculation`` (restored in ``finally``); COM via
  ``.api`` (no xlwings API exists): sheet protection (below) and
  ``app.api.AutoCorrect.AutoFillFormulasInLists`` (off while writing, see ``apply``).

Protected sheets: every template sheet is protected (no password by default), and Excel
refuses COM writes into locked cells. xlwings has no protection API, so ``Sheet.api`` (the
native Excel ``Worksheet``, Windows COM) is used: ``ProtectContents``, ``ProtectDrawingObjects``,
``ProtectScenarios``, ``Protection.Allow*``, ``Unprotect(password)`` and ``Protect(password,
…)``. Each sheet the plan touches is unprotected just for the write and re-protected in
``finally`` with exactly the options it had. A sheet with an unknown password raises
:class:`SheetProtected`. Where ``api`` is not Excel's COM object (macOS/appscript) protection is
left alone (not implemented: Excel then refuses the first write into a locked cell).

Text is never turned into a formula: every ``str`` is written with Excel's quote prefix ``'``
(``""`` becomes ``"'"``, an empty text cell, as the file writer stores it). Excel's input parser (which ``Range.Value``/``Range.Formula`` assignments go
through, like typing) treats a leading apostrophe as "the rest is literal text": it is not
part of the cell value (``Range.Value`` reads it back without the ``'``; the file stores a
plain string with ``quotePrefix``), and nothing after it is parsed — not ``=``/``+``/``-``/``@``
formulas, nor numbers, dates (``1月2日`` in a Chinese locale) or booleans. A ``"@"`` number
format would instead change the cell's format permanently and does not protect strings
written through ``Range.Formula``. Only explicit ``Formula`` objects are written as formulas.

Example::

    import xlwings as xw
    book = XlBook(xw.Book.caller())
    ev = parse_book(book)                     # reads the live values
    book.apply(build_plan(engine.evaluate(ev)))
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from evaltool.contract.cells import parse_location
from evaltool.io.book import CellKey, Formula, WritePlan
from evaltool.io.patch_types import parse_ref
from evaltool.model import CellValue, EvaltoolError, Location, TableInfo

__all__ = ["XlBook", "Block", "blocks", "excel_cell", "parse_refers_to", "SheetProtected"]

#: ``Worksheet.Protection`` flags, passed back to ``Worksheet.Protect`` unchanged.
ALLOW_FLAGS = (
    "AllowFormattingCells", "AllowFormattingColumns", "AllowFormattingRows", "AllowInsertingColumns",
    "AllowInsertingRows", "AllowInsertingHyperlinks", "AllowDeletingColumns", "AllowDeletingRows",
    "AllowSorting", "AllowFiltering", "AllowUsingPivotTables",
)  # fmt: skip


class SheetProtected(EvaltoolError, RuntimeError):
    """A sheet the plan writes to is protected with a password evaltool was not given."""

    code = "sheet_protected"

    def __init__(self, sheet: str) -> None:
        super().__init__(sheet)
        self.sheet = sheet

#: ``"='预算执行'!$B$5"`` -> ``Location("预算执行", "B5")``; None for constants/formulas/#REF!.
parse_refers_to = parse_location


def _is_formula(value: object) -> bool:
    return isinstance(value, Formula)


def excel_cell(value: object) -> object:
    """One plan value as handed to Excel (see the module docstring on the ``'`` prefix)."""
    if _is_formula(value):
        text: str = value.text  # type: ignore[attr-defined]
        return text if text.startswith("=") else "=" + text
    if isinstance(value, str):
        return "'" + value  # "" -> "'": an empty *text* cell, as the file writer stores it
    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, (bool, int, float, datetime, date)):
        return value
    raise TypeError(f"cannot write {type(value).__name__} {value!r} into a cell")


@dataclass(frozen=True)
class Block:
    """A filled rectangle of one sheet: top-left (row, col) and its rows of plan values."""

    sheet: str
    row: int
    col: int
    rows: tuple[tuple[object, ...], ...]

    @property
    def last_row(self) -> int:
        return self.row + len(self.rows) - 1

    @property
    def last_col(self) -> int:
        return self.col + len(self.rows[0]) - 1

    @property
    def has_formula(self) -> bool:
        return any(_is_formula(v) for r in self.rows for v in r)


def blocks(cells: Mapping[CellKey, object]) -> list[Block]:
    """Group cells into as few full rectangles as cheaply found: column runs of consecutive
    rows, then adjacent columns with the same run merged. Every cell lands in exactly one block.

    >>> [(b.row, b.col, b.last_row, b.last_col) for b in blocks({("S", "A1"): 1, ("S", "B1"): 2,
    ...     ("S", "A2"): 3, ("S", "B2"): 4, ("S", "D9"): 5})]
    [(1, 1, 2, 2), (9, 4, 9, 4)]
    """
    by_sheet: dict[str, dict[tuple[int, int], object]] = defaultdict(dict)
    for (sheet, ref), value in cells.items():
        by_sheet[sheet][parse_ref(ref)] = value
    out: list[Block] = []
    for sheet, grid in by_sheet.items():
        rows_by_col: dict[int, list[int]] = defaultdict(list)
        for r, c in grid:
            rows_by_col[c].append(r)
        runs: dict[tuple[int, int], list[int]] = defaultdict(list)  # (r0, r1) -> columns
        for c, rows in rows_by_col.items():
            rows.sort()
            start = prev = rows[0]
            for r in rows[1:] + [-1]:
                if r != prev + 1:
                    runs[(start, prev)].append(c)
                    start = r
                prev = r
        for (r0, r1), cols in sorted(runs.items(), key=lambda kv: (kv[0][0], min(kv[1]))):
            cols.sort()
            group = [cols[0]]
            for c in cols[1:] + [-1]:
                if c == group[-1] + 1:
                    group.append(c)
                    continue
                values = tuple(
                    tuple(grid[(r, cc)] for cc in group) for r in range(r0, r1 + 1)
                )
                out.append(Block(sheet, r0, group[0], values))
                group = [c]
    return out


def _plain(value: Any) -> CellValue:
    """Excel value -> grid value: numbers stay float (as xlwings and calamine return them),
    the empty text of a formula like ``=IF(…,"",…)`` is blank (None), like FileBook."""
    return None if value == "" else value


def _header(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _trim(grid: list[list[CellValue]]) -> list[list[CellValue]]:
    """Drop trailing blank rows and columns (Excel's used range counts formatted cells)."""
    while grid and all(v is None for v in grid[-1]):
        grid.pop()
    width = max((i + 1 for row in grid for i, v in enumerate(row) if v is not None), default=0)
    return [row[:width] for row in grid]


class XlBook:
    """A live xlwings ``Book`` behind the BookSource/BookSink interface."""

    def __init__(self, book: Any, *, password: str = "") -> None:
        self.book = book
        self.password = password  # sheet protection password ("" = none, the template default)
        self.label: str = str(book.fullname or book.name)  # path as in findings; "Book1" if unsaved
        self._tables: dict[str, tuple[Any, Any]] | None = None  # name -> (sheet, table)
        self._grids: dict[str, list[list[CellValue]]] = {}  # read once per press; apply() clears

    # ---- read side -------------------------------------------------------------------
    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self.book.sheets]

    def defined_names(self) -> dict[str, Location]:
        """Workbook-scope names that refer to a cell or range; sheet-scoped (``Sheet!x``),
        built-in (``_xlnm.*``) and non-range names (constants, formulas, ``#REF!``) are skipped."""
        out: dict[str, Location] = {}
        for name in self.book.names:
            key: str = name.name
            if "!" in key or key.lower().startswith("_xlnm."):
                continue
            loc = parse_refers_to(name.refers_to)
            if loc is not None:
                out[key] = loc
        return out

    def _table_objects(self) -> dict[str, tuple[Any, Any]]:
        if self._tables is None:
            self._tables = {t.name: (s, t) for s in self.book.sheets for t in s.tables}
        return self._tables

    def tables(self) -> dict[str, TableInfo]:
        out: dict[str, TableInfo] = {}
        for name, (sheet, table) in self._table_objects().items():
            rng = table.range
            header = table.header_row_range
            heads: tuple[str, ...] = ()
            if header is not None:
                raw = header.options(ndim=2).value[0]
                heads = tuple(_header(h) for h in raw)
            body = table.data_body_range
            n_rows = body.shape[0] if body is not None else 0
            out[name] = TableInfo(
                name=name,
                sheet=sheet.name,
                ref=rng.address.replace("$", ""),
                headers=heads,
                header_row=rng.row if header is not None else rng.row - 1,
                first_col=rng.column,
                n_rows=n_rows,
            )
        return out

    def sheet_values(self, sheet: str) -> list[list[CellValue]]:
        """The A1-anchored grid up to the last non-blank row/column, read in one call (and
        kept until the next :meth:`apply`, as the parser may ask twice)."""
        if sheet in self._grids:
            return self._grids[sheet]
        sh = self.book.sheets[sheet]
        last = sh.used_range.last_cell
        rng = sh.range((1, 1), (last.row, last.column))
        grid = rng.options(ndim=2, err_to_str=True).value
        self._grids[sheet] = _trim([[_plain(v) for v in row] for row in grid])
        return self._grids[sheet]

    # ---- write side ------------------------------------------------------------------
    def apply(self, plan: WritePlan) -> None:
        """Write the plan: table sizes first, then cell blocks, fills, notes.

        Screen updating is off and calculation manual while writing; both are restored to
        what they were (Excel recalculates when calculation returns to automatic)."""
        self._grids.clear()
        app = self.book.app
        saved_updating = app.screen_updating
        saved_calc = app.calculation
        sheets = {k[0] for k in (*plan.cells, *plan.fills, *plan.notes)}
        sheets |= {self._table_objects()[t][0].name for t in plan.table_refs if t in self._table_objects()}
        try:
            app.screen_updating = False
            app.calculation = "manual"
            with self._unprotected(sorted(sheets)), self._no_calculated_columns():
                self._resize_tables(plan.table_refs)
                for block in blocks(plan.cells):
                    self._write_block(block)
                self._write_fills(plan.fills)
                self._write_notes(plan.notes)
        finally:
            app.calculation = saved_calc
            app.screen_updating = saved_updating

    @contextmanager
    def _no_calculated_columns(self) -> Iterator[None]:
        """Excel turns a formula written into one cell of an empty table column into a
        "calculated column" filling the whole column; evaltool writes each row's own formula,
        so ``Application.AutoCorrect.AutoFillFormulasInLists`` (COM, via ``app.api``) is off
        while writing and restored afterwards (it is a per-user Excel setting)."""
        try:
            autocorrect = self.book.app.api.AutoCorrect
            saved = bool(autocorrect.AutoFillFormulasInLists)
        except AttributeError:  # not Excel's COM Application (macOS appscript)
            yield
            return
        autocorrect.AutoFillFormulasInLists = False
        try:
            yield
        finally:
            autocorrect.AutoFillFormulasInLists = saved

    @contextmanager
    def _unprotected(self, sheets: list[str]) -> Iterator[None]:
        """Unprotect ``sheets`` for the block, then protect them again with their own options."""
        restore: list[tuple[Any, dict[str, bool]]] = []
        try:
            for name in sheets:
                api = self.book.sheets[name].api
                try:
                    protected = bool(api.ProtectContents)
                except AttributeError:  # not Excel's COM Worksheet (macOS appscript)
                    continue
                if not protected:
                    continue
                prot = api.Protection
                options = {
                    "DrawingObjects": bool(api.ProtectDrawingObjects),
                    "Contents": True,
                    "Scenarios": bool(api.ProtectScenarios),
                    **{flag: bool(getattr(prot, flag)) for flag in ALLOW_FLAGS},
                }
                try:
                    api.Unprotect(self.password)
                except Exception as exc:  # COM error: wrong or missing password
                    raise SheetProtected(name) from exc
                restore.append((api, options))
            yield
        finally:
            for api, options in reversed(restore):
                api.Protect(self.password, **options)

    def _range(self, sheet: str, r0: int, c0: int, r1: int, c1: int) -> Any:
        return self.book.sheets[sheet].range((r0, c0), (r1, c1))

    def _resize_tables(self, refs: Mapping[str, str]) -> None:
        objects = self._table_objects()
        for name, ref in refs.items():
            if name not in objects:
                raise KeyError(f"table {name!r} not found in {self.label}")
            sheet, table = objects[name]
            table.resize(sheet.range(ref))

    def _write_block(self, block: Block) -> None:
        rng = self._range(block.sheet, block.row, block.col, block.last_row, block.last_col)
        rows = [[excel_cell(v) for v in r] for r in block.rows]
        if block.has_formula:
            rng.formula = rows
        else:
            rng.value = rows

    def _write_fills(self, fills: Mapping[CellKey, str | None]) -> None:
        by_color: dict[str | None, dict[CellKey, object]] = defaultdict(dict)
        for key, color in fills.items():
            by_color[color.lstrip("#").upper() if color else None][key] = True
        for color, cells in by_color.items():
            for b in blocks(cells):
                rng = self._range(b.sheet, b.row, b.col, b.last_row, b.last_col)
                rng.color = "#" + color if color else None

    def _write_notes(self, notes: Mapping[CellKey, str | None]) -> None:
        for (sheet, ref), text in notes.items():
            cell = self.book.sheets[sheet].range(ref)
            note = cell.note
            if not text:
                if note is not None:
                    note.delete()
            elif note is not None:
                note.text = text
            else:
                cell.add_note(text)

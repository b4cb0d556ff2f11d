"""An in-memory stand-in for the slice of xlwings that ``evaltool.io.xlbook`` and ``evaltool.xl`` use.

Why: there is no Excel on CI or on this Linux machine, and xlwings' interactive API raises
there (reference/measurements.md §1). The adapter is tested against this stand-in, which
holds a grid loaded from a real .xlsx (openpyxl: formulas *and* cached values) and behaves
as xlwings 0.37.8 documents (``site-packages/xlwings/main.py``; each class cites the
docstring it follows). It counts every Excel round trip in ``app.calls`` so tests can assert
that the adapter writes whole ranges. Anything the adapter does not use is absent, so a new
call in the adapter fails here loudly instead of passing silently.

Not emulated: calculation (a formula written here reads back as ``None`` until a test
recalculates the saved grid with LibreOffice), styles other than the fill colour.

Example::

    book = FakeBook.from_xlsx("workbooks/sample-xicheng-2023.xlsx")
    XlBook(book).sheet_values("封面")
    book.app.calls["range.value.set"]
"""

from __future__ import annotations

import copy
import functools
import re
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

from support.fake_excel_com import ALLOW_ATTR, FakeApplicationApi, FakeComError, FakeWorksheetApi

__all__ = ["ALLOW_ATTR", "FakeApp", "FakeBook", "FakeComError", "FakeRange", "FakeSheet", "FakeTable"]

Coord = tuple[int, int]
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_XL_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}


def _ref(ref: str) -> Coord:
    m = re.match(r"^\$?([A-Z]{1,3})\$?(\d+)$", ref.upper())
    if m is None:
        raise ValueError(f"bad cell reference {ref!r}")
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


class FakeCell:
    """One cell: a constant ``value`` or a ``formula`` (with the cached value as ``value``)."""

    __slots__ = ("value", "formula", "color", "note")

    def __init__(self) -> None:
        self.value: Any = None
        self.formula: str | None = None
        self.color: str | None = None
        self.note: str | None = None


class FakeApp:
    """``xlwings.App``: ``screen_updating`` (main.py "Turn screen updating off…"), ``status_bar``,
    ``calculation`` ('manual' | 'automatic' | 'semiautomatic'), ``alert(prompt, title,
    buttons, mode, callback)`` returning the pressed button in lowercase ("ok")."""

    def __init__(self) -> None:
        self.screen_updating = True
        self.calculation = "automatic"
        self.status_bar: str | bool = False  # App.status_bar: "False if Excel has control of it"
        self.alerts: list[dict[str, Any]] = []
        self.calls: Counter[str] = Counter()
        self.history: list[tuple[str, Any]] = []  # (attribute, value) settings, in order
        self.api = FakeApplicationApi()

    def __setattr__(self, key: str, value: Any) -> None:
        if key in ("screen_updating", "calculation", "status_bar") and "history" in self.__dict__:
            self.history.append((key, value))
        object.__setattr__(self, key, value)

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok", mode: str | None = None,
              callback: str | None = None) -> str:  # fmt: skip
        self.alerts.append({"prompt": prompt, "title": title, "buttons": buttons, "mode": mode})
        return "ok"


class FakeNote:
    """``xlwings.main.Note``: ``text`` get/set ("the note must already exist"), ``delete()``."""

    def __init__(self, cell: FakeCell, app: FakeApp, sheet: FakeSheet) -> None:
        self._cell = cell
        self._app = app
        self._sheet = sheet

    def _refuse_if_protected(self) -> None:
        if self._sheet.api.ProtectContents:
            raise FakeComError("You cannot edit notes on a protected sheet.")

    @property
    def text(self) -> str:
        return self._cell.note or ""

    @text.setter
    def text(self, value: str) -> None:
        self._app.calls["note.text.set"] += 1
        self._refuse_if_protected()
        self._cell.note = value

    def delete(self) -> None:
        self._app.calls["note.delete"] += 1
        self._refuse_if_protected()
        self._cell.note = None


def _excel_input(text: str) -> tuple[Any, str | None]:
    """What Excel makes of a string assigned to ``Range.Value``/``Range.Formula`` (as if
    typed): ``'x`` -> text ``x``; ``=``/``+``/``@``/``-`` -> a formula (unless a number);
    a number string -> a number; anything else -> text. Returns (value, formula)."""
    if text.startswith("'"):
        return text[1:], None
    if _NUMBER.match(text):
        f = float(text)
        return (int(f) if f.is_integer() and "." not in text and "e" not in text.lower() else f), None
    if text[:1] in ("=", "+", "-", "@"):
        return None, text if text.startswith("=") else "=" + text
    return text, None


class FakeRange:
    """``xlwings.Range`` over a rectangle: ``value`` get/set and ``formula`` set with 2-D lists,
    ``options(ndim=2, err_to_str=...)`` ("Use ndim=2 … a single cell becomes [[value]]";
    "err_to_str: If True, will include cell errors such as #N/A as strings. By default, they
    will be converted to None"), numbers read back as float (Excel stores doubles), ``row``,
    ``column``, ``shape``, ``last_cell``, ``address`` (``$A$1:$B$2``), ``color`` (hex string
    or None, "To remove the background, set the color to None"), ``note`` (Note or None) and
    ``add_note(text)`` (single cell, no existing note, non-empty text — else ValueError)."""

    def __init__(self, sheet: FakeSheet, r0: int, c0: int, r1: int, c1: int, **options: Any) -> None:
        self.sheet = sheet
        self.r0, self.c0, self.r1, self.c1 = r0, c0, r1, c1
        self._options = options

    @property
    def _calls(self) -> Counter[str]:
        return self.sheet.book.app.calls

    def options(self, convert: Any = None, **options: Any) -> FakeRange:
        return FakeRange(self.sheet, self.r0, self.c0, self.r1, self.c1, **options)

    @property
    def row(self) -> int:
        return self.r0

    @property
    def column(self) -> int:
        return self.c0

    @property
    def shape(self) -> tuple[int, int]:
        return (self.r1 - self.r0 + 1, self.c1 - self.c0 + 1)

    @property
    def last_cell(self) -> FakeRange:
        return FakeRange(self.sheet, self.r1, self.c1, self.r1, self.c1)

    @property
    def address(self) -> str:
        a = f"${get_column_letter(self.c0)}${self.r0}"
        if self.shape == (1, 1):
            return a
        return f"{a}:${get_column_letter(self.c1)}${self.r1}"

    def _coords(self) -> list[list[Coord]]:
        return [[(r, c) for c in range(self.c0, self.c1 + 1)] for r in range(self.r0, self.r1 + 1)]

    def _shape_out(self, grid: list[list[Any]]) -> Any:
        if self._options.get("ndim") == 2:
            return grid
        if self.shape == (1, 1):
            return grid[0][0]
        if self.shape[0] == 1:
            return grid[0]
        if self.shape[1] == 1:
            return [row[0] for row in grid]
        return grid

    def _read(self, cell: FakeCell | None) -> Any:
        v = None if cell is None else cell.value
        if isinstance(v, str) and v in _XL_ERRORS and cell is not None and cell.formula:
            return v if self._options.get("err_to_str") else None
        if isinstance(v, int) and not isinstance(v, bool):
            return float(v)
        return v

    @property
    def value(self) -> Any:
        self._calls["range.value.get"] += 1
        cells = self.sheet.cells
        return self._shape_out([[self._read(cells.get(rc)) for rc in row] for row in self._coords()])

    def _refuse_if_protected(self, what: str) -> None:
        api = self.sheet.api
        if not api.ProtectContents:
            return
        if what == "format" and api.Protection.AllowFormattingCells:
            return
        if what == "contents" and all(rc in self.sheet.unlocked for row in self._coords() for rc in row):
            return
        raise FakeComError("The cell or chart you're trying to change is on a protected sheet.")

    def _assign(self, data: Any, prop: str) -> None:
        self._calls[f"range.{prop}.set"] += 1
        app = self.sheet.book.app
        app.api.AutoCorrect.seen_during_writes.append(app.api.AutoCorrect.AutoFillFormulasInLists)
        self._refuse_if_protected("contents")
        coords = self._coords()
        if not isinstance(data, list):
            data = [[data] * len(coords[0]) for _ in coords]
        elif data and not isinstance(data[0], list):
            data = [data] if len(coords) == 1 else [[v] for v in data]
        if [len(r) for r in data] != [len(r) for r in coords]:
            raise ValueError(f"shape of {prop} does not match {self.address}")
        for row_c, row_v in zip(coords, data, strict=True):
            for rc, v in zip(row_c, row_v, strict=True):
                self._calls["cells.written"] += 1
                cell = self.sheet.cell(rc)
                cell.value, cell.formula = (None, None)
                if isinstance(v, str):
                    cell.value, cell.formula = _excel_input(v) if v else (None, None)
                elif v is None or isinstance(v, (bool, int, float, datetime)):
                    cell.value = v
                else:
                    raise TypeError(f"xlwings cannot write {type(v).__name__}")

    @value.setter
    def value(self, data: Any) -> None:
        self._assign(data, "value")

    def _set_formula(self, data: Any) -> None:
        self._assign(data, "formula")

    formula = property(fset=_set_formula, doc="Write-only here: the adapter never reads formulas.")

    @property
    def color(self) -> str | None:
        c = self.sheet.cells.get((self.r0, self.c0))
        return None if c is None else c.color

    @color.setter
    def color(self, value: str | None) -> None:
        self._calls["range.color.set"] += 1
        self._refuse_if_protected("format")
        for row in self._coords():
            for rc in row:
                self.sheet.cell(rc).color = value.lstrip("#").upper() if value else None

    @property
    def note(self) -> FakeNote | None:
        self._calls["range.note.get"] += 1
        cell = self.sheet.cells.get((self.r0, self.c0))
        if cell is None or cell.note is None:
            return None
        return FakeNote(cell, self.sheet.book.app, self.sheet)

    def add_note(self, text: str) -> FakeNote:
        self._calls["range.add_note"] += 1
        self._refuse_if_protected("object")
        if not isinstance(text, str):
            raise TypeError("Note text must be a string")
        if not text:
            raise ValueError("Note text must not be empty")
        if self.shape != (1, 1):
            raise ValueError("A note can only be added to a single cell")
        cell = self.sheet.cell((self.r0, self.c0))
        if cell.note is not None:
            raise ValueError("This cell already has a note")
        cell.note = text
        return FakeNote(cell, self.sheet.book.app, self.sheet)


class FakeTable:
    """``xlwings.main.Table``: ``name``, ``parent``, ``range`` (whole table),
    ``header_row_range``, ``data_body_range`` ("range of values, excluding the header row";
    None when empty) and ``resize(range)`` ("Resize a Table by providing an xlwings range")."""

    def __init__(self, sheet: FakeSheet, name: str, ref: str, header_rows: int, totals_rows: int) -> None:
        self.parent = sheet
        self.name = name
        self.header_rows = header_rows
        self.totals_rows = totals_rows
        self._set(ref)

    def _set(self, ref: str) -> None:
        a, _, b = ref.partition(":")
        (self.r0, self.c0), (self.r1, self.c1) = _ref(a), _ref(b or a)

    @property
    def ref(self) -> str:
        return FakeRange(self.parent, self.r0, self.c0, self.r1, self.c1).address.replace("$", "")

    @property
    def range(self) -> FakeRange:
        return FakeRange(self.parent, self.r0, self.c0, self.r1, self.c1)

    @property
    def header_row_range(self) -> FakeRange | None:
        return FakeRange(self.parent, self.r0, self.c0, self.r0, self.c1) if self.header_rows else None

    @property
    def data_body_range(self) -> FakeRange | None:
        first, last = self.r0 + self.header_rows, self.r1 - self.totals_rows
        return FakeRange(self.parent, first, self.c0, last, self.c1) if last >= first else None

    def resize(self, range: FakeRange) -> None:  # noqa: A002 - xlwings' parameter name
        self.parent.book.app.calls["table.resize"] += 1
        if self.parent.api.ProtectContents:
            raise FakeComError("A table cannot be resized on a protected sheet.")
        if range.sheet is not self.parent:
            raise ValueError("a table can only be resized on its own sheet")
        self.r0, self.c0, self.r1, self.c1 = range.r0, range.c0, range.r1, range.c1


class FakeName:
    """``xlwings.main.Name``: ``name`` (sheet-scoped names come as ``Sheet1!x`` like Excel's
    ``Name.Name``) and ``refers_to`` ("in A1-style notation, beginning with an equal sign")."""

    def __init__(self, name: str, refers_to: str) -> None:
        self.name = name
        self.refers_to = refers_to


class FakeSheet:
    """``xlwings.Sheet``: ``name``, ``book``, ``tables``, ``used_range`` and ``range(cell1,
    cell2=None)`` with A1 strings or (row, col) tuples (``Sheet.range`` docstring)."""

    def __init__(self, book: FakeBook, name: str) -> None:
        self.book = book
        self.name = name
        self.cells: dict[Coord, FakeCell] = {}
        self.tables: list[FakeTable] = []
        self.api = FakeWorksheetApi(book.app)
        self.unlocked: set[Coord] = set()  # cells are locked unless their format unlocks them

    def cell(self, rc: Coord) -> FakeCell:
        if rc not in self.cells:
            self.cells[rc] = FakeCell()
        return self.cells[rc]

    def range(self, cell1: str | Coord, cell2: str | Coord | None = None) -> FakeRange:
        def coord(x: str | Coord) -> tuple[Coord, Coord]:
            if isinstance(x, tuple):
                return x, x
            a, _, b = x.partition(":")
            return _ref(a), _ref(b or a)

        (r0, c0), (r1, c1) = coord(cell1)
        if cell2 is not None:
            (r1, c1), _ = coord(cell2)
        return FakeRange(self, min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1))

    @property
    def used_range(self) -> FakeRange:
        used = [rc for rc, c in self.cells.items() if c.value is not None or c.formula or c.color]
        if not used:
            return FakeRange(self, 1, 1, 1, 1)
        rows = [r for r, _ in used]
        cols = [c for _, c in used]
        return FakeRange(self, min(rows), min(cols), max(rows), max(cols))


class FakeSheets:
    """``xlwings.main.Sheets``: iterate in order, index by name or 0-based position."""

    def __init__(self, sheets: list[FakeSheet]) -> None:
        self._sheets = sheets

    def __iter__(self) -> Any:
        return iter(self._sheets)

    def __getitem__(self, key: str | int) -> FakeSheet:
        if isinstance(key, int):
            return self._sheets[key]
        for s in self._sheets:
            if s.name.lower() == key.lower():  # Excel sheet names are case-insensitive
                return s
        raise KeyError(key)


class FakeBook:
    """``xlwings.Book``: ``name``, ``fullname``, ``app``, ``sheets``, ``names`` (all names
    incl. sheet-specific ones, main.py ``Book.names``)."""

    def __init__(self, name: str, fullname: str = "") -> None:
        self.name = name
        self.fullname = fullname or name
        self.app = FakeApp()
        self.sheets = FakeSheets([])
        self.names: list[FakeName] = []

    @classmethod
    def from_xlsx(cls, path: str | Path) -> FakeBook:
        """A fresh book as loaded from ``path`` (a copy of a cached load: tests may mutate it)."""
        path = Path(path).resolve()
        stat = path.stat()
        return copy.deepcopy(_load(cls, path, stat.st_mtime_ns, stat.st_size))

    @classmethod
    def _read(cls, path: Path) -> FakeBook:
        """Load values, formulas, cached values, names, tables, fills, notes, sheet protection
        and unlocked cells from a file (calls made while loading are not counted)."""
        wb_f = openpyxl.load_workbook(path)
        wb_v = openpyxl.load_workbook(path, data_only=True)
        book = cls(path.name, str(path))
        sheets = []
        for ws in wb_f.worksheets:
            sheet = FakeSheet(book, ws.title)
            vs = wb_v[ws.title]
            prot = ws.protection
            if prot.sheet:
                sheet.api.Protect(
                    "", DrawingObjects=bool(prot.objects), Contents=True, Scenarios=bool(prot.scenarios),
                    **{flag: not getattr(prot, attr) for flag, attr in ALLOW_ATTR.items()},
                )
            for row in ws.iter_rows():
                for c in row:
                    if c.protection is not None and c.protection.locked is False:
                        sheet.unlocked.add((c.row, c.column))
                    fill = c.fill.fgColor.rgb if c.fill is not None and c.fill.fill_type == "solid" else None
                    if c.value is None and c.comment is None and not isinstance(fill, str):
                        continue
                    cell = sheet.cell((c.row, c.column))
                    if isinstance(c.value, str) and c.data_type == "f":
                        cell.formula = c.value
                        cell.value = vs.cell(c.row, c.column).value
                    elif c.data_type == "f":  # array/data-table formula objects
                        cell.formula = str(getattr(c.value, "text", c.value))
                        cell.value = vs.cell(c.row, c.column).value
                    else:
                        cell.value = c.value
                    cell.color = fill[-6:].upper() if isinstance(fill, str) else None
                    cell.note = c.comment.text if c.comment is not None else None
            for t in ws.tables.values():
                sheet.tables.append(
                    FakeTable(sheet, t.name, t.ref, t.headerRowCount or 0, t.totalsRowCount or 0)
                )
            for name, dn in ws.defined_names.items():
                book.names.append(FakeName(f"{ws.title}!{name}", "=" + (dn.attr_text or "")))
            sheets.append(sheet)
        book.sheets = FakeSheets(sheets)
        for name, dn in wb_f.defined_names.items():
            book.names.append(FakeName(name, "=" + (dn.attr_text or "")))
        book.app.calls.clear()
        return book


@functools.lru_cache(maxsize=8)
def _load(cls: type[FakeBook], path: Path, mtime_ns: int, size: int) -> FakeBook:
    return cls._read(path)

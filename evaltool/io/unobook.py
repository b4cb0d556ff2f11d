"""The live LibreOffice Calc document (UNO): read a snapshot, apply a write plan — in blocks.

Why: the LibreOffice button runs inside LibreOffice's own Python (Debian's python3 with
python3-uno; on Windows a bundled Python without pip), where evaltool is not installed. So
this module depends on nothing but the standard library and ``uno``: it is copied unchanged
into the extension (``pythonpath/evaltool_unobook.py`` of ``evaltool.oxt``) and only *moves
ranges*. The engine runs in the user's own evaltool installation, behind a JSON protocol
(:mod:`evaltool.addin.serve`); :class:`evaltool.io.snapbook.SnapshotBook` is the engine-side
half of this adapter (the ``BookSource``), :func:`apply_plan` the ``BookSink``.

Snapshot (JSON-ready)::

    {"label": "/path/file.xlsx", "sheets": [...],
     "names": {"budget_initial": ["预算执行", "B5"], ...},
     "tables": {"Indicators": {"sheet": "绩效指标", "ref": "A4:N48", "headers": [...],
                               "header_row": 4, "first_col": 1, "n_rows": 44}, ...},
     "values": {"封面": [[...], ...], ...}}      # A1-anchored, blank = null

Plan (what :func:`evaltool.io.snapbook.plan_to_json` writes)::

    {"cells": [[sheet, ref, kind, value], ...],   # kind: "f" formula (Excel syntax), "s" text,
                                                    # "n" number, "b" boolean, "x" clear
     "fills": [[sheet, ref, "FFC7CE" | null], ...], "notes": [[sheet, ref, text | null], ...],
     "table_refs": {"Checks": "A4:H337"}}

Blocks: each sheet is read with one ``getDataArray``; values are written with one
``setDataArray`` per rectangle of non-formula cells, formulas with one ``setFormulaArray``
per rectangle of formula cells. Text is never turned into a formula: ``setDataArray`` stores a
Python ``str`` as text whatever it starts with (``=``, ``+``, ``-``, ``@``, digits); only
``"f"`` cells go through the formula parser. Excel-syntax formulas (``'Sheet'!A1``,
``Indicators[分值]``, ``,`` separators) are parsed with LibreOffice's own OOXML formula parser
(``com.sun.star.sheet.FormulaParser``) and printed in the API grammar that
``setFormulaArray`` reads, so structured references and defined names survive.
Protected sheets are unprotected for the write and protected again (same password) in
``finally``; a wrong password raises :class:`SheetProtected` before anything is written.

Example (inside a LibreOffice macro, ``doc`` the Calc document)::

    snap = snapshot(doc)
    plan = ask_engine(snap)          # JSON over stdin/stdout
    apply_plan(doc, plan)
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["snapshot", "apply_plan", "SheetProtected", "cell_ref", "split_ref", "rectangles"]

_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


class SheetProtected(RuntimeError):
    """A sheet the plan writes to is protected with a password the button was not given."""

    def __init__(self, sheet: str) -> None:
        super().__init__(sheet)
        self.sheet = sheet


def col_letters(col: int) -> str:
    """1 -> "A", 27 -> "AA"."""
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def cell_ref(row: int, col: int) -> str:
    """1-based (row, col) -> "B5"."""
    return f"{col_letters(col)}{row}"


def split_ref(ref: str) -> tuple[int, int]:
    """"B5" -> (5, 2), 1-based."""
    m = _CELL.match(ref.strip())
    if m is None:
        raise ValueError(f"not a cell reference: {ref!r}")
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def _range_ref(addr: Any) -> str:
    """A ``CellRangeAddress`` (0-based) -> "B5" or "A4:N48"."""
    first = cell_ref(addr.StartRow + 1, addr.StartColumn + 1)
    last = cell_ref(addr.EndRow + 1, addr.EndColumn + 1)
    return first if first == last else f"{first}:{last}"


# ---- read ---------------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    return None if value == "" else value


def _grid(sheet: Any) -> list[list[Any]]:
    """The A1-anchored grid up to the last non-blank row/column, in one getDataArray call;
    error results (``#DIV/0!``…) as their text, like the file reader."""
    cursor = sheet.createCursor()
    cursor.gotoEndOfUsedArea(False)
    end = cursor.getRangeAddress()
    rng = sheet.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow)
    grid = [[_plain(v) for v in row] for row in rng.getDataArray()]
    import uno  # type: ignore[import-not-found]  # LibreOffice's Python only

    errors = uno.getConstantByName("com.sun.star.sheet.FormulaResult.ERROR")
    for part in rng.queryFormulaCells(errors).getRangeAddresses():
        for r in range(part.StartRow, part.EndRow + 1):
            for c in range(part.StartColumn, part.EndColumn + 1):
                grid[r][c] = sheet.getCellByPosition(c, r).getString()
    while grid and all(v is None for v in grid[-1]):
        grid.pop()
    width = max((i + 1 for row in grid for i, v in enumerate(row) if v is not None), default=0)
    return [row[:width] for row in grid]


def _header(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def snapshot(doc: Any, label: str | None = None) -> dict[str, Any]:
    """Everything the engine reads from ``doc``: sheets, names, tables, values (JSON-ready)."""
    sheets = doc.getSheets()
    names_order = list(sheets.getElementNames())
    values = {name: _grid(sheets.getByName(name)) for name in names_order}
    names: dict[str, list[str]] = {}
    named = doc.NamedRanges
    for name in named.getElementNames():
        if name.lower().startswith("_xlnm.") or "!" in name:
            continue
        referrer = named.getByName(name).getReferredCells()
        if referrer is None:  # a constant or formula name
            continue
        addr = referrer.getRangeAddress()
        names[name] = [names_order[addr.Sheet], _range_ref(addr)]
    tables: dict[str, dict[str, Any]] = {}
    dbranges = doc.DatabaseRanges
    for name in dbranges.getElementNames():
        if name.startswith("__Anonymous_Sheet_DB__"):  # an autofilter, not a table
            continue
        db = dbranges.getByName(name)
        area = db.DataArea
        sheet = names_order[area.Sheet]
        has_header = bool(db.ContainsHeader)
        totals = 1 if bool(getattr(db, "TotalsRow", False)) else 0
        header_row = area.StartRow + 1 if has_header else area.StartRow
        grid = values[sheet]
        row = grid[header_row - 1] if has_header and header_row - 1 < len(grid) else []
        width = area.EndColumn - area.StartColumn + 1
        heads = [_header(row[c] if c < len(row) else None) for c in range(area.StartColumn, area.EndColumn + 1)]
        tables[name] = {
            "sheet": sheet,
            "ref": _range_ref(area),
            "headers": heads if has_header else [""] * width,
            "header_row": header_row,
            "first_col": area.StartColumn + 1,
            "n_rows": area.EndRow - area.StartRow + 1 - (1 if has_header else 0) - totals,
        }
    if label is None:
        url = doc.getURL()
        if url:
            import uno  # type: ignore[import-not-found]

            label = uno.fileUrlToSystemPath(url)
        else:
            label = doc.getTitle()
    _dates(doc, sheets, names, values)
    return {"label": label, "sheets": names_order, "names": names, "tables": tables, "values": values}


def _dates(doc: Any, sheets: Any, names: dict[str, list[str]], values: dict[str, list[list[Any]]]) -> None:
    """Named single cells formatted as dates (填报日期) become ``{"$date": "2024-03-01T00:00:00"}``,
    as a file reader returns a date there; other cells keep their serial numbers."""
    import datetime as dt

    import uno  # type: ignore[import-not-found]

    date_type = uno.getConstantByName("com.sun.star.util.NumberFormat.DATE")
    formats = doc.getNumberFormats()
    for sheet, ref in names.values():
        if ":" in ref:
            continue
        row, col = split_ref(ref)
        grid = values[sheet]
        if row > len(grid) or col > len(grid[row - 1]) or not isinstance(grid[row - 1][col - 1], float):
            continue
        cell = sheets.getByName(sheet).getCellByPosition(col - 1, row - 1)
        if formats.getByKey(cell.NumberFormat).Type & date_type:
            when = dt.datetime(1899, 12, 30) + dt.timedelta(days=grid[row - 1][col - 1])
            grid[row - 1][col - 1] = {"$date": when.isoformat()}


# ---- write --------------------------------------------------------------------------------
def rectangles(cells: dict[tuple[str, int, int], Any]) -> list[tuple[str, int, int, list[list[Any]]]]:
    """Group ``{(sheet, row, col): value}`` into full rectangles: column runs of consecutive
    rows, adjacent columns with the same run merged. Returns ``(sheet, row0, col0, rows)``.

    >>> rectangles({("S", 1, 1): 1, ("S", 1, 2): 2, ("S", 2, 1): 3, ("S", 2, 2): 4, ("S", 9, 4): 5})
    [('S', 1, 1, [[1, 2], [3, 4]]), ('S', 9, 4, [[5]])]
    """
    by_sheet: dict[str, dict[tuple[int, int], Any]] = {}
    for (sheet, r, c), v in cells.items():
        by_sheet.setdefault(sheet, {})[(r, c)] = v
    out: list[tuple[str, int, int, list[list[Any]]]] = []
    for sheet, grid in by_sheet.items():
        rows_by_col: dict[int, list[int]] = {}
        for r, c in grid:
            rows_by_col.setdefault(c, []).append(r)
        runs: dict[tuple[int, int], list[int]] = {}
        for c, rows in rows_by_col.items():
            rows.sort()
            start = prev = rows[0]
            for r in rows[1:] + [-1]:
                if r != prev + 1:
                    runs.setdefault((start, prev), []).append(c)
                    start = r
                prev = r
        for (r0, r1), cols in sorted(runs.items(), key=lambda kv: (kv[0][0], min(kv[1]))):
            cols.sort()
            group = [cols[0]]
            for c in cols[1:] + [-1]:
                if c == group[-1] + 1:
                    group.append(c)
                    continue
                out.append((sheet, r0, group[0], [[grid[(r, cc)] for cc in group] for r in range(r0, r1 + 1)]))
                group = [c]
    return out


class _Formulas:
    """Excel syntax -> LibreOffice API grammar through LibreOffice's own formula parsers."""

    def __init__(self, doc: Any) -> None:
        import uno  # type: ignore[import-not-found]

        const = uno.getConstantByName
        mapper = doc.createInstance("com.sun.star.sheet.FormulaOpCodeMapper")
        groups = const("com.sun.star.sheet.FormulaMapGroup.SPECIAL") | const(
            "com.sun.star.sheet.FormulaMapGroup.ALL_EXCEPT_SPECIAL"
        )

        def parser(language: str, convention: str) -> Any:
            p = doc.createInstance("com.sun.star.sheet.FormulaParser")
            p.CompileEnglish = True
            p.FormulaConvention = const("com.sun.star.sheet.AddressConvention." + convention)
            p.OpCodeMap = mapper.getAvailableMappings(const("com.sun.star.sheet.FormulaLanguage." + language), groups)
            return p

        self._excel = parser("OOXML", "XL_OOX")
        self._api = parser("API", "OOO")
        self._address = uno.getClass("com.sun.star.table.CellAddress")

    def to_api(self, text: str, sheet_index: int, row: int, col: int) -> str:
        text = text[1:] if text.startswith("=") else text
        addr = self._address(sheet_index, col - 1, row - 1)
        tokens = self._excel.parseFormula(text, addr)
        return "=" + self._api.printFormula(tokens, addr)


def _cell_value(kind: str, value: Any) -> Any:
    if kind == "s":
        return str(value)
    if kind == "n":
        return float(value)
    if kind == "b":
        return 1.0 if value else 0.0
    return ""  # "x": clear


def apply_plan(doc: Any, plan: dict[str, Any], password: str = "") -> None:
    """Write ``plan`` into ``doc``: table sizes, value blocks, formula blocks, fills, notes.

    Automatic calculation is held (``lockControllers`` + ``enableAutomaticCalculation(False)``)
    while writing and restored after; sheets are unprotected just for the write."""
    sheets = doc.getSheets()
    order = list(sheets.getElementNames())
    dbranges = doc.DatabaseRanges
    touched = {c[0] for c in plan.get("cells", [])} | {f[0] for f in plan.get("fills", [])}
    touched |= {n[0] for n in plan.get("notes", [])}
    for name in plan.get("table_refs", {}):
        if not dbranges.hasByName(name):
            raise KeyError(f"table {name!r} not found")
        touched.add(order[dbranges.getByName(name).DataArea.Sheet])
    values: dict[tuple[str, int, int], Any] = {}
    formulas: dict[tuple[str, int, int], Any] = {}
    for sheet, ref, kind, value in plan.get("cells", []):
        row, col = split_ref(ref)
        if kind == "f":
            formulas[(sheet, row, col)] = value
        else:
            values[(sheet, row, col)] = _cell_value(kind, value)
    auto = doc.isAutomaticCalculationEnabled()
    doc.lockControllers()
    doc.enableAutomaticCalculation(False)
    restore: list[Any] = []
    try:
        for name in sorted(touched):
            sh = sheets.getByName(name)
            if sh.isProtected():
                try:
                    sh.unprotect(password)
                except Exception as exc:  # IllegalArgumentException: wrong password
                    raise SheetProtected(name) from exc
                restore.append(sh)
        for name, ref in plan.get("table_refs", {}).items():
            db = dbranges.getByName(name)
            area = db.DataArea
            first, _, last = ref.partition(":")
            r0, c0 = split_ref(first)
            r1, c1 = split_ref(last or first)
            area.StartRow, area.StartColumn, area.EndRow, area.EndColumn = r0 - 1, c0 - 1, r1 - 1, c1 - 1
            db.DataArea = area
        for sheet, r0, c0, rows in rectangles(values):
            rng = sheets.getByName(sheet).getCellRangeByPosition(c0 - 1, r0 - 1, c0 + len(rows[0]) - 2, r0 + len(rows) - 2)
            rng.setDataArray(tuple(tuple(r) for r in rows))
        if formulas:
            convert = _Formulas(doc)
            for sheet, r0, c0, rows in rectangles(formulas):
                index = order.index(sheet)
                api = tuple(
                    tuple(convert.to_api(f, index, r0 + i, c0 + j) for j, f in enumerate(r)) for i, r in enumerate(rows)
                )
                rng = sheets.getByName(sheet).getCellRangeByPosition(c0 - 1, r0 - 1, c0 + len(rows[0]) - 2, r0 + len(rows) - 2)
                rng.setFormulaArray(api)
        _fills(sheets, plan.get("fills", []))
        _notes(sheets, order, plan.get("notes", []))
    finally:
        for sh in reversed(restore):
            sh.protect(password)
        doc.enableAutomaticCalculation(auto)
        doc.unlockControllers()
    if auto:
        doc.calculateAll()


def _fills(sheets: Any, fills: list[list[Any]]) -> None:
    by_color: dict[str | None, dict[tuple[str, int, int], Any]] = {}
    for sheet, ref, color in fills:
        row, col = split_ref(ref)
        by_color.setdefault(color.lstrip("#").upper() if color else None, {})[(sheet, row, col)] = True
    for color, cells in by_color.items():
        for sheet, r0, c0, rows in rectangles(cells):
            rng = sheets.getByName(sheet).getCellRangeByPosition(c0 - 1, r0 - 1, c0 + len(rows[0]) - 2, r0 + len(rows) - 2)
            if color:
                rng.CellBackColor = int(color, 16)
            else:
                rng.CellBackColor = -1
                rng.IsCellBackgroundTransparent = True


def _notes(sheets: Any, order: list[str], notes: list[list[Any]]) -> None:
    import uno  # type: ignore[import-not-found]

    address = uno.getClass("com.sun.star.table.CellAddress")
    for sheet, ref, text in notes:
        sh = sheets.getByName(sheet)
        row, col = split_ref(ref)
        annotations = sh.getAnnotations()
        for i in range(annotations.getCount() - 1, -1, -1):  # drop the old note at this cell
            pos = annotations.getByIndex(i).getPosition()
            if pos.Row == row - 1 and pos.Column == col - 1:
                annotations.removeByIndex(i)
        if text:
            annotations.insertNew(address(order.index(sheet), col - 1, row - 1), text)

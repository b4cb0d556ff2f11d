"""Where a defined name lives and what its first cell holds: the one lookup of name → cell.

Why: scoring, the rules, write-back and the reader all need "the cell of ``total_score``"
(from the workbook's own defined names, else the contract's fixed position) and "the value in
the first cell of this name". Written once here, a moved cell or a renamed sheet cannot be
found by one part and missed by another. A test greps for fixed-cell literals outside
``evaltool/contract``.

Example:

>>> default_cell("calc_status"), default_cell("grade"), default_cell("budget_initial")
(('封面', 'B13'), ('封面', 'B12'), ('预算执行', 'B5'))
>>> from evaltool.model import Location
>>> where({"total_score": Location("封面", "$C$11")}, "total_score")
('封面', 'C11')
>>> grid = ((None, None), ("总分", 98.8))
>>> cell_value({"封面": grid}, "封面", "$B$2"), cell_value({"封面": grid}, "封面", "Z9")
(98.8, None)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from evaltool import contract as C
from evaltool.contract.a1 import first_cell, parse_part, split_cell
from evaltool.model import Location

__all__ = ["FIXED_CELLS", "default_cell", "where", "cell_value", "name_value", "parse_location"]


def parse_location(text: str | None) -> Location | None:
    """What a defined name refers to: ``"='预算执行'!$B$5"`` → ``Location("预算执行", "B5")``
    (the ``=`` optional, ``''`` inside quotes unescaped, a range kept as ``A1:C3``); None for
    constants, formulas, ``#REF!`` and multi-area references.

    >>> parse_location("='O''Neil 表'!$A$1:$c$2"), parse_location("=SUM(封面!$B$3)")
    (Location(sheet="O'Neil 表", ref='A1:C2'), None)
    """
    text = (text or "").strip().lstrip("=")
    if "!" not in text or "," in text:
        return None
    sheet, _, ref = text.rpartition("!")
    if len(sheet) >= 2 and sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    elif not sheet or "'" in sheet or "(" in sheet:
        return None
    parts = ref.split(":")
    if len(parts) > 2:
        return None
    try:
        for p in parts:
            split_cell(p)
    except ValueError:
        return None
    return Location(sheet, ref.replace("$", "").upper())


def _fixed() -> dict[str, tuple[str, str]]:
    out = {n: (C.COVER, f"B{row}") for n, (row, _) in C.COVER_NAMES.items()}
    out.update({n: (C.BUDGET, f"{col}{C.BUDGET_HEADER_ROW + 1}") for n, col in C.BUDGET_ROW5_NAMES.items()})
    out.update({n: (C.BUDGET, f"B{row}") for n, (row, _, _) in C.KV_NAMES.items()})
    out.update({n: (C.BUDGET, f"B{C.RATE_HEADER_ROW + 1 + i}") for i, n in enumerate(C.RATE_NAMES)})
    out.update({n: (C.COVER, f"B{row}") for n, (row, _) in C.COVER_EVAL_NAMES.items()})
    out.update({n: (C.SELF_EVAL, f"{col}{row}") for n, (row, col) in C.THREE_PUBLIC_NAMES.items()})
    out.update({n: (C.SELF_EVAL, f"B{row}") for n, (row, _, _) in C.SELF_EVAL_KV.items()})
    return out


#: Every fixed defined name → (sheet, cell) as the template writes it.
FIXED_CELLS: Mapping[str, tuple[str, str]] = _fixed()


def default_cell(name: str) -> tuple[str, str] | None:
    """The contract's position of a fixed defined name (None for names it does not fix)."""
    return FIXED_CELLS.get(name)


def where(names: Mapping[str, Location], name: str,
          default: tuple[str, str] | None = None) -> tuple[str, str]:
    """(sheet, first cell) of ``name``: the workbook's own definition, else ``default``, else
    the contract's position; KeyError when none knows it."""
    loc = names.get(name)
    if loc is not None:
        return loc.sheet, first_cell(loc.ref)
    fallback = default or default_cell(name)
    if fallback is None:
        raise KeyError(name)
    return fallback


def cell_value(grids: Mapping[str, Sequence[Sequence[object]]], sheet: str, ref: str) -> object:
    """The value in the first cell of ``ref`` on ``sheet`` (None off the grid or not A1)."""
    grid = grids.get(sheet)
    rc = parse_part(first_cell(ref))
    if grid is None or rc is None or rc[0] == 0 or rc[1] == 0:
        return None
    r, c = rc
    if r - 1 < len(grid) and c - 1 < len(grid[r - 1]):
        return grid[r - 1][c - 1]
    return None


def name_value(grids: Mapping[str, Sequence[Sequence[object]]], names: Mapping[str, Location],
               name: str) -> object:
    """The value in the first cell of defined name ``name`` (None when it is not defined)."""
    loc = names.get(name)
    return None if loc is None else cell_value(grids, loc.sheet, loc.ref)

"""``SnapshotBook``: a BookSource over a JSON snapshot of a live book, and the plan as JSON.

Why: the LibreOffice button runs in LibreOffice's own Python, which has no evaltool. Its
macro (:mod:`evaltool.io.unobook`, copied into the extension) reads the open document in
blocks into a snapshot and sends it to ``python -m evaltool.addin.serve`` in the user's own
evaltool installation; this module is that process's view of the document (the read half of
the UNO adapter) and encodes the :class:`~evaltool.io.book.WritePlan` it sends back (the
write half, :func:`evaltool.io.unobook.apply_plan`, runs in LibreOffice). Both formats are
described in :mod:`evaltool.io.unobook`.

Example::

    book = SnapshotBook(json.loads(stdin_text)["book"])
    plan = build_plan(evaluate(parse_book(book)))
    json.dumps(plan_to_json(plan))
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from evaltool.io.book import Formula, WritePlan
from evaltool.model import CellValue, Location, TableInfo

__all__ = ["SnapshotBook", "plan_to_json", "plan_from_json", "cell_kind"]


def _value(v: Any) -> CellValue:
    if isinstance(v, dict) and "$date" in v:
        return dt.datetime.fromisoformat(v["$date"])
    if isinstance(v, bool | int | float | str) or v is None:
        return v
    raise ValueError(f"unexpected value in snapshot: {v!r}")


class SnapshotBook:
    """The snapshot a live-book macro sent, behind the BookSource interface."""

    def __init__(self, snap: Mapping[str, Any]) -> None:
        self.label: str = str(snap.get("label") or "")
        self._sheets = [str(s) for s in snap["sheets"]]
        self._names = {str(k): Location(str(v[0]), str(v[1])) for k, v in snap.get("names", {}).items()}
        self._tables = {
            str(name): TableInfo(
                name=str(name), sheet=str(t["sheet"]), ref=str(t["ref"]), headers=tuple(str(h) for h in t["headers"]),
                header_row=int(t["header_row"]), first_col=int(t["first_col"]), n_rows=int(t["n_rows"]),
            )
            for name, t in snap.get("tables", {}).items()
        }  # fmt: skip
        self._values = {
            str(sheet): [[_value(v) for v in row] for row in grid] for sheet, grid in snap.get("values", {}).items()
        }

    def sheet_names(self) -> list[str]:
        return list(self._sheets)

    def defined_names(self) -> dict[str, Location]:
        return dict(self._names)

    def tables(self) -> dict[str, TableInfo]:
        return dict(self._tables)

    def sheet_values(self, sheet: str) -> list[list[CellValue]]:
        if sheet not in self._values:
            raise KeyError(sheet)
        return self._values[sheet]


def cell_kind(value: object) -> tuple[str, Any]:
    """One plan value as ``(kind, json value)``: ``"f"`` formula text, ``"s"`` text (always
    text, whatever it starts with), ``"n"`` number, ``"b"`` boolean, ``"x"`` clear."""
    if isinstance(value, Formula):
        text = value.text
        return "f", text if text.startswith("=") else "=" + text
    if value is None:
        return "x", None
    if isinstance(value, bool):
        return "b", value
    if isinstance(value, int | float | Decimal):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"cannot write {value!r} into a cell")
        return "n", number
    if isinstance(value, str):
        return "s", value
    if isinstance(value, dt.datetime | dt.date):
        return "s", value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} {value!r} into a cell")


def plan_to_json(plan: WritePlan) -> dict[str, Any]:
    """The plan in the JSON shape :func:`evaltool.io.unobook.apply_plan` reads."""
    return {
        "cells": [[sheet, ref, *cell_kind(value)] for (sheet, ref), value in plan.cells.items()],
        "fills": [[sheet, ref, color] for (sheet, ref), color in plan.fills.items()],
        "notes": [[sheet, ref, note] for (sheet, ref), note in plan.notes.items()],
        "table_refs": dict(plan.table_refs),
    }


def plan_from_json(data: Mapping[str, Any]) -> WritePlan:
    """Inverse of :func:`plan_to_json` (formulas come back without cached values)."""
    cells: dict[tuple[str, str], object] = {}
    for sheet, ref, kind, value in data.get("cells", []):
        cells[(sheet, ref)] = {"f": lambda v: Formula(v), "x": lambda v: None}.get(kind, lambda v: v)(value)
    return WritePlan(
        cells=cells,
        fills={(s, r): c for s, r, c in data.get("fills", [])},
        notes={(s, r): n for s, r, n in data.get("notes", [])},
        table_refs=dict(data.get("table_refs", {})),
    )

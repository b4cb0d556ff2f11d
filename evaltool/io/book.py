"""The one small interface between the engine and a workbook.

Why: the same engine runs in the Excel button (a live xlwings ``Book``), the CLI and the
batch (package files). Both kinds of book implement :class:`BookSource` (read) and
:class:`BookSink` (write in bulk); everything else is pure.

- ``FileBook`` (``evaltool/io/filebook.py``): calamine values + defined names and tables
  from the package XML; writes through :func:`evaltool.io.patch_cells`.
- ``XlBook`` (``evaltool/io/xlbook.py``): a live xlwings book; whole ranges per call.

Example::

    src = FileBook("returned.xlsx")
    ev = parse_book(src)              # evaltool.io.parse -> Evaluation
    result = engine.evaluate(ev)
    src.apply(build_plan(result), dst="scored.xlsx")
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from evaltool.io.patch_types import Formula
from evaltool.model import CellValue, Location, TableInfo

CellKey = tuple[str, str]  # (sheet name, "B2")

__all__ = ["BookSink", "BookSource", "CellKey", "Formula", "WritePlan"]


@dataclass(frozen=True)
class WritePlan:
    """Everything to write into one book, in bulk.

    ``cells`` values: number, str (always stored as text), bool, None (clear) or Formula.
    ``fills``: RGB hex like ``"FFC7CE"`` marking offending cells. ``notes``: cell notes.
    ``table_refs``: new refs of tables whose row count changes (e.g. ``Checks``).
    """

    cells: Mapping[CellKey, object] = field(default_factory=dict)
    fills: Mapping[CellKey, str | None] = field(default_factory=dict)
    notes: Mapping[CellKey, str | None] = field(default_factory=dict)
    table_refs: Mapping[str, str] = field(default_factory=dict)


@runtime_checkable
class BookSource(Protocol):
    """Read side: what the parser needs from any workbook."""

    label: str  # file path or book name, used in findings

    def sheet_names(self) -> list[str]: ...

    def defined_names(self) -> dict[str, Location]: ...

    def tables(self) -> dict[str, TableInfo]: ...

    def sheet_values(self, sheet: str) -> list[list[CellValue]]:
        """A1-anchored grid of values (blank = None; numbers as float or int)."""
        ...


@runtime_checkable
class BookSink(Protocol):
    """Write side: apply a whole plan in as few round trips as possible."""

    def apply(self, plan: WritePlan) -> None: ...

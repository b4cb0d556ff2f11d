"""The ``Resolver`` protocol: how a formula reaches workbook data.

Why: the formula engine knows nothing about files. The rule engine implements these four
methods over a parsed workbook (or a test builds a dict-backed one); scalars may be
returned for single cells, ``Range`` for blocks. Unknown names raise ``KeyError`` (→ #NAME?),
unknown cells/tables/columns raise ``KeyError`` (→ #REF!).
"""

from __future__ import annotations

from typing import Protocol, TypeAlias

from .values import Range, Value

__all__ = ["Resolver", "Resolved"]

Resolved: TypeAlias = Value | Range


class Resolver(Protocol):
    def name(self, name: str) -> Resolved:
        """Value of a workbook defined name (case-insensitive)."""
        ...

    def cell(self, sheet: str | None, ref: str) -> Resolved:
        """``"B4"``, ``"$B$4"`` or ``"B4:D9"`` on ``sheet`` (None = the current sheet)."""
        ...

    def table(self, table: str | None, column: str | None, item: str | None) -> Range:
        """``Projects[全年执行数]``; column None = whole data body; item ``"#Totals"`` etc."""
        ...

    def this_row(self, table: str | None, column: str) -> Resolved:
        """``[@实际完成值]`` / ``Indicators[@分值]`` for the row being evaluated."""
        ...

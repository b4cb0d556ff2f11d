"""Spreadsheet values: error values, the 2-D ``Range`` and value normalisation.

Why: the evaluator works on exactly five kinds of value, as a spreadsheet does — float,
str, bool, None (a blank cell) and :class:`XLError`. Resolvers may hand back ``int`` or
``Decimal`` (amounts read from a workbook); :func:`normalize` turns them into floats once,
at the boundary, so the operators never have to care.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from decimal import Decimal
from numbers import Real
from typing import TypeAlias

from evaltool.model import EvaltoolError

__all__ = [
    "XLError",
    "ErrorSignal",
    "Range",
    "Value",
    "normalize",
    "DIV0",
    "VALUE",
    "NA",
    "NAME",
    "REF",
    "NUM",
    "NULL",
    "ERRORS",
]


class XLError:
    """A spreadsheet error value such as ``#DIV/0!``; compares equal by code."""

    __slots__ = ("code",)

    def __init__(self, code: str) -> None:
        self.code = code

    def __eq__(self, other: object) -> bool:
        return isinstance(other, XLError) and other.code == self.code

    def __hash__(self) -> int:
        return hash(("XLError", self.code))

    def __repr__(self) -> str:
        return f"XLError({self.code!r})"

    def __str__(self) -> str:
        return self.code


DIV0 = XLError("#DIV/0!")
VALUE = XLError("#VALUE!")
NA = XLError("#N/A")
NAME = XLError("#NAME?")
REF = XLError("#REF!")
NUM = XLError("#NUM!")
NULL = XLError("#NULL!")
ERRORS: dict[str, XLError] = {e.code: e for e in (DIV0, VALUE, NA, NAME, REF, NUM, NULL)}


class ErrorSignal(EvaltoolError):
    """Internal: raised by coercions to abort an operation with an error value."""

    code = "formula_error"

    def __init__(self, error: XLError) -> None:
        super().__init__(error.code)
        self.error = error


Value: TypeAlias = float | str | bool | None | XLError


def normalize(v: object) -> Value:
    """Turn a resolver-supplied scalar into a spreadsheet value (ints/Decimals become float)."""
    t = type(v)
    if t is float or t is str or t is bool or v is None or t is XLError:
        return v  # type: ignore[return-value]
    if isinstance(v, bool):
        return bool(v)
    if isinstance(v, (int, Decimal, Real)):
        f = float(v)  # type: ignore[arg-type]
        return f if math.isfinite(f) else NUM
    if isinstance(v, str):
        return str(v)
    if isinstance(v, XLError):
        return v
    raise TypeError(f"not a spreadsheet value: {v!r}")


class Range:
    """A rectangular block of values (rows × cols); blanks stay ``None``."""

    __slots__ = ("rows",)

    def __init__(self, rows: Iterable[Iterable[object]]) -> None:
        self.rows: list[list[Value]] = [[normalize(v) for v in row] for row in rows]
        if self.rows:
            width = len(self.rows[0])
            if width == 0 or any(len(r) != width for r in self.rows):
                raise ValueError("Range rows must be non-empty and of equal length")

    @classmethod
    def of(cls, rows: list[list[Value]]) -> Range:
        """Wrap already-normalised rows without copying (internal fast path)."""
        r = cls.__new__(cls)
        r.rows = rows
        return r

    @classmethod
    def column(cls, values: Iterable[object]) -> Range:
        """A one-column range."""
        return cls([v] for v in values)

    @classmethod
    def row(cls, values: Iterable[object]) -> Range:
        """A one-row range."""
        return cls([list(values)])

    @property
    def nrows(self) -> int:
        return len(self.rows)

    @property
    def ncols(self) -> int:
        return len(self.rows[0]) if self.rows else 0

    @property
    def shape(self) -> tuple[int, int]:
        return (self.nrows, self.ncols)

    def values(self) -> list[Value]:
        """All values, row by row."""
        return [v for row in self.rows for v in row]

    def __iter__(self) -> Iterator[Value]:
        for row in self.rows:
            yield from row

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Range) and other.rows == self.rows

    def __hash__(self) -> int:
        return hash(tuple(map(tuple, self.rows)))

    def __repr__(self) -> str:
        return f"Range({self.rows!r})"

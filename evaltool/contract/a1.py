"""A1 notation: the one parser and formatter of cell references in evaltool (no dependencies).

Why: readers, the patcher, the formula engine, the rules, write-back, intake limits and the
summary all turn ``"$B$5"`` into (row, column) and back; one module keeps their edge cases
(``$``, lower case, whole columns, cells outside the sheet) the same everywhere. A test greps
the source for A1 parsing written anywhere else.

Example:

>>> column_letters(28), column_index("AB"), cell_name(5, 2)
('AB', 28, 'B5')
>>> split_cell("$b$5")
(5, 2)
>>> split_range("D9:$B$4")
(4, 2, 9, 4)
>>> parse_part("C"), parse_part("7"), parse_part("B0")
((0, 3), (7, 0), None)
>>> absolute("A5:N30")
'$A$5:$N$30'
>>> first_cell("'预算执行'!$B$5:$D$5".split("!")[1])
'B5'
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["MAX_ROW", "MAX_COL", "column_letters", "column_index", "cell_name", "parse_part",
           "split_cell", "split_range", "absolute", "first_cell", "row_of"]

MAX_ROW = 1_048_576
MAX_COL = 16_384

_PART = re.compile(r"\$?([A-Za-z]{1,3})?\$?(\d+)?")


def column_letters(col: int) -> str:
    """1 → ``A``, 27 → ``AA``, 16384 → ``XFD``."""
    out = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def column_index(letters: str) -> int:
    """``A`` → 1, ``AB`` → 28 (case-insensitive, ``$`` ignored)."""
    n = 0
    for ch in letters.replace("$", "").upper():
        n = n * 26 + ord(ch) - 64
    return n


def cell_name(row: int, col: int) -> str:
    """(5, 2) → ``B5``."""
    return f"{column_letters(col)}{row}"


@lru_cache(maxsize=65536)
def parse_part(text: str) -> tuple[int, int] | None:
    """One end of a reference, unchecked against the sheet size: ``"$B$4"`` → (4, 2),
    ``"B"`` (whole column) → (0, 2), ``"4"`` (whole row) → (4, 0); None when it is not A1
    (empty, four letters, row 0, anything else)."""
    m = _PART.fullmatch(text.strip())
    if m is None or (m.group(1) is None and m.group(2) is None):
        return None
    row = int(m.group(2)) if m.group(2) else 0
    if m.group(2) and row == 0:
        return None
    return row, column_index(m.group(1)) if m.group(1) else 0


@lru_cache(maxsize=65536)
def split_cell(ref: str) -> tuple[int, int]:
    """``"B2"`` (``$`` allowed, any case) → ``(row 2, col 2)``; ValueError unless it is one
    cell inside the sheet (1..1048576, A..XFD)."""
    rc = parse_part(ref)
    if rc is None or rc[0] == 0 or rc[1] == 0:
        raise ValueError(f"not a cell reference: {ref!r}")
    if rc[0] > MAX_ROW or rc[1] > MAX_COL:
        raise ValueError(f"cell reference outside the sheet: {ref!r}")
    return rc


def split_range(ref: str) -> tuple[int, int, int, int]:
    """``"$B$4:D9"`` or ``"B4"`` → (row1, col1, row2, col2), 1-based, inclusive, normalised;
    whole columns (``"B:C"``) give rows 0..0. ValueError when an end is not A1."""
    ends = [parse_part(p) for p in ref.split(":")]
    if not 1 <= len(ends) <= 2 or any(e is None or e[1] == 0 for e in ends):
        raise ValueError(f"not a cell range: {ref!r}")
    (r1, c1), (r2, c2) = ends[0], ends[-1]  # type: ignore[misc]
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def absolute(ref: str) -> str:
    """``"B3"`` → ``"$B$3"``, ``"A5:N30"`` → ``"$A$5:$N$30"`` (ends that are not A1 kept as they are)."""
    out = []
    for part in ref.split(":"):
        rc = parse_part(part)
        if rc is None or 0 in rc:
            out.append(part)
        else:
            out.append(f"${column_letters(rc[1])}${rc[0]}")
    return ":".join(out)


def first_cell(ref: str) -> str:
    """The top-left cell of a reference without ``$``: ``"$B$5:$D$5"`` → ``"B5"``."""
    return ref.replace("$", "").split(":")[0].upper()


def row_of(ref: str) -> int:
    """The row of a reference's first cell (``"$C$24"`` → 24); 0 when there is none."""
    rc = parse_part(ref.split(":")[0])
    return rc[0] if rc else 0

"""A1 notation helpers shared by every part of evaltool (no dependencies).

Example::

    column_letters(28)      # 'AB'
    column_index("AB")      # 28
    cell_name(5, 2)         # 'B5'
"""

from __future__ import annotations

__all__ = ["column_letters", "column_index", "cell_name"]


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

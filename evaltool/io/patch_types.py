"""Value types of the package patcher: ``Formula``, ``PatchError`` and cell-value rendering.

Why: the rules for turning a Python value into a SpreadsheetML ``<c>`` body live in one place,
and the one rule that matters most is here: a ``str`` is *always* stored as text (an inline
string), never as a formula, whatever it starts with. Only an explicit ``Formula`` object
writes ``<f>``, so untrusted text can never become a formula.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from decimal import Decimal

from evaltool.contract.a1 import cell_name, split_cell
from evaltool.io.patch_xml import escape_text, ooxml_escape
from evaltool.model import EvaltoolError

__all__ = [
    "Formula",
    "PatchError",
    "CachedValue",
    "CellValue",
    "XL_ERRORS",
    "render_body",
    "parse_ref",
    "format_ref",
]

XL_ERRORS = frozenset(
    {
        "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
        "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
    }
)  # fmt: skip
"""Strings that a ``Formula.cached`` value is written as an error (``t="e"``) for."""

CachedValue = float | int | Decimal | str | bool | None
MAX_TEXT = 32767


class PatchError(EvaltoolError):
    """A patch cannot be applied; the message names the file, sheet and cell concerned.

    ``file``, ``part`` (zip member) and ``cause`` are also kept apart for callers that render
    their own message; ``part`` is None when the failure is not about one member.
    """

    code = "patch"

    def __init__(self, message: str, *, file: str | None = None, part: str | None = None, cause: str | None = None) -> None:
        super().__init__(message)
        self.file = file
        self.part = part
        self.cause = cause if cause is not None else message


@dataclass(frozen=True)
class Formula:
    """A formula to write, with the value Python computed for it.

    ``text`` uses US-English function names and comma separators; the leading ``=`` is
    optional. ``cached`` is written as the cell's cached value so readers that never
    recalculate (calamine, pandas) see it: a number, a str (``t="str"``), a bool
    (``t="b"``), an Excel error string from ``XL_ERRORS`` such as ``"#DIV/0!"`` (``t="e"``),
    or None (no cached value; Excel/LibreOffice compute it on open).
    """

    text: str
    cached: CachedValue = None

    @property
    def normalized(self) -> str:
        """Formula text with the leading ``=``."""
        return "=" + self.body

    @property
    def body(self) -> str:
        """Formula text without the leading ``=`` (as stored in ``<f>``)."""
        return self.text[1:] if self.text.startswith("=") else self.text


CellValue = float | int | Decimal | str | bool | Formula | None

def format_ref(row: int, col: int) -> str:
    return cell_name(row, col)


#: ``"B2"`` (``$`` allowed, any case) -> ``(row 2, col 2)``; ValueError if invalid (cached).
parse_ref = split_cell


NUMBER_TYPES = (numbers.Real, Decimal)
"""Accepted as numbers: int, float, Decimal and anything registered as numbers.Real (numpy)."""


def _number(value: float | int | Decimal) -> str:
    if isinstance(value, numbers.Integral):
        return str(int(value))
    f = float(value)
    if not math.isfinite(f):
        raise ValueError(f"number {value!r} cannot be stored in a cell")
    text = repr(f)
    return text[:-2] if text.endswith(".0") else text


def _inline(text: str) -> str:
    if len(text) > MAX_TEXT:
        raise ValueError(f"text of {len(text)} characters exceeds Excel's {MAX_TEXT}")
    return escape_text(ooxml_escape(text))


def render_body(value: CellValue, prefix: str) -> tuple[str | None, str]:
    """``(t attribute or None, inner XML)`` for a cell holding ``value``.

    ``prefix`` is the SpreadsheetML namespace prefix of the sheet (``""`` or ``"x:"``).
    Raises ValueError (turned into PatchError by the caller) for unstorable values.
    """
    p = prefix
    if value is None:
        return None, ""
    if isinstance(value, Formula):
        body = value.body.strip()
        if not body:
            raise ValueError("empty formula")
        f = f"<{p}f>{escape_text(body)}</{p}f>"
        cached = value.cached
        if cached is None:
            return None, f
        if isinstance(cached, bool):
            return "b", f"{f}<{p}v>{int(cached)}</{p}v>"
        if isinstance(cached, NUMBER_TYPES):
            return None, f"{f}<{p}v>{_number(cached)}</{p}v>"
        if isinstance(cached, str):
            if cached in XL_ERRORS:
                return "e", f"{f}<{p}v>{cached}</{p}v>"
            return "str", f"{f}<{p}v>{_inline(cached)}</{p}v>"
        raise ValueError(f"unsupported cached value type {type(cached).__name__}")
    if isinstance(value, bool):
        return "b", f"<{p}v>{int(value)}</{p}v>"
    if isinstance(value, NUMBER_TYPES):
        return None, f"<{p}v>{_number(value)}</{p}v>"
    if isinstance(value, str):
        space = ' xml:space="preserve"' if value != value.strip() or "\n" in value else ""
        return "inlineStr", f"<{p}is><{p}t{space}>{_inline(value)}</{p}t></{p}is>"
    raise ValueError(f"unsupported cell value type {type(value).__name__}")

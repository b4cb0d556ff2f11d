"""``FormulaSyntaxError``: a formula that cannot be parsed, with the offending position.

Why: rule sheets are written by finance staff in Excel syntax; a message that points at the
character (and suggests the half-width operator they meant) is the whole user interface.
"""

from __future__ import annotations

from evaltool.model import EvaltoolError

__all__ = ["FormulaSyntaxError"]


class FormulaSyntaxError(EvaltoolError, ValueError):
    """Raised for unparsable formulas. ``position`` is a 0-based offset into ``text``."""

    code = "formula_syntax"

    def __init__(self, message: str, position: int, text: str = "") -> None:
        self.message = message
        self.position = position
        self.text = text
        super().__init__(message, position)

    def __str__(self) -> str:
        where = f"第 {self.position + 1} 个字符 (position {self.position})"
        if self.text:
            snippet = self.text[max(0, self.position - 15): self.position + 15]
            return f"{self.message}: {where}, 附近 {snippet!r}"
        return f"{self.message}: {where}"

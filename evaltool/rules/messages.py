"""提示信息 placeholders: ``{name}`` and ``{@列名}``, as Python text and as a formula.

Why: the same message must read the same in the CLI (Python) and in the 校验结果 sheet (a
live formula LibreOffice/Excel recompute). Money shows as ``#,##0.00``, rates as ``0.00%``
(spreadsheet rounding, half away from zero), anything else as spreadsheet General text. The
message text is untrusted (it comes from the workbook): it only ever becomes a quoted string
literal; a placeholder becomes a formula reference only when it names a known defined name or
a column of the rule's own table.

Example::

    format_value(18902744.6, "money")   # "18,902,744.60"
    format_value(0.095954, "rate")      # "9.60%"
    message_formula("差异率{variance_rate}", {"variance_rate": ("variance_rate", "rate")})
    # '"差异率"&TEXT(variance_rate,"0.00%")'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from evaltool.formula import Value, XLError
from evaltool.formula.coerce import number_to_text
from evaltool.rules.fields import FORMATS, ValueKind
from evaltool.rules.ruleset import Placeholder, placeholders_of

__all__ = ["format_value", "render_text", "message_formula", "string_literal"]

_CHUNK = 250  # Excel limits a string literal in a formula to 255 characters


def _dec(x: float) -> Decimal:
    return Decimal(format(x, ".15g"))


def format_value(v: Value, kind: ValueKind | str) -> str:
    """``v`` as ``TEXT(v, fmt)`` would show it (money/rate) or as General text."""
    if isinstance(v, XLError):
        return v.code
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, str):
        return v
    if kind in FORMATS:
        x = 0.0 if v is None else float(v)
        if kind == "money":
            d = _dec(x).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            return f"{d:,.2f}"
        d = (_dec(x) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return f"{d:.2f}%"
    if v is None:
        return ""
    return number_to_text(float(v))


def render_text(
    message: str,
    placeholders: Sequence[Placeholder],
    lookup: Callable[[Placeholder], tuple[Value, str] | None],
) -> tuple[str, XLError | None]:
    """Fill placeholders with formatted values; also returns the first error value met."""
    out: list[str] = []
    pos = 0
    error: XLError | None = None
    for ph in placeholders:
        out.append(message[pos:ph.start])
        got = lookup(ph)
        if got is None:
            out.append(message[ph.start:ph.end])
        else:
            value, kind = got
            if isinstance(value, XLError) and error is None:
                error = value
            out.append(format_value(value, kind))
        pos = ph.end
    out.append(message[pos:])
    return "".join(out), error


def string_literal(text: str) -> str:
    """A formula expression for ``text``: quoted, ``"`` doubled, split into ≤250-char pieces."""
    if not text:
        return '""'
    parts = [text[i:i + _CHUNK] for i in range(0, len(text), _CHUNK)]
    return "&".join('"' + p.replace('"', '""') + '"' for p in parts)


def message_formula(
    message: str,
    refs: Mapping[str, tuple[str, str]] | Callable[[Placeholder], tuple[str, str] | None],
    placeholders: Sequence[Placeholder] | None = None,
) -> str:
    """The message as a formula string expression; placeholders become TEXT(ref, fmt).

    ``refs`` maps a placeholder key (or a callable given the Placeholder) to
    ``(formula reference text, kind)``; unknown placeholders stay literal text.
    """
    if placeholders is None:
        placeholders = placeholders_of(message)

    def find(ph: Placeholder) -> tuple[str, str] | None:
        if callable(refs):
            return refs(ph)
        return refs.get(("@" if ph.row else "") + ph.key)

    pieces: list[str] = []
    literal = ""
    pos = 0
    for ph in placeholders:
        literal += message[pos:ph.start]
        got = find(ph)
        if got is None:
            literal += message[ph.start:ph.end]
        else:
            if literal:
                pieces.append(string_literal(literal))
                literal = ""
            ref, kind = got
            fmt = FORMATS.get(kind)
            pieces.append(f'TEXT({ref},"{fmt}")' if fmt else f"({ref}&\"\")")
        pos = ph.end
    literal += message[pos:]
    if literal or not pieces:
        pieces.append(string_literal(literal))
    return "&".join(pieces)

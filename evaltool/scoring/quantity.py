"""Read one row's 年度目标值 / 实际完成值 into (Python number, formula expression) pairs.

Why: cells hold numbers, numeric text ("800", "95%"), ranges ("80~120") or approximate
Chinese wording ("近800名", "三十余场次"). Each form needs a Python value *and* a formula
expression that computes the same number in Excel: a number is referenced directly, numeric
text through ``VALUE()``, an ASCII range through ``LEFT/MID``. Approximate wording cannot be
parsed by Excel, so its conservative bound (``evaltool.quantities.fuzzy``: the low end for ≥, the
high end for ≤) is written as a literal and the score says so in its note.

Example::

    read_actual("近800名", "≥", "'绩效指标'!J5", epsilon=0.1)
    # Actual(value=720.0, expr='720', guard=None, fuzzy_note=('fuzzy_low', '近800名', '720'))
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from evaltool.model import CellValue
from evaltool.quantities import percent_in_wrong_unit
from evaltool.quantities.fuzzy import parse_quantity
from evaltool.scoring.completion import Target, norm_direction
from evaltool.scoring.xl import lit

__all__ = ["Actual", "read_actual", "read_target", "plain_number", "TargetRead"]

_NUM = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?$")


def plain_number(value: str) -> float | None:
    """``"800"``, ``" 95% "`` → 800.0, 0.95 (forms Excel's VALUE() reads the same); else None."""
    s = value.strip()
    if not _NUM.match(s):
        return None
    if s.endswith("%"):
        return float(s[:-1]) / 100
    return float(s)


@dataclass(frozen=True)
class Actual:
    """``kind``: blank | number | text (a tier name) | fuzzy | bad."""

    kind: str
    value: float | str | None
    expr: str  # formula expression for x
    guard: str | None  # the cell to test for blank (IF(guard="",0,…)), None for literals
    note: tuple[str, str, str] | None = None  # (message code, text, bound) for fuzzy values


def _number(v: CellValue) -> float | None:
    if isinstance(v, bool) or isinstance(v, datetime):
        return None
    if isinstance(v, (int, float, Decimal)):
        f = float(v)
        return f if math.isfinite(f) else None
    return None


def read_actual(value: CellValue, direction: str, ref: str, *, text_x: bool = False,
                epsilon: float = 0.1, fallback: str = "", unit: str = "") -> Actual:
    """The x of a row from its 实际完成值 cell ``ref`` (tier text when ``text_x``).

    ``fallback`` is the row's 计分值 cell (template 2.0): for approximate text the formula reads
    ``IF(ISNUMBER(J),J,计分值)`` — the conservative bound evaltool writes there, until the filler
    corrects J to a number, which the live formula then uses. Without it (1.x) the bound is a
    literal in the formula. A percentage typed for an indicator counted in another ``unit``
    is not a number of it ("bad").
    """
    if value is None or value == "":  # exactly what Excel's J5="" tests
        return Actual("blank", None, ref, ref)
    if text_x:
        return Actual("text", str(value), ref, ref)
    if percent_in_wrong_unit(value, unit):
        return Actual("bad", None, ref, ref)
    n = _number(value)
    if n is not None:
        return Actual("number", n, ref, ref)
    if not isinstance(value, str):
        return Actual("bad", None, ref, ref)
    p = plain_number(value)
    if p is not None:
        return Actual("number", p, f"VALUE({ref})", ref)
    iv = parse_quantity(value, epsilon=epsilon)
    if iv is None:
        return Actual("bad", None, ref, ref)
    bound = iv.bound_for(norm_direction(direction))
    if not math.isfinite(bound):
        return Actual("fuzzy_unbounded", None, ref, ref)
    code = "score.fuzzy_high" if norm_direction(direction) == "≤" else "score.fuzzy_low"
    if fallback:
        return Actual("fuzzy", bound, f"IF(ISNUMBER({ref}),{ref},{fallback})", ref,
                      (code, value.strip(), lit(bound)))
    return Actual("fuzzy", bound, lit(bound), None, (code, value.strip(), lit(bound)))


@dataclass(frozen=True)
class TargetRead:
    target: Target | None
    exprs: tuple[str, str]  # (lo, hi) formula expressions
    live: bool = True  # the expressions read the cell (False: literal numbers)


_RANGE = re.compile(r"^\s*([+-]?[\d.]+%?)\s*[~～]\s*([+-]?[\d.]+%?)\s*$")


def read_target(value: CellValue, ref: str) -> TargetRead:
    """The target of a row from its 年度目标值 cell ``ref``; ``target`` None when unreadable."""
    n = _number(value)
    if n is not None:
        return TargetRead(Target(n, n), (ref, ref))
    if not isinstance(value, str) or not value.strip():
        return TargetRead(None, (ref, ref))
    p = plain_number(value)
    if p is not None:
        return TargetRead(Target(p, p), (f"VALUE({ref})", f"VALUE({ref})"))
    m = _RANGE.match(value)
    if m:
        a, b = plain_number(m.group(1)), plain_number(m.group(2))
        if a is not None and b is not None and a <= b:
            if "～" in value or " " in value:  # keep the formula simple: literal bounds
                return TargetRead(Target(a, b), (lit(a), lit(b)), live=False)
            lo = f'VALUE(LEFT({ref},FIND("~",{ref})-1))'
            hi = f'VALUE(MID({ref},FIND("~",{ref})+1,99))'
            return TargetRead(Target(a, b), (lo, hi))
    iv = parse_quantity(value)
    if iv is not None and iv.is_point and not iv.blur:
        return TargetRead(Target(iv.low, iv.low), (lit(iv.low), lit(iv.low)), live=False)
    return TargetRead(None, (ref, ref))

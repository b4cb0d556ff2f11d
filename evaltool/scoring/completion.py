"""完成率 / 偏差率 of one indicator row, as a Python value and as the equal Excel formula.

Why: the ratio-type scoring methods and the ``完成率/偏差率`` column share one definition of
"how far is the actual from the target" per 指标方向, so it lives in one place:

- ``≥``  achievement ``x/t``   (t = 0 → met, 1)
- ``≤``  achievement ``t/x``   (x = 0 → met, 1; t = 0 < x → 0)
- ``=``  achievement ``1-|x-t|/|t|``; the column shows the deviation ``(x-t)/t``
- ``区间`` a~b: 1 inside, ``x/a`` below, ``b/x`` above

Example::

    achievement(95, Target(100, 100), "≥")          # 0.95
    achievement_formula("J5", ("I5", "I5"), "≥")    # 'IF(I5=0,1,J5/I5)'
"""

from __future__ import annotations

from dataclasses import dataclass

from evaltool.scoring.xl import gt, lt

__all__ = ["Target", "DIRECTIONS", "norm_direction", "achievement", "achievement_formula",
           "column_value", "column_formula"]

DIRECTIONS = ("≥", "≤", "=", "区间")
_ALIASES = {">=": "≥", "＞＝": "≥", "≧": "≥", "<=": "≤", "≦": "≤", "＝": "=", "==": "=",
            "~": "区间", "～": "区间", "介于": "区间"}


@dataclass(frozen=True)
class Target:
    """A target as a closed interval; a plain target is the point ``lo == hi``."""

    lo: float
    hi: float


def norm_direction(direction: str | None) -> str:
    """The canonical 指标方向 (blank or unknown → ``≥``, the common case)."""
    d = (direction or "").strip()
    d = _ALIASES.get(d, d)
    return d if d in DIRECTIONS else "≥"


def achievement(x: float, target: Target, direction: str) -> float:
    """The achievement share (1 = target met exactly) before any cap or floor."""
    d = norm_direction(direction)
    t = target.lo
    if d == "≤":
        t = target.hi
        return 1.0 if x == 0 else t / x
    if d == "=":
        if t == 0:
            return 1.0 if x == 0 else 0.0
        return 1 - abs(x - t) / abs(t)
    if d == "区间":
        a, b = target.lo, target.hi
        if lt(x, a):
            return 0.0 if a == 0 else x / a
        if gt(x, b):
            return 1.0 if x == 0 else b / x
        return 1.0
    return 1.0 if t == 0 else x / t


def achievement_formula(x: str, target: tuple[str, str], direction: str) -> str:
    """Formula text equal to :func:`achievement` over the expressions ``x`` and (lo, hi)."""
    d = norm_direction(direction)
    lo, hi = target
    if d == "≤":
        return f"IF({x}=0,1,{hi}/{x})"
    if d == "=":
        return f"IF({lo}=0,IF({x}=0,1,0),1-ABS({x}-{lo})/ABS({lo}))"
    if d == "区间":
        return f"IF({x}<{lo},IF({lo}=0,0,{x}/{lo}),IF({x}>{hi},IF({x}=0,1,{hi}/{x}),1))"
    return f"IF({lo}=0,1,{x}/{lo})"


def column_value(x: float, target: Target, direction: str) -> float | None:
    """The 完成率/偏差率 column: None (blank) where the ratio is undefined."""
    d = norm_direction(direction)
    if d == "≥":
        return None if target.lo == 0 else x / target.lo
    if d == "≤":
        return None if x == 0 else target.hi / x
    if d == "=":
        return None if target.lo == 0 else (x - target.lo) / target.lo
    return achievement(x, target, d)


def column_formula(x: str, target: tuple[str, str], direction: str) -> str:
    """Formula text equal to :func:`column_value` (``""`` where it is None)."""
    d = norm_direction(direction)
    lo, hi = target
    if d == "≥":
        return f'IF({lo}=0,"",{x}/{lo})'
    if d == "≤":
        return f'IF({x}=0,"",{hi}/{x})'
    if d == "=":
        return f'IF({lo}=0,"",({x}-{lo})/{lo})'
    return achievement_formula(x, target, d)

"""The function table and the argument helpers every function implementation shares.

Why: one place says which functions exist, how many arguments they take (checked at parse
time) and whether they are *lazy* (get thunks, so IF evaluates only the branch taken).
Eager functions get evaluated arguments: a reference arrives as a :class:`Range` (so
aggregates can ignore its text and blanks), a literal or expression as a plain value.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..coerce import scalar, to_bool, to_number, to_text
from ..values import NUM, ErrorSignal, Range, Value, XLError

__all__ = [
    "FunctionSpec",
    "FUNCTIONS",
    "FUTURE_FUNCTIONS",
    "register",
    "canonical_name",
    "numbers",
    "num",
    "text",
    "boolean",
    "as_rows",
    "kahan_sum",
]

Arg = Value | Range


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    name: str
    impl: Callable[..., Any]
    min_args: int
    max_args: int | None
    lazy: bool = False


FUNCTIONS: dict[str, FunctionSpec] = {}
# Functions Excel stores with an _xlfn. prefix in files (added by the renderer).
FUTURE_FUNCTIONS = frozenset({"IFNA", "RANK.EQ"})
_ALIASES = {"RANK.EQ": "RANK"}


def canonical_name(name: str) -> str:
    """Upper-case name without ``_xlfn.``/``_xlws.`` prefixes, aliases folded."""
    u = name.upper()
    for prefix in ("_XLFN._XLWS.", "_XLFN.", "_XLWS."):
        if u.startswith(prefix):
            u = u[len(prefix):]
    return _ALIASES.get(u, u)


def register(
    name: str, min_args: int, max_args: int | None, *, lazy: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: add ``impl`` to :data:`FUNCTIONS` under ``name``."""

    def deco(impl: Callable[..., Any]) -> Callable[..., Any]:
        FUNCTIONS[name] = FunctionSpec(name, impl, min_args, max_args, lazy)
        return impl

    return deco


def num(v: Arg) -> float:
    """A scalar argument as a number (1×1 ranges unwrap; larger ranges are #VALUE!)."""
    return to_number(scalar(v))


def text(v: Arg) -> str:
    return to_text(scalar(v))


def boolean(v: Arg) -> bool:
    return to_bool(scalar(v))


def as_rows(v: Arg) -> list[list[Value]]:
    """Rows of a range, or a scalar as a 1×1 block."""
    if type(v) is Range:
        return v.rows  # type: ignore[union-attr]
    return [[v]]  # type: ignore[list-item]


def numbers(args: Iterable[Arg]) -> Iterator[float]:
    """Numbers for SUM/AVERAGE/...: ranges give their numbers only (text, booleans and blanks
    skipped, errors raised); direct arguments are coerced (``"3"`` → 3, ``"x"`` → #VALUE!)."""
    for a in args:
        if type(a) is Range:
            for v in a:  # type: ignore[union-attr]
                t = type(v)
                if t is float:
                    yield v  # type: ignore[misc]
                elif t is XLError:
                    raise ErrorSignal(v)  # type: ignore[arg-type]
        elif a is not None:
            yield to_number(a)  # type: ignore[arg-type]  # not a Range: `type(a) is` does not narrow


def kahan_sum(values: Iterable[float]) -> float:
    """Neumaier-compensated sum, as LibreOffice's SUM (7.x ``KahanSum``)."""
    total = 0.0
    comp = 0.0
    for x in values:
        t = total + x
        if abs(total) >= abs(x):
            comp += (total - t) + x
        else:
            comp += (x - t) + total
        total = t
    result = total + comp
    if not math.isfinite(result):
        raise ErrorSignal(NUM)
    return result

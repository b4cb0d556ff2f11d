"""Logic and information functions: IF, IFERROR, IFNA, AND, OR, NOT, IS*.

Why: IF/IFERROR/IFNA are *lazy* — the branch not taken is never evaluated, so
``IF(B2=0,"",C2/B2)`` costs nothing and raises nothing when B2 is 0. AND/OR evaluate all
their arguments, as LibreOffice and Excel do: ``AND(FALSE,1/0)`` is #DIV/0!, not FALSE.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..coerce import scalar, to_bool
from ..values import NA, VALUE, ErrorSignal, Range, Value, XLError
from .registry import Arg, boolean, register

Thunk = Callable[[Any], Any]


def _error_of(v: Arg) -> XLError | None:
    s = scalar(v) if type(v) is Range and v.nrows == 1 and v.ncols == 1 else v  # type: ignore[union-attr]
    return s if type(s) is XLError else None  # type: ignore[return-value]


@register("IF", 1, 3, lazy=True)
def IF(resolver: Any, args: tuple[Thunk, ...]) -> Arg:
    cond = scalar(args[0](resolver))
    if type(cond) is XLError:
        return cond
    if to_bool(cond):
        return args[1](resolver) if len(args) > 1 else True
    return args[2](resolver) if len(args) > 2 else False


@register("IFERROR", 2, 2, lazy=True)
def IFERROR(resolver: Any, args: tuple[Thunk, ...]) -> Arg:
    v = args[0](resolver)
    return args[1](resolver) if _error_of(v) is not None else v


@register("IFNA", 2, 2, lazy=True)
def IFNA(resolver: Any, args: tuple[Thunk, ...]) -> Arg:
    v = args[0](resolver)
    return args[1](resolver) if _error_of(v) == NA else v


def _logicals(args: Iterable[Arg]) -> Iterator[bool]:
    for a in args:
        if type(a) is Range:
            for v in a:  # type: ignore[union-attr]
                t = type(v)
                if t is bool:
                    yield v  # type: ignore[misc]
                elif t is float:
                    yield v != 0.0
                elif t is XLError:
                    raise ErrorSignal(v)  # type: ignore[arg-type]
        elif type(a) is str:
            raise ErrorSignal(VALUE)  # AND("TRUE") is #VALUE! (text is not a logical argument)
        elif a is not None:
            yield to_bool(a)  # type: ignore[arg-type]  # not a Range: `type(a) is` does not narrow


@register("AND", 1, None)
def AND(*args: Arg) -> bool:
    vals = list(_logicals(args))
    if not vals:
        raise ErrorSignal(VALUE)
    return all(vals)


@register("OR", 1, None)
def OR(*args: Arg) -> bool:
    vals = list(_logicals(args))
    if not vals:
        raise ErrorSignal(VALUE)
    return any(vals)


@register("NOT", 1, 1)
def NOT(x: Arg) -> bool:
    return not boolean(x)


def _info(pred: Callable[[Value], bool]) -> Callable[[Arg], bool]:
    def impl(x: Arg) -> bool:
        return pred(scalar(x))

    return impl


register("ISBLANK", 1, 1)(_info(lambda v: v is None))
register("ISNUMBER", 1, 1)(_info(lambda v: type(v) is float))
register("ISTEXT", 1, 1)(_info(lambda v: type(v) is str))
register("ISNONTEXT", 1, 1)(_info(lambda v: type(v) is not str))
register("ISLOGICAL", 1, 1)(_info(lambda v: type(v) is bool))
register("ISERROR", 1, 1)(_info(lambda v: type(v) is XLError))
register("ISNA", 1, 1)(_info(lambda v: v == NA))
register("ISERR", 1, 1)(_info(lambda v: type(v) is XLError and v != NA))

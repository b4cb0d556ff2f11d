"""The registry of scoring-method kinds: each a pure (value, formula) pair for one row.

Why: a scoring method is data (a ``Methods`` row: kind + ``参数``), and for every kind the
Python score and the live Excel formula are written side by side so they cannot drift; the
LibreOffice parity tests hold them equal. Both functions return the *raw* score in points
(before ``ROUND``), ``value`` also a short note. Bad parameters raise :class:`ParamError`.

Kinds (parameters as in the framework files):

- ``ratio``              W·min(cap, max(0, 完成率))                          ``cap=1``
- ``inverse_ratio``      W·min(cap, 目标/实际) (实际 0 → full)                 ``cap=1``
- ``deduct_per_pp``      max(floor, W − per_pp·超出百分点)   ``threshold; per_pp; side=above|below; floor=0``
- ``bands``              W·share of the first band reached  ``edges=0.9,0.8; shares=1,0.8,0; side=high|low``
- ``linear``             W·clamp((x−zero)/(full−zero), 0, 1)                 ``full; zero``
- ``checklist``          count: min(W, per_item·min(items, x)); deduct: max(0, W − per_item·x)
- ``qualitative``        W·tiers[x]                                          ``tiers=达成=1,部分达成=0.8,…``
- ``over_target_penalty`` like ratio, but W·(1−penalty) when 完成率−1 > threshold
- ``categorical``        W·map[x]                                            ``map=无结余=1,…``

Example::

    k = KINDS["ratio"]
    k.value(Row(95.0, Target(100, 100), 10.0, "≥"), {"cap": "1"})     # (9.5, '')
    k.formula(Cells("J5", ("I5", "I5"), "F5", "≥"), {"cap": "1"})
    # 'F5*MIN(1,MAX(0,IF(I5=0,1,J5/I5)))'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from evaltool.scoring.completion import Target, achievement, achievement_formula
from evaltool.scoring.params import ParamError, choice, mapping, number, numbers
from evaltool.scoring.xl import ge, gt, le, lit, text_lit

__all__ = ["Row", "Cells", "Kind", "KINDS", "register", "tier_share", "tier_formula", "xl_trim"]

P = Mapping[str, str]


@dataclass(frozen=True)
class Row:
    """Python inputs of one row: x (number, tier text or None), target, weight, direction."""

    x: float | str | None
    target: Target | None
    weight: float
    direction: str


@dataclass(frozen=True)
class Cells:
    """Formula expressions of the same row: x, target (lo, hi), weight, direction."""

    x: str
    target: tuple[str, str]
    weight: str
    direction: str


@dataclass(frozen=True)
class Kind:
    name: str
    value: Callable[[Row, P], tuple[float, str]]
    formula: Callable[[Cells, P], str]
    needs_target: bool = False
    text_x: bool = False  # x is a tier name, not a number
    tier_key: str | None = None  # the parameter holding the tier map (qualitative/categorical)


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


def _num(row: Row) -> float:
    assert isinstance(row.x, float)
    return row.x


def _target(row: Row) -> Target:
    assert row.target is not None
    return row.target


# --- ratio ---------------------------------------------------------------------------
def _ratio_v(row: Row, p: P) -> tuple[float, str]:
    cap = number(p, "cap", 1.0)
    c = achievement(_num(row), _target(row), row.direction)
    return row.weight * min(cap, max(0.0, c)), ""


def _ratio_f(c: Cells, p: P) -> str:
    cap = number(p, "cap", 1.0)
    return f"{c.weight}*MIN({lit(cap)},MAX(0,{achievement_formula(c.x, c.target, c.direction)}))"


register(Kind("ratio", _ratio_v, _ratio_f, needs_target=True))


# --- inverse_ratio ---------------------------------------------------------------------
def _inv_v(row: Row, p: P) -> tuple[float, str]:
    cap = number(p, "cap", 1.0)
    x, t = _num(row), _target(row).hi
    c = 1.0 if x == 0 else t / x
    return row.weight * min(cap, max(0.0, c)), ""


def _inv_f(c: Cells, p: P) -> str:
    cap = number(p, "cap", 1.0)
    return f"{c.weight}*MIN({lit(cap)},MAX(0,IF({c.x}=0,1,{c.target[1]}/{c.x})))"


register(Kind("inverse_ratio", _inv_v, _inv_f, needs_target=True))


# --- deduct_per_pp ---------------------------------------------------------------------
def _dpp(p: P) -> tuple[float, float, str, float]:
    return (number(p, "threshold"), number(p, "per_pp"),
            choice(p, "side", ("above", "below")), number(p, "floor", 0.0))


def _dpp_v(row: Row, p: P) -> tuple[float, str]:
    threshold, per_pp, side, floor = _dpp(p)
    x = _num(row)
    excess = (x - threshold) * 100 if side == "above" else (threshold - x) * 100
    return max(floor, row.weight - per_pp * max(0.0, excess)), ""


def _dpp_f(c: Cells, p: P) -> str:
    threshold, per_pp, side, floor = _dpp(p)
    diff = f"({c.x}-{lit(threshold)})" if side == "above" else f"({lit(threshold)}-{c.x})"
    return f"MAX({lit(floor)},{c.weight}-{lit(per_pp)}*MAX(0,{diff}*100))"


register(Kind("deduct_per_pp", _dpp_v, _dpp_f))


# --- bands -----------------------------------------------------------------------------
def _bands(p: P) -> tuple[tuple[float, ...], tuple[float, ...], str]:
    edges, shares = numbers(p, "edges"), numbers(p, "shares")
    if len(shares) != len(edges) + 1:
        raise ParamError("score.param_bands_len", "shares", p.get("shares", ""))
    return edges, shares, choice(p, "side", ("high", "low"))


def _bands_v(row: Row, p: P) -> tuple[float, str]:
    edges, shares, side = _bands(p)
    x = _num(row)
    reached = ge if side == "high" else le
    for edge, share in zip(edges, shares, strict=False):
        if reached(x, edge):
            return row.weight * share, ""
    return row.weight * shares[-1], ""


def _bands_f(c: Cells, p: P) -> str:
    edges, shares, side = _bands(p)
    op = ">=" if side == "high" else "<="
    expr = lit(shares[-1])
    for edge, share in reversed(list(zip(edges, shares, strict=False))):
        expr = f"IF({c.x}{op}{lit(edge)},{lit(share)},{expr})"
    return f"{c.weight}*{expr}"


register(Kind("bands", _bands_v, _bands_f))


# --- linear ----------------------------------------------------------------------------
def _lin(p: P) -> tuple[float, float]:
    full, zero = number(p, "full"), number(p, "zero")
    if full == zero:
        raise ParamError("score.param_linear_equal", "zero", p.get("zero", ""))
    return full, zero


def _lin_v(row: Row, p: P) -> tuple[float, str]:
    full, zero = _lin(p)
    share = (_num(row) - zero) / (full - zero)
    return row.weight * max(0.0, min(1.0, share)), ""


def _lin_f(c: Cells, p: P) -> str:
    full, zero = _lin(p)
    return f"{c.weight}*MAX(0,MIN(1,({c.x}-{lit(zero)})/({lit(full)}-{lit(zero)})))"


register(Kind("linear", _lin_v, _lin_f))


# --- checklist -------------------------------------------------------------------------
def _chk(p: P) -> tuple[float, float, str]:
    return (number(p, "items"), number(p, "per_item", 1.0),
            choice(p, "mode", ("deduct", "count")))


def _chk_v(row: Row, p: P) -> tuple[float, str]:
    items, per_item, mode = _chk(p)
    x = _num(row)
    if mode == "count":
        return min(row.weight, per_item * min(items, x)), ""
    return max(0.0, row.weight - per_item * x), ""


def _chk_f(c: Cells, p: P) -> str:
    items, per_item, mode = _chk(p)
    if mode == "count":
        return f"MIN({c.weight},{lit(per_item)}*MIN({lit(items)},{c.x}))"
    return f"MAX(0,{c.weight}-{lit(per_item)}*{c.x})"


register(Kind("checklist", _chk_v, _chk_f))


# --- qualitative / categorical: text → share -------------------------------------------
def xl_trim(text: str) -> str:
    """Excel's ``TRIM``: runs of ASCII spaces collapse and the ends are cut; nothing else (a
    full-width space or a line break stays, so such a tier is reported, in Excel and here)."""
    return " ".join(part for part in text.split(" ") if part)


def tier_share(p: P, key: str, label: str) -> float | None:
    """The share of tier ``label`` (trimmed, case-insensitive as Excel's ``=``); None if unknown."""
    label = xl_trim(label).casefold()
    for name, share in mapping(p, key).items():
        if xl_trim(name).casefold() == label:
            return share
    return None


def tier_formula(p: P, key: str, x: str, default: str) -> str:
    """Nested IFs mapping the trimmed ``x`` to its share; ``default`` for an unknown tier."""
    expr = default
    trimmed = f"TRIM({x})"
    for name, share in reversed(list(mapping(p, key).items())):
        expr = f"IF({trimmed}={text_lit(xl_trim(name))},{lit(share)},{expr})"
    return expr


def _tier_pair(key: str) -> tuple[Callable[[Row, P], tuple[float, str]], Callable[[Cells, P], str]]:
    def value(row: Row, p: P) -> tuple[float, str]:
        share = tier_share(p, key, str(row.x or ""))
        return (0.0, "score.tier_unknown") if share is None else (row.weight * share, "")

    def formula(c: Cells, p: P) -> str:
        return f"{c.weight}*{tier_formula(p, key, c.x, '0')}"

    return value, formula


register(Kind("qualitative", *_tier_pair("tiers"), text_x=True, tier_key="tiers"))
register(Kind("categorical", *_tier_pair("map"), text_x=True, tier_key="map"))


# --- over_target_penalty ---------------------------------------------------------------
def _otp(p: P) -> tuple[float, float]:
    return number(p, "threshold", 0.3), number(p, "penalty", 0.2)


def _otp_v(row: Row, p: P) -> tuple[float, str]:
    threshold, penalty = _otp(p)
    c = achievement(_num(row), _target(row), row.direction)
    if gt(c - 1, threshold):
        return row.weight * max(0.0, 1 - penalty), "score.over_target"
    return row.weight * min(1.0, max(0.0, c)), ""


def _otp_f(c: Cells, p: P) -> str:
    threshold, penalty = _otp(p)
    a = achievement_formula(c.x, c.target, c.direction)
    return (f"{c.weight}*IF({a}-1>{lit(threshold)},MAX(0,1-{lit(penalty)}),"
            f"MIN(1,MAX(0,{a})))")


register(Kind("over_target_penalty", _otp_v, _otp_f, needs_target=True))
